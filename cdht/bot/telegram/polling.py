"""Long polling: getUpdates, store the batch in the inbox, and only then move the offset past it (calling
getUpdates with a higher offset is what confirms updates to Telegram).

Updates are fetched as raw JSON, the same shape a webhook stores, and parsed later one by one by the decoder:
parsing the batch here (aiogram's models) would let one update aiogram cannot read block every update after it.

The offset lives in memory only: on start Telegram hands out every unconfirmed update again and the inbox
drops the ones already stored. A stored offset would be dangerous: after a week without updates Telegram
picks update ids at random, and an offset above them would confirm (drop) updates never seen.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable
from typing import Any

import aiohttp
import structlog
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession

from cdht.bot.telegram.decode import ALLOWED_UPDATES
from cdht.pipeline.intake import Intake

log = structlog.get_logger(__name__)


class PollingRefused(RuntimeError):
    """Telegram refuses this token (401): retrying cannot help."""


class _RetryLater(Exception):
    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds


async def poll_updates(
    bot: Bot,
    session: AiohttpSession,
    intake: Intake,
    stop: asyncio.Event,
    *,
    poll_seconds: int,
    retry_seconds: float,
) -> None:
    await bot.delete_webhook(drop_pending_updates=False)  # getUpdates is refused while a webhook is set
    offset: int | None = None
    while not stop.is_set():
        try:
            updates = await _until_stopped(_get_updates(bot, session, offset, poll_seconds), stop)
        except _RetryLater as pause:
            await _sleep_unless_stopped(stop, pause.seconds or retry_seconds)
            continue
        if not updates:
            continue
        try:
            await intake.store(updates)
        except Exception:
            log.exception("could not store updates; they will be fetched again")
            await _sleep_unless_stopped(stop, retry_seconds)
            continue
        offset = max(int(update["update_id"]) for update in updates) + 1


async def _get_updates(
    bot: Bot, session: AiohttpSession, offset: int | None, poll_seconds: int
) -> list[dict[str, Any]]:
    body: dict[str, Any] = {"timeout": poll_seconds, "allowed_updates": list(ALLOWED_UPDATES)}
    if offset is not None:
        body["offset"] = offset
    client = await session.create_session()
    url = session.api.api_url(token=bot.token, method="getUpdates")
    try:
        async with client.post(
            url, json=body, timeout=aiohttp.ClientTimeout(total=poll_seconds + 15)
        ) as response:
            reply = await response.json(content_type=None)
    except (aiohttp.ClientError, TimeoutError, ValueError) as error:
        log.warning("getUpdates failed; retrying", error=repr(error))
        raise _RetryLater(None) from error
    if isinstance(reply, dict) and reply.get("ok") and isinstance(reply.get("result"), list):
        return [update for update in reply["result"] if isinstance(update, dict) and "update_id" in update]
    reply = reply if isinstance(reply, dict) else {}
    if reply.get("error_code") == 401:
        raise PollingRefused("Telegram từ chối mã bot (401): kiểm tra CDHT_TELEGRAM_TOKEN.")
    log.warning("getUpdates refused; retrying", code=reply.get("error_code"), reason=reply.get("description"))
    raise _RetryLater((reply.get("parameters") or {}).get("retry_after"))


async def _until_stopped(
    request: Awaitable[list[dict[str, Any]]], stop: asyncio.Event
) -> list[dict[str, Any]]:
    """The request's result, or an empty list as soon as `stop` is set (the request is cancelled)."""
    pending = asyncio.ensure_future(request)
    stopping = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({pending, stopping}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
        if not pending.done():
            pending.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pending
    return pending.result() if not pending.cancelled() else []


async def _sleep_unless_stopped(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
