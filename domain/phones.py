"""Vietnamese phone numbers as people write them («0912 345 678», «+84 912.345.678»), read
into one form, 0xxxxxxxxx: what chat answers and the office's spreadsheets are compared by."""

from __future__ import annotations

import re


def parse_phone(answer: str) -> str | None:
    """A Vietnamese phone number in 0xxxxxxxxx form, or None."""
    digits = re.sub(r"[\s.\-()]", "", answer.strip())
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    if re.fullmatch(r"0[1-9]\d{8,9}", digits):
        return digits
    return None
