"""/tiendo: where a commune (or every commune of a district / province) stands, in plain Vietnamese."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cdht.conversations.inbound import Command
from cdht.conversations.outbound import Button, OpenApp, OutboundMessage
from cdht.handlers.facts_loader import load_unit_facts
from cdht.handlers.officer.village_status import VillageState, village_states, village_states_below
from cdht.handlers.ports import ReportUnitOfWork, UnitRecord
from cdht.handlers.procedure.rules import answer_deadline, send_deadline
from cdht.scoring.departments import active_departments
from cdht.scoring.evaluate import evaluate
from cdht.scoring.facts import RecognitionValidity
from cdht.scoring.gaps import gaps
from cdht.scoring.learning_models import area_learning_models, learning_model_lines, tally_learning_models
from cdht.scoring.results import Assessment, Status

MARKS = {Status.PASS: "✅", Status.FAIL: "❌", Status.MISSING: "⏳", Status.NO_EVIDENCE: "📎"}
STATUS_WORDS = {
    Status.PASS: "đạt",
    Status.FAIL: "chưa đạt",
    Status.MISSING: "thiếu số liệu",
    Status.NO_EVIDENCE: "thiếu minh chứng",
}
LEGEND = " · ".join(f"{MARKS[status]} {words}" for status, words in STATUS_WORDS.items())


@dataclass(frozen=True)
class Headline:
    target: int
    done: int
    expected: int

    def text(self) -> str:
        verdict = "✅ đúng tiến độ" if self.done >= self.expected else "⚠️ chậm tiến độ"
        return f"Mục tiêu: {self.target} · Đã xong: {self.done} · Dự kiến đến hôm nay: {self.expected} → {verdict}"


def collection_window(tier: str, year: int, deadline: date | None) -> tuple[date, date]:
    """Figures of year Y are gathered from October (after the Lifelong Learning Week) until the tier's own
    date (`rules.answer_deadline`: villages and communes 31/01, districts 31/03, provinces 30/06 of Y+1, a
    month before each files its dossier, TT25 Điều 9, 14, 19). A unit's own deadline (`cdht deadline`) wins."""
    return date(year, 10, 1), deadline or answer_deadline(tier, year) or date(year + 1, 1, 31)


def deadline_line(unit: UnitRecord, year: int, deadline: date) -> str:
    """A district's or province's own date, and the circular's date for its dossier."""
    text = f"Hạn nộp số liệu của {unit.name}: {deadline:%d/%m/%Y}"
    dossier = send_deadline(unit.tier, year)
    return text + (f" (gửi hồ sơ đề nghị công nhận trước ngày {dossier:%d/%m/%Y})" if dossier else "")


def headline(target: int, done: int, today: date, start: date, deadline: date) -> Headline:
    if today <= start:
        expected = 0
    elif today >= deadline:
        expected = target
    else:
        expected = round(target * (today - start).days / (deadline - start).days)
    return Headline(target, done, expected)


def indicator_lines(assessment: Assessment) -> list[str]:
    """Each criterion on one line, its indicators marked at the level the unit is working towards."""
    target = str(min(assessment.level + 1, 2))
    lines = []
    for criterion in assessment.levels[target].criteria:
        marks = " ".join(f"{i.id} {MARKS[i.status]}" for i in criterion.indicators)
        lines.append(f"TC{criterion.id} {criterion.name}: {marks}")
    return lines


def owner_lines(assessment: Assessment, tier: str) -> list[str]:
    """Which department owes what of the unit's own indicators (the departments list decides who owns
    which); nothing when one department owns them all."""
    departments = active_departments()
    target = str(min(assessment.level + 1, 2))
    by_owner: dict[str, list[str]] = {}
    for criterion in assessment.levels[target].criteria:
        for indicator in criterion.indicators:
            owner = departments.owner_of(tier, indicator.id)
            by_owner.setdefault(owner, []).append(f"{indicator.id} {MARKS[indicator.status]}")
    if len(by_owner) < 2:
        return []
    lines = ["Theo phòng ban phụ trách:"]
    for department in departments.departments:
        marks = by_owner.get(department.code)
        if marks:
            owed = sum(not mark.endswith(MARKS[Status.PASS]) for mark in marks)
            verdict = f"còn {owed} chỉ tiêu chưa xong" if owed else "đã xong"
            lines.append(f"• {department.name}: {' '.join(marks)} ({verdict})")
    return lines


def level_text(assessment: Assessment) -> str:
    return f"đạt mức độ {assessment.level}" if assessment.level else "chưa đạt mức độ 1"


def gap_lines(assessment: Assessment, limit: int = 3) -> list[str]:
    if assessment.level >= 2:
        return []
    blockers = gaps(assessment)[:limit]
    target = min(assessment.level + 1, 2)
    if not blockers:
        return []
    return [f"Việc cần làm nhất để đạt mức độ {target}:"] + [
        f"{n}. {gap.action}: {gap.result.explanation}" for n, gap in enumerate(blockers, start=1)
    ]


