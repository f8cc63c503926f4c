"""A seeded set of synthetic support tickets with known personal data, to measure the redactor.

``make_cases(seed, n)`` fills ticket-like templates with random values of every kind the redactor
handles (valid Luhn cards and mod-97 IBANs are generated, not copied), mixed with distractors that
must survive: dates, times, years, prices, order and invoice numbers, versions, numbers that fail
the Luhn check, IBANs with a bad checksum, non-addresses such as 999.1.1.1, the agent's name and
words that merely start with the requester's name. Each case records the exact span of every
value it planted.
"""

from __future__ import annotations

import ipaddress
import random
import re
import string
from collections.abc import Callable
from dataclasses import dataclass

PII_KINDS = ("email", "phone", "card", "iban", "ip", "name")

# Requesters (passed to the redactor) and agents (not passed: their names must survive). No part
# of one list occurs in the other, and no part is an everyday English word.
REQUESTERS = (
    "Maria Lopez",
    "José García",
    "Anna Schmidt",
    "Liam O'Connor",
    "Zoë Dubois",
    "Wei Li",
    "Jean-Luc Martin",
    "Sophie Müller",
    "Priya Patel",
    "Kenji Tanaka",
    "Lucia Rossi",
    "Fatima Haddad",
    "Oliver Brennan",
    "Ingrid Johansson",
    "Tomasz Kowalski",
    "Aisha Bello",
    "Carlos Mendes",
    "Eleni Papadopoulou",
    "Noah Fischer",
    "Hannah Cohen",
)
AGENTS = ("Tom", "Sam Reed", "Nadia", "Greg Walsh", "Yuki", "Rosa Blanc", "Dev Shah")
EMAIL_DOMAINS = (
    "example.org",
    "mail.example.com",
    "example.co.uk",
    "corp-example.io",
    "example.de",
)
NAME_SUFFIXES = ("chi", "ville", "sson", "bert", "land")
_UNACCENT = str.maketrans("éáíóúüöäëçñ", "eaiouuoaecn")

TEMPLATES = (
    "Hi, this is {name}. I was charged twice on {date} for invoice {invoice}: two captures of "
    "{price} on my card {card}. You can reach me at {phone} or {email}.\nThanks, {first}",
    "Customer {name} ({email}) cannot log in from {ip} since {datetime}. App version {version}, "
    "build {build}. Their order {luhn_fail} is not affected. {agent}",
    "Please refund to my account, IBAN {iban} (not {bad_iban}, that one was closed). Reference "
    "{order}, amount {price}. Call me on {phone} after {time}. Regards, {first} {last}",
    "Internal: {agent} spoke with {last} on {date_eu}. Callback number {phone}. Error {errcode} "
    "from {ip}; the address {not_ip} in the form is a typo. Ticket {ticket} is a duplicate. "
    "Refund to {iban} approved.",
    "{first} wrote: my new card is {card}, the old one ended in {short}. Order number {luhn_fail} "
    "shows {count} items. {namelike} is our shop's name, by the way. Mail: {email}",
    "Logs show requests from {ip} and {ip} hitting /api/v2/orders at {time}; {count} failures, "
    "{percent} of traffic, request id {uuid}. Contact {name} at {email} or {phone}.",
    "{name} here. Our billing details changed: new IBAN {iban}. Invoice {invoice} of {price} was "
    "paid on {date}, and {order} in {year}. Phone: {phone}",
    "Dear {agent}, I upgraded to {version} on {date} and now get error {errcode}. My number is "
    "{phone}, my card {card} was declined {count} times. {first} {last}",
    "Summary: requester {name}, phone {phone}, alt phone {phone}, e-mail {email}. Payment with "
    "{card} on {datetime} for {price}. Client IP {ip}. Build {build}, port {port}. Bank: {iban}",
    "Card {card} exp {expiry}, cvc {cvc}. IBAN:{iban}; ip={ip4}:{port}, [{ip6}]:{port}; "
    "phones {phone} / {phone}; <{email}>; sent {date}, {phone}. {last}, {agent}",
    "hello from {first}! {namelike} office asked me to send IBAN {iban} and card {card}. "
    "{size} upload failed at {time} on {date_eu} ({percent}). ticket {ticket}, order {order}",
)


