"""Setting up the appraisal council for a year (TT 25/2023 Điều 9.2.b): Phòng GD&ĐT lists its members from
the roster, by phone, each with a role; the circular's size rule is checked before anything is saved."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from datetime import datetime

from cdht.conversations.outbound import OutboundMessage
from cdht.handlers.admin.phones import normalise_phone
from cdht.handlers.notify import notify
from cdht.handlers.ports import AuditRecord, PersonRecord, UnitOfWork
from cdht.handlers.ports.procedure import CouncilMember, CouncilRecord, CouncilRole
from cdht.handlers.procedure.rules import OFFICE_DEPARTMENTS

ROLE_NAMES: dict[str, str] = {"chair": "chủ tịch", "secretary": "thư ký", "member": "ủy viên"}
RULE = (
    "Theo điểm b khoản 2 Điều 9 Thông tư số 25/2023/TT-BGDĐT, Hội đồng đánh giá gồm có chủ tịch, thư ký và các "
    "ủy viên; số thành viên là số lẻ, tối thiểu là 05 người."
)
FORMAT_HELP = (
    "Gõ mỗi dòng một thành viên: số điện thoại và vai trò (chủ tịch, thư ký, ủy viên). Ví dụ:\n"
    "0912345601 chủ tịch\n0912345602 thư ký\n0912345603 ủy viên\n0912345604 ủy viên\n0912345605 ủy viên\n"
    "Thành viên phải có trong danh sách người dùng của đơn vị. Gõ /huy để hủy."
)
_ROLE_WORDS: dict[str, CouncilRole] = {
    "chu tich": "chair",
    "ct": "chair",
    "thu ky": "secretary",
    "tk": "secretary",
    "uy vien": "member",
    "uv": "member",
    "thanh vien": "member",
    "": "member",
}


class CouncilInputError(ValueError):
    pass


def runs_the_procedure(person: PersonRecord) -> bool:
    """Phòng GD&ĐT's people (or admins of no department) lead the procedure at their unit (Điều 9.2)."""
    return person.role in ("district_admin", "province_admin") and person.department in OFFICE_DEPARTMENTS


