"""Draft of the self-assessment report "Báo cáo tự đánh giá" (commune or district)."""

from __future__ import annotations

from cdht.reports.docx.base import (
    LEFT,
    header_block,
    heading,
    line,
    new_document,
    signature_block,
    title_block,
    to_bytes,
)
from cdht.reports.docx.figures import key_figures
from cdht.reports.docx.sections import (
    conclusion,
    criteria_details,
    gap_lines,
    learning_models_table,
    legal_basis,
    results_table,
)
from cdht.reports.inputs import DistrictDossier, UnitDossier
from cdht.reports.labels import (
    BLANK,
    child_noun,
    community_title,
    document_date,
    in_sentence,
    issuer,
    level_text,
)

_SITUATION = (
    "[Cán bộ bổ sung: đặc điểm tình hình của địa phương, thuận lợi, khó khăn; việc tổ chức tự đánh giá "
    "và cuộc họp rà soát với Hội Khuyến học, Mặt trận Tổ quốc và các đoàn thể.]"
)
_PROPOSALS = "[Cán bộ bổ sung: giải pháp duy trì, nâng cao chất lượng và kiến nghị với cấp trên.]"
_MODELS = (
    "Kết quả đánh giá, công nhận «Đơn vị học tập», «Gia đình học tập», «Dòng họ học tập» và "
    "«Cộng đồng học tập cấp thôn»"
)


def self_assessment_report(dossier: UnitDossier) -> bytes:
    assessment, signing = dossier.assessment, dossier.signing
    body, unit = issuer(assessment, signing.issuer), in_sentence(assessment.unit_name)
    title, year = community_title(assessment.tier), assessment.year
    document = new_document(
        f"Báo cáo tự đánh giá {title} — {assessment.unit_name} — {year}",
        document_date(year, signing.signed_on),
    )
    header_block(document, signing, body, "BC")
    title_block(document, "BÁO CÁO", f"Tự đánh giá kết quả xây dựng {title} năm {year}")
    legal_basis(document)
    line(
        document,
        f"{body} báo cáo kết quả tự đánh giá năm {year} (số liệu từ ngày 01/01/{year} đến ngày 31/12/{year}) như sau:",
        indent=True,
    )
    heading(document, "I. ĐẶC ĐIỂM TÌNH HÌNH")
    line(document, _SITUATION, italic=True, indent=True)
    heading(document, "II. KẾT QUẢ TỰ ĐÁNH GIÁ CÁC TIÊU CHÍ, CHỈ TIÊU")
    line(document, "1. Kết quả từng tiêu chí, chỉ tiêu", bold=True, align=LEFT)
    criteria_details(document, assessment, dossier.evidence_counts)
    line(document, "2. Bảng tổng hợp", bold=True, align=LEFT)
    results_table(document, assessment, dossier.evidence_counts)
    if isinstance(dossier, DistrictDossier):
        heading(document, f"III. KẾT QUẢ XÂY DỰNG CỘNG ĐỒNG HỌC TẬP CỦA CÁC {child_noun(assessment).upper()}")
    else:
        heading(document, "III. SỐ LIỆU CÔNG DÂN (CHỈ TIÊU 5.1, 5.2)")
    key_figures(document, dossier)
    numerals = iter(("IV", "V", "VI"))
    if dossier.learning_models is not None:
        heading(document, f"{next(numerals)}. KẾT QUẢ ĐÁNH GIÁ, CÔNG NHẬN CÁC MÔ HÌNH HỌC TẬP")
        source = (
            "tổng hợp từ các xã" if isinstance(dossier, DistrictDossier) else "số liệu các thôn và của xã"
        )
        line(document, f"{_MODELS} năm {year} ({source}):", indent=True)
        learning_models_table(document, dossier.learning_models)
    heading(document, f"{next(numerals)}. KẾT LUẬN")
    conclusion(document, assessment, unit)
    gap_lines(document, assessment, min(assessment.level + 1, 2))
    heading(document, f"{next(numerals)}. KIẾN NGHỊ, ĐỀ XUẤT")
    if assessment.level:
        recipient = signing.recipient or BLANK
        line(
            document,
            f"Đề nghị {recipient} xem xét, công nhận {unit} đạt {title} {level_text(assessment.level)} năm {year}.",
            indent=True,
        )
    else:
        line(
            document,
            f"Tập trung khắc phục các chỉ tiêu chưa đạt nêu trên để đạt {title} mức độ 1.",
            indent=True,
        )
    line(document, _PROPOSALS, italic=True, indent=True)
    line(
        document,
        f"Trên đây là báo cáo tự đánh giá kết quả xây dựng {title} năm {year} của {body}./.",
        indent=True,
    )
    signature_block(document, signing, body, [signing.recipient or "Cơ quan có thẩm quyền công nhận;"])
    return to_bytes(document)
