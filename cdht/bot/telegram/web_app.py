"""Who opened the Mini App: Telegram's `initData`, checked against the bot token.

https://core.telegram.org/bots/webapps#validating-data-received-via-the-mini-app: `hash` is the hex
HMAC-SHA256 of every other field (sorted, `key=value`, one per line) under the key HMAC-SHA256("WebAppData",
token). `auth_date` is only as fresh as the moment the app was opened, so its age is bounded here; the Ed25519
`signature` (for third parties without the token) is covered by the hash and needs no check of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from aiogram.utils.web_app import check_webapp_signature, parse_webapp_init_data
from pydantic import ValidationError

__all__ = ["FUTURE_LEEWAY_SECONDS", "InitDataError", "TelegramLaunch", "verify_init_data"]

FUTURE_LEEWAY_SECONDS = 60.0

Reason = Literal["missing", "forged", "expired", "no_user"]


class InitDataError(ValueError):
    """Why initData was refused: `missing`, `forged` (signature or shape), `expired` (auth_date too old or
    ahead of our clock by more than a minute), `no_user` (signed, but says nothing of who opened it)."""

    def __init__(self, reason: Reason) -> None:
        super().__init__(reason)
        self.reason: Reason = reason


@dataclass(frozen=True)
class TelegramLaunch:
    user_id: str
    auth_date: datetime
    start_param: str | None


def verify_init_data(init_data: str, token: str, *, max_age_seconds: float, now: float) -> TelegramLaunch:
    """The Telegram user who opened the Mini App; InitDataError (and nothing else) for any other input."""
    if not isinstance(init_data, str) or not init_data.strip():
        raise InitDataError("missing")
    try:
        signed = check_webapp_signature(token, init_data)
    except (ValueError, TypeError):  # non-ASCII hash (compare_digest), unencodable text
        signed = False
    if not signed:
        raise InitDataError("forged")
    try:
        parsed = parse_webapp_init_data(init_data)
    except ValidationError as error:
        if any(detail["loc"][:1] == ("user",) for detail in error.errors()):
            raise InitDataError("no_user") from None
        raise InitDataError("forged") from None
    except (ValueError, TypeError):
        raise InitDataError("forged") from None
    try:
        auth_date = parsed.auth_date.replace(tzinfo=parsed.auth_date.tzinfo or UTC).astimezone(UTC)
    except (OverflowError, ValueError):
        raise InitDataError("forged") from None
    age = now - auth_date.timestamp()
    if age > max_age_seconds or age < -FUTURE_LEEWAY_SECONDS:
        raise InitDataError("expired")
    if parsed.user is None:
        raise InitDataError("no_user")
    return TelegramLaunch(user_id=str(parsed.user.id), auth_date=auth_date, start_param=parsed.start_param)