def _plain(text: str) -> str:
    """Lower case without diacritics, for matching role words typed any way."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())


def parse_members(text: str) -> list[tuple[str, CouncilRole]]:
    """(phone as typed, role) for each line; a line with a phone and no role is an ủy viên."""
    found: list[tuple[str, CouncilRole]] = []
    for raw in re.split(r"[\n;]", text):
        if not raw.strip():
            continue
        match = re.match(r"\s*(\+?[\d .]{9,20}?)\s*(?:[-:,–]\s*)?([^\d+]*)$", raw)
        if match is None:
            raise CouncilInputError(f"Dòng «{raw.strip()[:60]}» chưa có số điện thoại ở đầu dòng.")
        role = _ROLE_WORDS.get(_plain(match.group(2)).strip(" .-"))
        if role is None:
            raise CouncilInputError(
                f"Vai trò «{match.group(2).strip()[:40]}» chưa rõ; chỉ dùng: chủ tịch, thư ký, ủy viên."
            )
        found.append((match.group(1).strip(), role))
    return found


def size_problem(roles: list[CouncilRole]) -> str | None:
    """Why these roles do not make a council under Điều 9.2.b, or None."""
    count = Counter(roles)
    if len(roles) < 5:
        return f"Danh sách mới có {len(roles)} thành viên, Hội đồng cần tối thiểu 05 người."
    if len(roles) % 2 == 0:
        return f"Danh sách có {len(roles)} thành viên; số thành viên của Hội đồng phải là số lẻ."
    if count["chair"] != 1:
        return "Hội đồng cần đúng một chủ tịch." if count["chair"] else "Danh sách chưa có chủ tịch Hội đồng."
    if count["secretary"] != 1:
        return "Hội đồng cần đúng một thư ký." if count["secretary"] else "Danh sách chưa có thư ký Hội đồng."
    return None


def describe(council: CouncilRecord, people: dict[int, PersonRecord]) -> str:
    lines = [f"Hội đồng đánh giá năm {council.year} ({len(council.members)} thành viên):"]
    for member in council.members:
        person = people.get(member.person_id)
        name = person.name if person else f"#{member.person_id}"
        lines.append(f"- {name}: {ROLE_NAMES[member.role]}")
    return "\n".join(lines)


async def show(uow: UnitOfWork, admin: PersonRecord, year: int) -> OutboundMessage:
    """/hoidong: the council as it stands, and how to set it up (the next message is the list)."""
    council = await uow.councils.for_body(admin.unit_id, year)
    head = "Chưa lập Hội đồng đánh giá cho năm này." if council is None else await _describe(uow, council)
    return OutboundMessage(text=f"🏛 {head}\n\nĐể lập (hoặc lập lại) Hội đồng năm {year}:\n{FORMAT_HELP}")


async def _describe(uow: UnitOfWork, council: CouncilRecord) -> str:
    people = {m.person_id: await uow.people.get(m.person_id) for m in council.members}
    return describe(council, {k: v for k, v in people.items() if v is not None})


async def set_up(
    uow: UnitOfWork, admin: PersonRecord, text: str, now: datetime, year: int
) -> OutboundMessage:
    """Save the council of the admin's unit for the year from the typed list, or say politely what is wrong."""
    if not runs_the_procedure(admin):
        return OutboundMessage(text="Xin lỗi, chỉ Phòng Giáo dục và Đào tạo lập Hội đồng đánh giá.")
    try:
        listed = parse_members(text)
    except CouncilInputError as error:
        return OutboundMessage(text=f"⚠️ {error}\n{FORMAT_HELP}")
    problem = size_problem([role for _, role in listed])
    if problem:
        return OutboundMessage(text=f"⚠️ {problem}\n{RULE}\nXin gõ lại danh sách.")
    members: list[CouncilMember] = []
    people: dict[int, PersonRecord] = {}
    for typed, role in listed:
        phone = normalise_phone(typed)
        person = await uow.people.by_phone(phone) if phone else None
        if person is None or not person.active:
            return OutboundMessage(
                text=f"⚠️ Không tìm thấy số {typed} trong danh sách người dùng. Xin gõ lại."
            )
        if person.unit_id != admin.unit_id:
            return OutboundMessage(
                text=f"⚠️ {person.name} ({typed}) không thuộc đơn vị của anh/chị; thành viên Hội đồng là người "
                "của các phòng, ban, đoàn thể cùng cấp. Xin gõ lại."
            )
        if person.id in people:
            return OutboundMessage(text=f"⚠️ Số {typed} có hai lần trong danh sách. Xin gõ lại.")
        people[person.id] = person
        members.append(CouncilMember(person.id, role))
    busy = await uow.dossiers.for_receiver(admin.unit_id, year, ("with_council",))
    if busy:  # the members asked must stay those who conclude
        numbers = ", ".join(f"#{d.id}" for d in busy)
        return OutboundMessage(
            text=f"⚠️ Hội đồng đang lấy ý kiến về hồ sơ {numbers}; xin chờ Hội đồng kết luận rồi mới đổi thành viên."
        )
    old = await uow.councils.for_body(admin.unit_id, year)
    council = await uow.councils.save(admin.unit_id, year, tuple(members), admin.id, now)
    await uow.audit.add(
        AuditRecord(
            "council",
            now,
            admin.unit_id,
            year,
            admin.id,
            old_value=_audit_value(old),
            new_value=_audit_value(council),
        )
    )
    for member in council.members:
        told = OutboundMessage(
            text=f"🏛 Anh/chị được cử làm {ROLE_NAMES[member.role]} Hội đồng đánh giá năm {year}. "
            "Khi có hồ sơ cần cho ý kiến, bot sẽ gửi tới anh/chị; gõ /ykien để xem."
        )
        await notify(uow, [people[member.person_id]], [told], now)
    return OutboundMessage(text="✅ Đã lập Hội đồng.\n" + describe(council, people))


def _audit_value(council: CouncilRecord | None) -> dict[str, str] | None:
    if council is None:
        return None
    return {str(m.person_id): m.role for m in council.members}
