"""Parts the dossier documents share: legal basis, results, citizen figures, gaps, recognitions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from docx.document import Document
from docx.shared import Pt

from cdht.reports.docx.base import CENTER, LEFT, heading, line
from cdht.reports.figures import value_text
from cdht.reports.inputs import RecognitionRecord
from cdht.reports.labels import (
    CIRCULAR,
    clean_text,
    community_title,
    criterion_status,
    level_text,
    status_label,
)
from cdht.reports.rows import citizen_figures, indicator_rows
from cdht.scoring import Assessment, IndicatorResult, Status, gaps, level_line
from cdht.scoring.learning_models import LearningModels, count_text, coverage_line
from cdht.scoring.vn_format import format_int

SHORT_CIRCULAR = "Thông tư số 25/2023/TT-BGDĐT"
_SOURCE = {"villages": "tổng hợp từ số liệu các thôn", "commune": "do xã nhập trực tiếp"}


def legal_basis(document: Document) -> None:
    line(document, f"Căn cứ {CIRCULAR};", italic=True, indent=True)


def table(document: Document, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """A bordered table of plain text, header row in bold, 11 pt."""
    grid = document.add_table(rows=1, cols=len(headers))
    grid.style = "Table Grid"
    for cell, text in zip(grid.rows[0].cells, headers, strict=True):
        cell.paragraphs[0].alignment = CENTER
        cell.paragraphs[0].add_run(text).bold = True
    for values in rows:
        cells = grid.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.paragraphs[0].add_run(clean_text(text))
    for row in grid.rows:
        for cell in row.cells:
            for run in cell.paragraphs[0].runs:
                run.font.size = Pt(11)
    line(document, "")


def results_table(document: Document, assessment: Assessment, evidence_counts: Mapping[str, int]) -> None:
    rows = [
        [
            row.id,
            row.name,
            value_text(row.level_1.value, row.rule),
            status_label(row.level_1.status),
            status_label(row.level_2.status),
            "" if row.evidence is None else str(row.evidence),
        ]
        for row in indicator_rows(assessment, evidence_counts)
    ]
    table(document, ["Chỉ tiêu", "Nội dung", "Giá trị", "Mức độ 1", "Mức độ 2", "Minh chứng"], rows)


def criteria_details(document: Document, assessment: Assessment, evidence_counts: Mapping[str, int]) -> None:
    """Each criterion with its result at both levels, then each indicator with its explanation."""
    rows = indicator_rows(assessment, evidence_counts)
    first, second = assessment.levels["1"], assessment.levels["2"]
    for criterion_1, criterion_2 in zip(first.criteria, second.criteria, strict=True):
        results = [criterion_word(criterion_1.indicators), criterion_word(criterion_2.indicators)]
        heading(
            document,
            f"Tiêu chí {criterion_1.id}. {criterion_1.name}: mức độ 1 {results[0]}; mức độ 2 {results[1]}.",
        )
        for row in (row for row in rows if row.criterion_id == criterion_1.id):
            shown = row.evidence is not None and (row.evidence > 0 or row.needs_evidence)
            evidence = f" Số minh chứng: {row.evidence}." if shown else ""
            line(
                document,
                f"- Chỉ tiêu {row.id}. {row.name.replace(chr(10), '; ')}: mức độ 1 {status_label(row.level_1.status).lower()}, "
                f"mức độ 2 {status_label(row.level_2.status).lower()}. {row.explanation.replace(chr(10), '; ')}.{evidence}",
                indent=True,
            )


def criterion_word(indicators: Sequence[IndicatorResult]) -> str:
    return "đạt" if criterion_status([result.status for result in indicators]) is Status.PASS else "chưa đạt"


def citizen_lines(document: Document, assessment: Assessment) -> bool:
    """The 5.1 / 5.2 figures in words, on the base they were counted on; False when the unit has none
    (districts, provinces)."""
    figures = citizen_figures(assessment)
    if figures is None:
        return False
    if not figures.citizens:
        line(document, "- Chưa có đủ số liệu công dân để tính chỉ tiêu 5.1, 5.2.", indent=True)
        return True
    total = format_int(figures.citizens)
    source = _SOURCE.get(figures.source, figures.source)
    line(
        document, f"- Tổng số công dân: {total} (cơ sở tính: {figures.base}; số liệu {source}).", indent=True
    )
    texts = {
        "learning": "Số công dân đạt danh hiệu “Công dân học tập”",
        "trained": "Số công dân qua đào tạo chuyên môn, kỹ thuật",
        "university": "Trong đó, số công dân có trình độ đại học trở lên",
    }
    for key, label in texts.items():
        if key in figures.counts and key in figures.shares:
            share = f"{figures.shares[key]:.1f}".replace(".", ",")
            line(
                document, f"- {label}: {format_int(figures.counts[key])}/{total}, đạt {share}%.", indent=True
            )
    return True


def gap_lines(document: Document, assessment: Assessment, level: int) -> None:
    found = gaps(assessment, level)
    if not found:
        return
    line(document, f"Các chỉ tiêu chưa đạt {level_text(level)}:", bold=True, align=LEFT)
    for gap in found:
        line(document, f"- {gap.indicator_id}: {gap.text} — {gap.action}.", indent=True)


def conclusion(document: Document, assessment: Assessment, unit: str) -> None:
    line(document, level_line(assessment), bold=True, align=LEFT)
    if assessment.level:
        title = community_title(assessment.tier)
        verdict = f"tự đánh giá đạt {title} {level_text(assessment.level)} năm {assessment.year}"
    else:
        verdict = "chưa đạt mức độ 1, chưa đủ điều kiện đề nghị công nhận"
    line(document, f"Đối chiếu với {SHORT_CIRCULAR}, {unit} {verdict}.", indent=True)


def recognitions_table(document: Document, records: Sequence[RecognitionRecord]) -> None:
    rows = [
        [
            str(index),
            record.unit_name,
            level_text(record.level),
            str(record.year),
            record.decision_number or "",
            record.decided_on.strftime("%d/%m/%Y") if record.decided_on else "",
        ]
        for index, record in enumerate(records, start=1)
    ]
    table(document, ["STT", "Đơn vị", "Mức độ", "Năm đánh giá", "Số quyết định", "Ngày quyết định"], rows)


def learning_models_table(document: Document, models: LearningModels) -> None:
    """Each learning model with how many were evaluated and recognised (a figure not given is said so)."""
    rows = [
        [name, count_text(count.evaluated), count_text(count.recognised)] for name, count in models.rows()
    ]
    table(document, ["Mô hình học tập", "Số được đánh giá", "Số được công nhận"], rows)
    if coverage := coverage_line(models):
        line(document, f"Ghi chú: {coverage}", italic=True, indent=True)
