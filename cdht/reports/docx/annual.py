"""Draft of the yearly report, made in May, on evaluating and recognising the communes of a district: from
Phòng Giáo dục và Đào tạo to Sở Giáo dục và Đào tạo and the district's People's Committee (TT 25/2023
Điều 23.2; who reports and to whom is configuration)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date

from docx.document import Document

from cdht.reports.annual_stats import (
    NO_DOSSIER,
    NOT_ANSWERED,
    NOT_RECOGNISED,
    REPORT_MONTH,
    SUBJECT,
    AnnualSummary,
    answered_count,
    difficulty_groups,
    head_title,
    level_rows,
    recognition_texts,
    summarise,
)
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
from cdht.reports.docx.sections import SHORT_CIRCULAR, criterion_word, legal_basis, recognitions_table, table
from cdht.reports.inputs import AnnualReportInput, DifficultyItem, Signing
from cdht.reports.labels import BLANK, in_sentence, level_text
from cdht.reports.rows import failing_text
from cdht.scoring import level_line
from cdht.scoring.learning_models import (
    LearningModels,
    ModelCount,
    combine,
    count_text,
    learning_model_lines,
)

_NEXT = "[Cán bộ bổ sung: phương hướng, nhiệm vụ năm tiếp theo; các xã cần hỗ trợ; kiến nghị, đề xuất.]"
_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")
_ARTICLE = {"Phòng ": "khoản 2 Điều 23", "Sở ": "khoản 3 Điều 21"}
_SHORT_NAMES = {"Phòng Giáo dục và Đào tạo": "PGDĐT", "Sở Giáo dục và Đào tạo": "SGDĐT"}


def share_text(count: int, total: int) -> str:
    return f"{count * 1000 // total / 10:.1f}".replace(".", ",") + "%" if total else "—"


def parties(report: AnnualReportInput) -> tuple[Signing, str, list[str]]:
    """Who issues (as the header prints it), the issuer's name in a sentence, and the «Nơi nhận».

    With no issuer given, Phòng Giáo dục và Đào tạo under the unit's People's Committee; with no recipients,
    Sở Giáo dục và Đào tạo and the unit's People's Committee."""
    signing, unit = report.signing, in_sentence(report.unit_name)
    if not signing.issuer:
        signing = Signing(
            place=signing.place,
            signed_on=signing.signed_on,
            signer_name=signing.signer_name,
            signer_title=head_title("Phòng Giáo dục và Đào tạo"),
            issuer="Phòng Giáo dục và Đào tạo",
            parent_issuer=signing.parent_issuer or f"Ủy ban nhân dân {unit}",
            recipient=signing.recipient,
        )
    body = f"{signing.issuer} {unit}" if signing.parent_issuer else signing.issuer
    recipients = [name for name in report.recipients if name.strip()] or [
        "Sở Giáo dục và Đào tạo",
        f"Ủy ban nhân dân {unit}",
    ]
    return signing, body, recipients


def annual_report_document(report: AnnualReportInput) -> bytes:
    year, unit = report.year, in_sentence(report.unit_name)
    signing, body, recipients = parties(report)
    subject = SUBJECT.format(year=year)
    created = signing.signed_on or _month_start(year)
    document = new_document(f"{subject} — {report.unit_name}", created)
    dated = (
        None
        if signing.signed_on
        else f"{signing.place or BLANK}, ngày …… tháng {REPORT_MONTH} năm {year + 1}"
    )
    header_block(document, signing, signing.issuer, _number_kind(signing.issuer), dated)
    title_block(document, "BÁO CÁO", f"{subject} trên địa bàn {unit}")
    legal_basis(document)
    article = next((text for prefix, text in _ARTICLE.items() if signing.issuer.startswith(prefix)), "")
    duty = f" ({article} {SHORT_CIRCULAR})" if article else ""
    line(
        document,
        f"{body} báo cáo {_joined(recipients)} kết quả đánh giá, công nhận “Cộng đồng học tập” cấp xã năm "
        f"{year} trên địa bàn {unit}{duty} như sau:",
        indent=True,
    )
    summary = summarise(report)
    numbers = iter(_ROMAN)
    _evaluated(document, report, summary, next(numbers))
    heading(document, f"{next(numbers)}. CÁC CHỈ TIÊU CÓ NHIỀU XÃ CHƯA ĐẠT")
    _failed(document, summary)
    heading(document, f"{next(numbers)}. KẾT QUẢ CÔNG NHẬN TRONG NĂM")
    if report.recognitions:
        recognitions_table(document, report.recognitions)
    else:
        line(document, "Chưa có quyết định công nhận nào trong năm.", indent=True)
    _learning_models(document, report, next(numbers))
    _difficulties(document, report, next(numbers))
    if report.district is not None:
        heading(document, f"{next(numbers)}. KẾT QUẢ TỰ ĐÁNH GIÁ CỦA {report.district.unit_name.upper()}")
        line(document, level_line(report.district), bold=True)
        for criterion in report.district.levels["1"].criteria:
            line(
                document,
                f"- Tiêu chí {criterion.id}. {criterion.name}: mức độ 1 {criterion_word(criterion.indicators)}.",
                indent=True,
            )
    heading(document, f"{next(numbers)}. PHƯƠNG HƯỚNG, NHIỆM VỤ")
    line(document, _NEXT, italic=True, indent=True)
    line(document, f"Trên đây là báo cáo của {body}./.", indent=True)
    signature_block(document, signing, signing.issuer, recipients)
    return to_bytes(document)


def _month_start(year: int) -> date:
    return date(year + 1, REPORT_MONTH, 1)


def _number_kind(issuer: str) -> str:
    """ "Số: …/BC-PGDĐT" for Phòng Giáo dục và Đào tạo; a People's Committee's "BC-UBND" comes from the base."""
    return "-".join(["BC", *(short for name, short in _SHORT_NAMES.items() if issuer.startswith(name))])


def _joined(names: Sequence[str]) -> str:
    names = [name.rstrip(" ;.") for name in names]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " và " + names[-1]


def _evaluated(document: Document, report: AnnualReportInput, summary: AnnualSummary, number: str) -> None:
    heading(document, f"{number}. KẾT QUẢ ĐÁNH GIÁ, CÔNG NHẬN CÁC XÃ")
    total = "" if summary.total is None else f"Tổng số xã: {summary.total}; "
    line(
        document, f"{total}số xã có kết quả tự đánh giá năm {report.year}: {summary.evaluated}.", indent=True
    )
    rows = [[label, str(count), share_text(count, summary.evaluated)] for label, count in level_rows(summary)]
    table(document, ["Kết quả tự đánh giá", "Số xã", "Tỷ lệ"], rows)
    stages = [report.stages.get(assessment.unit_code, NO_DOSSIER) for assessment in report.communes]
    if stages:
        counted = Counter(stages)
        told = "; ".join(f"{stage}: {count} xã" for stage, count in counted.most_common())
        line(document, f"Hồ sơ đề nghị công nhận của các xã — {told}.", indent=True)
    decided = recognition_texts(report.recognitions, report.year)
    communes = [
        [
            str(index),
            assessment.unit_name,
            level_text(assessment.level),
            stage[:1].upper() + stage[1:],
            decided.get(assessment.unit_code, NOT_RECOGNISED),
            failing_text(assessment, 1),
        ]
        for index, (assessment, stage) in enumerate(zip(report.communes, stages, strict=True), start=1)
    ]
    headers = ["STT", "Xã", "Tự đánh giá", "Hồ sơ", "Công nhận", "Chỉ tiêu chưa đạt mức độ 1"]
    table(document, headers, communes)


def _failed(document: Document, summary: AnnualSummary) -> None:
    if not summary.failed:
        line(document, "Tất cả các xã được đánh giá đều đạt mọi chỉ tiêu ở mức độ 2.", indent=True)
        return
    rows = [
        [
            item.id,
            item.name,
            str(item.not_passed_1),
            f"{item.failed_1} / {item.missing_1} / {item.no_evidence_1}",
            str(item.not_passed_2),
        ]
        for item in summary.failed
    ]
    headers = [
        "Chỉ tiêu",
        "Nội dung",
        "Số xã chưa đạt mức độ 1",
        "Trong đó: không đạt / thiếu số liệu / thiếu minh chứng",
        "Số xã chưa đạt mức độ 2",
    ]
    table(document, headers, rows)


def _pair(count: ModelCount) -> str:
    """ "12 / 10": evaluated / recognised, "—" for a figure not given."""
    return " / ".join("—" if n is None else count_text(n) for n in (count.evaluated, count.recognised))


def _model_row(name: str, models: LearningModels) -> list[str]:
    reported = f"{models.villages_reporting}/{models.villages_total}"
    return [name, *(_pair(count) for _, count in models.rows()), reported]


def _learning_models(document: Document, report: AnnualReportInput, number: str) -> None:
    """The learning models the communes evaluated and recognised (the district's plan letter): each commune
    and the district's total."""
    heading(document, f"{number}. ĐÁNH GIÁ, CÔNG NHẬN CÁC MÔ HÌNH HỌC TẬP")
    tallied = [
        (assessment.unit_name, report.learning_models[assessment.unit_code])
        for assessment in report.communes
        if assessment.unit_code in report.learning_models
    ]
    if not tallied:
        line(document, "Chưa có số liệu về các mô hình học tập của các xã.", indent=True)
        return
    total = combine([models for _, models in tallied])
    line(document, f"Toàn {_noun(report.unit_name)}:", bold=True, align=LEFT)
    for text in learning_model_lines(total):
        if text.startswith("("):
            line(document, text, italic=True, indent=True)
        else:
            line(document, f"- {text.lstrip('•- ')}.", indent=True)
    headers = ["Xã", *(name for name, _ in total.rows()), "Số thôn đã báo cáo đủ"]
    rows = [_model_row(name, models) for name, models in tallied]
    rows.append(_model_row("Tổng cộng", total))
    line(document, "Số được đánh giá / số được công nhận của từng xã:", italic=True, indent=True)
    table(document, headers, rows)


def _noun(unit_name: str) -> str:
    """ "Huyện Kim Sơn" -> "huyện"; a name without an administrative word is kept whole."""
    first = in_sentence(unit_name).split(" ", 1)[0]
    return first if first.islower() else in_sentence(unit_name)


def _difficulties(document: Document, report: AnnualReportInput, number: str) -> None:
    """The vướng mắc raised in chat during the year, by commune, each with its answer or «chưa trả lời»."""
    heading(document, f"{number}. VƯỚNG MẮC ĐƯỢC NÊU VÀ VIỆC TRẢ LỜI")
    items = list(report.difficulties)
    period = (
        f"Từ ngày {report.period[0]:%d/%m/%Y} đến ngày {report.period[1]:%d/%m/%Y}"
        if report.period
        else "Trong năm"
    )
    if not items:
        line(document, f"{period}, không có vướng mắc nào được nêu qua hệ thống.", indent=True)
        return
    answered = answered_count(items)
    line(
        document,
        f"{period}, các đơn vị nêu {len(items)} vướng mắc qua hệ thống; đã trả lời {answered}, "
        f"{NOT_ANSWERED} {len(items) - answered}.",
        indent=True,
    )
    for index, (group, listed) in enumerate(difficulty_groups(items), start=1):
        done = answered_count(listed)
        line(
            document, f"{index}. {group} ({len(listed)} vướng mắc, đã trả lời {done})", bold=True, align=LEFT
        )
        for item in listed:
            _difficulty(document, item)


def _difficulty(document: Document, item: DifficultyItem) -> None:
    where = f", {item.unit_name}" if item.unit_name and item.unit_name != item.group else ""
    line(document, f"- Ngày {item.raised_on:%d/%m/%Y}, {item.raised_by}{where}: {item.text}", indent=True)
    if item.answer is None:
        line(document, f"Trả lời: {NOT_ANSWERED}.", italic=True, indent=True)
        return
    who = ", ".join(part for part in (item.answered_by, _day(item)) if part)
    line(document, f"Trả lời{f' ({who})' if who else ''}: {item.answer}", italic=True, indent=True)


def _day(item: DifficultyItem) -> str:
    return f"ngày {item.answered_on:%d/%m/%Y}" if item.answered_on else ""