@dataclass(frozen=True)
class Planted:
    """One value put into a case: its kind (a PII kind or a distractor label) and its span."""

    kind: str
    value: str
    start: int
    end: int


@dataclass(frozen=True)
class Case:
    """A synthetic ticket text, the names to pass to the redactor, and what was planted where."""

    text: str
    names: tuple[str, ...]
    pii: tuple[Planted, ...]
    distractors: tuple[Planted, ...]


def make_cases(seed: int, n: int) -> list[Case]:
    """``n`` synthetic tickets drawn with ``random.Random(seed)``: the same seed, the same set."""
    rng = random.Random(seed)
    return [_make_case(rng, TEMPLATES[index % len(TEMPLATES)]) for index in range(n)]


def _make_case(rng: random.Random, template: str) -> Case:
    requester = rng.choice(REQUESTERS)
    first, *_, last = requester.split()
    slots: dict[str, tuple[str | None, Callable[[], str]]] = {
        "name": ("name", lambda: _cased(rng, requester)),
        "first": ("name", lambda: _cased(rng, first)),
        "last": ("name", lambda: _cased(rng, last) if _letters(last) >= 3 else requester),
        "email": ("email", lambda: _email(rng, first, last)),
        "phone": ("phone", lambda: _phone(rng)),
        "card": ("card", lambda: _card(rng)),
        "iban": ("iban", lambda: _iban(rng)),
        "ip": ("ip", lambda: _ip(rng)),
        "ip4": ("ip", lambda: _ip(rng, "v4")),
        "ip6": ("ip", lambda: _ip(rng, rng.choice(_IPV6_STYLES))),
        "agent": (None, lambda: rng.choice(AGENTS)),
        "namelike": (None, lambda: first.split("-")[0] + rng.choice(NAME_SUFFIXES)),
        "date": (None, lambda: f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"),
        "datetime": (None, lambda: _datetime(rng)),
        "date_eu": (None, lambda: _date_eu(rng)),
        "time": (None, lambda: _time(rng)),
        "year": (None, lambda: str(rng.randint(1990, 2030))),
        "price": (None, lambda: _price(rng)),
        "invoice": (None, lambda: f"{rng.choice(['INV', 'BILL'])}-{rng.randint(100, 99999)}"),
        "order": (None, lambda: f"#{rng.randint(10000, 9999999)}"),
        "ticket": (None, lambda: str(rng.randint(10000, 999999))),
        "version": (None, lambda: _version(rng)),
        "build": (None, lambda: f"10.0.{rng.randint(10000, 22999)}.{rng.randint(100, 9999)}"),
        "luhn_fail": (None, lambda: _luhn_fail(rng)),
        "bad_iban": (None, lambda: _bad_iban(rng)),
        "not_ip": (None, lambda: _not_ip(rng)),
        "errcode": (None, lambda: _errcode(rng)),
        "uuid": (None, lambda: _uuid(rng)),
        "short": (None, lambda: str(rng.randint(1000, 9999))),
        "count": (None, lambda: str(rng.randint(2, 999))),
        "percent": (None, lambda: f"{rng.randint(1, 99)}%"),
        "port": (None, lambda: str(rng.choice([443, 8080, 5432, 3306, 25]))),
        "expiry": (None, lambda: f"{rng.randint(1, 12):02d}/{rng.randint(26, 31)}"),
        "cvc": (None, lambda: _digits(rng, 3)),
        "size": (None, lambda: f"{rng.choice([12, 64, 512, 2048])} {rng.choice(['MB', 'KB'])}"),
    }
    text = ""
    pii: list[Planted] = []
    distractors: list[Planted] = []
    for index, piece in enumerate(re.split(r"\{(\w+)\}", template)):
        if index % 2 == 0:
            text += piece
            continue
        kind, make = slots[piece]
        value = make()
        planted = Planted(kind or piece, value, len(text), len(text) + len(value))
        (pii if kind else distractors).append(planted)
        text += value
    return Case(text, (requester,), tuple(pii), tuple(distractors))


def _letters(word: str) -> int:
    return sum(char.isalpha() for char in word)


def _cased(rng: random.Random, name: str) -> str:
    """The name as written, in capitals, in lower case, or without its accents."""
    style = rng.choice(["as-is", "as-is", "upper", "lower", "ascii"])
    if style == "upper":
        return name.upper()
    if style == "lower":
        return name.lower()
    if style == "ascii":
        return name.translate(_UNACCENT)
    return name


def _ascii(word: str) -> str:
    """Lower-case ASCII letters only: "José" -> "jose", "O'Connor" -> "oconnor"."""
    return re.sub(r"[^a-z]", "", word.lower().translate(_UNACCENT))


def _email(rng: random.Random, first: str, last: str) -> str:
    ascii_first, ascii_last = _ascii(first), _ascii(last)
    local = rng.choice(
        [
            f"{ascii_first}.{ascii_last}",
            f"{ascii_first[0]}{ascii_last}",
            f"{ascii_first}_{ascii_last}{rng.randint(1, 99)}",
            f"{ascii_first}+support",
            f"user{rng.randint(1000, 99999)}",
            f"{ascii_last.upper()}.{ascii_first.capitalize()}",
        ]
    )
    return f"{local}@{rng.choice(EMAIL_DOMAINS)}"


def _digits(rng: random.Random, count: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(count))


def _phone(rng: random.Random) -> str:
    area = f"{rng.randint(2, 9)}{_digits(rng, 2)}"
    exchange = f"{rng.randint(2, 9)}{_digits(rng, 2)}"
    line = _digits(rng, 4)
    pairs = " ".join(_digits(rng, 2) for _ in range(4))
    formats = [
        f"+1 ({area}) {exchange}-{line}",
        f"+1 {area}-{exchange}-{line}",
        f"+1{area}{exchange}{line}",
        f"({area}) {exchange}-{line}",
        f"{area}-{exchange}-{line}",
        f"{area}.{exchange}.{line}",
        f"{area} {exchange} {line}",
        f"1-800-{exchange}-{line}",
        f"+44 20 {_digits(rng, 4)} {_digits(rng, 4)}",
        f"+44 (0)20 {_digits(rng, 4)} {_digits(rng, 4)}",
        f"+44 7{_digits(rng, 3)} {_digits(rng, 6)}",
        f"020 {_digits(rng, 4)} {_digits(rng, 4)}",
        f"07{_digits(rng, 3)} {_digits(rng, 6)}",
        f"0044 20 {_digits(rng, 4)} {_digits(rng, 4)}",
        f"+49 30 {_digits(rng, 8)}",
        f"030 {_digits(rng, 8)}",
        f"0151 {_digits(rng, 8)}",
        f"+33 {rng.randint(1, 9)} {pairs}",
        f"0{rng.randint(1, 9)} {pairs}",
        f"06-{_digits(rng, 8)}",
        f"+31 6 {_digits(rng, 8)}",
        f"+34 6{_digits(rng, 2)} {_digits(rng, 2)} {_digits(rng, 2)} {_digits(rng, 2)}",
        f"+39 06 {_digits(rng, 4)} {_digits(rng, 4)}",
        f"+1.{area}.{exchange}.{line}",
        f"+44-20-{_digits(rng, 4)}-{_digits(rng, 4)}",
        f"(020) {_digits(rng, 4)} {_digits(rng, 4)}",
        f"+49 (0)30 {_digits(rng, 8)}",
        f"+49 151 {_digits(rng, 8)}",
        f"{exchange}-{line}",
        f"{area}{exchange}{line}",
    ]
    return rng.choice(formats)


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
    partial = prefix + _digits(rng, length - len(prefix) - 1)
    return partial + _luhn_check_digit(partial)


def _card(rng: random.Random) -> str:
    number = _card_number(rng)
    style = rng.choice(["plain", "spaces", "spaces", "dashes"])
    if style == "plain":
        return number
    separator = " " if style == "spaces" else "-"
    if len(number) == 15:
        return separator.join([number[:4], number[4:10], number[10:]])
    return separator.join(number[index : index + 4] for index in range(0, len(number), 4))


def _luhn_fail(rng: random.Random) -> str:
    """A 16-digit order number whose last digit is not its Luhn check digit."""
    partial = str(rng.randint(1, 9)) + _digits(rng, 14)
    check = _luhn_check_digit(partial)
    last = rng.choice([digit for digit in string.digits if digit != check])
    number = partial + last
    if rng.random() < 0.5:
        return number
    return " ".join(number[index : index + 4] for index in range(0, 16, 4))


_BBAN: dict[str, Callable[[random.Random], str]] = {
    "DE": lambda rng: _digits(rng, 18),
    "GB": lambda rng: (
        "".join(rng.choice(string.ascii_uppercase) for _ in range(4)) + _digits(rng, 14)
    ),
    "FR": lambda rng: (
        _digits(rng, 10)
        + "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(11))
        + _digits(rng, 2)
    ),
    "NL": lambda rng: (
        "".join(rng.choice(string.ascii_uppercase) for _ in range(4)) + _digits(rng, 10)
    ),
    "ES": lambda rng: _digits(rng, 20),
    "IT": lambda rng: (
        rng.choice(string.ascii_uppercase)
        + _digits(rng, 10)
        + "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(12))
    ),
    "BE": lambda rng: _digits(rng, 12),
    "CH": lambda rng: (
        _digits(rng, 5)
        + "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(12))
    ),
}


def _iban_check_digits(country: str, bban: str) -> int:
    numeric = "".join(str(int(char, 36)) for char in bban + country + "00")
    return 98 - int(numeric) % 97


def _format_iban(rng: random.Random, compact: str) -> str:
    if rng.random() < 0.35:
        return compact
    return " ".join(compact[index : index + 4] for index in range(0, len(compact), 4))


def _iban(rng: random.Random) -> str:
    country = rng.choice(list(_BBAN))
    bban = _BBAN[country](rng)
    return _format_iban(rng, f"{country}{_iban_check_digits(country, bban):02d}{bban}")


def _bad_iban(rng: random.Random) -> str:
    """An IBAN-shaped string whose check digits are wrong."""
    country = rng.choice(list(_BBAN))
    bban = _BBAN[country](rng)
    good = _iban_check_digits(country, bban)
    bad = (good - 2 + rng.randint(1, 96)) % 97 + 2
    return _format_iban(rng, f"{country}{bad:02d}{bban}")


_IPV6_STYLES = ("v6", "v6-full", "v6-doc", "v6-link", "v6-mapped")


def _ip(rng: random.Random, style: str = "") -> str:
    style = style or rng.choice(["v4", "v4", "v4", *_IPV6_STYLES])
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


def _not_ip(rng: random.Random) -> str:
    return rng.choice(
        [
            ".".join(str(part) for part in (rng.randint(256, 999), *rng.choices(range(256), k=3))),
            ".".join(str(rng.randint(0, 9)) for _ in range(5)),
            f"{rng.randint(1, 9)}.{rng.randint(0, 20)}.{rng.randint(0, 20)}",
        ]
    )


def _version(rng: random.Random) -> str:
    version = f"{rng.randint(1, 12)}.{rng.randint(0, 20)}.{rng.randint(0, 30)}"
    return rng.choice([version, f"v{version}"])


def _datetime(rng: random.Random) -> str:
    return (
        f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T"
        f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}Z"
    )


