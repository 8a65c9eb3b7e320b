"""Raw updates -> neutral events, and buttons -> compact callback data (no server needed)."""

from __future__ import annotations

from typing import Any

import pytest

from cdht.bot.telegram import callback_data
from cdht.bot.telegram.decode import decode, user_key
from cdht.bot.telegram.keyboards import inline_keyboard, reply_markup
from cdht.conversations.definition.loader import builtin_questionnaires
from cdht.conversations.inbound import Choice, Command, Contact, Location, Media, Reachability, Text
from cdht.conversations.outbound import Button, OutboundMessage
from cdht.handlers.command_table import COMMANDS

USER = {"id": 7001, "is_bot": False, "first_name": "Văn", "last_name": "An"}
CHAT = {"id": 7001, "type": "private", "first_name": "Văn"}


def message(**content: Any) -> dict[str, Any]:
    return {"update_id": 1, "message": {"message_id": 5, "date": 0, "chat": CHAT, "from": USER, **content}}


def decoded(payload: dict[str, Any]) -> Any:
    result = decode(payload)
    return None if result is None else result[1]


def test_every_option_of_every_questionnaire_fits_in_callback_data() -> None:
    for questionnaire in builtin_questionnaires().values():
        for question in questionnaire.questions:
            for code, _ in question.options():
                for toggle in (False, True):
                    data = callback_data.encode(Choice(question.id, code), toggle=toggle)
                    assert data is not None and len(data.encode()) <= 64, (question.id, code)
                    button = callback_data.decode(data)
                    assert button is not None and button.action == Choice(question.id, code)
                    assert button.keeps_keyboard is toggle


@pytest.mark.parametrize(
    "command",
    [Command("done"), Command("edit", "3"), Command("tb", "cancel:12"), Command("xuat", "xlsx:DEMO-SH-X1-T1")]
    + [Command(spec.name) for spec in COMMANDS],
)
def test_command_buttons_round_trip(command: Command) -> None:
    data = callback_data.encode(command)
    assert data is not None and len(data.encode()) <= 64
    decoded_button = callback_data.decode(data)
    assert decoded_button is not None and decoded_button.action == command


@pytest.mark.parametrize(
    "data",
    [None, "", "c|a", "c|a|b|c", "z|a|b", "m|DROP TABLE", "m|done|a b", "c|" + "x" * 70 + "|1", "c||1"],
)
def test_anything_else_is_not_a_button(data: str | None) -> None:
    assert callback_data.decode(data) is None


def test_an_action_too_long_for_64_bytes_is_left_out_of_the_keyboard() -> None:
    message = OutboundMessage(
        "?",
        ((Button("Có", Choice("q", "yes")), Button("Dài", Command("xuat", "x" * 60))),),
        edit_key="question:q",
    )
    keyboard = inline_keyboard(message)
    assert keyboard is not None
    assert [[b.callback_data for b in row] for row in keyboard.inline_keyboard] == [["t|q|yes"]]
    contact = reply_markup(OutboundMessage("?", request_contact=True), remove_reply_keyboard=True)
    assert contact.model_dump(exclude_none=True)["keyboard"][0][0]["request_contact"] is True  # type: ignore[union-attr]


def test_messages_become_neutral_events() -> None:
    assert decoded(message(text="1.250")) == Text("1.250")
    assert decoded(message(text="/start MOI2025AB")) == Command("start", "MOI2025AB")
    assert decoded(message(text="/start")) == Command("start")
    assert decoded(message(text="/xemlai")) == Command("xemlai")
    assert decoded(message(text="/tiendo@cdht_test_bot DEMO-SH-X1")) == Command("tiendo", "DEMO-SH-X1")
    assert decoded(message(text="/sua 3")) == Text("/sua 3")  # the engine's own words
    assert decoded(message(contact={"phone_number": "84902000001", "first_name": "An", "user_id": 7001})) == (
        Contact("84902000001", is_own=True)
    )
    assert decoded(message(contact={"phone_number": "84902000002", "first_name": "B", "user_id": 9})) == (
        Contact("84902000002", is_own=False)
    )
    assert decoded(message(contact={"phone_number": "84902000002", "first_name": "B"})) == (
        Contact("84902000002", is_own=False)
    )
    assert decoded(message(location={"latitude": 21.03, "longitude": 105.85})) == Location(21.03, 105.85)
    sender = decode(message(text="hi"))
    assert sender is not None and (sender[0].external_id, sender[0].chat_id, sender[0].display_name) == (
        "7001",
        "7001",
        "Văn An",
    )


