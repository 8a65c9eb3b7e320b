"""The council's documents after its members' written opinions (TT 25/2023 Điều 9.2.c–đ): the appraisal
report "Báo cáo thẩm định", then either the draft decision recognising the commune, for the head of Phòng
GD&ĐT to sign, or the letter telling the commune why it did not pass. Pure: data in, bytes out.

The records (`Appraisal`, `CriterionVerdict`) are read by the council's use cases, which the bot imports at its
start; python-docx is imported only by the three renderers, when a document is made."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cdht.reports.inputs import Signing
from cdht.reports.labels import BLANK, community_title, in_sentence

ROLE_WORDS = {"chair": "Chủ tịch Hội đồng", "secretary": "Thư ký Hội đồng", "member": "Ủy viên"}


@dataclass(frozen=True)
class CriterionVerdict:
    """One criterion as the council judged it."""

    id: str
    name: str
    self_assessed: bool  # the commune's frozen self-assessment found it met
    agree: int  # members who agree it is met
    disagree: int
    comments: tuple[str, ...]  # "Name: comment", the disagreeing ones first
    accepted: bool  # the council's conclusion on it


@dataclass(frozen=True)
class Appraisal:
    unit_name: str  # "Xã Hòa Bình"
    tier: str  # the tier of the unit appraised ("commune")
    year: int
    level: int  # the level asked for
    office: str  # who issues: "Phòng Giáo dục và Đào tạo"
    parent_issuer: str  # "Ủy ban nhân dân huyện Sơn Hà"
    place: str
    signed_on: date
    members: tuple[tuple[str, str], ...]  # (name, role: chair | secretary | member)
    criteria: tuple[CriterionVerdict, ...]
    passed: bool
    dossier_sent_on: date
    valid_through: int | None = None  # the last year the recognition is kept (settings' reading, FACTS.md)


def _signing(appraisal: Appraisal, signer_title: str, recipient: str = "") -> Signing:
    return Signing(
        place=appraisal.place,
        signed_on=appraisal.signed_on,
        signer_title=signer_title,
        issuer=appraisal.office,
        parent_issuer=appraisal.parent_issuer,
        recipient=recipient,
    )


def _head_of(office: str) -> str:
    """Who heads the issuing office, as the decision's authority line names them: "Trưởng phòng Giáo dục và Đào
    tạo", "Giám đốc Sở Giáo dục và Đào tạo" (never "Trưởng phòng Phòng ...")."""
    if office.startswith("Phòng "):
        return "Trưởng phòng " + office.removeprefix("Phòng ")
    if office.startswith("Sở "):
        return "Giám đốc " + office
    return office


def _council(appraisal: Appraisal) -> str:
    """Điều 9.2.b / 14.2.b: the head of Phòng GD&ĐT sets up the «Hội đồng đánh giá cấp huyện» for communes,
    the director of Sở GD&ĐT the «Hội đồng đánh giá cấp tỉnh» for districts."""
    return (
        "Hội đồng đánh giá cấp tỉnh" if appraisal.office.startswith("Sở ") else "Hội đồng đánh giá cấp huyện"
    )


def _article(appraisal: Appraisal) -> int:
    return 14 if appraisal.office.startswith("Sở ") else 9


def _signer(appraisal: Appraisal) -> str:
    return "Giám đốc" if appraisal.office.startswith("Sở ") else "Trưởng phòng"


def _chair(appraisal: Appraisal) -> str:
    return next((name for name, role in appraisal.members if role == "chair"), "")


def failed_reasons(appraisal: Appraisal) -> list[str]:
    """The criteria the council did not accept, each with the members' comments."""
    reasons = []
    for verdict in appraisal.criteria:
        if verdict.accepted:
            continue
        said = "; ".join(c for c in verdict.comments if c.split(": ", 1)[-1].strip())
        reasons.append(
            f"Tiêu chí {verdict.id} ({verdict.name}): {verdict.disagree}/{verdict.agree + verdict.disagree} "
            f"thành viên Hội đồng không đồng ý là đạt" + (f" — {said}" if said else "")
        )
    return reasons


