"""Long polling: getUpdates returns one update per call (error 408 when none came in time). Zalo documents no
offset and no acknowledgement, so an update handed out is ours to keep: it is stored in the inbox before the
next call, and if storing fails it is held in memory and stored again until that works (or the bot stops).

For the same reason a poll in flight is never abandoned when the bot stops: the server may hand the next
update to a request whose client went away, and it would be lost. A stop waits for the current poll to
return (the poll timeout is kept short for that) and stores what it brought.
Polling and a webhook exclude each other, so the webhook is removed first.

A failed getUpdates is asked again after a pause that doubles with each failure in a row, up to
`MAX_RETRY_SECONDS`, and is short again after a success. Only 401 (the token is invalid or was reset) stops
polling: Zalo's error table lists 403 as "Internal server error", so it is waited out like a 5xx."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import structlog

from cdht.bot.zalo.client import ZaloAPIError, ZaloBotClient, ZaloError
from cdht.bot.zalo.models import ZaloUpdate
from cdht.pipeline.intake import Intake

log = structlog.get_logger(__name__)
UNAUTHORIZED = 401  # Zalo's error table: "Unauthorized - the token has expired or is not valid"
MAX_RETRY_SECONDS = 60.0


async def poll_updates(
    client: ZaloBotClient,
    intake: Intake,
    stop: asyncio.Event,
    *,
    poll_seconds: int,
    retry_seconds: float,
) -> None:
    try:
        await client.delete_webhook()
    except ZaloError as error:
        log.info("zalo deleteWebhook failed; polling anyway", error=str(error))
    failures = 0
    while not stop.is_set():
        try:
            updates = await client.get_updates(poll_seconds)
        except ZaloError as error:
            if isinstance(error, ZaloAPIError) and error.code == UNAUTHORIZED:
                raise  # a wrong or reset token: nothing to retry
            delay = retry_delay(retry_seconds, failures)
            failures += 1
            log.warning(
                "zalo getUpdates failed; retrying", error=str(error), seconds=delay, failures=failures
            )
            await sleep_unless_stopped(stop, delay)
            continue
        failures = 0
        if updates:
            await _store_until_done(intake, [_raw(update) for update in updates], stop, retry_seconds)


async def _store_until_done(
    intake: Intake, payloads: list[dict[str, Any]], stop: asyncio.Event, retry_seconds: float
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


def retry_delay(first_seconds: float, failures: int) -> float:
    """The pause after a failed poll that `failures` other failures came right before: `first_seconds`
    doubled each time, at most MAX_RETRY_SECONDS (or `first_seconds`, should that be longer)."""
    return min(max(first_seconds, MAX_RETRY_SECONDS), first_seconds * 2.0 ** min(failures, 32))


def _raw(update: ZaloUpdate) -> dict[str, Any]:
    """The update as Zalo sent it (unknown fields kept), the same shape a webhook stores."""
    return update.model_dump(mode="json", by_alias=True, exclude_unset=True)


async def sleep_unless_stopped(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
