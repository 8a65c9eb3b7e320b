"""What a typed number means on Zalo: the numbered option of the last message the chat was sent.

Zalo has no buttons, so "2" must be read against what the person saw. The sender records each delivered
message's numbered actions in the `key_values` table (one row per chat, replaced by every message with
options and by every reply without; a notification without options, such as a chart or a reminder, leaves the
menu above it in force), and the intake resolves a typed number, or an option's exact text, when it stores
the update: it is read against what was on the screen at that moment, and a restart loses nothing.

Why not leave it to the engine, which also reads "2" and option labels? For a single-choice question it would
do the same. But a number must also pick a menu entry (a village in /duyet, a file in /baocao) and toggle one
option of a multiple-choice question, where the engine would take "2" as the whole answer.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from cdht.bot.zalo.render import ZaloRendering, label_key
from cdht.handlers.ports import UnitOfWork

_NUMBER = re.compile(r"^(?:so |chon |muc |phuong an )?(\d{1,3})[.)]?$")


def _key(chat_id: str) -> str:
    return f"zalo:numbered:{chat_id}"


async def remember(uow: UnitOfWork, chat_id: str, rendering: ZaloRendering, now: datetime) -> None:
    await uow.key_values.put(_key(chat_id), {"numbered": rendering.numbered, "labels": rendering.labels}, now)


async def resolve(uow: UnitOfWork, chat_id: str, text: str) -> dict[str, Any] | None:
    """The action (neutral event as JSON) a typed answer picks from the last numbered list, if any."""
    if not text or len(text) > 200:
        return None
    stored = await uow.key_values.get(_key(chat_id))
    if not stored or not stored.get("numbered"):
        return None
    numbered: dict[str, dict[str, Any]] = stored["numbered"]
    typed = label_key(text)
    number = _NUMBER.match(typed)
    if number is not None:
        return numbered.get(str(int(number.group(1))))
    key = stored.get("labels", {}).get(typed)
    return numbered.get(key) if isinstance(key, str) else None
