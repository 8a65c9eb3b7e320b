"""Long polling: getUpdates returns one update per call (error 408 when none came in time). Zalo documents no
offset and no acknowledgement, so an update handed out is ours to keep: it is stored in the inbox before the
next call, and if storing fails it is held in memory and stored again until that works (or the bot stops).

For the same reason a poll in flight is never abandoned when the bot stops: the server may hand the next
update to a request whose client went away, and it would be lost. A stop waits for the current poll to
return (the poll timeout is kept short for that) and stores what it brought.
Polling and a webhook exclude each other, so the webhook is removed first."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import structlog

from cdht.bot.zalo.client import ZaloAPIError, ZaloBotClient, ZaloError
from cdht.bot.zalo.intake import UpdateIntake
from cdht.bot.zalo.models import ZaloUpdate

log = structlog.get_logger(__name__)
UNAUTHORIZED = (401, 403)


async def poll_updates(
    client: ZaloBotClient,
    intake: UpdateIntake,
    stop: asyncio.Event,
    *,
    poll_seconds: int,
    retry_seconds: float,
) -> None:
    try:
        await client.delete_webhook()
    except ZaloError as error:
        log.info("zalo deleteWebhook failed; polling anyway", error=str(error))
    while not stop.is_set():
        try:
            updates = await client.get_updates(poll_seconds)
        except ZaloAPIError as error:
            if error.code in UNAUTHORIZED:
                raise  # a wrong or revoked token: nothing to retry
            log.warning("zalo getUpdates failed; retrying", error=str(error))
            await sleep_unless_stopped(stop, retry_seconds)
            continue
        except ZaloError as error:
            log.warning("zalo getUpdates failed; retrying", error=str(error))
            await sleep_unless_stopped(stop, retry_seconds)
            continue
        if updates:
            await _store_until_done(intake, [_raw(update) for update in updates], stop, retry_seconds)


async def _store_until_done(
    intake: UpdateIntake, payloads: list[dict[str, Any]], stop: asyncio.Event, retry_seconds: float
) -> None:
    while True:
        try:
            await intake.store(payloads)
            return
        except Exception:
            if stop.is_set():
                log.error("zalo updates not stored before stopping; they are lost", count=len(payloads))
                return
            log.exception("could not store zalo updates; trying again")
            await sleep_unless_stopped(stop, retry_seconds)


def _raw(update: ZaloUpdate) -> dict[str, Any]:
    """The update as Zalo sent it (unknown fields kept), the same shape a webhook stores."""
    return update.model_dump(mode="json", by_alias=True, exclude_unset=True)


async def sleep_unless_stopped(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