def test_photos_take_the_largest_size_and_documents_keep_their_name() -> None:
    sizes = [
        {"file_id": "big", "file_unique_id": "u-big", "width": 1280, "height": 960, "file_size": 200_000},
        {"file_id": "small", "file_unique_id": "u-small", "width": 90, "height": 67, "file_size": 1_500},
    ]
    photo = decoded(message(photo=sizes, caption="Họp thôn", media_group_id="g1"))
    assert photo == Media(
        kind="photo",
        file_ref="big",
        file_unique_id="u-big",
        mime_type="image/jpeg",
        size=200_000,
        caption="Họp thôn",
        group_id="g1",
    )
    document = {"file_id": "d", "file_unique_id": "u-d", "file_name": "IMG_1.jpg", "mime_type": "image/jpeg"}
    as_file = decoded(message(document=document))
    assert isinstance(as_file, Media) and (as_file.kind, as_file.file_name, as_file.size) == (
        "document",
        "IMG_1.jpg",
        None,
    )


def test_what_is_ignored_or_answered_with_a_note() -> None:
    group = {"id": -100, "type": "supergroup", "title": "Xã"}
    assert (
        decode(
            {
                "update_id": 1,
                "message": {"message_id": 1, "date": 0, "chat": group, "from": USER, "text": "x"},
            }
        )
        is None
    )
    assert (
        decode({"update_id": 1, "channel_post": {"message_id": 1, "date": 0, "chat": group, "text": "x"}})
        is None
    )
    assert decode({"update_id": 1, "poll_answer": {"poll_id": "1", "option_ids": [0], "user": USER}}) is None
    assert decode({"update_id": 1, "message": {"broken": True}}) is None
    assert decoded(message(new_chat_title="x")) is None
    live = message(location={"latitude": 1.0, "longitude": 2.0}, edit_date=1)
    assert decode({"update_id": 2, "edited_message": live["message"]}) is None  # a live location moving
    edited = message(text="300", edit_date=1)
    assert decoded({"update_id": 2, "edited_message": edited["message"]}) == Command("unsupported", "edited")
    assert decoded(message(voice={"file_id": "v", "file_unique_id": "v", "duration": 2})) == Command(
        "unsupported", "voice"
    )
    animation = {"file_id": "a", "file_unique_id": "a", "width": 1, "height": 1, "duration": 1}
    gif = message(animation=animation, document={"file_id": "a", "file_unique_id": "a"})
    assert decoded(gif) == Command("unsupported", "sticker")


def test_callbacks_count_only_in_the_tappers_own_chat() -> None:
    own = {"message_id": 9, "date": 0, "chat": CHAT, "text": "?"}
    tap = {"id": "q", "from": USER, "chat_instance": "c", "data": "c|village_cdht|yes", "message": own}
    assert decoded({"update_id": 1, "callback_query": tap}) == Choice("village_cdht", "yes")
    other = {**own, "chat": {"id": 7002, "type": "private"}}
    assert decode({"update_id": 1, "callback_query": {**tap, "message": other}}) is None
    assert decode({"update_id": 1, "callback_query": {**tap, "data": "x|1"}}) is None
    assert user_key({"update_id": 1, "callback_query": tap}) == "7001"
    assert user_key({"update_id": 3, "poll": {"id": "1"}}) == "update:3"


def bot_status(
    new: dict[str, Any], chat: dict[str, Any] = CHAT, sender: dict[str, Any] = USER
) -> dict[str, Any]:
    bot = {"id": 123456, "is_bot": True, "first_name": "Trợ lý"}
    change = {
        "chat": chat,
        "from": sender,
        "date": 0,
        "old_chat_member": {"status": "member", "user": bot},
        "new_chat_member": {"user": bot, **new},
    }
    return {"update_id": 1, "my_chat_member": change}


def test_blocking_and_unblocking_in_the_persons_own_chat_are_reachability() -> None:
    blocked = bot_status({"status": "kicked", "until_date": 0})
    assert decoded(blocked) == Reachability(False)
    assert decoded(bot_status({"status": "member"})) == Reachability(True)
    sender = decode(blocked)
    assert sender is not None and (sender[0].external_id, sender[0].chat_id) == ("7001", "7001")
    assert user_key(blocked) == "7001"  # in line with the person's messages
    group = {"id": -100, "type": "supergroup", "title": "Xã"}
    assert decode(bot_status({"status": "kicked", "until_date": 0}, chat=group)) is None
    assert decode(bot_status({"status": "left"}, chat=group)) is None
    assert decode(bot_status({"status": "kicked", "until_date": 0}, chat={**CHAT, "id": 7002})) is None
    assert decode(bot_status({"status": "left"})) is None  # not a status Telegram gives in a private chat
