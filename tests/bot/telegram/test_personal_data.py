"""Personal data kept only as long as needed (Nghị định 13/2023/NĐ-CP), through the fake Bot API over HTTP:
a person registers by sharing their phone contact, and once that is done the stored update no longer holds
the phone number or the names the contact carried."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import text

from tests.bot.telegram.harness import AN, register, running_bot


async def test_a_shared_contact_is_not_kept_after_registration(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        an = await register(bot, AN)
        async with bot.app.database.engine.connect() as connection:
            rows = (await connection.execute(text("SELECT external_id, status, payload FROM inbox"))).all()
        assert len(rows) == 2 and all(row.status == "done" for row in rows)
        stored = " ".join(json.dumps(row.payload) for row in rows)
        assert "0902000001" not in stored and "phone_number" not in stored
        assert sum(row.payload is None for row in rows) == 1  # the contact's; the /start stays for a while
        await bot.send(an.text("1.250"))
        assert any("1.250" in reply for reply in bot.api.texts(an.id))  # registered all the same
