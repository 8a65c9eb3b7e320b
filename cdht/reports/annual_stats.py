"""The numbers of a district's yearly report: communes evaluated, levels reached, indicators failed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cdht.reports.inputs import AnnualReportInput
from cdht.scoring import Assessment, Status

SUBJECT = "Kết quả đánh giá, công nhận “Cộng đồng học tập” cấp xã năm {year}"


@dataclass(frozen=True)
class FailedIndicator:
    """How many communes did not pass one indicator, at each level, and why at level 1."""

    id: str
    name: str
    not_passed_1: int
    not_passed_2: int
    failed_1: int
    missing_1: int
    no_evidence_1: int


@dataclass(frozen=True)
class AnnualSummary:
    evaluated: int
    total: int | None
    level_2: int
    level_1: int
    not_reached: int
    failed: tuple[FailedIndicator, ...]
    """Indicators not passed by at least one commune at level 1 or 2, most often failed first."""


def level_rows(summary: AnnualSummary) -> list[tuple[str, int]]:
    return [
        ("Đạt mức độ 2", summary.level_2),
        ("Đạt mức độ 1", summary.level_1),
        ("Chưa đạt mức độ 1", summary.not_reached),
    ]


def _not_passed(assessment: Assessment, level: int) -> dict[str, Status]:
    return {
        result.id: result.status
        for criterion in assessment.levels[str(level)].criteria
        for result in criterion.indicators
        if result.status is not Status.PASS
    }


def _indicator_order(communes: Sequence[Assessment]) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for assessment in communes:
        for criterion in assessment.levels["1"].criteria:
            for result in criterion.indicators:
                seen.setdefault(result.id, result.name)
    return list(seen.items())


def summarise(report: AnnualReportInput) -> AnnualSummary:
    communes = list(report.communes)
    first = [_not_passed(assessment, 1) for assessment in communes]
    second = [_not_passed(assessment, 2) for assessment in communes]
    failed = []
    for position, (indicator_id, name) in enumerate(_indicator_order(communes)):
        at_1 = [statuses[indicator_id] for statuses in first if indicator_id in statuses]
        count_2 = sum(1 for statuses in second if indicator_id in statuses)
        if at_1 or count_2:
            item = FailedIndicator(
                indicator_id,
                name,
                len(at_1),
                count_2,
                at_1.count(Status.FAIL),
                at_1.count(Status.MISSING),
                at_1.count(Status.NO_EVIDENCE),
            )
            failed.append((-item.not_passed_1, -item.not_passed_2, position, item))
    return AnnualSummary(
        evaluated=len(communes),
        total=report.communes_total,
        level_2=sum(1 for assessment in communes if assessment.level == 2),
        level_1=sum(1 for assessment in communes if assessment.level == 1),
        not_reached=sum(1 for assessment in communes if assessment.level == 0),
        failed=tuple(entry[-1] for entry in sorted(failed, key=lambda entry: entry[:3])),
    )
