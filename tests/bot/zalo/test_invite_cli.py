"""`cdht invite PHONE`: a one-time code that registration accepts (registered here on a bare typer app, the
way `cdht.cli.app` will register it)."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
import typer
from sqlalchemy import text
from typer.testing import CliRunner

from cdht.bot.composition import open_app
from cdht.cli import people as cli_people
from cdht.cli.app import app as cdht_app
from cdht.cli.common import DEMO_ROSTER
from cdht.config import Settings
from cdht.handlers.admin.invites import new_code
from cdht.handlers.ports import InviteRecord
from cdht.handlers.respondent.registration import CODE_PATTERN


@pytest.fixture
def invite_app() -> typer.Typer:
    app = typer.Typer()
    app.callback()(lambda: None)  # a group, so that `invite` is a subcommand as in `cdht`
    cli_people.register_invite(app)
    return app


def test_invite_makes_a_one_time_code_for_a_person_of_the_roster(
    invite_app: typer.Typer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CDHT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("CDHT_DATABASE_URL", raising=False)
    runner = CliRunner()
    assert runner.invoke(cdht_app, ["import-roster", str(DEMO_ROSTER)]).exit_code == 0
    result = runner.invoke(invite_app, ["invite", "0902 000 001", "--days", "3"])
    assert result.exit_code == 0, result.output
    assert "Nguyễn Văn An" in result.output
    [code] = re.findall(r"/start ([A-Z0-9]+)", result.output)
    assert CODE_PATTERN.match(code)
    assert runner.invoke(invite_app, ["invite", "0999999999"]).exit_code == 1

    async def redeem_twice() -> tuple[InviteRecord | None, InviteRecord | None]:
        settings = Settings(data_dir=tmp_path / "data", _env_file=None)  # type: ignore[call-arg]
        async with open_app(settings) as app, app.uow() as uow:
            now = datetime.now(UTC)
            first, second = await uow.invites.redeem(code, now), await uow.invites.redeem(code, now)
            await uow.commit()
        return first, second

    first, second = asyncio.run(redeem_twice())
    assert first is not None and second is None


def test_codes_are_easy_to_type_and_always_look_like_codes() -> None:
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == 8 and not set(c) & set("01OI") and any(ch.isdigit() for ch in c) for c in codes)


def test_a_code_from_the_command_line_expires_and_is_audited_without_an_issuer(
    invite_app: typer.Typer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CDHT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CDHT_INVITE_TTL_HOURS", "5")
    monkeypatch.delenv("CDHT_DATABASE_URL", raising=False)
    runner = CliRunner()
    assert runner.invoke(cdht_app, ["import-roster", str(DEMO_ROSTER)]).exit_code == 0
    before = datetime.now(UTC)
    result = runner.invoke(invite_app, ["invite", "0901000001"])  # a commune officer: only from here
    assert result.exit_code == 0, result.output
    assert "Mã mời cho Phan Thị Thu: " in result.output and "hết hạn lúc " in result.output
    both = runner.invoke(invite_app, ["invite", "0901000001", "--hours", "2", "--days", "1"])
    assert both.exit_code == 1 and "chỉ dùng một trong hai" in both.output

    async def stored() -> tuple[list[tuple[int | None, datetime | None]], list[tuple[str, int | None]]]:
        settings = Settings(data_dir=tmp_path / "data", _env_file=None)
        async with open_app(settings) as app, app.uow() as uow:
            officer = await uow.people.by_phone("+84901000001")
            assert officer is not None
            async with app.database.engine.connect() as connection:
                rows = await connection.execute(text("SELECT issuer_id, expires_at FROM invite_codes"))
                codes = [(row.issuer_id, row.expires_at) for row in rows]
            entries = await uow.audit.for_units([officer.unit_id])
        # the roster import's own entries (issue 20) aside
        return codes, [(e.action, e.actor_id) for e in entries if not e.action.startswith("import_")]

    codes, entries = asyncio.run(stored())
    [(issuer, expires)] = codes
    assert issuer is None and entries == [("invite", None)]
    expires = expires if isinstance(expires, datetime) else datetime.fromisoformat(str(expires))
    lifetime = expires.replace(tzinfo=expires.tzinfo or UTC) - before
    assert 4.9 * 3600 < lifetime.total_seconds() < 5.1 * 3600
