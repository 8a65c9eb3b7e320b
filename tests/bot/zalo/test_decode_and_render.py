"""Zalo's payloads in, neutral events out; neutral messages in, what a Zalo chat shows out."""

from __future__ import annotations

from typing import Any

import pytest

from cdht.bot.zalo.decode import RESOLVED_KEY, decode, user_key
from cdht.bot.zalo.models import ZaloUpdate
from cdht.bot.zalo.render import REGISTER_BY_CODE, TEXT_LIMIT, label_key, render
from cdht.conversations.inbound import Choice, Command, Media, Text
from cdht.conversations.outbound import Button, OutboundMessage
from cdht.conversations.render.question import BACK, DONE, SKIP, SUMMARY
from cdht.handlers.wire import inbound_from_json, inbound_to_json

URL = "https://f21-zpc.zdn.vn/jpg/7302391551/abc.jpg"


def event(payload: dict[str, Any]) -> object:
    decoded = decode(payload)
    assert decoded is not None
    return decoded[1]


def update(
    event: str = "message.text.received", chat_type: str = "PRIVATE", **message: Any
) -> dict[str, Any]:
    return {
        "event_name": event,
        "message": {
            "message_id": "m-1",
            "from": {"id": "u-1", "display_name": "Ông An", "is_bot": False},
            "chat": {"id": "u-1", "chat_type": chat_type},
            "date": 1764400000000,
            **message,
        },
    }


@pytest.mark.parametrize(
    "where",
    [
        {"photo": URL},  # as Zalo documents it; the others are not documented, but other clients read them
        {"photo_url": URL},
        {"photo": {"url": URL}},
        {"photo": [{"url": URL, "width": 800}]},
        {"image_url": URL},
        {"url": URL},
        {"attachments": [{"type": "image", "payload": {"url": URL}}]},
    ],
    ids=lambda where: next(iter(where)) + ":" + type(next(iter(where.values()))).__name__,
)
def test_the_photo_url_is_found_wherever_the_payload_puts_it(where: dict[str, Any]) -> None:
    decoded = decode(update("message.image.received", caption="Họp thôn", **where))
    assert decoded is not None
    sender, event = decoded
    assert sender.channel == "zalo" and sender.external_id == "u-1" and sender.display_name == "Ông An"
    assert event == Media(kind="photo", file_ref=URL, file_unique_id="zalo:m-1", caption="Họp thôn")


def test_texts_commands_and_what_the_bot_cannot_use() -> None:
    assert event(update(text="250")) == Text("250")
    assert event(update(text="/tiendo DEMO-SH-X1")) == Command("tiendo", "DEMO-SH-X1")
    assert event(update(text="/start ab12cd34")) == Command("start", "ab12cd34")
    assert event(update(text="/back")) == Text("/back")  # the engine's own words
    assert event(update("message.sticker.received", sticker="x")) == Command("unsupported", "sticker")
    assert event(update("message.unsupported.received")) == Command("unsupported", "other")
    assert event(update("message.image.received")) == Command("unsupported", "other")


def test_groups_bots_and_garbage_are_ignored() -> None:
    assert decode(update(chat_type="GROUP", text="1")) is None
    bot = update(text="hi")
    bot["message"]["from"]["is_bot"] = True
    assert decode(bot) is None
    assert decode({"event_name": "message.text.received"}) is None
    assert decode({"hello": "world"}) is None
    assert decode(update(text="   ")) is None


def test_a_number_resolved_at_intake_is_the_event_and_ids_are_strings() -> None:
    payload = update(text="2") | {RESOLVED_KEY: inbound_to_json(Choice("village_cdht", "no"))}
    assert event(payload) == Choice("village_cdht", "no")
    payload[RESOLVED_KEY] = {"type": "nonsense"}
    assert event(payload) == Text("2")
    numeric = update(text="x")
    numeric["message"]["from"]["id"] = 123456789012345678
    parsed = ZaloUpdate.model_validate(numeric)
    assert user_key(parsed) == "zalo:123456789012345678" and parsed.external_id == "message.text.received:m-1"


def test_options_are_numbered_and_navigation_is_typed() -> None:
    question = OutboundMessage(
        "Câu 9/15 · Thôn đã được công nhận chưa?\nTrả lời «Có» nếu đã có quyết định. Nếu chưa rõ, bấm «⏭ Bỏ qua».",
        (
            (Button("Có", Choice("q", "yes")), Button("Không", Choice("q", "no"))),
            (BACK, SKIP, SUMMARY),
            (Button("🔎 Thôn Đông", Command("duyet", "T1")), Button("❌ Hủy", Command("huy"))),
        ),
    )
    shown = render(question)
    [text] = shown.texts
    assert "1️⃣ Có\n2️⃣ Không\n3️⃣ 🔎 Thôn Đông" in text
    assert "Gõ: «quay lại» · «bỏ qua» · «xem lại» · «/huy»" in text
    assert "Nếu chưa rõ, gõ «bỏ qua»." in text  # the core's "press" becomes "type" on Zalo
    assert "Trả lời «Có»" in text  # quoting an answer is not pressing a button
    assert {k: inbound_from_json(v) for k, v in shown.numbered.items()} == {
        "1": Choice("q", "yes"),
        "2": Choice("q", "no"),
        "3": Command("duyet", "T1"),
    }
    assert shown.labels == {"co": "1", "khong": "2", "thon dong": "3"}
    assert label_key("☑️ Lớp học chuyên đề") == "lop hoc chuyen de"


def test_multiple_choice_says_how_to_toggle_and_registration_asks_for_a_code() -> None:
    toggles = OutboundMessage(
        "Câu 13 · Hoạt động nào?",
        ((Button("⬜ Tuyên truyền", Choice("a", "x")),), (Button("☑️ Lớp học", Choice("a", "y")),), (DONE,)),
        edit_key="question:a",
    )
    assert "gõ cả các số một lần, ví dụ: 1, 3" in render(toggles).texts[0]
    asking = render(OutboundMessage("Bấm nút «📱 Chia sẻ số điện thoại».", request_contact=True))
    assert asking.texts == [REGISTER_BY_CODE] and not asking.numbered


def test_long_texts_are_split_under_the_limit_with_the_options_last() -> None:
    long = "\n".join(f"• Thôn số {n}: đã hoàn thành, chờ duyệt" for n in range(200))
    buttons = tuple((Button(f"🔎 Thôn số {n}", Command("tiendo", f"T{n}")),) for n in range(30))
    shown = render(OutboundMessage(long, buttons))
    assert len(shown.texts) > 3 and all(0 < len(t) <= TEXT_LIMIT for t in shown.texts)
    assert "30. 🔎 Thôn số 29" in shown.texts[-1] and len(shown.numbered) == 30
