"""What the council reads of a dossier's frozen snapshot: the criteria of the level asked, each with the
commune's self-assessed result and the indicators' explanations, and the unit's name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cdht.handlers.ports.procedure import DossierRecord


@dataclass(frozen=True)
class SnapshotCriterion:
    """One criterion of the level asked, as the frozen snapshot holds it."""

    id: str
    name: str
    passed: bool
    explanations: tuple[str, ...]


def criteria_of(dossier: DossierRecord) -> list[SnapshotCriterion]:
    """The criteria of the level the dossier asks for, from its frozen assessment (the JSON of
    `assessment_to_json`, under "assessment" or the snapshot itself)."""
    assessment: Any = dossier.snapshot.get("assessment", dossier.snapshot)
    levels = assessment.get("levels", {}) if isinstance(assessment, dict) else {}
    level = levels.get(str(dossier.level)) or levels.get(str(max(dossier.level, 1))) or {}
    found = []
    for criterion in level.get("criteria", []):
        if not isinstance(criterion, dict):
            continue
        explanations = tuple(
            str(indicator.get("explanation", ""))
            for indicator in criterion.get("indicators", [])
            if isinstance(indicator, dict)
        )
        found.append(
            SnapshotCriterion(
                str(criterion.get("id", "")),
                str(criterion.get("name", "")),
                bool(criterion.get("passed")),
                explanations,
            )
        )
    return found


def unit_name(dossier: DossierRecord) -> str:
    assessment: Any = dossier.snapshot.get("assessment", dossier.snapshot)
    name = assessment.get("unit_name") if isinstance(assessment, dict) else None
    return str(name or f"đơn vị #{dossier.unit_id}")
