"""Random personal data for the seeded redaction set (tests/ingest/redaction_set.py).

Each function draws one value of a kind in one of the formats people write it in: e-mails (plain,
quoted local parts, IP literals), Luhn-valid cards grouped with spaces, dashes or dots, mod-97-valid
IBANs of many countries, and IPv4/IPv6 addresses (phone numbers: tests/ingest/redaction_phones.py).
The look-alikes that must survive (a number failing its Luhn check, an IBAN with wrong check
digits) are drawn here too.
"""

from __future__ import annotations

import ipaddress
import random
import re
import string
from collections.abc import Callable

from tests.ingest.redaction_phones import digits

EMAIL_DOMAINS = (
    "example.org",
    "mail.example.com",
    "example.co.uk",
    "corp-example.io",
    "example.de",
)
UNACCENT = str.maketrans("éáíóúüöäëçñ", "eaiouuoaecn")


def _ascii(word: str) -> str:
    """Lower-case ASCII letters only: "José" -> "jose", "O'Connor" -> "oconnor"."""
    return re.sub(r"[^a-z]", "", word.lower().translate(UNACCENT))


def email(rng: random.Random, first: str, last: str) -> str:
    ascii_first, ascii_last = _ascii(first), _ascii(last)
    domain = rng.choice(EMAIL_DOMAINS)
    v4 = f"{rng.randint(1, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    return rng.choice(
        [
            f"{ascii_first}.{ascii_last}@{domain}",
            f"{ascii_first[0]}{ascii_last}@{domain}",
            f"{ascii_first}_{ascii_last}{rng.randint(1, 99)}@{domain}",
            f"{ascii_first}+support@{domain}",
            f"user{rng.randint(1000, 99999)}@{domain}",
            f"{ascii_last.upper()}.{ascii_first.capitalize()}@{domain}",
            f'"{ascii_first} {ascii_last}"@{domain}',
            f'"{ascii_first}.{ascii_last}!"@{domain}',
            f"{ascii_first}@[{v4}]",
            f"{ascii_last}@[IPv6:2001:db8::{rng.randint(1, 0xFFFF):x}]",
        ]
    )


def _luhn_check_digit(partial: str) -> str:
    total = 0
    for index, char in enumerate(reversed(partial)):
        value = int(char)
        if index % 2 == 0:  # doubled, since the check digit will sit to the right
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return str((10 - total % 10) % 10)


def _card_number(rng: random.Random) -> str:
    prefix, length = rng.choice(
        [
            ("4", 16),
            ("4", 16),
            ("4", 13),
            ("4", 19),
            (str(rng.randint(51, 55)), 16),
            (str(rng.randint(2221, 2720)), 16),
            (rng.choice(["34", "37"]), 15),
            ("6011", 16),
            ("35", 16),
        ]
    )
    partial = prefix + digits(rng, length - len(prefix) - 1)
    return partial + _luhn_check_digit(partial)


def card(rng: random.Random) -> str:
    """A Luhn-valid card number, in one block or grouped with spaces, dashes or dots."""
    number = _card_number(rng)
    separator = rng.choice(["", " ", " ", "-", "."])
    if not separator:
        return number
    if len(number) == 15:
        return separator.join([number[:4], number[4:10], number[10:]])
    return separator.join(number[index : index + 4] for index in range(0, len(number), 4))


def luhn_fail(rng: random.Random) -> str:
    """A 16-digit order number whose last digit is not its Luhn check digit."""
    partial = str(rng.randint(1, 9)) + digits(rng, 14)
    check = _luhn_check_digit(partial)
    last = rng.choice([digit for digit in string.digits if digit != check])
    number = partial + last
    separator = rng.choice(["", "", " ", "."])
    return separator.join(number[index : index + 4] for index in range(0, 16, 4))


def _letters(rng: random.Random, count: int) -> str:
    return "".join(rng.choice(string.ascii_uppercase) for _ in range(count))


def _alnum(rng: random.Random, count: int) -> str:
    return "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(count))


# Each country's BBAN layout (ISO 13616 registry): digits, letters and alphanumerics in place.
_BBAN: dict[str, Callable[[random.Random], str]] = {
    "DE": lambda rng: digits(rng, 18),
    "GB": lambda rng: _letters(rng, 4) + digits(rng, 14),
    "FR": lambda rng: digits(rng, 10) + _alnum(rng, 11) + digits(rng, 2),
    "NL": lambda rng: _letters(rng, 4) + digits(rng, 10),
    "ES": lambda rng: digits(rng, 20),
    "IT": lambda rng: _letters(rng, 1) + digits(rng, 10) + _alnum(rng, 12),
    "BE": lambda rng: digits(rng, 12),
    "CH": lambda rng: digits(rng, 5) + _alnum(rng, 12),
    "AT": lambda rng: digits(rng, 16),
    "PL": lambda rng: digits(rng, 24),
    "PT": lambda rng: digits(rng, 21),
    "SE": lambda rng: digits(rng, 20),
    "IE": lambda rng: _letters(rng, 4) + digits(rng, 14),
    "DK": lambda rng: digits(rng, 14),
    "NO": lambda rng: digits(rng, 11),
    "FI": lambda rng: digits(rng, 14),
    "LU": lambda rng: digits(rng, 3) + _alnum(rng, 13),
}


def _iban_check_digits(country: str, bban: str) -> int:
    numeric = "".join(str(int(char, 36)) for char in bban + country + "00")
    return 98 - int(numeric) % 97


def _format_iban(rng: random.Random, compact: str) -> str:
    if rng.random() < 0.35:
        return compact
    return " ".join(compact[index : index + 4] for index in range(0, len(compact), 4))


def iban(rng: random.Random) -> str:
    """A mod-97-valid IBAN of one of 17 countries, compact or in groups of four."""
    country = rng.choice(list(_BBAN))
    bban = _BBAN[country](rng)
    return _format_iban(rng, f"{country}{_iban_check_digits(country, bban):02d}{bban}")


def bad_iban(rng: random.Random) -> str:
    """An IBAN-shaped string whose check digits are wrong."""
    country = rng.choice(list(_BBAN))
    bban = _BBAN[country](rng)
    good = _iban_check_digits(country, bban)
    bad = (good - 2 + rng.randint(1, 96)) % 97 + 2
    return _format_iban(rng, f"{country}{bad:02d}{bban}")


IPV6_STYLES = ("v6", "v6-full", "v6-doc", "v6-link", "v6-mapped")


def ip(rng: random.Random, style: str = "") -> str:
    style = style or rng.choice(["v4", "v4", "v4", *IPV6_STYLES])
    v4 = ".".join(str(part) for part in (rng.randint(1, 223), *rng.choices(range(256), k=3)))
    if style == "v4":
        return v4
    if style == "v6":
        return ipaddress.IPv6Address(rng.getrandbits(128)).compressed
    if style == "v6-full":
        return ipaddress.IPv6Address(rng.getrandbits(128)).exploded
    if style == "v6-doc":
        tail = ":".join(f"{rng.randint(0, 0xFFFF):x}" for _ in range(rng.randint(1, 3)))
        return f"2001:db8::{tail}"
    if style == "v6-link":
        return f"fe80::{rng.randint(1, 0xFFFF):x}:{rng.randint(1, 0xFFFF):x}"
    return f"::ffff:{v4}"
