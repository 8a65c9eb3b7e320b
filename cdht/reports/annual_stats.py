"""What a district's yearly report says besides the text: who reports to whom and when, communes evaluated,
levels reached, indicators failed, difficulties raised and answered."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from cdht.reports.inputs import AnnualReportInput, DifficultyItem, RecognitionRecord
from cdht.reports.rows import level_names
from cdht.scoring import Assessment, Status

SUBJECT = "Kết quả đánh giá, công nhận “Cộng đồng học tập” cấp xã năm {year}"
"""TT 25/2023 Điều 23.2: Phòng GD&ĐT «Báo cáo … kết quả đánh giá, công nhận “Cộng đồng học tập” cấp xã»."""
REPORT_MONTH = 5
"""The report is made in May of the year after the year evaluated, once the communes' decisions (before 31/03,
Điều 9.3) are known."""
ISSUERS: Mapping[str, str] = {"district": "Phòng Giáo dục và Đào tạo", "province": "Sở Giáo dục và Đào tạo"}
"""Who reports, by the reporting unit's tier (or a unit's code): an office under the unit's People's Committee;
"{unit}" in the text makes it a whole body's name instead ("Ủy ban nhân dân {unit}")."""
RECIPIENTS: Mapping[str, tuple[str, ...]] = {
    "district": ("Sở Giáo dục và Đào tạo {parent}", "Ủy ban nhân dân {unit}"),
    "province": ("Bộ Giáo dục và Đào tạo", "Ủy ban nhân dân {unit}"),
}
"""To whom, as the «Nơi nhận» lists them: "{unit}" is the reporting unit ("huyện Kim Sơn"), "{parent}" the unit
above it ("tỉnh Ninh Bình"). Điều 23.2 names «Ủy ban nhân dân cấp tỉnh, Sở Giáo dục và Đào tạo»; the district's
plan letter asks for Sở GD&ĐT and the district's People's Committee, the default here."""
NO_DOSSIER = "chưa gửi hồ sơ"
NOT_ANSWERED = "chưa trả lời"
NOT_RECOGNISED = "Chưa công nhận"


def fill(template: str, unit: str, parent: str) -> str:
    """A configured name with its places: "Sở Giáo dục và Đào tạo {parent}" -> "Sở Giáo dục và Đào tạo tỉnh
    Ninh Bình"; an unknown place leaves no gap."""
    text = template.replace("{unit}", unit).replace("{parent}", parent)
    return re.sub(r"\s+", " ", text).strip()


def head_title(issuer: str, given: str = "") -> str:
    """Who signs for the issuer: the head of a Phòng or a Sở, the chair of a People's Committee."""
    if issuer.startswith("Phòng "):
        return "Trưởng phòng"
    if issuer.startswith("Sở "):
        return "Giám đốc"
    if issuer.lower().startswith("ủy ban nhân dân"):
        return "Chủ tịch"
    return given or "Thủ trưởng cơ quan"


def report_date(year: int, today: date) -> date | None:
    """The date the draft carries: today from May of the next year on, else none yet (May is printed)."""
    return today if today >= date(year + 1, REPORT_MONTH, 1) else None


def recognition_texts(records: Sequence[RecognitionRecord], year: int) -> dict[str, str]:
    """Each unit's recognition of the year evaluated: "Mức độ 2 (Quyết định số …, ngày …)"."""
    found = {}
    for record in records:
        if record.year != year:
            continue
        details = [f"số {record.decision_number}" if record.decision_number else ""]
        details.append(f"ngày {record.decided_on:%d/%m/%Y}" if record.decided_on else "")
        said = ", ".join(part for part in details if part)
        decision = f" (Quyết định {said})" if said else ""
        found[record.unit_code] = f"Mức độ {record.level}{decision}" if record.level else NOT_RECOGNISED
    return found


def difficulty_groups(items: Sequence[DifficultyItem]) -> list[tuple[str, list[DifficultyItem]]]:
    """The difficulties by group, groups in the order they first come, each group's in the order given."""
    groups: dict[str, list[DifficultyItem]] = {}
    for item in items:
        groups.setdefault(item.group, []).append(item)
    return list(groups.items())


def answered_count(items: Sequence[DifficultyItem]) -> int:
    return sum(1 for item in items if item.answer is not None)


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
    """(id, name) of every indicator; the name is each level's wording where they differ (both are counted)."""
    seen: dict[str, str] = {}
    for assessment in communes:
        first, second = assessment.levels["1"].criteria, assessment.levels["2"].criteria
        for criterion_1, criterion_2 in zip(first, second, strict=True):
            for result_1, result_2 in zip(criterion_1.indicators, criterion_2.indicators, strict=True):
                seen.setdefault(result_1.id, level_names(result_1.name, result_2.name))
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
