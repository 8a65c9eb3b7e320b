"""python-docx plumbing: an A4 page in Times New Roman with the layout of Vietnamese administrative
documents (NĐ 30/2020/NĐ-CP habits): issuer and national motto side by side, title, body, signature."""

from __future__ import annotations

import io
from datetime import date, datetime

import docx
from docx.blkcntnr import BlockItemContainer
from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from cdht.reports.inputs import Signing
from cdht.reports.labels import BLANK, clean_text, dated_line

MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
DRAFT = "DỰ THẢO"
DRAFT_NOTE = (
    "DỰ THẢO — văn bản do hệ thống tạo từ số liệu đã nhập; cần rà soát, chỉnh sửa trước khi trình ký."
)
_RED = RGBColor(0xC0, 0x00, 0x00)
CENTER, RIGHT, JUSTIFY, LEFT = (
    WD_ALIGN_PARAGRAPH.CENTER,
    WD_ALIGN_PARAGRAPH.RIGHT,
    WD_ALIGN_PARAGRAPH.JUSTIFY,
    WD_ALIGN_PARAGRAPH.LEFT,
)
Container = Document | BlockItemContainer


def new_document(title: str, created: date) -> Document:
    document = docx.Document()
    normal = document.styles["Normal"].font
    normal.name, normal.size = "Times New Roman", Pt(13)
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    header = section.header.paragraphs[0]
    header.alignment = RIGHT
    _run(header, DRAFT, bold=True, colour=True)
    properties = document.core_properties
    moment = datetime(created.year, created.month, created.day)
    properties.title, properties.author, properties.last_modified_by = clean_text(title), "", ""
    properties.created, properties.modified, properties.revision = moment, moment, 1
    return document


def _run(
    paragraph: Paragraph, text: str, bold: bool = False, italic: bool = False, colour: bool = False
) -> None:
    run = paragraph.add_run(clean_text(text))
    run.bold, run.italic = bold or None, italic or None
    if colour:
        run.font.color.rgb = _RED


def line(
    container: Container,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    align: WD_ALIGN_PARAGRAPH = JUSTIFY,
    indent: bool = False,
    size: float | None = None,
) -> Paragraph:
    """One paragraph of people's or generated text (control characters removed)."""
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(3)
    if indent:
        paragraph.paragraph_format.first_line_indent = Cm(1)
    _run(paragraph, text, bold, italic)
    if size is not None:
        for run in paragraph.runs:
            run.font.size = Pt(size)
    return paragraph


def heading(container: Container, text: str) -> Paragraph:
    return line(container, text, bold=True, align=LEFT)


def header_block(
    document: Document, signing: Signing, issuer: str, kind: str, dated: str | None = None
) -> None:
    """Issuer and "Số" on the left, the national motto and the place and date on the right.

    `kind` is the document's short code ("TTr", "BC"); a People's Committee adds "-UBND". `dated` replaces
    the place and date line (a draft whose day is left for the signer).
    """
    number_suffix = f"{kind}-UBND" if issuer.lower().startswith("ủy ban nhân dân") else kind
    table = document.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    left.width, right.width = Cm(6.5), Cm(9.5)
    left.paragraphs[0].alignment = CENTER
    if signing.parent_issuer:
        _run(left.paragraphs[0], signing.parent_issuer.upper())
        line(left, issuer.upper(), bold=True, align=CENTER, size=12)
    else:
        first, _, rest = _split_issuer(issuer.upper())
        _run(left.paragraphs[0], first, bold=True)
        if rest:
            line(left, rest, bold=True, align=CENTER)
    line(left, "————", align=CENTER, size=12)
    line(left, f"Số:        /{number_suffix}", align=CENTER, size=12)
    right.paragraphs[0].alignment = CENTER
    _run(right.paragraphs[0], MOTTO[0], bold=True)
    line(right, MOTTO[1], bold=True, align=CENTER)
    line(right, "———————————", align=CENTER, size=12)
    line(right, dated or dated_line(signing.place, signing.signed_on), italic=True, align=CENTER)
    line(document, DRAFT_NOTE, italic=True, align=CENTER, size=11).runs[0].font.color.rgb = _RED


def _split_issuer(issuer: str) -> tuple[str, str, str]:
    """ "ỦY BAN NHÂN DÂN XÃ HÒA BÌNH" is printed on two lines, the body's kind above its place."""
    kind = "ỦY BAN NHÂN DÂN"
    if issuer.startswith(kind + " "):
        return kind, " ", issuer[len(kind) + 1 :]
    return issuer, "", ""


def title_block(document: Document, kind: str, subject: str) -> None:
    line(document, "", align=CENTER)
    line(document, kind, bold=True, align=CENTER, size=14)
    line(document, subject, bold=True, align=CENTER)
    line(document, "————", align=CENTER)


def signature_block(document: Document, signing: Signing, issuer: str, recipients: list[str]) -> None:
    """ "Nơi nhận" on the left; on the right who signs, the blank space for signature and seal."""
    line(document, "")
    table = document.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    _run(left.paragraphs[0], "Nơi nhận:", bold=True, italic=True)
    for recipient in recipients:
        line(left, f"- {recipient.rstrip(' ;.')};", align=LEFT, size=11)
    line(left, "- Lưu: VT.", align=LEFT, size=11)
    right.paragraphs[0].alignment = CENTER
    if issuer.lower().startswith("ủy ban nhân dân"):
        _run(right.paragraphs[0], "TM. ỦY BAN NHÂN DÂN", bold=True)
        line(right, signing.signer_title.upper(), bold=True, align=CENTER)
    else:
        _run(right.paragraphs[0], signing.signer_title.upper(), bold=True)
    line(right, "(Ký, ghi rõ họ tên, đóng dấu)", italic=True, align=CENTER, size=12)
    for _ in range(4):
        line(right, "", align=CENTER)
    line(right, signing.signer_name or BLANK, bold=True, align=CENTER)


def to_bytes(document: Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
