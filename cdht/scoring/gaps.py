"""What blocks a level: the indicators not passed at that level, closest first."""

from __future__ import annotations

from dataclasses import dataclass

from cdht.scoring.results import Assessment, IndicatorResult, Status

_ACTIONS = {
    Status.NO_EVIDENCE: "Bổ sung minh chứng",
    Status.MISSING: "Bổ sung hoặc sửa số liệu",
    Status.FAIL: "Cần cải thiện để đạt ngưỡng",
}
# Among equally close blockers, attaching evidence is quicker than answering, answering than improving.
_EFFORT = {Status.NO_EVIDENCE: 0, Status.MISSING: 1, Status.FAIL: 2}


@dataclass(frozen=True)
class Gap:
    indicator_id: str
    criterion_id: str
    name: str
    level: int
    status: Status
    distance: float
    action: str
    text: str
    result: IndicatorResult


def gaps(assessment: Assessment, target_level: int | None = None) -> list[Gap]:
    """Blockers of `target_level` (default: the next level, or 2 when reached) ordered by closeness."""
    target = min(assessment.level + 1, 2) if target_level is None else target_level
    if str(target) not in assessment.levels:
        raise ValueError(f"target level must be 1 or 2, got {target}")
    found = [
        Gap(
            indicator_id=result.id,
            criterion_id=criterion.id,
            name=result.name,
            level=target,
            status=result.status,
            distance=result.distance,
            action=_ACTIONS[result.status],
            text=f"{result.name} — {result.explanation}",
            result=result,
        )
        for criterion in assessment.levels[str(target)].criteria
        for result in criterion.indicators
        if not result.passed
    ]
    return sorted(found, key=lambda gap: (gap.distance, _EFFORT[gap.status], _id_key(gap.indicator_id)))


def _id_key(indicator_id: str) -> tuple[int, ...]:
    return tuple(int(part) for part in indicator_id.split(".") if part.isdigit())
