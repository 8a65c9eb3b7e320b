"""Issue 16, gap 8: the yearly report made in May, as an export job renders it from what was stored. Phòng GD&ĐT
reports to Sở GD&ĐT and the district's People's Committee (configurable), with each commune's level and the
stage of its dossier, the learning models per commune and in total, and the vướng mắc raised in chat during the
year with the answers given."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import docx
import pytest

from cdht.bot.console.channel import LocalFileFetcher
from cdht.config import Settings
from cdht.handlers.context import Services
from cdht.handlers.exports.renderings import render_job
from cdht.handlers.ports import JobRecord, NewAnswer, SelfAssessmentMeeting, UnitOfWork
from cdht.handlers.procedure.rules import STAGE_NAMES
from cdht.handlers.respondent import difficulties
from cdht.reports.annual_stats import ISSUERS, RECIPIENTS
from cdht.storage.folder_files import FolderFileStore
from tests.fakes.memory import MemoryDatabase, MemoryUnitOfWork
from tests.reports.fixtures import docx_text

YEAR = 2024
TODAY = date(YEAR + 1, 5, 20)
RAISED = datetime(YEAR, 11, 5, 2, 0, tzinfo=UTC)
VILLAGES = {  # village code -> (families evaluated, recognised, clans, clans evaluated, recognised)
    "C1-1": (40, 35, 3, 2, 2),
    "C1-2": (30, 20, 0, 0, 0),
}
UNITS = (5, 4)  # the commune's own units evaluated, recognised
MEETING = SelfAssessmentMeeting(date(YEAR + 1, 1, 15), "Chủ tịch UBND xã", "Các thôn", 1)


def services(tmp_path: Path, **settings: object) -> Services:
    return Services(
        files=FolderFileStore(tmp_path / "files"),
        fetcher=LocalFileFetcher(),
        year=YEAR,
        exports_dir=tmp_path / "exports",
        **settings,  # type: ignore[arg-type]
    )


async def _answer(uow: UnitOfWork, unit_id: int, values: dict[str, int]) -> None:
    for key, value in values.items():
        await uow.answers.add(NewAnswer(unit_id, YEAR, key, value, RAISED, "chat"))


async def _dossier(uow: UnitOfWork, unit_id: int, receiver: int, officer: int, when: datetime) -> int:
    sent = await uow.dossiers.add(
        unit_id=unit_id,
        year=YEAR,
        level=1,
        receiver_unit_id=receiver,
        meeting=MEETING,
        snapshot={},
        documents=(),
        content_hash="ab" * 32,
        sent_by=officer,
        now=when,
    )
    return sent.id


async def district_with_a_year(database: MemoryDatabase) -> dict[str, int]:
    """A province, the district reporting and one other district; three communes, villages under the first;
    answers for the learning models, dossiers at several stages, vướng mắc asked and answered in chat."""
    async with MemoryUnitOfWork(database) as uow:
        province = await uow.units.add("P1", "Tỉnh Ninh Bình", "province", None, RAISED)
        district = await uow.units.add("D1", "Huyện Kim Sơn", "district", province.id, RAISED)
        other = await uow.units.add("D2", "Huyện Yên Mô", "district", province.id, RAISED)
        c1 = await uow.units.add("C1", "Xã Kim Chính", "commune", district.id, RAISED)
        c2 = await uow.units.add("C2", "Xã Kim Đông", "commune", district.id, RAISED)
        await uow.units.add("C3", "Xã Kim Hải", "commune", district.id, RAISED)
        elsewhere = await uow.units.add("E1", "Xã Yên Thành", "commune", other.id, RAISED)
        villages = {}
        for code, name in (("C1-1", "Thôn Đồng Mỏ"), ("C1-2", "Thôn Nà Pàn")):
            villages[code] = (await uow.units.add(code, name, "village", c1.id, RAISED)).id
        admin = await uow.people.add("Lê Thị Hoa", "+84900000001", "district_admin", district.id, RAISED)
        officer = await uow.people.add("Trần Văn Bình", "+84900000002", "commune_officer", c1.id, RAISED)
        head = await uow.people.add("Hoàng Văn Tư", "+84900000003", "village_head", villages["C1-1"], RAISED)
        stranger = await uow.people.add(
            "Người Yên Mô", "+84900000004", "commune_officer", elsewhere.id, RAISED
        )
        for code, (families, learning, clans, assessed, recognised) in VILLAGES.items():
            await _answer(
                uow,
                villages[code],
                {
                    "families_assessed": families,
                    "learning_families": learning,
                    "clans": clans,
                    "clans_assessed": assessed,
                    "learning_clans": recognised,
                },
            )
        await _answer(uow, c1.id, {"units_assessed": UNITS[0], "learning_units": UNITS[1]})
        first = await _dossier(uow, c1.id, district.id, officer.id, RAISED)
        await uow.dossiers.set_stage(first, "passed", RAISED + timedelta(days=30))
        returned = await _dossier(uow, c2.id, district.id, officer.id, RAISED)
        await uow.dossiers.set_stage(
            returned, "returned", RAISED + timedelta(days=1), reasons="Thiếu biên bản"
        )
        await _dossier(uow, c2.id, district.id, officer.id, RAISED + timedelta(days=3))
        await uow.commit()
    async with MemoryUnitOfWork(database) as uow:
        before = datetime(YEAR, 6, 20, tzinfo=UTC)  # last year's campaign: not in this report
        await difficulties.submit(uow, head, "Câu hỏi của năm trước", before)
        asked = await uow.difficulties.open_for_units([villages["C1-1"]])
        await difficulties.submit(uow, head, "Gia đình có con đi làm xa có được tính không?", RAISED)
        await difficulties.submit(uow, officer, "Nộp biên bản họp ở đâu?", RAISED + timedelta(days=60))
        await difficulties.submit(uow, stranger, "Câu hỏi của huyện khác", RAISED)
        await uow.commit()
    async with MemoryUnitOfWork(database) as uow:
        question = next(
            d for d in await uow.difficulties.open_for_units([villages["C1-1"]]) if d not in asked
        )
        await difficulties.reply(
            uow, admin, question.id, "Được tính nếu đáp ứng tiêu chí của xã.", RAISED + timedelta(days=1)
        )
        await uow.commit()
    return {"district": district.id, "question": question.id}


async def render(database: MemoryDatabase, tmp_path: Path, **settings: object) -> tuple[bytes, bytes]:
    job = JobRecord("export", {"unit": "D1", "year": YEAR, "format": "nam"}, "running", RAISED)
    async with MemoryUnitOfWork(database) as uow:
        now = datetime(TODAY.year, TODAY.month, TODAY.day, 3, tzinfo=UTC)
        rendered = await render_job(uow, job, services(tmp_path, **settings), now)
    files = dict(rendered.files())
    return files[f"D1-{YEAR}-bao-cao-nam.docx"], files[f"D1-{YEAR}-bao-cao-nam.xlsx"]


def table_rows(data: bytes, first_header: str, column: int, header: str) -> dict[str, list[str]]:
    document = docx.Document(io.BytesIO(data))
    [found] = [
        t
        for t in document.tables
        if t.rows[0].cells[0].text == first_header and t.rows[0].cells[column].text == header
    ]
    return {
        row.cells[1 if first_header == "STT" else 0].text: [c.text for c in row.cells]
        for row in found.rows[1:]
    }


def signature(data: bytes) -> tuple[str, str]:
    cells = docx.Document(io.BytesIO(data)).tables[-1].rows[0].cells
    return cells[0].text, cells[1].text


async def test_the_may_report_from_phòng_gdđt_with_stages_models_and_difficulties(tmp_path: Path) -> None:
    database = MemoryDatabase()
    await district_with_a_year(database)
    document, _ = await render(database, tmp_path)
    text = docx_text(document)
    header = docx.Document(io.BytesIO(document)).tables[0].rows[0].cells
    assert header[0].text.splitlines()[:2] == ["ỦY BAN NHÂN DÂN HUYỆN KIM SƠN", "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO"]
    assert f"Kim Sơn, ngày {TODAY.day} tháng {TODAY.month} năm {TODAY.year}" in header[1].text
    received, signer = signature(document)
    assert received.splitlines()[1:3] == [
        "- Sở Giáo dục và Đào tạo tỉnh Ninh Bình;",
        "- Ủy ban nhân dân huyện Kim Sơn;",
    ]
    assert signer.startswith("TRƯỞNG PHÒNG") and "TM. ỦY BAN NHÂN DÂN" not in text

    communes = table_rows(document, "STT", 3, "Hồ sơ")
    assert communes["Xã Kim Chính"][3] == STAGE_NAMES["passed"].capitalize()
    assert communes["Xã Kim Đông"][3] == STAGE_NAMES["sent"].capitalize()  # sent again after the return
    assert communes["Xã Kim Hải"][3] == "Chưa gửi hồ sơ"

    models = table_rows(document, "Xã", 2, "Gia đình học tập")
    families = (sum(v[0] for v in VILLAGES.values()), sum(v[1] for v in VILLAGES.values()))
    clans = (sum(v[3] for v in VILLAGES.values()), sum(v[4] for v in VILLAGES.values()))
    assert models["Tổng cộng"][1:4] == [
        f"{UNITS[0]} / {UNITS[1]}",
        f"{families[0]} / {families[1]}",
        f"{clans[0]} / {clans[1]}",
    ]
    assert models["Xã Kim Chính"][2] == models["Tổng cộng"][2]
    assert f"- Gia đình học tập: đánh giá {families[0]}, công nhận {families[1]}." in text

    assert "các đơn vị nêu 2 vướng mắc qua hệ thống; đã trả lời 1, chưa trả lời 1." in text
    assert (
        f"- Ngày {RAISED:%d/%m/%Y}, Hoàng Văn Tư, Thôn Đồng Mỏ: Gia đình có con đi làm xa có được tính không?"
        in text
    )
    assert f"Trả lời (Lê Thị Hoa, ngày {RAISED + timedelta(days=1):%d/%m/%Y}): Được tính nếu đáp ứng" in text
    open_one = text.split("Trần Văn Bình: Nộp biên bản họp ở đâu?", 1)[1]
    assert open_one.lstrip("\n").startswith("Trả lời: chưa trả lời.")
    assert "1. Xã Kim Chính (2 vướng mắc, đã trả lời 1)" in text
    assert "Câu hỏi của năm trước" not in text and "Câu hỏi của huyện khác" not in text
    assert f"Từ ngày 01/07/{YEAR} đến ngày {TODAY:%d/%m/%Y}" in text


async def test_configured_sender_and_recipients_change_the_report(tmp_path: Path) -> None:
    database = MemoryDatabase()
    await district_with_a_year(database)
    sent_to = {"district": ["Ủy ban nhân dân {parent}", "Sở Giáo dục và Đào tạo {parent}"]}
    document, _ = await render(database, tmp_path, annual_recipients=sent_to)
    received, _ = signature(document)
    assert received.splitlines()[1:3] == [
        "- Ủy ban nhân dân tỉnh Ninh Bình;",
        "- Sở Giáo dục và Đào tạo tỉnh Ninh Bình;",
    ]
    assert "huyện Kim Sơn;" not in received
    by_code = {"D1": ["Sở Giáo dục và Đào tạo {parent}"], "district": ["Bộ Giáo dục và Đào tạo"]}
    document, _ = await render(database, tmp_path, annual_recipients=by_code)
    assert signature(document)[0].splitlines()[1:-1] == ["- Sở Giáo dục và Đào tạo tỉnh Ninh Bình;"]
    committee = {"D1": "Ủy ban nhân dân {unit}"}
    document, _ = await render(database, tmp_path, annual_issuers=committee)
    header = docx.Document(io.BytesIO(document)).tables[0].rows[0].cells[0].text
    assert "PHÒNG GIÁO DỤC" not in header and signature(document)[1].startswith("TM. ỦY BAN NHÂN DÂN")


async def test_before_may_the_day_is_left_for_the_signer(tmp_path: Path) -> None:
    database = MemoryDatabase()
    await district_with_a_year(database)
    job = JobRecord("export", {"unit": "D1", "year": YEAR, "format": "nam"}, "running", RAISED)
    async with MemoryUnitOfWork(database) as uow:
        rendered = await render_job(uow, job, services(tmp_path), datetime(YEAR + 1, 4, 2, tzinfo=UTC))
    document = dict(rendered.files())[f"D1-{YEAR}-bao-cao-nam.docx"]
    dated = docx.Document(io.BytesIO(document)).tables[0].rows[0].cells[1].text
    assert f"Kim Sơn, ngày …… tháng 5 năm {YEAR + 1}" in dated


def test_settings_default_to_the_reports_parties_and_read_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.annual_report_issuers == dict(ISSUERS)
    assert {tier: tuple(names) for tier, names in settings.annual_report_recipients.items()} == dict(
        RECIPIENTS
    )
    monkeypatch.setenv("CDHT_ANNUAL_REPORT_RECIPIENTS", '{"D1": ["Ủy ban nhân dân {parent}"]}')
    assert Settings(_env_file=None).annual_report_recipients == {"D1": ["Ủy ban nhân dân {parent}"]}  # type: ignore[call-arg]
