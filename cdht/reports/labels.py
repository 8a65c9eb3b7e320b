"""Vietnamese words the documents share: statuses, tiers, levels, unit names, dates."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from datetime import date

from cdht.scoring import Assessment, Status

STATUS_LABELS: Mapping[Status, str] = {
    Status.PASS: "Đạt",
    Status.FAIL: "Không đạt",
    Status.MISSING: "Thiếu số liệu",
    Status.NO_EVIDENCE: "Thiếu minh chứng",
}
TIER_LEVEL = {"commune": "cấp xã", "district": "cấp huyện", "province": "cấp tỉnh", "village": "cấp thôn"}
TIER_NOUN = {"commune": "xã", "district": "huyện", "province": "tỉnh", "village": "thôn"}
CHILD_TIER = {"province": "district", "district": "commune", "commune": "village"}
CIRCULAR = (
    "Thông tư số 25/2023/TT-BGDĐT ngày 27/12/2023 của Bộ trưởng Bộ Giáo dục và Đào tạo quy định về "
    "đánh giá, công nhận “Cộng đồng học tập” cấp xã, huyện, tỉnh"
)
# Administrative prefixes written lower-case inside a sentence ("Ủy ban nhân dân xã Hòa Bình").
_PREFIXES = ("Thị trấn", "Thị xã", "Thành phố", "Phường", "Huyện", "Quận", "Tỉnh", "Xã")
BLANK = "……………"
_MAX_CELL = 32_767  # the longest text an Excel cell holds


def _xml_safe(ch: str) -> bool:
    return ch in "\n\t" or (unicodedata.category(ch) not in ("Cc", "Cs") and ch not in "\ufffe\uffff")


def clean_text(value: str) -> str:
    """NFC, without what XML 1.0 cannot hold (controls, lone surrogates, U+FFFE/U+FFFF) and within
    Excel's cell length; people's text goes through here before any document."""
    kept = "".join(ch for ch in value if _xml_safe(ch))
    return unicodedata.normalize("NFC", kept)[:_MAX_CELL]


def status_label(status: Status) -> str:
    return STATUS_LABELS[status]


def level_text(level: int) -> str:
    return f"mức độ {level}" if level else "chưa đạt mức độ 1"


def community_title(tier: str) -> str:
    """ "“Cộng đồng học tập” cấp xã"."""
    return f"“Cộng đồng học tập” {TIER_LEVEL.get(tier, tier)}"


def in_sentence(unit_name: str) -> str:
    """ "Xã Hòa Bình" -> "xã Hòa Bình"; names without an administrative prefix are kept."""
    unit_name = clean_text(unit_name)
    for prefix in _PREFIXES:
        if unit_name.startswith(prefix + " "):
            return prefix.lower() + unit_name[len(prefix) :]
    return unit_name


def issuer(assessment: Assessment, given: str) -> str:
    return given or f"Ủy ban nhân dân {in_sentence(assessment.unit_name)}"


def child_noun(assessment: Assessment) -> str:
    return TIER_NOUN.get(CHILD_TIER.get(assessment.tier, ""), "đơn vị")


def document_date(year: int, signed_on: date | None) -> date:
    """The date written into a file's properties: the signing date, else 1 January after the year,
    so that the same input always gives the same file."""
    return signed_on or date(year + 1, 1, 1)


def dated_line(place: str, signed_on: date | None) -> str:
    """ "Hòa Bình, ngày 05 tháng 02 năm 2025": NĐ 30/2020 writes a zero before days below 10 and
    months 1 and 2, and no zero before months 3 to 12."""
    where = place or BLANK
    if signed_on is None:
        return f"{where}, ngày …… tháng …… năm ……"
    month = f"{signed_on.month:02d}" if signed_on.month < 3 else str(signed_on.month)
    return f"{where}, ngày {signed_on.day:02d} tháng {month} năm {signed_on.year}"


def criterion_status(statuses: list[Status]) -> Status:
    """A criterion's state from its indicators: passed only when all pass, else the worst one."""
    for status in (Status.FAIL, Status.MISSING, Status.NO_EVIDENCE):
        if status in statuses:
            return status
    return Status.PASS


VILLAGE_STATE_LABELS = {
    "not_started": "Chưa bắt đầu",
    "in_progress": "Đang nhập",
    "completed": "Đã hoàn thành",
    "returned": "Bị trả lại để sửa",
    "approved": "Đã duyệt",
}
