"""Yes/no, choice, multiple choice, level, date and text answers."""

from __future__ import annotations

import datetime
import unicodedata

import pytest

from cdht.conversations.parsing.answers import Parsed, Rejected, format_value, parse_answer

VILLAGES = (("dong", "Thôn Đông"), ("tay", "Thôn Tây"), ("moi", "Xóm Mới"))
ACTIVITIES = (
    ("clb", "Câu lạc bộ"),
    ("nvh", "Nhà văn hoá và thư viện"),
    ("tt", "Truyền thông, tuyên truyền"),
    ("tuan", "Tuần lễ học tập suốt đời"),
)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


@pytest.mark.parametrize(
    "text",
    [
        "có",
        "Có",
        "CÓ",
        "co",
        "c",
        "rồi",
        "roi",
        "đã",
        "da",
        "ok",
        "OK",
        "yes",
        "y",
        "đúng",
        "dung",
        "1",
        "✅",
        "✅\ufe0f",
        "có.",
        "Có ạ",
        "dạ có",
        "Dạ, có ạ!",
        "vâng",
        "Vâng ạ",
        "dạ vâng",
        "đã có",
        "có rồi",
        nfd("Có ạ"),
    ],
)
def test_yes(text: str) -> None:
    assert parse_answer("yes_no", text) == Parsed(True, "Có")


@pytest.mark.parametrize(
    "text",
    [
        "không",
        "Không",
        "khong",
        "k",
        "ko",
        "kg",
        "chưa",
        "chua",
        "no",
        "n",
        "sai",
        "0",
        "❌",
        "không ạ",
        "dạ không",
        "Dạ chưa ạ",
        "chưa có",
        "không có",
        "vâng, không có",
        nfd("Không"),
        nfd("chưa"),
    ],
)
def test_no(text: str) -> None:
    assert parse_answer("yes_no", text) == Parsed(False, "Không")


@pytest.mark.parametrize("text", ["", "  ", "có không", "có lẽ", "maybe", "2", "😀", "ạ", "có" * 200])
def test_yes_no_rejects(text: str) -> None:
    result = parse_answer("yes_no", text)
    assert isinstance(result, Rejected)
    assert "Có hoặc Không" in result.reason


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("dong", "dong"),
        ("TAY", "tay"),
        ("2", "tay"),
        ("2.", "tay"),
        ("số 3", "moi"),
        ("Thôn Đông", "dong"),
        ("thon dong", "dong"),
        ("THÔN TÂY.", "tay"),
        ("xóm", "moi"),
        ("x", "moi"),
        ("thon t", "tay"),
        (nfd("Xóm Mới"), "moi"),
        ("Thôn Đông ạ", "dong"),
    ],
)
def test_choice(text: str, code: str) -> None:
    result = parse_answer("choice", text, choices=VILLAGES)
    assert isinstance(result, Parsed), result
    assert result.value == code
    assert result.display == dict(VILLAGES)[code]


@pytest.mark.parametrize("text", ["thôn", "thon", "4", "0", "làng", "", "🙂", "1, 2"])
def test_choice_rejects_listing_the_options(text: str) -> None:
    result = parse_answer("choice", text, choices=VILLAGES)
    assert isinstance(result, Rejected), result
    assert "1. Thôn Đông; 2. Thôn Tây; 3. Xóm Mới" in result.reason
    assert result.example == "1"


def test_ambiguous_choice_says_so() -> None:
    result = parse_answer("choice", "Thôn", choices=VILLAGES)
    assert isinstance(result, Rejected)
    assert "nhiều phương án" in result.reason


def test_codes_win_over_option_numbers() -> None:
    levels = (("2", "Đạt"), ("1", "Chưa đạt"))
    assert parse_answer("choice", "1", choices=levels) == Parsed("1", "Chưa đạt")


def test_choice_without_options_is_rejected() -> None:
    assert isinstance(parse_answer("choice", "1"), Rejected)
    assert isinstance(parse_answer("multi_choice", "1"), Rejected)


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("1, 3", ["clb", "tt"]),
        ("1 3", ["clb", "tt"]),
        ("1;3", ["clb", "tt"]),
        ("3,1", ["clb", "tt"]),
        ("1, 1, 3", ["clb", "tt"]),
        ("2", ["nvh"]),
        ("câu lạc bộ, tuần lễ học tập suốt đời", ["clb", "tuan"]),
        ("cau lac bo; nha van hoa va thu vien", ["clb", "nvh"]),
        ("Truyền thông, tuyên truyền", ["tt"]),
        ("câu lạc bộ và tuần lễ", ["clb", "tuan"]),
        ("1\n4", ["clb", "tuan"]),
        ("tất cả", ["clb", "nvh", "tt", "tuan"]),
    ],
)
def test_multi_choice(text: str, codes: list[str]) -> None:
    result = parse_answer("multi_choice", text, choices=ACTIVITIES)
    assert isinstance(result, Parsed), result
    assert result.value == codes
    assert result.display == ", ".join(dict(ACTIVITIES)[code] for code in codes)