def appraisal_report(appraisal: Appraisal) -> bytes:
    from cdht.reports.docx.base import (
        LEFT,
        header_block,
        line,
        new_document,
        signature_block,
        title_block,
        to_bytes,
    )
    from cdht.reports.docx.sections import SHORT_CIRCULAR, legal_basis, table

    title = community_title(appraisal.tier)
    unit, year = in_sentence(appraisal.unit_name), appraisal.year
    document = new_document(f"Báo cáo thẩm định — {appraisal.unit_name} — {year}", appraisal.signed_on)
    signing = _signing(appraisal, "Chủ tịch Hội đồng")
    header_block(document, signing, _council(appraisal), "BC-HĐ")
    title_block(
        document,
        "BÁO CÁO THẨM ĐỊNH",
        f"Hồ sơ đề nghị công nhận {unit} đạt {title} mức độ {appraisal.level} năm {year}",
    )
    legal_basis(document)
    line(
        document,
        f"Căn cứ hồ sơ đề nghị công nhận {title} của Ủy ban nhân dân {unit} gửi ngày "
        f"{appraisal.dossier_sent_on:%d/%m/%Y};",
        italic=True,
        indent=True,
    )
    line(
        document,
        f"{_council(appraisal)} đã thẩm định hồ sơ bằng hình thức lấy ý kiến bằng văn bản của các thành "
        f"viên Hội đồng (điểm c khoản 2 Điều {_article(appraisal)} {SHORT_CIRCULAR}). Kết quả như sau:",
        indent=True,
    )
    line(document, "1. Thành phần Hội đồng", bold=True, align=LEFT)
    for name, role in appraisal.members:
        line(document, f"- {name}: {ROLE_WORDS.get(role, role)}.", indent=True)
    line(document, "2. Kết quả thẩm định các tiêu chí", bold=True, align=LEFT)
    rows = [
        [
            f"Tiêu chí {v.id}. {v.name}",
            "Đạt" if v.self_assessed else "Không đạt",
            str(v.agree),
            str(v.disagree),
            "Đạt" if v.accepted else "Không đạt",
        ]
        for v in appraisal.criteria
    ]
    table(document, ["Tiêu chí", "Xã tự đánh giá", "Đồng ý", "Không đồng ý", "Hội đồng kết luận"], rows)
    line(
        document,
        "Cách kết luận: mỗi tiêu chí được kết luận đạt khi quá nửa số thành viên Hội đồng đồng ý "
        f"({SHORT_CIRCULAR} không quy định cách biểu quyết; số thành viên là số lẻ nên luôn có đa số).",
        italic=True,
        indent=True,
    )
    commented = [(v, c) for v in appraisal.criteria for c in v.comments if c.split(": ", 1)[-1].strip()]
    if commented:
        line(document, "3. Ý kiến của các thành viên", bold=True, align=LEFT)
        for verdict, comment in commented:
            line(document, f"- Tiêu chí {verdict.id}: {comment}", indent=True)
    line(document, "4. Kết luận", bold=True, align=LEFT)
    if appraisal.passed:
        line(
            document,
            f"Hội đồng thống nhất {unit} đáp ứng đủ điều kiện công nhận đạt {title} mức độ {appraisal.level} "
            f"năm {year}; đề nghị {_head_of(appraisal.office)} xem xét, quyết định công nhận.",
            indent=True,
        )
    else:
        line(
            document,
            f"Hội đồng kết luận {unit} chưa đáp ứng đủ điều kiện công nhận {title} mức độ {appraisal.level} "
            f"năm {year}, vì:",
            indent=True,
        )
        for reason in failed_reasons(appraisal):
            line(document, f"- {reason}.", indent=True)
    signing = Signing(
        place=appraisal.place,
        signed_on=appraisal.signed_on,
        signer_title="Chủ tịch Hội đồng",
        signer_name=_chair(appraisal),
    )
    signature_block(document, signing, _council(appraisal), [_head_of(appraisal.office)])
    return to_bytes(document)


