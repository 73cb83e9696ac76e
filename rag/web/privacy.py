"""Mask personal data in a query before it leaves the machine for a search engine.

    mask_query("mail kim@example.com re 010-1234-5678") -> Masked(text="mail [email] re [phone]",
                                                                  found=("e-mail address", "phone number"))

Order matters: resident registration numbers and card numbers are long digit runs that a phone
matcher would also take, so they are masked first, then e-mail addresses, then phone numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.errors import require

# Korean resident registration number (주민등록번호): YYMMDD-GNNNNNN, G = 1..8 (1-4 citizens,
# 5-8 foreign residents). No checksum test on purpose: numbers issued since October 2020 carry no
# valid check digit, and missing one here would send it to the search engine.
RRN = re.compile(r"(?<!\d)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\s?-?\s?[1-8]\d{6}(?!\d)")
# 13 to 19 digits, optionally grouped by spaces or dashes; kept only when the Luhn check passes.
CARD = re.compile(r"(?<!\d)\d(?:[ -]?\d){12,18}(?!\d)")
# Deliberately broad (any local part, any dotted domain): a false mask costs a worse search,
# a missed address costs privacy.
EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# libphonenumber finds numbers written the way people write them in these regions; a number with a
# +country prefix is found whatever the region.
PHONE_REGIONS = ("KR", "US")

PLACEHOLDERS = {
    "resident registration number": "[id-number]",
    "card number": "[card-number]",
    "e-mail address": "[email]",
    "phone number": "[phone]",
}


@dataclass(frozen=True)
class Masked:
    text: str  # what may be sent
    found: tuple[str, ...] = ()  # one kind per masked item, e.g. ("e-mail address", "phone number")

    def notice(self) -> str | None:
        """A plain sentence telling the user what was masked and what was sent, or None."""
        if not self.found:
            return None
        kinds = ", ".join(_phrase(kind, self.found.count(kind)) for kind in dict.fromkeys(self.found))
        return (f"Personal data was masked before searching the web ({kinds}); "
                f"the search engine was sent: {self.text!r}.")


def luhn_ok(digits: str) -> bool:
    # Hand-written: the Luhn sum is four lines, smaller than a dependency for it.
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def mask_query(query: str) -> Masked:
    """Replace personal data in query by placeholders; found lists what was replaced, left to right."""
    found: list[str] = []
    text = query

    def sub(pattern: re.Pattern, kind: str, keep=lambda m: True) -> None:
        nonlocal text
        out, last = [], 0
        for m in pattern.finditer(text):
            if keep(m):
                out += [text[last:m.start()], PLACEHOLDERS[kind]]
                found.append(kind)
                last = m.end()
        text = "".join(out) + text[last:]

    sub(RRN, "resident registration number")
    sub(CARD, "card number", lambda m: luhn_ok(re.sub(r"\D", "", m.group())))
    sub(EMAIL, "e-mail address")
    text = _mask_phones(text, found)
    return Masked(text=text, found=tuple(found))


def _mask_phones(text: str, found: list[str]) -> str:
    phonenumbers = require("phonenumbers", "web")
    for region in PHONE_REGIONS:
        spans = [(m.start, m.end) for m in phonenumbers.PhoneNumberMatcher(text, region)]
        for start, end in reversed(spans):
            text = text[:start] + PLACEHOLDERS["phone number"] + text[end:]
            found.append("phone number")
    return text


def _phrase(kind: str, n: int) -> str:
    if n > 1:
        return f"{n} {kind}{'es' if kind.endswith('s') else 's'}"
    return f"{'an' if kind[0] in 'aeiou' else 'a'} {kind}"
