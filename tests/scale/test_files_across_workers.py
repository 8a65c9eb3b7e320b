"""Files every worker reaches (`CDHT_FILE_STORE=database`): two `cdht run` processes with separate data folders
on one PostgreSQL, one after the other, against the fake Bot API over real HTTP. A photo one received is in
the evidence ZIP the other makes; an export one rendered (and could not send: Telegram said «retry after») is
sent by the other, from the database. Neither data folder holds a file."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from cdht.conversations.definition.loader import builtin_questionnaires
from cdht.conversations.engine.session import Session
from cdht.handlers.admin.roster import import_roster
from cdht.storage.database import Database
from cdht.storage.tables import StoredFile
from tests.fakes.telegram_faults import FaultyTelegramAPI
from tests.fakes.telegram_user import TelegramUser
from tests.scale.processes import CdhtProcess, cdht_environment, wait_for

pytestmark = pytest.mark.slow

ROSTER = """unit_code,unit_name,parent_code,tier,person_name,phone,role
FS,Tỉnh Thử,,province,Quản trị Tỉnh,0900000001,province_admin
FS-H,Huyện Thử,FS,district,Lê Văn Huyện,0900000002,district_admin
FS-H-X,Xã Thử,FS-H,commune,Phan Thị Thu,0901000001,commune_officer
FS-H-X-T,Thôn Thử,FS-H-X,village,Nguyễn Văn An,0902000001,village_head
"""
NUMBERS = {"households": "250", "citizens": "1.000", "learning_citizens": "850", "trained_citizens": "620"}
PHOTO = b"\xff\xd8\xff\xe0" + b"a photo from the village meeting " * 3000  # about 100 kB
START_SECONDS = 90


async def _session(database: Database, phone: str) -> Session | None:
    async with database.uow() as uow:
        person = await uow.people.by_phone(phone)
        assert person is not None and person.unit_id is not None
        record = await uow.sessions.get(person.id, person.unit_id, 2025, "commune_officer")
    return None if record is None else Session.model_validate(record.state)


async def _evidence(database: Database, phone: str) -> list[str]:
    async with database.uow() as uow:
        person = await uow.people.by_phone(phone)
        assert person is not None and person.unit_id is not None
        return [e.sha256 for e in await uow.evidence.for_unit(person.unit_id, 2025) if e.sha256]


async def _stored(database: Database) -> dict[str, bool]:
    async with database.engine.connect() as connection:
        rows = (await connection.execute(select(StoredFile.sha256, StoredFile.export))).all()
    return {row.sha256: row.export for row in rows}


def _files_under(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and p.suffix not in (".log",)]


async def test_a_second_worker_exports_and_sends_what_the_first_received_and_rendered(
    pg_database: Database, postgres_schema: str, tmp_path: Path
) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    async with pg_database.uow() as uow:
        await import_roster(roster, uow, datetime(2025, 11, 1, tzinfo=UTC))
    api = FaultyTelegramAPI()
    await api.start()
    thu = TelegramUser(api, 7002, "Thu", "0901000001")  # the commune officer: answers on the first worker
    huyen = TelegramUser(api, 7003, "Huyện", "0900000002")  # the district: exports on the second
    environments = {
        name: cdht_environment(
            tmp_path / name,
            api.base_url,
            database_url=str(pg_database.url),
            database_schema=postgres_schema,
            file_store="database",
        )
        for name in ("first", "second")
    }
    for name in environments:
        (tmp_path / name).mkdir()
    running: list[CdhtProcess] = []

    async def start(name: str) -> CdhtProcess:
        process = CdhtProcess(["run"], environments[name], tmp_path / name, name)
        running.append(process)
        polls = len(api.calls_to("getUpdates"))

        async def polling() -> bool:
            return len(api.calls_to("getUpdates")) > polls or any(
                c.method == "getUpdates" for c in api.calls[-3:]
            )

        await wait_for(polling, seconds=START_SECONDS, processes=[process], what=f"{name} to poll")
        return process

    async def say(
        process: CdhtProcess, update: dict[str, object], until: Callable[[], Awaitable[bool]], what: str
    ) -> None:
        await api.push(update)
        await wait_for(until, seconds=30, processes=[process], what=what)

    def replied(user: TelegramUser, words: str) -> Callable[[], Awaitable[bool]]:
        async def check() -> bool:
            return any(words in text for text in api.texts(user.id))

        return check

    try:
        # 1. The first worker receives the commune officer's answer and a photo for its evidence question.
        first = await start("first")
        await say(first, thu.text("/start"), replied(thu, "Chia sẻ số điện thoại"), "the contact request")
        await say(first, thu.contact(), replied(thu, "Xin chào Phan Thị Thu"), "the welcome")
        questionnaire = builtin_questionnaires()["commune_officer"]
        for _ in range(40):
            session = await _session(pg_database, "+84901000001")
            assert session is not None and session.cursor is not None, api.texts(thu.id)
            question = questionnaire.question(session.cursor)
            if question.type == "evidence":
                break

            async def moved(cursor: str = session.cursor) -> bool:
                now = await _session(pg_database, "+84901000001")
                return now is not None and now.cursor != cursor

            update = thu.tap("Có") if question.type == "yes_no" else thu.text(NUMBERS.get(question.id, "5"))
            await say(first, update, moved, f"an answer to {question.id}")
        else:
            raise AssertionError("no evidence question was reached")

        async def photo_stored() -> bool:
            return bool(await _evidence(pg_database, "+84901000001"))

        await say(first, thu.photo(PHOTO), photo_stored, "the photo to be stored")
        [photo_sha] = await _evidence(pg_database, "+84901000001")
        assert (await _stored(pg_database)).get(photo_sha) is False  # kept in the database, never pruned
        await first.stop()

        # 2. The second worker, on another data folder, makes the evidence ZIP with that photo in it.
        second = await start("second")
        await say(
            second, huyen.text("/start"), replied(huyen, "Chia sẻ số điện thoại"), "the contact request"
        )
        await say(second, huyen.contact(), replied(huyen, "Xin chào Lê Văn Huyện"), "the district's welcome")

        async def zip_sent() -> bool:
            return any(
                c.params.get("caption", "").startswith("🗜") for c in api.calls_to("sendDocument", huyen.id)
            )

        await say(second, huyen.text("/xuat zip:FS-H-X"), zip_sent, "the evidence ZIP")
        [archive] = [c for c in api.calls_to("sendDocument", huyen.id) if c.params["caption"].startswith("🗜")]
        assert archive.params["document_file_name"].endswith("-minh-chung.zip")
        with zipfile.ZipFile(io.BytesIO(archive.files["document"])) as packed:
            contents = [packed.read(name) for name in packed.namelist()]
        assert PHOTO in contents  # received by the first worker, read from the database by the second

        # 3. The second renders a workbook; Telegram asks it to retry later; the first, started again, sends it.
        api.fail_next("sendDocument", 429, retry_after=3, chat_id=huyen.id)

        async def refused() -> bool:
            return any(
                c.method == "sendDocument" and c.status == 429 and c.chat_id == str(huyen.id)
                for c in api.calls
            )

        await say(second, huyen.text("/xuat xlsx:FS-H-X"), refused, "the workbook's first attempt")
        await second.stop()
        assert not second.alive
        exported = [sha for sha, export in (await _stored(pg_database)).items() if export]
        assert exported  # rendered by the second worker, kept in the database as an export
        first = await start("first")

        async def workbook_sent() -> bool:
            return any(
                c.params.get("caption", "").startswith("📊 Bảng")
                for c in api.calls_to("sendDocument", huyen.id)
            )

        await wait_for(workbook_sent, seconds=30, processes=[first], what="the workbook sent by the first")
        [workbook] = [
            c for c in api.calls_to("sendDocument", huyen.id) if c.params["caption"].startswith("📊 Bảng")
        ]
        assert workbook.files["document"].startswith(b"PK")
        await first.stop()
        assert not _files_under(tmp_path / "first" / "data") and not _files_under(
            tmp_path / "second" / "data"
        )
    finally:
        for process in running:
            await process.stop()
        await api.close()
