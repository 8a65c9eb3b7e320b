"""A district's villages in one read agree with reading each commune's villages on its own."""

from __future__ import annotations

from pathlib import Path

from cdht.handlers.officer.village_status import village_states, village_states_below
from tests.support import YEAR, answer_everything, chat, console_clock, demo_app, make_photo


async def test_an_areas_villages_read_at_once_match_each_communes_own(tmp_path: Path) -> None:
    async with demo_app(tmp_path) as app:
        head, _ = await chat(app, "+84902000001", console_clock())
        await answer_everything(app, head, "+84902000001", make_photo(tmp_path))
        async with app.uow() as uow:
            district = await uow.units.by_code("DEMO-SH")
            province = await uow.units.by_code("DEMO")
            assert district is not None and province is not None
            communes = [c for c in await uow.units.children(district.id) if c.tier == "commune"]
            each = {c.id: await village_states(uow, c, YEAR) for c in communes}
            at_once = await village_states_below(uow, district, YEAR)
            from_the_province = await village_states_below(uow, province, YEAR)
    assert at_once == each == from_the_province
    states = {s.unit.code: s.state for c in communes for s in at_once[c.id]}
    assert states["DEMO-SH-X1-T1"] == "completed" and states["DEMO-SH-X1-T2"] == "not_started"
    assert [s.unit.code for s in at_once[communes[0].id]] == sorted(
        s.unit.code for s in at_once[communes[0].id]
    )