@pytest.mark.parametrize("text", ["1, 9", "", ",", "1, xyz", "🙂"])
def test_multi_choice_rejects(text: str) -> None:
    result = parse_answer("multi_choice", text, choices=ACTIVITIES)
    assert isinstance(result, Rejected), result
    assert result.example == "1, 3"


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("mức 2", 2),
        ("Mức 2", 2),
        ("muc do 2", 2),
        ("mức độ 2", 2),
        ("2", 2),
        ("cấp độ 2", 2),
        ("mức II", 2),
        ("II", 2),
        ("ii", 2),
        ("mức I", 1),
        ("III", 3),
        ("đạt mức 2", 2),
        ("Đạt mức độ 1.", 1),
        ("chưa đạt", 0),
        ("không đạt", 0),
        ("0", 0),
        (nfd("mức độ 2"), 2),
    ],
)
def test_level(text: str, level: int) -> None:
    result = parse_answer("level", text)
    assert isinstance(result, Parsed), result
    assert result.value == level


@pytest.mark.parametrize(
    ("text", "levels"),
    [
        ("mức 4", (0, 3)),
        ("chưa đạt", (1, 2)),
        ("0", (1, 2)),
        ("3", (1, 2)),
        ("đạt", (0, 3)),
        ("mức", (0, 3)),
        ("mức 2 hoặc 3", (0, 3)),
        ("", (0, 3)),
    ],
)
def test_level_rejects(text: str, levels: tuple[int, int]) -> None:
    result = parse_answer("level", text, levels=levels)
    assert isinstance(result, Rejected), result
    assert f"đến {levels[1]}" in result.reason


@pytest.mark.parametrize(
    "text",
    [
        "5/10/2024",
        "05/10/2024",
        "05-10-24",
        "5.10.2024",
        "5 / 10 / 2024",
        "ngày 5/10/2024",
        "ngày 5 tháng 10 năm 2024",
        "ngay 5 thang 10 nam 2024",
        "5 tháng 10, 2024",
        "2024-10-05",
        nfd("ngày 5 tháng 10 năm 2024"),
    ],
)
def test_date(text: str) -> None:
    assert parse_answer("date", text) == Parsed(datetime.date(2024, 10, 5), "05/10/2024")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("05/10", "thiếu năm"),
        ("31/02/2024", "Không có ngày 31/02/2024"),
        ("29/02/2023", "Không có ngày"),
        ("5/10/224", "4 chữ số"),
        ("5/13/2024", "Không có ngày"),
        ("hôm qua", "Chưa đọc được"),
        ("5/10/2024 và 6/10/2024", "Chưa đọc được"),
        ("", "Chưa thấy"),
        ("1/1/1800", "Năm 1800"),
    ],
)
def test_date_rejects(text: str, reason: str) -> None:
    result = parse_answer("date", text)
    assert isinstance(result, Rejected), result
    assert reason in result.reason
    assert result.example == "05/10/2024"


def test_two_digit_years_are_this_century() -> None:
    assert parse_answer("date", "29/02/24") == Parsed(datetime.date(2024, 2, 29), "29/02/2024")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  Thôn có 3 câu lạc bộ  ", "Thôn có 3 câu lạc bộ"),
        (nfd("Nhà văn hoá"), "Nhà văn hoá"),
        ("a" * 1000, "a" * 1000),
    ],
)
def test_text(text: str, expected: str) -> None:
    assert parse_answer("text", text) == Parsed(expected, expected)


@pytest.mark.parametrize("text", ["", "   \n ", "👍👍", "...", "a" * 1001])
def test_text_rejects(text: str) -> None:
    assert isinstance(parse_answer("text", text), Rejected)


@pytest.mark.parametrize("qtype", ["evidence", "location", "nonsense"])
def test_other_types_are_rejected_politely(qtype: str) -> None:
    result = parse_answer(qtype, "có")
    assert isinstance(result, Rejected)
    assert result.reason and result.example


@pytest.mark.parametrize(
    ("qtype", "value", "display"),
    [
        ("yes_no", True, "Có"),
        ("yes_no", False, "Không"),
        ("level", 2, "Mức 2"),
        ("level", 0, "Chưa đạt"),
        ("date", datetime.date(2024, 10, 5), "05/10/2024"),
        ("date", "2024-10-05", "05/10/2024"),
        ("choice", "tay", "Thôn Tây"),
        ("choice", "unknown", "unknown"),
        ("multi_choice", ["dong", "moi"], "Thôn Đông, Xóm Mới"),
        ("text", "Thôn Đông", "Thôn Đông"),
    ],
)
def test_format_words(qtype: str, value: object, display: str) -> None:
    assert format_value(qtype, value, choices=VILLAGES) == display
