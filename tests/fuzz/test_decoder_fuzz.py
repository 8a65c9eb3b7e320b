"""The Telegram decoder, the ordering key and the callback-data decoder on anything at all: they never raise,
and what they accept is what Telegram could have sent (a person's own private chat, ids that fit)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from cdht.bot.telegram import callback_data
from cdht.bot.telegram.decode import CHANNEL, decode, user_key
from cdht.conversations.inbound import Choice, Command
from tests.fuzz.strategies import json_values, updates

ID = st.integers(min_value=1, max_value=2**40)


def _own_id(text: str) -> bool:
    digits = text.removeprefix("-")
    return digits.isdigit() and len(digits) <= 18


@settings(max_examples=400, deadline=None)
@given(updates() | st.dictionaries(st.text(max_size=12), json_values, max_size=5))
def test_decoding_anything_never_fails_and_keeps_to_private_chats(payload: dict[str, Any]) -> None:
    key = user_key(payload)
    assert isinstance(key, str)
    result = decode(payload)
    if result is None:
        return
    sender, inbound = result
    assert sender.channel == CHANNEL
    assert _own_id(sender.external_id) and sender.chat_id == sender.external_id  # the person's own chat
    assert key == sender.external_id  # their updates are kept in order by their own id
    assert inbound is not None


@settings(max_examples=200, deadline=None)
@given(ID, ID, st.sampled_from(["private", "group", "supergroup", "channel"]), st.text(max_size=50))
def test_only_a_persons_own_private_chat_counts(user: int, chat: int, kind: str, text: str) -> None:
    person = {"id": user, "is_bot": False, "first_name": "An"}
    message = {"message_id": 1, "date": 0, "chat": {"id": chat, "type": kind}, "from": person, "text": text}
    for field in ("message", "edited_message"):
        result = decode({"update_id": 1, field: message})
        if kind != "private" or chat != user:
            assert result is None, (field, kind, chat, user)
        else:
            assert result is not None and result[0].chat_id == str(user)


@given(st.integers(min_value=10**18, max_value=10**80))
def test_ids_telegram_never_gives_are_ignored(huge: int) -> None:
    person = {"id": huge, "is_bot": False, "first_name": "X"}
    message = {
        "message_id": 1,
        "date": 0,
        "chat": {"id": huge, "type": "private"},
        "from": person,
        "text": "/start",
    }
    payload = {"update_id": 1, "message": message}
    assert decode(payload) is None
    assert user_key(payload) == "update:1"


@settings(max_examples=500)
@given(
    st.text(max_size=80)
    | st.builds("|".join, st.lists(st.text(max_size=20), max_size=4))
    | st.builds(lambda k, p: f"{k}|{p}", st.sampled_from(["c", "t", "m"]), st.text(max_size=70))
)
def test_callback_data_is_read_only_when_we_could_have_written_it(data: str) -> None:
    button = callback_data.decode(data)
    if button is None:
        return
    assert isinstance(button.action, Choice | Command)
    assert callback_data.encode(button.action, toggle=button.keeps_keyboard) == data
    assert len(data.encode()) <= callback_data.MAX_BYTES
