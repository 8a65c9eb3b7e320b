"""Hypothesis strategies for hostile and odd Telegram input: random JSON, update-shaped objects with wrong
types in every place, every update type (known and unknown), chats of every kind, huge texts, invalid
UTF-8 and deep nesting."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

MAX_TELEGRAM_ID = 2**53  # Telegram: user ids "have at most 52 significant bits"; chat ids at most 13 digits

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40)
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=16,
)

odd_ids = st.integers(min_value=-(2**70), max_value=2**70) | st.text(max_size=300) | json_values


def mostly(
    valid: st.SearchStrategy[Any], odd: st.SearchStrategy[Any] = json_values
) -> st.SearchStrategy[Any]:
    """Usually a value Telegram would send; now and then anything at all."""
    return st.integers(min_value=0, max_value=7).flatmap(lambda n: odd if n == 7 else valid)


user_ids = mostly(st.integers(min_value=1, max_value=2**40), odd_ids)
chat_types = mostly(st.sampled_from(["private", "private", "group", "supergroup", "channel"]))
texts = st.text(max_size=300) | st.sampled_from(
    ["/start", "/tiendo DEMO", "/xuat xlsx:../../etc/passwd", '=HYPERLINK("http://x")', "250", "\u202e", ""]
)


@st.composite
def people(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "id": draw(user_ids),
        "is_bot": draw(mostly(st.just(False), st.booleans() | json_values)),
        "first_name": draw(mostly(st.text(max_size=40))),
    }


@st.composite
def contents(draw: st.DrawFn) -> dict[str, Any]:
    file = {
        "file_id": draw(st.text(max_size=20)),
        "file_unique_id": "u",
        "file_size": draw(mostly(st.integers())),
    }
    choices: list[dict[str, Any]] = [
        {"text": draw(texts)},
        {"text": draw(texts), "entities": draw(json_values)},
        {
            "contact": {
                "phone_number": draw(st.text(max_size=20)),
                "first_name": "A",
                "user_id": draw(user_ids),
            }
        },
        {
            "location": {
                "latitude": draw(mostly(st.floats(-90, 90))),
                "longitude": draw(mostly(st.floats(-180, 180))),
            }
        },
        {"photo": [file | {"width": draw(mostly(st.integers())), "height": 1}], "caption": draw(texts)},
        {
            "document": file
            | {"file_name": draw(st.text(max_size=80)), "mime_type": draw(st.text(max_size=30))}
        },
        {"voice": file | {"duration": 1}},
        {"sticker": draw(json_values)},
        {"new_chat_members": draw(json_values)},
        {draw(st.text(max_size=12)): draw(json_values)},
    ]
    return draw(st.sampled_from(choices))


@st.composite
def messages(draw: st.DrawFn) -> dict[str, Any]:
    sender = draw(people())
    chat_id = sender["id"] if draw(mostly(st.just(True), st.booleans())) else draw(user_ids)
    message: dict[str, Any] = {
        "message_id": draw(mostly(st.integers(min_value=1, max_value=2**40))),
        "date": draw(mostly(st.integers(min_value=0, max_value=2**33))),
        "chat": {"id": chat_id, "type": draw(chat_types)},
    }
    if draw(mostly(st.just(True), st.booleans())):
        message["from"] = sender
    return message | draw(contents())


@st.composite
def updates(draw: st.DrawFn) -> dict[str, Any]:
    """An update-shaped object: a plausible envelope, any update type, and odd values in odd places."""
    update_id = draw(mostly(st.integers(min_value=0, max_value=2**31), odd_ids))
    kind = draw(
        mostly(
            st.sampled_from(["message", "message", "edited_message", "callback_query"]), st.text(max_size=20)
        )
        | st.sampled_from(["channel_post", "edited_channel_post", "my_chat_member", "poll"])
    )
    if kind == "callback_query":
        body: Any = {
            "id": draw(mostly(st.text(min_size=1, max_size=10))),
            "from": draw(people()),
            "chat_instance": "c",
            "data": draw(mostly(st.sampled_from(["c|households|1", "m|tiendo", "t|q|a", "m|xuat|xlsx:X"]))),
        }
        if draw(st.booleans()):
            body["message"] = draw(messages())
    else:
        body = draw(mostly(messages()))
    return {"update_id": update_id, kind: body}


def nested(depth: int, *, inside_update: bool) -> bytes:
    """`depth` levels of arrays (and objects) in one body: as deep as a body under 1 MB can be."""
    core = "[" * depth + "]" * depth
    if inside_update:
        return f'{{"update_id": 7, "message": {{"text": {core}}}}}'.encode()
    return core.encode()


@st.composite
def bodies(draw: st.DrawFn) -> bytes:
    """Raw webhook bodies: update-shaped JSON, any JSON, invalid UTF-8 and other bytes, deep nesting."""
    choice = draw(st.integers(min_value=0, max_value=5))
    if choice <= 1:
        return json.dumps(draw(updates())).encode()
    if choice == 2:
        return json.dumps(draw(json_values)).encode()
    if choice == 3:
        return draw(st.binary(max_size=300)) + b"\xff\xfe\xc3\x28"  # never valid UTF-8
    if choice == 4:
        raw = json.dumps(draw(updates())).encode()
        cut = draw(st.integers(min_value=0, max_value=len(raw)))
        return raw[:cut] + draw(st.binary(max_size=20))
    return nested(draw(st.integers(min_value=1, max_value=300_000)), inside_update=draw(st.booleans()))


def depth(value: Any) -> int:
    deepest, pending = 0, [(value, 1)]
    while pending:
        item, level = pending.pop()
        deepest = max(deepest, level)
        if isinstance(item, dict):
            pending += [(child, level + 1) for child in item.values()]
        elif isinstance(item, list):
            pending += [(child, level + 1) for child in item]
    return deepest


def well_formed(body: bytes, max_depth: int) -> int | None:
    """The update id when the body is a Telegram update envelope: a JSON object whose update_id is an
    integer Telegram could have given (non-negative, within a 64-bit column), nested no deeper than
    `max_depth`; None otherwise."""
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if not isinstance(payload, dict) or depth(payload) > max_depth:
        return None
    update_id = payload.get("update_id")
    if type(update_id) is not int or not 0 <= update_id < 2**63:
        return None
    return update_id