def _date_eu(rng: random.Random) -> str:
    separator = rng.choice("./")
    return f"{rng.randint(1, 28):02d}{separator}{rng.randint(1, 12):02d}{separator}2026"


def _time(rng: random.Random) -> str:
    hours, minutes = rng.randint(0, 23), rng.randint(0, 59)
    seconds = rng.randint(0, 59)
    return rng.choice([f"{hours:02d}:{minutes:02d}", f"{hours:02d}:{minutes:02d}:{seconds:02d}"])


def _price(rng: random.Random) -> str:
    amount = rng.randint(1, 200_000_000) / 100
    return rng.choice(
        [
            f"{amount:,.2f}",
            f"${amount:,.2f}",
            f"€{amount:.2f}",
            f"{amount:,.2f} USD",
            f"EUR {amount:,.2f}".replace(",", " "),
        ]
    )


def _errcode(rng: random.Random) -> str:
    return rng.choice(
        [
            f"0x{rng.getrandbits(32):08X}",
            f"ERR-{rng.randint(1000, 9999)}",
            f"HTTP {rng.choice([400, 401, 403, 404, 429, 500, 502, 503])}",
        ]
    )


def _uuid(rng: random.Random) -> str:
    raw = f"{rng.getrandbits(128):032x}"
    return f"{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:]}"
