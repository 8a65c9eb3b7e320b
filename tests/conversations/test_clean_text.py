"""Free text cleaned at every way in (`cdht.conversations.parsing.clean_text`): nothing that PostgreSQL
refuses or that disguises what was written survives, ordinary Vietnamese text is left alone."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cdht.conversations.parsing.clean_text import clean_line, clean_text
from cdht.conversations.parsing.free_text import parse_text

BIDI = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C)]
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]
CONTROLS = [chr(c) for c in (*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)) if chr(c) not in "\n\t"]
SURROGATES = ["\ud800", "\udfff", "\udc00"]
FORBIDDEN = set(BIDI + ZERO_WIDTH + CONTROLS + SURROGATES)
HOSTILE = BIDI + ZERO_WIDTH + CONTROLS + SURROGATES + ["\r\n", "\n", "\t", "\u2028", "\u2029", "e\u0301"]

VIETNAMESE_LETTERS = (
    "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
)
EMOJI = ["👍", "🙏", "📎", "✅", "❌", "⏳", "😀", "🎉", "❤️", "👋🏽"]
ORDINARY = st.lists(
    st.sampled_from(
        [*VIETNAMESE_LETTERS, *VIETNAMESE_LETTERS.upper(), *"0123456789 .,;:!?()-–“”«»%/", "\n", "\t", *EMOJI]
    ),
    max_size=80,
).map("".join)

ANY_TEXT = st.lists(st.one_of(st.text(max_size=12), st.sampled_from(HOSTILE)), max_size=20).map("".join)


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_nothing_forbidden_survives_and_the_result_is_nfc(text: str) -> None:
    cleaned = clean_text(text)
    assert not FORBIDDEN & set(cleaned)
    assert "\u2028" not in cleaned and "\u2029" not in cleaned
    assert unicodedata.is_normalized("NFC", cleaned)
    cleaned.encode("utf-8")  # what PostgreSQL and SQLite receive
    line = clean_line(text)
    assert not (FORBIDDEN | {"\n", "\t"}) & set(line)
    assert unicodedata.is_normalized("NFC", line)


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_cleaning_is_idempotent(text: str) -> None:
    once = clean_text(text)
    assert clean_text(once) == once
    line = clean_line(text)
    assert clean_line(line) == line
    assert clean_line(once) == line  # a line of cleaned text is the line of the text


@settings(max_examples=300, deadline=None)
@given(ORDINARY)
def test_ordinary_vietnamese_text_and_emoji_are_left_alone(text: str) -> None:
    assert clean_text(text) == text
    assert clean_line(text.replace("\n", " ").replace("\t", " ")) == text.replace("\n", " ").replace(
        "\t", " "
    )


@settings(max_examples=100, deadline=None)
@given(ORDINARY)
def test_decomposed_vietnamese_becomes_composed(text: str) -> None:
    assert clean_text(unicodedata.normalize("NFD", text)) == text


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("Người đi làm\x00 ăn xa có tính không?", "Người đi làm ăn xa có tính không?"),
        ("ảnh\u202egnp.exe", "ảnhgnp.exe"),
        ("Thôn \u2067Đông\u2069 đạt", "Thôn Đông đạt"),
        ("1\u200b.250", "1.250"),
        ("dòng 1\r\ndòng 2\rdòng 3", "dòng 1\ndòng 2\ndòng 3"),
        ("\ufeffMã đơn vị", "Mã đơn vị"),
    ],
)
def test_the_issues_examples(raw: str, cleaned: str) -> None:
    assert clean_text(raw) == cleaned


def test_a_line_keeps_its_words_apart() -> None:
    assert clean_line("Nguyễn\nVăn\tAn\x00") == "Nguyễn Văn An"


def test_a_free_text_answer_is_cleaned_the_same_way() -> None:
    parsed = parse_text("Sinh hoạt\u202e tại nhà văn hóa\x00 thôn")
    assert getattr(parsed, "value", None) == "Sinh hoạt tại nhà văn hóa thôn"
