"""The year's main figures of a dossier: citizens for a commune, the units below for a district."""

from __future__ import annotations

from collections.abc import Sequence

from docx.document import Document

from cdht.reports.docx.base import line
from cdht.reports.docx.sections import citizen_lines, recognitions_table, table
from cdht.reports.inputs import DistrictDossier, UnitDossier, VillageFigures
from cdht.reports.labels import VILLAGE_STATE_LABELS, child_noun
from cdht.scoring import Assessment
from cdht.scoring.vn_format import format_int

_VILLAGE_HEADERS = ("Thôn", "Công dân", "Công dân học tập", "Qua đào tạo", "Đại học trở lên", "Trạng thái")


def child_level_counts(assessment: Assessment) -> str:
    """ "3 xã được đánh giá: 1 đạt mức độ 2, 1 đạt mức độ 1, 1 chưa đạt mức độ 1"."""
    noun = child_noun(assessment)
    levels = [child.level for child in assessment.children]
    return (
        f"{len(levels)} {noun} có kết quả tự đánh giá: {levels.count(2)} đạt mức độ 2, "
        f"{levels.count(1)} đạt mức độ 1, {levels.count(0)} chưa đạt mức độ 1"
    )


def key_figures(document: Document, dossier: UnitDossier, detailed: bool = True) -> None:
    """The figures in words; `detailed` adds the tables (villages of a commune, recognitions)."""
    assessment = dossier.assessment
    if not isinstance(dossier, DistrictDossier):
        citizen_lines(document, assessment)
        if detailed and dossier.villages:
            line(document, "- Số liệu các thôn:", indent=True)
            village_table(document, dossier.villages)
        return
    line(document, f"- Theo kết quả tính toán: {child_level_counts(assessment)}.", indent=True)
    last = assessment.levels[str(max(assessment.level, 1))].criteria[-1]
    for result in last.indicators:
        line(document, f"- {result.name}: {result.explanation}.", indent=True)
    if detailed and dossier.recognitions:
        line(document, f"- Danh sách {child_noun(assessment)} đã được công nhận:", indent=True)
        recognitions_table(document, dossier.recognitions)


def village_table(document: Document, villages: Sequence[VillageFigures]) -> None:
    def shown(count: int | None) -> str:
        return "—" if count is None else format_int(count)

    rows = [
        [
            village.name,
            *map(
                shown,
                (
                    village.citizens,
                    village.learning_citizens,
                    village.trained_citizens,
                    village.university_citizens,
                ),
            ),
            VILLAGE_STATE_LABELS[village.state],
        ]
        for village in villages
    ]
    table(document, _VILLAGE_HEADERS, rows)
