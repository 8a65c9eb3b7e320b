"""Hostile bodies at the Telegram webhook (random JSON, update-shaped objects with odd values everywhere,
unknown update types, edited messages, group and channel posts, invalid UTF-8, deep nesting, huge texts):
never a 500; 200 and exactly one inbox row for each new well-formed update, 400 for anything else, 413 over
1 MB; nothing else stored changes. Then the inbox worker takes every stored row without an error."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from sqlalchemy import text

from cdht.bot.telegram.webhook import MAX_DEPTH
from tests.fuzz.strategies import bodies, nested, well_formed
from tests.fuzz.webhook_endpoint import WebhookUnderTest
from tests.scale.databases import open_empty_database, row_counts

BODY_LIMIT = 1024 * 1024
USER = {"id": 7001, "is_bot": False, "first_name": "An"}
PRIVATE = {"id": 7001, "type": "private"}


def message(update_id: int, **content: object) -> bytes:
    body = {"message_id": 1, "date": 0, "chat": PRIVATE, "from": USER, **content}
    return json.dumps({"update_id": update_id, "message": body}).encode()


KNOWN_HOSTILE = [
    b"",
    b"null",
    b"[]",
    b'"update_id"',
    b'{"update_id": true}',
    b'{"update_id": -1}',
    b'{"update_id": 1e3}',
    b'{"update_id": "1"}',
    b'{"update_id": 99999999999999999999999999}',
    b'{"update_id": ' + b"9" * 5000 + b"}",  # beyond Python's int-parsing limit
    b"\xff\xfe\x00{",
    '{"update_id": 5, "message": {"text": "\udcff"}}'.encode("utf-8", "surrogatepass"),
    nested(400_000, inside_update=False),  # the parser's own recursion limit
    nested(900, inside_update=True),
    nested(MAX_DEPTH, inside_update=True),
    message(11, text="x" * (BODY_LIMIT - 200)),  # a huge text that still fits: stored
    message(12, text="x" * (2 * BODY_LIMIT)),  # over the limit: 413
    message(13, text="/start", chat={"id": -100123, "type": "supergroup"}),
    json.dumps({"update_id": 14, "edited_message": {"message_id": 1, "date": 0, "chat": PRIVATE}}).encode(),
    json.dumps({"update_id": 15, "channel_post": {"message_id": 1, "date": 0, "text": "x"}}).encode(),
    json.dumps({"update_id": 16, "message_reaction": {"chat": PRIVATE}}).encode(),
    json.dumps({"update_id": 17, "message": {"from": {"id": "9" * 300}, "chat": {"id": 10**40}}}).encode(),
    json.dumps({"update_id": 18, "callback_query": {"id": [], "from": {"id": {}}, "data": None}}).encode(),
    message(20, text="/start", chat={"id": 10**70, "type": "private"}, **{"from": {**USER, "id": 10**70}}),
]


def expected_status(body: bytes) -> int:
    if len(body) > BODY_LIMIT:
        return 413
    return 400 if well_formed(body, MAX_DEPTH) is None else 200


def test_hostile_bodies_never_fail_and_store_only_updates(
    kind_and_schema: tuple[str, str | None], tmp_path: Path
) -> None:
    kind, schema = kind_and_schema
    with asyncio.Runner() as runner:
        database = runner.run(open_empty_database(kind, tmp_path, schema))
        endpoint = WebhookUnderTest(database, tmp_path)
        runner.run(endpoint.start())
        try:
            before = runner.run(row_counts(database))
            stored: set[int] = set()

            def check(body: bytes) -> None:
                status = runner.run(endpoint.post(body))
                assert status == expected_status(body), body[:200]
                if status == 200:
                    stored.add(well_formed(body, MAX_DEPTH) or 0)

            for body in KNOWN_HOSTILE:
                check(body)
            assert runner.run(endpoint.post(message(19, text="hi"), secret="wrong")) == 401
            assert runner.run(endpoint.post(message(19, text="hi"), secret=None)) == 401

            @settings(
                max_examples=150 if kind == "sqlite" else 60,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
            )
            @given(bodies())
            def fuzz(body: bytes) -> None:
                check(body)

            fuzz()
            after = runner.run(row_counts(database))
            assert after.pop("inbox") == before.pop("inbox") + len(stored)
            assert after == before  # nothing but inbox rows

            processed = runner.run(endpoint.process_all())
            assert processed == len(stored)
            final = runner.run(row_counts(database))
            for table in ("people", "identities", "answers", "sessions", "evidence", "audit_log", "jobs"):
                assert final[table] == before[table], table
            statuses = runner.run(_inbox_statuses(endpoint))
            assert statuses == {("done", 0): len(stored)}, statuses
        finally:
            runner.run(endpoint.close())
            runner.run(database.dispose())


async def _inbox_statuses(endpoint: WebhookUnderTest) -> dict[tuple[str, int], int]:
    async with endpoint.database.engine.connect() as connection:
        rows = await connection.execute(text("SELECT status, attempts, count(*) FROM inbox GROUP BY 1, 2"))
        return {(status, attempts): count for status, attempts, count in rows}
