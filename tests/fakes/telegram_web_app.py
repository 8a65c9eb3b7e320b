"""Mini App initData as the Telegram client hands it to the page (`Telegram.WebApp.initData`), written from
https://core.telegram.org/bots/webapps#validating-data-received-via-the-mini-app without the bot's own code,
so the verifier is checked against a second reading of the documentation.

A URL-encoded query string of fields; `user` is JSON; `hash` is the hex HMAC-SHA256 of the data-check-string
(every field but `hash`, decoded, sorted by key, `key=value` joined by line feeds) under the key
HMAC-SHA256(key="WebAppData", message=token). Since Bot API 8.0 there is also `signature`, Telegram's
Ed25519 signature for third parties; the hash covers it like any field. Here it is random base64url of an
Ed25519 signature's length, not a real signature: the bot never checks it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from typing import Any
from urllib.parse import quote, urlencode

QUERY_ID = "AAHdF6IQAAAAAN0XohDhrOrc"


def data_check_string(fields: dict[str, str]) -> str:
    return "\n".join(f"{key}={fields[key]}" for key in sorted(fields) if key != "hash")


def init_data_hash(token: str, fields: dict[str, str]) -> str:
    secret_key = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    return hmac.new(secret_key, data_check_string(fields).encode(), hashlib.sha256).hexdigest()


def sign_init_data(
    token: str,
    user: dict[str, Any] | None,
    *,
    auth_date: int,
    query_id: str | None = QUERY_ID,
    extra: dict[str, str] | None = None,
) -> str:
    """initData for `user` (None: a launch that names no user), signed with `token`; `extra` adds or
    replaces fields before signing (`start_param`, `chat_type`, ...)."""
    fields: dict[str, str] = {}
    if query_id is not None:
        fields["query_id"] = query_id
    if user is not None:
        fields["user"] = json.dumps(user, ensure_ascii=False, separators=(",", ":"))
    fields["auth_date"] = str(auth_date)
    fields["signature"] = base64.urlsafe_b64encode(secrets.token_bytes(64)).rstrip(b"=").decode()
    fields.update(extra or {})
    fields["hash"] = init_data_hash(token, fields)
    return encode(fields)


def encode(fields: dict[str, str]) -> str:
    """A query string the way the client writes it: every reserved character percent-encoded, spaces as %20."""
    return urlencode(fields, quote_via=quote, safe="")
