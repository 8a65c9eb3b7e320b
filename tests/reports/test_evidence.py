"""The evidence archive: folder layout, safe names, index, ZIP."""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile

from hypothesis import assume, given
from hypothesis import strategies as st

from cdht.reports import EvidenceRecord, evidence_index, evidence_layout, safe_file_name, write_evidence_zip
from cdht.reports.evidence.archive import INDEX_NAME
from cdht.reports.evidence.names import MAX_NAME

SHA = {name: (name * 64)[:64] for name in "abcdef"}


def records() -> list[EvidenceRecord]:
    return [
        EvidenceRecord(SHA["a"], "ảnh họp dân.jpg", "1.1", "Họp thôn tuyên truyền", 20.81234567, 105.3381),
        EvidenceRecord(SHA["b"], "../../etc/passwd", "1.1", '=HYPERLINK("http://x")'),
        EvidenceRecord(SHA["c"], "Ảnh Họp Dân.JPG", "1.1"),  # same name but for case: renamed (Windows)
        EvidenceRecord(SHA["d"], "ảnh họp dân.jpg", "1.1", "khác nội dung, cùng tên"),
        EvidenceRecord(SHA["a"], "ảnh họp dân.jpg", "1.1"),  # the same file twice: once
        EvidenceRecord(SHA["a"], "ảnh họp dân.jpg", "5.1"),  # the same file for another indicator: again
        EvidenceRecord(SHA["e"], "", "3.2", mime_type="application/pdf"),
        EvidenceRecord(SHA["f"], "C:\\Users\\x\\kế hoạch.docx", "../../x"),
    ]


def test_layout_folders_names_and_duplicates() -> None:
    assert evidence_layout(records()) == [
        ("TC1/1.1/ảnh họp dân.jpg", SHA["a"]),
        ("TC1/1.1/passwd", SHA["b"]),
        ("TC1/1.1/Ảnh Họp Dân (2).JPG", SHA["c"]),
        ("TC1/1.1/ảnh họp dân (3).jpg", SHA["d"]),
        ("TC5/5.1/ảnh họp dân.jpg", SHA["a"]),
        ("TC3/3.2/eeeeeeeeeeee.pdf", SHA["e"]),
        ("Khác/kế hoạch.docx", SHA["f"]),
    ]


def test_index_lists_each_archived_file() -> None:
    rows = list(csv.reader(io.StringIO(evidence_index(records()))))
    assert rows[0] == [
        "STT",
        "Tệp trong hồ sơ",
        "Tiêu chí",
        "Chỉ tiêu",
        "Tên tệp gốc",
        "Chú thích",
        "Vĩ độ",
        "Kinh độ",
        "SHA-256",
    ]
    assert len(rows) == 1 + 7
    assert rows[1] == [
        "1",
        "TC1/1.1/ảnh họp dân.jpg",
        "TC1",
        "1.1",
        "ảnh họp dân.jpg",
        "Họp thôn tuyên truyền",
        "20.812346",
        "105.338100",
        SHA["a"],
    ]
    assert rows[2][5] == '\'=HYPERLINK("http://x")'  # kept from turning into a formula in Excel
    assert rows[7][2:4] == ["", ""]


def test_zip_holds_index_and_files_and_is_reproducible() -> None:
    layout = evidence_layout(records())
    calls: list[str] = []

    def open_file(sha256: str) -> bytes:
        calls.append(sha256)
        return sha256.encode() * 3

    data = write_evidence_zip(layout, open_file, evidence_index(records()))
    assert data == write_evidence_zip(layout, lambda sha: sha.encode() * 3, evidence_index(records()))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert names == [INDEX_NAME, *(name for name, _ in layout)]
        assert archive.read("TC1/1.1/passwd") == SHA["b"].encode() * 3
        assert archive.read(INDEX_NAME).decode("utf-8-sig").startswith("STT,")
        assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in archive.infolist())
    assert calls == [sha for _, sha in layout]


def test_zip_refuses_unsafe_names_from_a_hand_made_layout() -> None:
    for bad in ("../x", "/etc/x", "a//b", "a\\b", "TC1/./x"):
        try:
            write_evidence_zip([(bad, "x")], lambda sha: b"", "")
        except ValueError:
            continue
        raise AssertionError(f"{bad!r} was accepted")


def test_sanitiser_examples() -> None:
    assert safe_file_name("../../etc/passwd") == "passwd"
    assert safe_file_name("/abs/ảnh.png") == "ảnh.png"
    assert safe_file_name("C:\\Windows\\system32\\x.dll") == "x.dll"
    assert safe_file_name("..") == "tep"
    assert safe_file_name("", fallback="abc") == "abc"
    assert safe_file_name("a\x00b\x1f\u202e.jpg") == "ab.jpg"
    assert safe_file_name("CON.txt") == "_CON.txt"
    assert safe_file_name("x:y?.jpg") == "x_y_.jpg"
    assert safe_file_name("a\u0301nh.jpg") == "ánh.jpg"  # NFD from macOS becomes NFC
    assert safe_file_name("Biên bản họp Hội Khuyến học.pdf") == "Biên bản họp Hội Khuyến học.pdf"


@given(st.text(), st.text(max_size=20))
def test_sanitised_names_are_single_harmless_names(name: str, fallback: str) -> None:
    safe = safe_file_name(name, fallback)
    assert safe and safe not in (".", "..")
    assert "/" not in safe and "\\" not in safe
    assert not safe.startswith((" ", ".")) and not safe.endswith((" ", "."))
    assert all(unicodedata.category(ch)[0] != "C" for ch in safe)
    assert not any(ch in '<>:"|?*' for ch in safe)
    assert len(safe) <= MAX_NAME + 1
    assert safe_file_name(safe) == safe


@given(
    st.text(
        alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ ",
        min_size=1,
        max_size=40,
    )
)
def test_vietnamese_names_are_kept(name: str) -> None:
    expected = " ".join(name.split())
    assume(expected)
    assert safe_file_name(name + ".jpg") == expected + ".jpg"


@given(st.lists(st.tuples(st.text(max_size=30), st.sampled_from(["1.1", "5.2", None, "../.."])), max_size=15))
def test_layout_names_are_unique_and_inside_the_archive(items: list[tuple[str, str | None]]) -> None:
    layout = evidence_layout(
        [EvidenceRecord(f"{index:064x}", name, indicator) for index, (name, indicator) in enumerate(items)]
    )
    names = [name for name, _ in layout]
    assert len({name.casefold() for name in names}) == len(names) == len(items)
    for name in names:
        parts = name.split("/")
        assert parts[0] in ("TC1", "TC5", "Khác") and len(parts) in (2, 3)
        assert all(part not in ("", ".", "..") for part in parts)
