"""Vietnamese phone numbers to E.164 (+84…): 0912 345 678, +84 912345678, 84912345678 are one number."""

from __future__ import annotations

import phonenumbers


def normalise_phone(raw: str) -> str | None:
    """The E.164 form of a valid Vietnamese (or explicitly international) number, else None."""
    text = raw.strip()
    if not text or len(text) > 32:
        return None
    digits = "".join(ch for ch in text if ch.isdigit())
    if not text.startswith("+") and digits.startswith("84") and len(digits) in (11, 12):
        text = "+" + digits
    try:
        number = phonenumbers.parse(text, "VN")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
