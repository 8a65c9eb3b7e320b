"""Issue 14, findings 1 and 6: a roster import is checked as the tree it would produce, any tier may head the
file, and every walk of the stored tree is bounded, so a loop stored some other way hangs nothing."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cdht.bot.console.channel import LocalFileFetcher
from cdht.cli.app import app
from cdht.conversations.inbound import Command
from cdht.handlers.admin.roster import RosterError, import_roster
from cdht.handlers.context import Services
from cdht.handlers.exports.jobs import run_next_job
from cdht.handlers.exports.renderings import render_job
from cdht.handlers.facts_loader import UnitTreeError
from cdht.handlers.officer import progress_report
from cdht.handlers.officer.menu_commands import run_command
from cdht.handlers.ports import JobRecord
from cdht.handlers.respondent.difficulties import responsible_admins
from cdht.handlers.scope import units_in_scope
from cdht.handlers.scores import score_unit
from cdht.storage.database import create_engine, session_factory
from cdht.storage.folder_files import FolderFileStore
from cdht.storage.unit_of_work import SqlUnitOfWork
from tests.conftest import NOW

Factory = Callable[[], SqlUnitOfWork]
HEADER = "unit_code,unit_name,parent_code,tier,person_name,phone,role\n"
ROSTER = (
    "P1,Tỉnh Thử,,province,Quản Trị Tỉnh,0900000001,province_admin\n"
    "D1,Huyện Một,P1,district,Quản Trị Huyện Một,0900000002,district_admin\n"
    "D2,Huyện Hai,P1,district,Quản Trị Huyện Hai,0900000003,district_admin\n"
    "C1,Xã Một,D1,commune,Cán Bộ Xã Một,0901000001,commune_officer\n"
    "C1-1,Thôn Một,C1,village,Trưởng Thôn Một,0902000001,village_head\n"
    "C1-2,Thôn Hai,C1,village,Trưởng Thôn Hai,0902000002,village_head\n"
    "C2,Xã Hai,D2,commune,Cán Bộ Xã Hai,0901000002,commune_officer\n"
)
DISTRICT_ROSTER = (  # a district deploying the bot for itself: no province row
    "D9,Huyện Chín,,district,Quản Trị Huyện Chín,0900000009,district_admin\n"
    "X1,Xã Chín Một,D9,commune,Cán Bộ Xã Chín,0901000009,commune_officer\n"
    "X1-1,Thôn Chín,X1,village,Trưởng Thôn Chín,0902000009,village_head\n"
    "X2,Xã Chín Hai,D9,commune,,,\n"
)
YEAR = 2025
TODAY = date(2025, 11, 15)
HANG = 30.0  # seconds: far above what these reads take, far below forever


def write(tmp_path: Path, body: str, name: str = "roster.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


async def load(factory: Factory, tmp_path: Path, body: str) -> None:
    async with factory() as uow:
        await import_roster(write(tmp_path, body, "first.csv"), uow, NOW)


async def tree(factory: Factory) -> list[tuple[str, str, int | None]]:
    async with factory() as uow:
        return [(u.code, u.tier, u.parent_id) for u in await uow.units.all()]


async def refused(factory: Factory, tmp_path: Path, body: str) -> list[str]:
    before = await tree(factory)
    async with factory() as uow:
        with pytest.raises(RosterError) as caught:
            await import_roster(write(tmp_path, body), uow, NOW)
    assert await tree(factory) == before  # nothing of a bad file is kept
    return caught.value.problems


async def test_the_issues_row_that_loops_the_tree_is_refused(uow_factory: Factory, tmp_path: Path) -> None:
    await load(uow_factory, tmp_path, ROSTER)
    problems = await refused(uow_factory, tmp_path, "P1,Tỉnh Thử,C1,village,,,\n")
    text = "\n".join(problems)
    assert all(p.startswith("Dòng 2:") for p in problems), text
    assert any("vòng lặp" in p and "P1 nằm dưới C1" in p for p in problems), text
    assert any("không thể đổi P1 thành cấp thôn" in p and "D1" in p for p in problems), text


async def test_a_district_redeclared_as_a_village_is_refused(uow_factory: Factory, tmp_path: Path) -> None:
    await load(uow_factory, tmp_path, ROSTER)
    problems = await refused(uow_factory, tmp_path, "D1,Huyện Một,P1,village,,,\n")
    text = "\n".join(problems)
    assert any(p.startswith("Dòng 2: không thể đổi D1 thành cấp thôn vì C1 (cấp xã)") for p in problems), text
    assert any(p.startswith("Dòng 2:") and "Quản Trị Huyện Một" in p for p in problems), text  # its admin


async def test_tiers_must_descend_along_every_path(uow_factory: Factory, tmp_path: Path) -> None:
    await load(uow_factory, tmp_path, ROSTER)
    problems = await refused(
        uow_factory,
        tmp_path,
        "C1-1,Thôn Một,C1,village,,,\n"  # row 2: fine
        "C3,Xã Ba,C1-1,commune,,,\n"  # row 3: a commune under a village
        "D3,Huyện Ba,D1,district,,,\n"  # row 4: a district under a district
        "C4,Xã Bốn,C4,commune,,,\n",  # row 5: under itself
    )
    text = "\n".join(problems)
    assert not any(p.startswith("Dòng 2:") for p in problems), text
    assert any(
        p.startswith("Dòng 3: C1-1 (cấp thôn) không thể là cấp trên của C3 (cấp xã)") for p in problems
    )
    assert any(p.startswith("Dòng 4: D1 (cấp huyện) không thể là cấp trên của D3") for p in problems), text
    assert any(p.startswith("Dòng 5:") and "vòng lặp (C4 nằm dưới C4)" in p for p in problems), text


async def test_moves_are_listed_and_a_row_without_parent_keeps_its_place(
    uow_factory: Factory, tmp_path: Path
) -> None:
    await load(uow_factory, tmp_path, ROSTER)
    async with uow_factory() as uow:
        report = await import_roster(
            write(
                tmp_path,
                "D1,Huyện Một,,district,Quản Trị Huyện Một,0900000002,district_admin\n"  # stays under P1
                "C1,Xã Một,D2,commune,,,\n",  # moves to D2
            ),
            uow,
            NOW,
        )
    assert report.units_changed == ["C1"]
    assert [(m.code, m.old_parent, m.new_parent) for m in report.units_moved] == [("C1", "D1", "D2")]
    assert "Chuyển đơn vị C1: D1 → D2." in report.summary().splitlines()
    async with uow_factory() as uow:
        codes = {u.id: u.code for u in await uow.units.all()}
        placed = {u.code: codes.get(u.parent_id or 0) for u in await uow.units.all()}
    assert placed["D1"] == "P1" and placed["C1"] == "D2"


def services(tmp_path: Path) -> Services:
    return Services(
        files=FolderFileStore(tmp_path / "files"),
        fetcher=LocalFileFetcher(),
        year=YEAR,
        exports_dir=tmp_path / "exports",
    )


async def test_a_roster_headed_by_a_district_imports_and_works(uow_factory: Factory, tmp_path: Path) -> None:
    async with uow_factory() as uow:
        report = await import_roster(write(tmp_path, DISTRICT_ROSTER), uow, NOW)
    assert report.units_added == ["D9", "X1", "X2", "X1-1"]  # parents first
    async with uow_factory() as uow:
        admin = await uow.people.by_phone("+84900000009")
        head = await uow.people.by_phone("+84902000009")
        district = await uow.units.by_code("D9")
        assert admin is not None and head is not None and district is not None
        assert [u.code for u in await units_in_scope(uow, admin)] == ["D9", "X1", "X2", "X1-1"]
        assessment = await score_unit(uow, "D9", YEAR)
        assert assessment.criteria_set_id == "tt25_district"
        assert [c.unit_code for c in assessment.children] == ["X1", "X2"]
        progress = await progress_report.area_progress(uow, district, YEAR, TODAY)
        assert "Tiến độ năm 2025 — Huyện Chín" in progress.text
        assert "• Xã Chín Một: chưa đạt mức độ 1 · thôn xong 0/1" in progress.text
        assert [p.phone for p in await responsible_admins(uow, head)] == ["+84900000009"]
        replies = await run_command(
            uow, admin, Command("tiendo", "X1"), NOW, services(tmp_path), channel="console"
        )
        assert "Tiến độ năm 2025 — Xã Chín Một" in replies[0].text
        job = JobRecord("export", {"unit": "D9", "year": YEAR, "format": "xlsx"}, "running", NOW)
        rendered = await render_job(uow, job, services(tmp_path), NOW)
        assert [(name, len(content) > 0) for name, content in rendered.files()] == [
            ("D9-2025-bang-tong-hop.xlsx", True)
        ]


async def test_a_roster_headed_by_a_commune_imports_and_works(uow_factory: Factory, tmp_path: Path) -> None:
    async with uow_factory() as uow:
        await import_roster(
            write(
                tmp_path,
                "X1,Xã Riêng,,xã,Cán Bộ Xã Riêng,0901000009,cán bộ xã\n"
                "X1-1,Thôn Riêng,X1,thôn,Trưởng Thôn Riêng,0902000009,trưởng thôn\n",
            ),
            uow,
            NOW,
        )
    async with uow_factory() as uow:
        officer = await uow.people.by_phone("+84901000009")
        head = await uow.people.by_phone("+84902000009")
        assert officer is not None and head is not None
        replies = await run_command(
            uow, officer, Command("tiendo"), NOW, services(tmp_path), channel="console"
        )
        assert "Tiến độ năm 2025 — Xã Riêng" in replies[0].text
        assert (await score_unit(uow, "X1", YEAR)).unit_code == "X1"
        # nobody above a commune-headed roster: its officers answer the village heads' vướng mắc
        assert [p.id for p in await responsible_admins(uow, head)] == [officer.id]


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Fail the test if the block runs longer: SIGALRM interrupts even a loop that never yields to asyncio."""

    def expire(_signal: int, _frame: object) -> None:
        pytest.fail(f"still running after {seconds} s: a walk of the unit tree does not end")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


