"""Integer, decimal, percent and money answers, written the Vietnamese way."""

from __future__ import annotations

import unicodedata

import pytest

from cdht.conversations.parsing.answers import Parsed, Rejected, format_value, parse_answer


def value_of(qtype: str, text: str, **options: float) -> object:
    result = parse_answer(qtype, text, **options)  # type: ignore[arg-type]
    assert isinstance(result, Parsed), result
    return result.value


def rejected(qtype: str, text: str, **options: float) -> Rejected:
    result = parse_answer(qtype, text, **options)  # type: ignore[arg-type]
    assert isinstance(result, Rejected), result
    assert result.reason and result.example
    return result


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1250", 1250),
        ("1.250", 1250),
        ("1.250.000", 1_250_000),
        ("1 250", 1250),
        ("1 250 000", 1_250_000),
        ("1\u00a0250", 1250),
        ("0", 0),
        ("1.250 hộ", 1250),
        ("1.250 hộ.", 1250),
        ("300 người", 300),
        ("khoảng 300 người", 300),
        ("khoang 300 nguoi", 300),
        ("tổng cộng 45 hộ", 45),
        ("dạ 12 câu lạc bộ ạ", 12),
        ("3 nghìn người", 3000),
        ("12,0", 12),
        ("không", 0),
        ("không có", 0),
        ("chưa có", 0),
    ],
)
def test_integer_accepts(text: str, expected: int) -> None:
    assert value_of("integer", text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "1.25",  # a dot not followed by three digits: decimal or a typo, never an integer
        "12,5",
        "1,250",  # English grouping: the comma is the Vietnamese decimal mark
        "-5",
        "300 đến 400",
        "300-400",
        "300 hoặc 400",
        "3 trăm",
        "ba trăm",
        "hơn 300",
        "dưới 300",
        "12 phẩy 5",
        "50%",
        "1..250",
        "1.250.5",
        "abc",
        "",
        "   ",
        "👍",
        "1" * 201,
        "9" * 17,
    ],
)
def test_integer_rejects(text: str) -> None:
    rejected("integer", text)


def test_integer_reasons_say_what_to_type() -> None:
    assert rejected("integer", "12,5").reason.endswith("Xin nhập một số nguyên, ví dụ: 1.250")
    assert "dấu chấm" in rejected("integer", "1.25").reason
    assert "Dấu phẩy là dấu thập phân" in rejected("integer", "1,250").reason
    assert "âm" in rejected("integer", "-5").reason


@pytest.mark.parametrize(
    ("text", "options", "reason"),
    [
        ("20000", {"min_value": 0, "max_value": 10000}, "Số phải từ 0 đến 10.000."),
        ("3", {"min_value": 5}, "Số phải từ 5 trở lên."),
        ("20.000", {"max_value": 10000}, "Số không được lớn hơn 10.000."),
        ("-20", {"min_value": -10}, "Số phải từ -10 trở lên."),
    ],
)
def test_integer_bounds(text: str, options: dict[str, float], reason: str) -> None:
    assert rejected("integer", text, **options).reason == reason


def test_negative_allowed_when_min_value_allows() -> None:
    assert value_of("integer", "-5", min_value=-10) == -5


def test_example_respects_bounds() -> None:
    assert rejected("integer", "abc", min_value=0, max_value=100).example == "100"
    assert rejected("integer", "abc", min_value=5000).example == "5.000"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1.25", 1.25), ("12,5", 12.5), ("1.250", 1250.0), ("1.250,5", 1250.5), ("0.5", 0.5), ("0,75 ha", 0.75)],
)
def test_decimal(text: str, expected: float) -> None:
    assert value_of("decimal", text) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["-2", "1,2,3", "12,5%", "một phẩy năm"])
def test_decimal_rejects(text: str) -> None:
    rejected("decimal", text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12,5%", 12.5),
        ("12,5 %", 12.5),
        ("12,5", 12.5),
        ("12.5%", 12.5),
        ("12,5 phần trăm", 12.5),
        ("100%", 100.0),
        ("0", 0.0),
        ("khoảng 60%", 60.0),
    ],
)
def test_percent(text: str, expected: float) -> None:
    assert value_of("percent", text) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["120%", "-5%", "%", "12 triệu", "12%%", "12% 13%"])