def draft_decision(appraisal: Appraisal) -> bytes:
    """ "dự thảo Quyết định công nhận xã đạt “Cộng đồng học tập” cấp xã" (Điều 9.2.đ)."""
    from cdht.reports.docx.base import (
        CENTER,
        header_block,
        line,
        new_document,
        signature_block,
        title_block,
        to_bytes,
    )
    from cdht.reports.docx.sections import legal_basis

    title = community_title(appraisal.tier)
    unit, year = in_sentence(appraisal.unit_name), appraisal.year
    document = new_document(
        f"Dự thảo Quyết định công nhận — {appraisal.unit_name} — {year}", appraisal.signed_on
    )
    signing = _signing(appraisal, _signer(appraisal))
    header_block(document, signing, appraisal.office, "QĐ")
    title_block(
        document,
        "QUYẾT ĐỊNH",
        f"Về việc công nhận {unit} đạt {title} mức độ {appraisal.level} năm {year}",
    )
    line(document, _head_of(appraisal.office).upper(), bold=True, align=CENTER)
    legal_basis(document)
    line(
        document,
        f"Căn cứ báo cáo thẩm định của {_council(appraisal)} ngày {appraisal.signed_on:%d/%m/%Y};",
        italic=True,
        indent=True,
    )
    line(document, "QUYẾT ĐỊNH:", bold=True, align=CENTER)
    line(
        document,
        f"Điều 1. Công nhận {unit} đạt {title} mức độ {appraisal.level} năm {year}. "
        "Kết quả công nhận được bảo lưu trong thời hạn 3 năm (36 tháng) tiếp theo năm được công nhận"
        + (f" (đến hết năm {appraisal.valid_through})." if appraisal.valid_through else "."),
        indent=True,
    )
    line(document, "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.", indent=True)
    line(
        document,
        f"Điều 3. Ủy ban nhân dân {unit} và các cơ quan, đơn vị có liên quan chịu trách nhiệm thi hành "
        "Quyết định này./.",
        indent=True,
    )
    signature_block(
        document,
        _signing(appraisal, _signer(appraisal)),
        appraisal.office,
        [f"Ủy ban nhân dân {unit}", "Như Điều 3"],
    )
    return to_bytes(document)


def refusal_letter(appraisal: Appraisal) -> bytes:
    """The letter to the commune "nêu rõ lý do không đạt" (Điều 9.2.d)."""
    from cdht.reports.docx.base import (
        CENTER,
        LEFT,
        header_block,
        line,
        new_document,
        signature_block,
        to_bytes,
    )
    from cdht.reports.docx.sections import SHORT_CIRCULAR

    title = community_title(appraisal.tier)
    unit, year = in_sentence(appraisal.unit_name), appraisal.year
    recipient = f"Ủy ban nhân dân {unit}"
    document = new_document(f"Văn bản trả lời — {appraisal.unit_name} — {year}", appraisal.signed_on)
    signing = _signing(appraisal, _signer(appraisal), recipient)
    header_block(document, signing, appraisal.office, "GDĐT")
    line(
        document, f"V/v kết quả thẩm định hồ sơ đề nghị công nhận {title} năm {year}", italic=True, align=LEFT
    )
    line(document, f"Kính gửi: {recipient or BLANK}.", align=CENTER)
    line(
        document,
        f"Căn cứ kết quả thẩm định của {_council(appraisal)}, {appraisal.office} thông báo: hồ sơ đề nghị "
        f"công nhận {unit} đạt {title} mức độ {appraisal.level} năm {year} chưa đáp ứng đủ điều kiện công nhận "
        f"theo {SHORT_CIRCULAR}. Lý do không đạt:",
        indent=True,
    )
    for reason in failed_reasons(appraisal):
        line(document, f"- {reason}.", indent=True)
    line(
        document,
        f"Đề nghị Ủy ban nhân dân {unit} khắc phục các nội dung trên và gửi lại hồ sơ khi đáp ứng đủ điều kiện./.",
        indent=True,
    )
    signature_block(document, signing, appraisal.office, [recipient])
    return to_bytes(document)