async def store_the_loop(factory: Factory, tmp_path: Path) -> None:
    """The roster, then P1 made a village under its own commune directly in storage, as an import did before
    the tree was checked: P1 → C1 → D1 → P1."""
    await load(factory, tmp_path, ROSTER)
    async with factory() as uow:
        province, commune = await uow.units.by_code("P1"), await uow.units.by_code("C1")
        assert province is not None and commune is not None
        await uow.units.update(province.id, name=province.name, tier="village", parent_id=commune.id)
        await uow.commit()


async def tiendo(factory: Factory, tmp_path: Path, phone: str, code: str | None) -> str:
    async with factory() as uow:
        person = await uow.people.by_phone(phone)
        assert person is not None
        replies = await run_command(
            uow, person, Command("tiendo", code), NOW, services(tmp_path), channel="console"
        )
        return replies[0].text


async def test_a_stored_loop_hangs_neither_progress_nor_scoring(uow_factory: Factory, tmp_path: Path) -> None:
    await store_the_loop(uow_factory, tmp_path)
    with deadline(HANG):
        # the issue's case: an admin outside the loop asks about a unit on it
        assert "không có quyền xem" in await tiendo(uow_factory, tmp_path, "+84900000003", "C1")
        for phone, code in (("+84900000002", "C1"), ("+84901000001", None)):  # on the loop, or below it
            reply = await tiendo(uow_factory, tmp_path, phone, code)
            assert reply.startswith("⚠️ Cây đơn vị dưới Xã Một (C1) đang bị lỗi"), reply
            assert "nhập lại danh sách đơn vị" in reply
        async with uow_factory() as uow:
            with pytest.raises(UnitTreeError, match="Huyện Một"):
                await score_unit(uow, "D1", YEAR)


