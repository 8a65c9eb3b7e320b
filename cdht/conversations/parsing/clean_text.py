"""Free text made safe to store and to show, whichever way it came in (a chat channel, a roster or answers
file, the command line): one pure function, applied once at each boundary.

What goes:
- NUL and the other control characters (C0, DEL, C1): PostgreSQL refuses NUL in text, and none of them is
  meant to be seen. Newline and tab stay in multi-line text; every line break (CR LF, CR, NEL, U+2028,
  U+2029) becomes a newline. In a single line (names, codes, file names) newline and tab become a space.
- Bidirectional controls (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C): they reorder what an
  officer sees ("gnp.exe" shown as "exe.png") and can disguise what was written.
- Zero-width and other invisible characters (U+200B–U+200D, U+2060–U+2064, U+206A–U+206F, U+FEFF).
- Lone surrogates (a JSON escape like "\\ud800" decodes to one): they cannot be encoded as UTF-8.

The result is NFC (phones and some keyboards send decomposed Vietnamese). Ordinary text, Vietnamese with
its diacritics, and emoji are left as they are; the function is idempotent.
"""

from __future__ import annotations

import re
import unicodedata

BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
INVISIBLE = "\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\u206a\u206b\u206c\u206d\u206e\u206f\ufeff"

_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f"  # all C0 and C1 controls and DEL but tab and newline
_REMOVED = f"{_CONTROLS}{BIDI_CONTROLS}{INVISIBLE}\ud800-\udfff"
_UNWANTED = re.compile(f"[{_REMOVED}]")
_TEXT_ATTENTION = re.compile(f"[{_REMOVED}\u2028\u2029]")  # what multi-line text may need done
_LINE_ATTENTION = re.compile(f"[{_REMOVED}\u2028\u2029\t\n]")  # and a single line
_BREAKS = re.compile("\r\n|[\r\x85\u2028\u2029]")
_LINE = str.maketrans({"\n": " ", "\t": " "})


def clean_text(text: str, *, multiline: bool = True) -> str:
    """`text` without control, bidirectional and invisible characters, NFC. `multiline`: newlines and tabs
    stay (answers, questions, broadcasts, reasons, captions); otherwise they become spaces (names, codes,
    file names, spreadsheet cells). Surrounding spaces are left to the caller."""
    needs_work = (_TEXT_ATTENTION if multiline else _LINE_ATTENTION).search(text)
    if needs_work is None and (text.isascii() or unicodedata.is_normalized("NFC", text)):
        return text
    text = _BREAKS.sub("\n", text)
    if not multiline:
        text = text.translate(_LINE)
    return unicodedata.normalize("NFC", _UNWANTED.sub("", text))


def clean_line(text: str) -> str:
    """`clean_text` for one line: a name, a code, a file name, a spreadsheet cell."""
    return clean_text(text, multiline=False)
