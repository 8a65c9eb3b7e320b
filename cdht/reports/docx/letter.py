"""Draft of the request letter "Tờ trình đề nghị công nhận Cộng đồng học tập" (commune or district)."""

from __future__ import annotations

from cdht.reports.docx.base import (
    CENTER,
    LEFT,
    header_block,
    line,
    new_document,
    signature_block,
    title_block,
    to_bytes,
)
from cdht.reports.docx.figures import key_figures
from cdht.reports.docx.sections import SHORT_CIRCULAR, criterion_word, gap_lines, legal_basis
from cdht.reports.inputs import UnitDossier
from cdht.reports.labels import BLANK, community_title, document_date, in_sentence, issuer, level_text
from cdht.scoring import level_line


def request_letter(dossier: UnitDossier) -> bytes:
    """The "Tờ trình" proposing the level reached; with no level it says so and lists the gaps."""
    assessment, signing = dossier.assessment, dossier.signing
    body, unit = issuer(assessment, signing.issuer), in_sentence(assessment.unit_name)
    title, year = community_title(assessment.tier), assessment.year
    recipient = signing.recipient or BLANK
    document = new_document(
        f"Tờ trình đề nghị công nhận {title} — {assessment.unit_name} — {year}",
        document_date(year, signing.signed_on),
    )
    header_block(document, signing, body, "TTr")
    title_block(document, "TỜ TRÌNH", f"Về việc đề nghị công nhận {title} năm {year}")
    line(document, f"Kính gửi: {recipient}.", align=CENTER)
    legal_basis(document)
    line(
        document,
        f"Căn cứ kết quả tự đánh giá năm {year} (từ ngày 01/01/{year} đến ngày 31/12/{year}) của {body};",
        italic=True,
        indent=True,
    )
    if assessment.level:
        proposal = f"công nhận {unit} đạt {title} {level_text(assessment.level)} năm {year}"
        line(document, f"{body} kính trình {recipient} xem xét, {proposal}, cụ thể như sau:", indent=True)
    else:
        line(
            document,
            f"Theo kết quả tự đánh giá năm {year}, {unit} chưa đạt mức độ 1 theo {SHORT_CIRCULAR}, "
            "chưa đủ điều kiện đề nghị công nhận. Dự thảo này dùng để rà soát các chỉ tiêu cần khắc phục:",
            indent=True,
        )
    line(document, "1. Kết quả tự đánh giá các tiêu chí", bold=True, align=LEFT)
    first, second = assessment.levels["1"], assessment.levels["2"]
    for criterion_1, criterion_2 in zip(first.criteria, second.criteria, strict=True):
        words = [criterion_word(criterion_1.indicators), criterion_word(criterion_2.indicators)]
        line(
            document,
            f"- Tiêu chí {criterion_1.id}. {criterion_1.name}: mức độ 1 {words[0]}, mức độ 2 {words[1]}.",
            indent=True,
        )
    line(document, level_line(assessment), bold=True, align=LEFT)
    if not assessment.level:
        gap_lines(document, assessment, 1)
    line(document, "2. Số liệu chủ yếu", bold=True, align=LEFT)
    key_figures(document, dossier, detailed=False)
    line(document, "3. Hồ sơ kèm theo", bold=True, align=LEFT)
    evidence = sum(dossier.evidence_counts.values())
    for item in (
        f"Báo cáo tự đánh giá kết quả xây dựng {title} năm {year};",
        "Bản tổng hợp kết quả đánh giá các tiêu chí, chỉ tiêu;",
        f"Các minh chứng kèm theo ({evidence} tệp)." if evidence else "Các minh chứng kèm theo.",
    ):
        line(document, f"- {item}", indent=True)
    closing = "xem xét, quyết định" if assessment.level else "xem xét, chỉ đạo"
    line(document, f"{body} kính trình {recipient} {closing}./.", indent=True)
    signature_block(document, signing, body, ["Như trên;"])
    return to_bytes(document)