async def commune_progress(
    uow: ReportUnitOfWork,
    commune: UnitRecord,
    year: int,
    today: date,
    validity: RecognitionValidity = "assessed_year",
    *,
    miniapp: bool = False,
) -> OutboundMessage:
    """`miniapp`: offer the progress page of the Mini App too."""
    states = await village_states(uow, commune, year)
    review = await uow.years.get(commune.id, year)
    start, deadline = collection_window(commune.tier, year, review.deadline if review else None)
    facts = await load_unit_facts(uow, commune, year, validity)
    assessment = evaluate(facts)
    lines = [
        f"📊 Tiến độ năm {year} — {commune.name}",
        headline(len(states), sum(s.done for s in states), today, start, deadline).text()
        + f" (hạn {deadline:%d/%m/%Y})",
        "",
        "Các thôn:",
        *[state.line() for state in states],
        "",
        f"Chỉ tiêu của xã ({LEGEND}):",
        *indicator_lines(assessment),
        "",
        f"Kết quả hiện tại: {level_text(assessment)}",
        *gap_lines(assessment),
        "",
        f"Mô hình học tập năm {year}:",
        *learning_model_lines(tally_learning_models(facts)),
    ]
    return OutboundMessage(text="\n".join(lines), buttons=_chart_buttons(commune) + app_row(commune, miniapp))


async def area_progress(
    uow: ReportUnitOfWork,
    area: UnitRecord,
    year: int,
    today: date,
    validity: RecognitionValidity = "assessed_year",
    *,
    miniapp: bool = False,
) -> OutboundMessage:
    """A district or province: its own deadline, one line per unit below, a button to open each.
    `miniapp`: offer the progress page of the Mini App too."""
    facts = await load_unit_facts(uow, area, year, validity)
    assessment = evaluate(facts)
    children = [c for c in await uow.units.children(area.id) if c.tier != "village"]
    by_code = {child.unit_code: child for child in assessment.children}
    review = await uow.years.get(area.id, year)
    _, own_deadline = collection_window(area.tier, year, review.deadline if review else None)
    lines = [f"📊 Tiến độ năm {year} — {area.name}", deadline_line(area, year, own_deadline)]
    done = 0
    below = await village_states_below(uow, area, year) if any(c.tier == "commune" for c in children) else {}
    states_by_child: dict[int, list[VillageState]] = {}
    for child in children:
        if child.tier == "commune":
            states_by_child[child.id] = below.get(child.id, [])
            done += all(s.done for s in states_by_child[child.id]) and bool(states_by_child[child.id])
    communes = [c for c in children if c.tier == "commune"]
    if communes:  # the communes' villages answer by the communes' date (each commune's own when it has one)
        reviews = await uow.years.for_units([c.id for c in communes], year)
        own = {unit_id: review.deadline for unit_id, review in reviews.items()}
        windows = [collection_window(c.tier, year, own.get(c.id)) for c in communes]
        start, deadline = min(w[0] for w in windows), max(w[1] for w in windows)
        lines.append(
            headline(len(communes), done, today, start, deadline).text()
            + f" (xã đã đủ số liệu các thôn, hạn {deadline:%d/%m/%Y})"
        )
    lines.append("")
    for child in children:
        child_assessment = by_code.get(child.code)
        level = level_text(child_assessment) if child_assessment else "chưa có kết quả"
        states = states_by_child.get(child.id)
        villages = f" · thôn xong {sum(s.done for s in states)}/{len(states)}" if states is not None else ""
        lines.append(f"• {child.name}: {level}{villages}")
    if (models := area_learning_models(facts)).known:  # from the facts loaded above: no query
        lines += ["", f"Mô hình học tập của các xã năm {year} (tổng):", *learning_model_lines(models)]
    lines += ["", f"Chỉ tiêu của {area.name} ({LEGEND}):", *indicator_lines(assessment)]
    if owners := owner_lines(assessment, area.tier):
        lines += ["", *owners]
    lines += ["", f"Kết quả hiện tại: {level_text(assessment)}", *gap_lines(assessment)]
    buttons = tuple((Button(f"🔎 {child.name}", Command("tiendo", child.code)),) for child in children[:30])
    return OutboundMessage(
        text="\n".join(lines), buttons=buttons + _chart_buttons(area) + app_row(area, miniapp)
    )


def app_row(unit: UnitRecord, miniapp: bool) -> tuple[tuple[Button, ...], ...]:
    """The unit's progress page in the Mini App, when it is served."""
    return ((Button("🖥 Mở bảng tiến độ", OpenApp("progress", unit.code)),),) if miniapp else ()


def _chart_buttons(unit: UnitRecord) -> tuple[tuple[Button, ...], ...]:
    return (
        (
            Button("📈 Biểu đồ", Command("bieudo", unit.code)),
            Button("📄 Hồ sơ", Command("baocao", unit.code)),
        ),
    )
