"""A seeded set of synthetic support tickets with known personal data, to measure the redactor.

``make_cases(seed, n)`` fills ticket-like templates with random values of every kind the redactor
handles (valid Luhn cards and mod-97 IBANs are generated, not copied), mixed with distractors that
must survive: dates, times, years, prices, order and invoice numbers, versions (four-part ones such
as "version 1.2.3.4" and "v10.0.0.1" too), numbers that fail the Luhn check, IBANs with a bad
checksum, non-addresses such as 999.1.1.1, the agent's name, words that merely start with the
requester's name, and everyday words that are the requester's name ("the bill" when Bill wrote).
The values themselves are drawn in redaction_values.py and redaction_phones.py. Each case records
the exact span of every value it planted.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass

from tests.ingest import redaction_values as values
from tests.ingest.redaction_phones import digits, phone

PII_KINDS = ("email", "phone", "card", "iban", "ip", "name")

# Requesters (passed to the redactor) and agents (not passed: their names must survive). No part
# of one list occurs in the other. WORD_REQUESTERS have names that are also everyday words: their
# tickets use those words too ("the bill", "a grace period"), and the words must survive.
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
WORD_REQUESTERS = ("Bill Turner", "Rose Price", "Grace Banks", "Mark Page")
# The everyday uses of those names, which are not the requester.
WORD_USES: dict[str, tuple[str, ...]] = {
    "Bill": ("the bill", "your bill", "my bill", "this bill", "THE BILL"),
    "Rose": ("prices rose", "the fee rose"),
    "Price": ("the price", "a price", "price"),
    "Grace": ("a grace period", "the grace period"),
    "Banks": ("both banks", "the banks"),
    "Mark": ("a check mark", "mark it paid"),
    "Page": ("the billing page", "this page"),
}
AGENTS = ("Tom", "Sam Reed", "Nadia", "Greg Walsh", "Yuki", "Rosa Blanc", "Dev Shah")
NAME_SUFFIXES = ("chi", "ville", "sson", "bert", "land")

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
    "Hi, {first} here about {word}: {word} for {invoice} shows {price} on {date_dot}. I updated "
    "to version {version4} ({vversion} before). Mail {email}, phone {phone}, card {card}. {agent}",
    "Contact {name}: {email} / {phone} / {phone}. Firmware {version4}, release {vversion}, seen "
    "from {ip4} at {time}. Refund {price} to IBAN {iban} or card {card}. Not {luhn_fail}. {word}",
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
    word_names = "{word}" in template
    requester = rng.choice(WORD_REQUESTERS if word_names else REQUESTERS + WORD_REQUESTERS)
    first, *_, last = requester.split()
    slots: dict[str, tuple[str | None, Callable[[], str]]] = {
        "name": ("name", lambda: _cased(rng, requester)),
        "first": ("name", lambda: _cased(rng, first)),
        "last": ("name", lambda: _cased(rng, last) if _letters(last) >= 3 else requester),
        "email": ("email", lambda: values.email(rng, first, last)),
        "phone": ("phone", lambda: phone(rng)),
        "card": ("card", lambda: values.card(rng)),
        "iban": ("iban", lambda: values.iban(rng)),
        "ip": ("ip", lambda: values.ip(rng)),
        "ip4": ("ip", lambda: values.ip(rng, "v4")),
        "ip6": ("ip", lambda: values.ip(rng, rng.choice(values.IPV6_STYLES))),
        "agent": (None, lambda: rng.choice(AGENTS)),
        "word": (None, lambda: _word_use(rng, requester)),
        "version4": (None, lambda: _version4(rng)),
        "vversion": (None, lambda: "v" + _version4(rng)),
        "date_dot": (None, lambda: f"2026.{rng.randint(1, 12):02d}.{rng.randint(1, 28):02d}"),
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
        "luhn_fail": (None, lambda: values.luhn_fail(rng)),
        "bad_iban": (None, lambda: values.bad_iban(rng)),
        "not_ip": (None, lambda: _not_ip(rng)),
        "errcode": (None, lambda: _errcode(rng)),
        "uuid": (None, lambda: _uuid(rng)),
        "short": (None, lambda: str(rng.randint(1000, 9999))),
        "count": (None, lambda: str(rng.randint(2, 999))),
        "percent": (None, lambda: f"{rng.randint(1, 99)}%"),
        "port": (None, lambda: str(rng.choice([443, 8080, 5432, 3306, 25]))),
        "expiry": (None, lambda: f"{rng.randint(1, 12):02d}/{rng.randint(26, 31)}"),
        "cvc": (None, lambda: digits(rng, 3)),
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
    """The name as written, in capitals, in lower case, or without its accents.

    A name that is also an everyday word is never written in lower case: "bill" is the word.
    """
    styles = ["as-is", "as-is", "upper", "ascii"]
    if not any(part in WORD_USES for part in name.split()):
        styles.append("lower")
    style = rng.choice(styles)
    if style == "upper":
        return name.upper()
    if style == "lower":
        return name.lower()
    if style == "ascii":
        return name.translate(values.UNACCENT)
    return name


def _not_ip(rng: random.Random) -> str:
    return rng.choice(
        [
            ".".join(str(part) for part in (rng.randint(256, 999), *rng.choices(range(256), k=3))),
            ".".join(str(rng.randint(0, 9)) for _ in range(5)),
            f"{rng.randint(1, 9)}.{rng.randint(0, 20)}.{rng.randint(0, 20)}",
        ]
    )


def _word_use(rng: random.Random, requester: str) -> str:
    """An everyday use of a word in the requester's name ("the bill" for Bill Turner)."""
    uses = [use for part in requester.split() for use in WORD_USES.get(part, ())]
    return rng.choice(uses or list(WORD_USES["Bill"]))


def _version4(rng: random.Random) -> str:
    """A four-part version number that would be a valid IPv4 address: 1.2.3.4, 10.0.0.1."""
    return f"{rng.randint(1, 20)}.{rng.randint(0, 9)}.{rng.randint(0, 9)}.{rng.randint(0, 99)}"


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
            f"{amount:,.2f} €".translate(str.maketrans(",.", ".,")),
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