def test_percent_rejects(text: str) -> None:
    rejected("percent", text)


def test_percent_bounds() -> None:
    assert rejected("percent", "120%").reason == "Tỷ lệ phải từ 0% đến 100%."
    assert value_of("percent", "150%", max_value=200) == 150.0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12,5 triệu", 12_500_000),
        ("12.500.000đ", 12_500_000),
        ("12.500.000 đ", 12_500_000),
        ("12.500.000 đồng", 12_500_000),
        ("12.500.000 VND", 12_500_000),
        ("12.500.000 VNĐ", 12_500_000),
        ("12500000", 12_500_000),
        ("1 tỷ 2", 1_200_000_000),
        ("1 tỷ 250 triệu", 1_250_000_000),
        ("1 tỷ 250", 1_250_000_000),
        ("1,2 tỷ", 1_200_000_000),
        ("1,2 tỉ", 1_200_000_000),
        ("500 nghìn", 500_000),
        ("500 ngàn", 500_000),
        ("500k", 500_000),
        ("500K", 500_000),
        ("2tr5", 2_500_000),
        ("2 tr 5", 2_500_000),
        ("2 triệu rưỡi", 2_500_000),
        ("12,5 trieu", 12_500_000),
        ("1 ty 2", 1_200_000_000),
        ("500 ngan", 500_000),
        ("500 nghin dong", 500_000),
        ("1 triệu 250.000", 1_250_000),
        ("1 triệu 250000", 1_250_000),
        ("1 tỷ 2.500", 1_000_002_500),
        ("1 tỷ 250 triệu 500 nghìn đồng", 1_250_500_000),
        ("khoảng 3 triệu", 3_000_000),
        ("1.5tr", 1_500_000),
        ("12.500.000 đồng chẵn", 12_500_000),
        ("không", 0),
    ],
)
def test_money(text: str, expected: int) -> None:
    value = value_of("money", text)
    assert value == expected
    assert isinstance(value, int)


@pytest.mark.parametrize(
    "text",
    [
        "12,5",  # 12,5 đồng: surely meant "12,5 triệu"
        "1 triệu 2 tỷ",  # scales must decrease
        "2 triệu 5 triệu",
        "12.500.000 tiền mặt",
        "1.25",
        "-500k",
        "5 triệu 50",  # 5.050.000 or 5.500.000: ask again
        "1 tỷ 2500",  # a long tail must be grouped or fill the places below the scale
        "500 đô",
        "5 trăm nghìn",
        "1,2345 nghìn",
        "triệu",
    ],
)
def test_money_rejects(text: str) -> None:
    rejected("money", text)


def test_money_display() -> None:
    result = parse_answer("money", "12,5 triệu")
    assert result == Parsed(12_500_000, "12.500.000 đ")


@pytest.mark.parametrize("qtype", ["integer", "decimal", "percent", "money"])
def test_nfd_input(qtype: str) -> None:
    text = unicodedata.normalize("NFD", "khoảng 12 triệu đồng" if qtype == "money" else "khoảng 12 người")
    if qtype == "percent":
        text = unicodedata.normalize("NFD", "khoảng 12 phần trăm")
    assert isinstance(parse_answer(qtype, text), Parsed)


@pytest.mark.parametrize(
    ("qtype", "value", "display"),
    [
        ("integer", 1250, "1.250"),
        ("integer", 1_250_000, "1.250.000"),
        ("integer", -1250, "-1.250"),
        ("integer", 0, "0"),
        ("decimal", 12.5, "12,5"),
        ("decimal", 1250.5, "1.250,5"),
        ("decimal", 3.0, "3"),
        ("percent", 12.5, "12,5%"),
        ("percent", 60, "60%"),
        ("money", 12_500_000, "12.500.000 đ"),
        ("money", 0, "0 đ"),
    ],
)
def test_format_numbers(qtype: str, value: object, display: str) -> None:
    assert format_value(qtype, value) == display
