"""Issue 14, findings 4, 5 and 7 for files: a roster with a NUL or hidden characters imports clean, and
`import-answers` refuses what the chat refuses (bounds, relations within the file and with stored answers),
with the row and the reason, importing nothing. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from cdht.conversations import engine
from cdht.conversations.definition.loader import builtin_questionnaires
from cdht.conversations.engine.events import AnswerRejected
from cdht.conversations.inbound import Text
from cdht.handlers.admin.answers_import import AnswersImportError, import_answers
from cdht.handlers.admin.roster import import_roster
from cdht.storage.folder_files import FolderFileStore
from cdht.storage.unit_of_work import SqlUnitOfWork
from tests.conftest import NOW

Factory = Callable[[], SqlUnitOfWork]
ROSTER = """unit_code,unit_name,parent_code,tier,person_name,phone,role
P,Tỉnh Thử,,province,,,
D,Huyện Thử,P,district,,,
C,Xã Thử,D,commune,Cán Bộ Xã,0901234567,commune_officer
C-1,Thôn Một,C,village,Trưởng Thôn Một,0911111111,village_head
"""
ANSWERS_HEADER = "unit_code,year,item,value,evidence\n"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
async def village(uow_factory: Factory, tmp_path: Path) -> Factory:
    async with uow_factory() as uow:
        await import_roster(write(tmp_path, "roster.csv", ROSTER), uow, NOW)
    return uow_factory


async def answers_file(factory: Factory, tmp_path: Path, rows: str) -> None:
    async with factory() as uow:
        path = write(tmp_path, "answers.csv", ANSWERS_HEADER + rows)
        await import_answers(path, uow, FolderFileStore(tmp_path / "evidence"), NOW)


async def stored(factory: Factory) -> dict[str, object]:
    async with factory() as uow:
        unit = await uow.units.by_code("C-1")
        assert unit is not None
        return {qid: answer.value for qid, answer in (await uow.answers.latest(unit.id, 2025)).items()}


async def test_a_roster_with_a_nul_and_hidden_characters_imports_clean(
    uow_factory: Factory, tmp_path: Path
) -> None:
    roster = write(
        tmp_path,
        "roster.csv",
        ROSTER.replace("Trưởng Thôn Một", "Trưởng\x00 Thôn\u202e Một\u200b")
        .replace("C-1,Thôn Một,C,", "C-1,Thôn\u2067 Một\u2069,C\u200b,")
        .replace("Xã Thử", "Xã\x1c Thử\x00"),
    )
    async with uow_factory() as uow:
        report = await import_roster(roster, uow, NOW)
    assert len(report.units_added) == 4 and len(report.people_added) == 2
    async with uow_factory() as uow:
        head = await uow.people.by_phone("+84911111111")
        village = await uow.units.by_code("C-1")
        commune = await uow.units.by_code("C")
    assert head is not None and head.name == "Trưởng Thôn Một"
    assert village is not None and village.name == "Thôn Một"
    assert commune is not None and commune.name == "Xã Thử" and village.parent_id == commune.id
    async with uow_factory() as uow:  # the same file again: nothing changes
        again = await import_roster(roster, uow, NOW)
    assert not again.units_changed and not again.people_changed


async def test_learning_citizens_above_the_citizens_of_the_same_file_are_refused(
    village: Factory, tmp_path: Path
) -> None:
    with pytest.raises(AnswersImportError) as refused:
        await answers_file(village, tmp_path, "C-1,2025,citizens,100,\nC-1,2025,learning_citizens,5.000,\n")
    [problem] = refused.value.problems
    assert problem.startswith("Dòng 3: ")
    assert "(5.000 người) không được lớn hơn số công dân (100 người, dòng 2)." in problem
    assert await stored(village) == {}


async def test_more_university_graduates_than_trained_people_stored_are_refused(
    village: Factory, tmp_path: Path
) -> None:
    await answers_file(village, tmp_path, "C-1,2025,citizens,1.000,\nC-1,2025,trained_citizens,300,\n")
    with pytest.raises(AnswersImportError) as refused:
        await answers_file(village, tmp_path, "C-1,2025,households,250,\nC-1,2025,university_citizens,700,\n")
    [problem] = refused.value.problems
    assert problem.startswith("Dòng 3: ") and "(700 người) không được lớn hơn" in problem
    assert "(300 người, đã lưu)." in problem
    assert await stored(village) == {"citizens": 1000, "trained_citizens": 300}  # households not imported


async def test_a_total_lowered_below_what_is_stored_is_refused(village: Factory, tmp_path: Path) -> None:
    await answers_file(village, tmp_path, "C-1,2025,citizens,1.000,\nC-1,2025,learning_citizens,850,\n")
    with pytest.raises(AnswersImportError) as refused:
        await answers_file(village, tmp_path, "C-1,2025,citizens,100,\n")
    [problem] = refused.value.problems
    assert problem.startswith("Dòng 2: ") and "(850 người, đã lưu) không được lớn hơn" in problem
    assert "(100 người)." in problem
    # lowering both in one file is fine: the relation holds in what the file leaves
    await answers_file(village, tmp_path, "C-1,2025,citizens,100,\nC-1,2025,learning_citizens,80,\n")
    assert await stored(village) == {"citizens": 100, "learning_citizens": 80}


async def test_every_bad_row_is_reported_in_order_and_nothing_imported(
    village: Factory, tmp_path: Path
) -> None:
    rows = (
        "C-1,2025,citizens,100,\n"  # 2: fine
        "C-1,2025,learning_citizens,5.000,\n"  # 3: above citizens
        "C-1,2025,trained_citizens,-5,\n"  # 4: below the bound the chat has (min 0)
        "C-1,2025,university_citizens,200,\n"  # 5: above citizens? no relation; above trained (not given)
        "C-1,2025,households,-1,\n"  # 6: below 0
    )
    with pytest.raises(AnswersImportError) as refused:
        await answers_file(village, tmp_path, rows)
    assert [p.split(":")[0] for p in refused.value.problems] == ["Dòng 3", "Dòng 4", "Dòng 6"]
    assert await stored(village) == {}


async def test_the_import_gives_the_reason_the_chat_gives(village: Factory, tmp_path: Path) -> None:
    """The same answers typed in the chat are refused with the same words."""
    questionnaire = builtin_questionnaires()["village_head"]
    session, _ = engine.start(questionnaire, now=NOW)
    for text in ("250", "100"):  # households, citizens
        session, _ = engine.resume(session, Text(text), questionnaire=questionnaire, now=NOW)
    session, events = engine.resume(session, Text("5.000"), questionnaire=questionnaire, now=NOW)
    [chat] = [e.reason for e in events if isinstance(e, AnswerRejected)]
    with pytest.raises(AnswersImportError) as refused:
        await answers_file(
            village,
            tmp_path,
            "C-1,2025,households,250,\nC-1,2025,citizens,100,\nC-1,2025,learning_citizens,5.000,\n",
        )
    [problem] = refused.value.problems
    assert problem == "Dòng 4: " + chat.replace("(100 người)", "(100 người, dòng 3)")
