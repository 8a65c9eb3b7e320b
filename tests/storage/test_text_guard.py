"""The defensive pass where text enters storage (`cdht.storage.text_guard`): text that reached a repository
without passing a boundary (the command line, an error message) is stored clean, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from cdht.storage.text_guard import clean_parameters
from cdht.storage.unit_of_work import SqlUnitOfWork
from tests.conftest import NOW


async def test_a_nul_and_hidden_characters_never_reach_the_database(
    uow_factory: Callable[[], SqlUnitOfWork],
) -> None:
    async with uow_factory() as uow:
        unit = await uow.units.add("X\x001", "Xã\x00 Một\u202e\u2067\u200b", "commune", None, NOW)
        await uow.people.add("Nguyễn\x00 Văn\u200b An", "+84902000001", "commune_officer", unit.id, NOW)
        await uow.commit()
    async with uow_factory() as uow:
        stored = await uow.units.get(unit.id)
        person = await uow.people.by_phone("+84902000001")
    assert stored is not None and (stored.code, stored.name) == ("X1", "Xã Một")
    assert person is not None and person.name == "Nguyễn Văn An"


async def test_many_rows_at_once_are_cleaned_too(database_url_and_engine: tuple[str, AsyncEngine]) -> None:
    _, engine = database_url_and_engine
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TEMPORARY TABLE notes (body TEXT)"))
        await connection.execute(
            text("INSERT INTO notes (body) VALUES (:body)"),
            [{"body": "một\x00"}, {"body": "hai\u202e"}, {"body": "ba"}],
        )
        rows = (await connection.execute(text("SELECT body FROM notes ORDER BY body"))).scalars().all()
    assert sorted(rows) == sorted(["một", "hai", "ba"])


def test_clean_parameters_keep_their_shape_and_identity_when_clean() -> None:
    clean = ("Thôn Đông", 3, None, b"\x00")
    assert clean_parameters(clean) is clean
    named = {"name": "Thôn Đông", "n": 1}
    assert clean_parameters(named) is named
    assert clean_parameters(("a\x00", 1)) == ("a", 1)
    assert clean_parameters(["a\u202e", b"\x00"]) == ["a", b"\x00"]
    assert clean_parameters({"name": "a\u200b", "n": 1}) == {"name": "a", "n": 1}
