"""Properties: parse_answer never raises, always explains a rejection in Vietnamese, and reads back what
format_value writes."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cdht.conversations.parsing.answers import Parsed, Rejected, format_value, parse_answer

QTYPES = [
    "integer",
    "decimal",
    "percent",
    "money",
    "yes_no",
    "choice",
    "multi_choice",
    "level",
    "text",
    "date",
]
CHOICES = (("a", "Thôn Đông"), ("b", "Thôn Tây"), ("c", "Xóm Mới, bản Lò"))
VIETNAMESE_LETTERS = set("ăâđêôơưàáạảãằắặẳẵầấậẩẫèéẹẻẽềếệểễìíịỉĩòóọỏõồốộổỗờớợởỡùúụủũừứựửữỳýỵỷỹ")

# Text a phone might send: Vietnamese words and number pieces mixed with any unicode.
PIECES = st.sampled_from(
    [
        "1.250",
        "12,5",
        " ",
        "%",
        "triệu",
        "tỷ",
        "k",
        "đ",
        "mức",
        "II",
        "có",
        "không",
        "ạ",
        "dạ",
        "/",
        "-",
        ".",
        ",",
        "2024",
        "ngày",
        "tháng",
        "năm",
        "rưỡi",
        "tr",
        "0",
        "9" * 30,
        "\u0301",
        "✅",
        "❌",
        "và",
        ";",
    ]
)
ANSWERS = st.one_of(st.text(), st.lists(PIECES, max_size=12).map("".join), st.lists(PIECES).map(" ".join))


def check_result(result: object) -> None:
    assert isinstance(result, Parsed | Rejected)
    if isinstance(result, Rejected):
        assert result.reason.strip() and result.example.strip()
        assert VIETNAMESE_LETTERS & set(result.reason.lower()), result.reason
    else:
        assert result.display.strip()


@settings(max_examples=300, deadline=None)
@given(qtype=st.sampled_from(QTYPES), text=ANSWERS)
def test_never_raises(qtype: str, text: str) -> None:
    check_result(parse_answer(qtype, text, choices=CHOICES))
    check_result(parse_answer(qtype, text, choices=CHOICES, min_value=-5.5, max_value=1e6, levels=(1, 2)))


@pytest.mark.parametrize("qtype", QTYPES)
@pytest.mark.parametrize(
    "text",
    ["9" * 1_000_000, "1." * 100_000, "." * 100_000 + "x", " " * 100_000, "ạ" * 100_000, "1, " * 50_000],
)
def test_huge_inputs_are_rejected_quickly(qtype: str, text: str) -> None:
    result = parse_answer(qtype, text, choices=CHOICES)
    assert isinstance(result, Rejected)
    check_result(result)


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_integer_round_trip(number: int) -> None:
    shown = format_value("integer", number)
    assert parse_answer("integer", shown, min_value=-(10**15)) == Parsed(number, shown)


@given(st.integers(min_value=0, max_value=10**15))
def test_integer_round_trip_default_bounds(number: int) -> None:
    assert parse_answer("integer", format_value("integer", number)) == Parsed(
        number, format_value("integer", number)
    )


@given(st.integers(min_value=0, max_value=10**15))
def test_money_round_trip(amount: int) -> None:
    shown = format_value("money", amount)
    assert parse_answer("money", shown) == Parsed(amount, shown)


@given(st.floats(min_value=0, max_value=100, allow_nan=False))
def test_percent_round_trip(percent: float) -> None:
    result = parse_answer("percent", format_value("percent", percent))
    assert isinstance(result, Parsed)
    assert isinstance(result.value, float)
    assert abs(result.value - percent) < 0.05


@given(st.floats(min_value=0, max_value=1e9, allow_nan=False))
def test_decimal_round_trip(number: float) -> None:
    result = parse_answer("decimal", format_value("decimal", number))
    assert isinstance(result, Parsed)
    assert result.value == pytest.approx(number, abs=1e-6)


@given(st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 12, 31)))
def test_date_round_trip(date: datetime.date) -> None:
    shown = format_value("date", date)
    assert parse_answer("date", shown) == Parsed(date, shown)


@given(
    st.sampled_from(["choice", "multi_choice"]), st.lists(st.sampled_from(CHOICES), min_size=1, unique=True)
)
def test_choice_round_trip(qtype: str, picked: list[tuple[str, str]]) -> None:
    codes = [code for code, _ in CHOICES if (code, dict(CHOICES)[code]) in picked]
    if qtype == "choice":
        codes = codes[:1]
    value: object = codes if qtype == "multi_choice" else codes[0]
    shown = format_value(qtype, value, choices=CHOICES)
    numbers = ", ".join(str([code for code, _ in CHOICES].index(code) + 1) for code in codes)
    assert parse_answer(qtype, numbers, choices=CHOICES) == Parsed(value, shown)  # type: ignore[arg-type]
