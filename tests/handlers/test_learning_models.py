"""Learning models end to end: villages and the commune answer on the console, /tiendo and the self-assessment
report show the tally (villages summed, the commune's own added), a district's /tiendo the total."""

from __future__ import annotations

from pathlib import Path

import docx

from tests.support import answer_everything, chat, console_clock, demo_app, make_photo

HEAD_X1_T1 = "+84902000001"
HEAD_X1_T2 = "+84902000002"
HEAD_X2_T1 = "+84902000005"
OFFICER_X1 = "+84901000001"
DISTRICT = "+84900000002"

EAST = {
    "families_assessed": 200,
    "learning_families": 150,
    "clans": 6,
    "clans_assessed": 4,
    "learning_clans": 3,
}
WEST = {"families_assessed": 0, "clans": 0}  # nothing evaluated: nothing recognised is asked
OTHER = {"families_assessed": 100, "learning_families": 90, "clans": 0}
COMMUNE = {"units_assessed": 12, "learning_units": 10}
EXTRA = 3  # what answer_everything types for the commune's «công nhận thêm» counts


def typed(figures: dict[str, int], **words: str) -> dict[str, str]:
    return {key: str(value) for key, value in figures.items()} | words


def attachments(lines: list[str]) -> list[Path]:
    return [
        Path(line.split("📎 Tệp đính kèm: ", 1)[1].strip()) for line in lines if "📎 Tệp đính kèm: " in line
    ]


async def test_progress_and_the_self_assessment_report_show_the_learning_models(tmp_path: Path) -> None:
    clock = console_clock()
    photo = make_photo(tmp_path)
    async with demo_app(tmp_path) as app:
        for phone, figures, words in [
            (HEAD_X1_T1, EAST, {}),  # evaluated and recognised CĐHT cấp thôn («có» by default)
            (HEAD_X1_T2, WEST, {"village_cdht_assessed": "không"}),
            (HEAD_X2_T1, OTHER, {"village_cdht": "không"}),
        ]:
            head, _ = await chat(app, phone, clock)
            await answer_everything(app, head, phone, photo, typed(figures, **words))
        officer, _ = await chat(app, OFFICER_X1, clock)
        await answer_everything(
            app, officer, OFFICER_X1, photo, typed(COMMUNE, extra_models="có"), "commune_officer"
        )

        families = (EAST["families_assessed"] + EXTRA, EAST["learning_families"] + EXTRA)
        clans = (EAST["clans_assessed"] + EXTRA, EAST["learning_clans"] + EXTRA)
        villages = (1 + EXTRA, 1 + EXTRA)  # Thôn Đông, and those the commune added
        text = "\n".join(await officer.send("/tiendo"))
        models = text[text.index("Mô hình học tập năm 2025:") :]
        assert (
            f"• Đơn vị học tập: đánh giá {COMMUNE['units_assessed']}, công nhận {COMMUNE['learning_units']}"
            in models
        )
        assert f"• Gia đình học tập: đánh giá {families[0]}, công nhận {families[1]}" in models
        assert f"• Dòng họ học tập: đánh giá {clans[0]}, công nhận {clans[1]}" in models
        assert f"• Cộng đồng học tập cấp thôn: đánh giá {villages[0]}, công nhận {villages[1]}" in models
        assert "2/4 thôn" in models and "còn 2 thôn" in models  # Thôn Nam and Thôn Bắc have not answered

        [report] = attachments(await officer.send("/xuat baocao:DEMO-SH-X1"))
        document = docx.Document(str(report))
        [grid] = [t for t in document.tables if t.rows[0].cells[0].text == "Mô hình học tập"]
        rows = {row.cells[0].text: (row.cells[1].text, row.cells[2].text) for row in grid.rows[1:]}
        assert rows == {
            "Đơn vị học tập": (str(COMMUNE["units_assessed"]), str(COMMUNE["learning_units"])),
            "Gia đình học tập": tuple(map(str, families)),
            "Dòng họ học tập": tuple(map(str, clans)),
            "Cộng đồng học tập cấp thôn": tuple(map(str, villages)),
        }
        assert any("MÔ HÌNH HỌC TẬP" in p.text for p in document.paragraphs)

        district, _ = await chat(app, DISTRICT, clock)
        text = "\n".join(await district.send("/tiendo"))
        total = text[text.index("Mô hình học tập của các xã năm 2025 (tổng):") :]
        other_families = (OTHER["families_assessed"], OTHER["learning_families"])
        assert f"• Đơn vị học tập: đánh giá {COMMUNE['units_assessed']}, " in total  # Hòa Lạc gave none
        assert (
            f"• Gia đình học tập: đánh giá {families[0] + other_families[0]}, "
            f"công nhận {families[1] + other_families[1]}"
        ) in total
        assert f"• Cộng đồng học tập cấp thôn: đánh giá {villages[0] + 1}, công nhận {villages[1]}" in total
