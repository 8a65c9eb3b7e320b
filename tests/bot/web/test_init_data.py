"""Telegram Mini App initData: what Telegram signs opens the app; anything else is refused with a reason, and
no input makes the verifier fail any other way."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cdht.bot.telegram.web_app import InitDataError, TelegramLaunch, verify_init_data
from tests.fakes.telegram_web_app import encode, init_data_hash, sign_init_data

TOKEN = "123456789:AAE_bot_token_of_this_bot_for_tests"
OTHER_TOKEN = "987654321:AAE_token_of_some_other_bot_entirely"
NOW = 1_764_000_000
MAX_AGE = 3600
USER = {
    "id": 279058397,
    "first_name": "Lan",
    "last_name": "Nguyễn Thị",
    "username": "lan_nt",
    "language_code": "vi",
}


def verify(init_data: str, *, token: str = TOKEN, now: float = NOW) -> TelegramLaunch:
    return verify_init_data(init_data, token, max_age_seconds=MAX_AGE, now=now)


def refusal(init_data: str, **kwargs: Any) -> str:
    with pytest.raises(InitDataError) as caught:
        verify(init_data, **kwargs)
    return caught.value.reason


def test_genuine_init_data_names_the_user_and_when_it_was_signed() -> None:
    init_data = sign_init_data(TOKEN, USER, auth_date=NOW - 10, extra={"start_param": "review-XA01"})

    launch = verify(init_data)

    assert launch == TelegramLaunch(
        user_id="279058397", auth_date=datetime.fromtimestamp(NOW - 10, UTC), start_param="review-XA01"
    )


def test_launch_without_query_id_or_start_param_still_opens() -> None:
    launch = verify(sign_init_data(TOKEN, USER, auth_date=NOW, query_id=None, extra={"chat_type": "private"}))

    assert (launch.user_id, launch.start_param) == ("279058397", None)


def test_the_signature_field_is_covered_by_the_hash() -> None:
    fields = dict(parse_qsl(sign_init_data(TOKEN, USER, auth_date=NOW)))
    first = fields["signature"][0]
    fields["signature"] = ("B" if first == "A" else "A") + fields["signature"][1:]

    assert refusal(encode(fields)) == "forged"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("user", '{"id":1,"first_name":"Mallory"}'),
        ("auth_date", str(NOW - 5)),
        ("query_id", "AAHdF6IQAAAAAN0XohDhrOrd"),
        ("start_param", "review-ZZ99"),
    ],
)
def test_a_changed_or_added_field_is_forged(field: str, value: str) -> None:
    fields = dict(parse_qsl(sign_init_data(TOKEN, USER, auth_date=NOW)))
    fields[field] = value

    assert refusal(encode(fields)) == "forged"


def test_another_bots_init_data_is_forged() -> None:
    assert refusal(sign_init_data(OTHER_TOKEN, USER, auth_date=NOW)) == "forged"


def test_a_missing_or_non_hex_hash_is_forged() -> None:
    fields = dict(parse_qsl(sign_init_data(TOKEN, USER, auth_date=NOW)))
    del fields["hash"]
    assert refusal(encode(fields)) == "forged"
    fields["hash"] = "é" * 64
    assert refusal(encode(fields)) == "forged"


@pytest.mark.parametrize("init_data", ["", "   ", "\n"])
def test_empty_init_data_is_missing(init_data: str) -> None:
    assert refusal(init_data) == "missing"


def test_init_data_older_than_the_limit_is_expired_and_just_inside_it_opens() -> None:
    assert verify(sign_init_data(TOKEN, USER, auth_date=NOW - MAX_AGE)).user_id == "279058397"
    assert refusal(sign_init_data(TOKEN, USER, auth_date=NOW - MAX_AGE - 1)) == "expired"


def test_init_data_from_more_than_a_minute_ahead_is_refused() -> None:
    assert verify(sign_init_data(TOKEN, USER, auth_date=NOW + 60)).user_id == "279058397"
    assert refusal(sign_init_data(TOKEN, USER, auth_date=NOW + 61)) == "expired"


@pytest.mark.parametrize(
    "user", [None, {}, {"first_name": "Lan"}, {"id": "not a number", "first_name": "Lan"}]
)
def test_signed_init_data_naming_no_user_is_refused(user: dict[str, Any] | None) -> None:
    assert refusal(sign_init_data(TOKEN, user, auth_date=NOW)) == "no_user"


def test_user_that_is_not_json_is_no_user() -> None:
    fields = {"auth_date": str(NOW), "user": "279058397"}
    fields["hash"] = init_data_hash(TOKEN, fields)

    assert refusal(encode(fields)) == "no_user"


def test_signed_garbage_auth_date_is_refused() -> None:
    fields = {"auth_date": "yesterday", "user": '{"id":1,"first_name":"Lan"}'}
    fields["hash"] = init_data_hash(TOKEN, fields)

    assert refusal(encode(fields)) == "forged"


@pytest.mark.parametrize(
    "init_data",
    ["hash", "=&=&", "user=%7B&hash=zz", "a=1&&&b", "%ZZ%", "hash=" + "0" * 64, "auth_date=1&hash=\udcff"],
)
def test_garbage_is_refused(init_data: str) -> None:
    assert refusal(init_data) in ("missing", "forged")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_random_text_only_ever_raises_init_data_error(init_data: str) -> None:
    with pytest.raises(InitDataError):
        verify(init_data)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=200, deadline=None)
@given(
    user=st.dictionaries(
        st.sampled_from(["id", "first_name", "is_bot", "username"]), json_values, max_size=4
    ),
    auth_date=st.integers(min_value=-(2**40), max_value=2**40),
    extra=st.dictionaries(
        st.sampled_from(["start_param", "chat", "receiver", "chat_type", "can_send_after", "auth_date", "x"]),
        st.text(max_size=40) | json_values.map(json.dumps),
        max_size=3,
    ),
)
def test_signed_but_odd_content_only_ever_raises_init_data_error(
    user: dict[str, Any], auth_date: int, extra: dict[str, str]
) -> None:
    try:
        launch = verify(sign_init_data(TOKEN, user, auth_date=auth_date, extra=extra))
    except InitDataError:
        return
    assert launch.user_id == str(int(launch.user_id))