async def test_a_districts_progress_job_on_a_stored_loop_says_why(
    uow_factory: Factory, tmp_path: Path
) -> None:
    await store_the_loop(uow_factory, tmp_path)
    async with uow_factory() as uow:
        admin = await uow.people.by_phone("+84900000002")
        assert admin is not None
        await uow.people.link_identity(admin.id, "console", "d1", "d1", NOW)
        replies = await run_command(uow, admin, Command("tiendo"), NOW, services(tmp_path), channel="console")
        await uow.commit()
    assert replies[0].text.startswith("⏳ Đang tổng hợp tiến độ của Huyện Một")  # the progress and chart jobs
    with deadline(HANG):
        while await run_next_job(uow_factory, services(tmp_path), lambda: NOW) is not None:
            pass
    async with uow_factory() as uow:
        sent = [record.payload["text"] for record in await uow.outbox.due("console", NOW, 10)]
    assert len(sent) == 2 and all(
        text.startswith("⚠️ Cây đơn vị dưới Huyện Một (D1) đang bị lỗi") for text in sent
    )


async def test_an_import_names_a_stored_loop_and_can_undo_it(uow_factory: Factory, tmp_path: Path) -> None:
    await store_the_loop(uow_factory, tmp_path)
    problems = await refused(uow_factory, tmp_path, "C1-3,Thôn Ba,C1,village,,,\n")
    assert any(p.startswith("Cây đơn vị đã lưu có vòng lặp (") and "P1 nằm dưới C1" in p for p in problems)
    async with uow_factory() as uow:  # the province row as it was: with no parent code it goes back on top
        report = await import_roster(write(tmp_path, "P1,Tỉnh Thử,,province,,,\n"), uow, NOW)
    assert "Chuyển đơn vị P1: C1 → không có cấp trên." in report.summary().splitlines()
    async with uow_factory() as uow:
        assert (await score_unit(uow, "D1", YEAR)).unit_code == "D1"


def test_cdht_score_on_a_stored_loop_ends_politely(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CDHT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("CDHT_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)  # no .env of the working folder
    runner = CliRunner()
    result = runner.invoke(app, ["import-roster", str(write(tmp_path, ROSTER))])
    assert result.exit_code == 0, result.output

    async def store() -> None:
        engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'data' / 'cdht.sqlite3'}")
        try:
            await store_the_loop(lambda: SqlUnitOfWork(session_factory(engine)), tmp_path)
        finally:
            await engine.dispose()

    asyncio.run(store())
    with deadline(HANG):
        result = runner.invoke(app, ["score", "D1", "--year", str(YEAR)])
    assert result.exit_code == 1
    assert "Cây đơn vị dưới Huyện Một (D1) đang bị lỗi" in result.output, result.output
