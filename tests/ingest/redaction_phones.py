"""Random phone numbers for the seeded redaction set, in the formats people write them in.

National and international formats of the US, GB, DE, FR, ES, IT, NL, IN, BR and AU, with the
prefixes real numbers there have (a mobile range, an area code), so that each one is a number
``phonenumbers`` holds valid: "030/12345678", "0171 1234567", "(11) 91234-5678", "0412 345 678".
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable


def digits(rng: random.Random, count: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(count))


def _subscriber(rng: random.Random, count: int) -> str:
    """``count`` digits not starting with 0 or 1, as a subscriber number after an area code."""
    return str(rng.randint(2, 9)) + digits(rng, count - 1)


def phone(rng: random.Random) -> str:
    """A phone number in one of the formats of the US, GB, DE, FR, ES, IT, NL, IN, BR or AU."""
    return rng.choice(_PHONE_FORMATS)(rng)


def _us(rng: random.Random) -> str:
    area = rng.choice(["212", "305", "312", "415", "512", "617", "646", "702", "206", "303"])
    exchange, line = _subscriber(rng, 3), digits(rng, 4)
    return rng.choice(
        [
            f"+1 ({area}) {exchange}-{line}",
            f"+1 {area}-{exchange}-{line}",
            f"+1{area}{exchange}{line}",
            f"({area}) {exchange}-{line}",
            f"{area}-{exchange}-{line}",
            f"{area}.{exchange}.{line}",
            f"{area} {exchange} {line}",
            f"1-800-{exchange}-{line}",
            f"+1.{area}.{exchange}.{line}",
            f"{exchange}-{line}",
            f"{area}{exchange}{line}",
        ]
    )


def _gb(rng: random.Random) -> str:
    london = f"{rng.choice('378')}{digits(rng, 3)} {digits(rng, 4)}"
    mobile = f"7{rng.choice(['400', '123', '812', '890'])} {digits(rng, 6)}"
    return rng.choice(
        [
            f"+44 20 {london}",
            f"+44 (0)20 {london}",
            f"+44 {mobile}",
            f"020 {london}",
            f"0{mobile}",
            f"0044 20 {london}",
            f"+44-20-{london.replace(' ', '-')}",
            f"(020) {london}",
            f"0161 {_subscriber(rng, 3)} {digits(rng, 4)}",
            f"+44 161 {_subscriber(rng, 3)} {digits(rng, 4)}",
        ]
    )


def _de(rng: random.Random) -> str:
    berlin, munich = _subscriber(rng, 8), _subscriber(rng, 7)
    mobile = f"1{rng.choice(['72', '71', '76'])}"
    return rng.choice(
        [
            f"+49 30 {berlin}",
            f"030 {berlin}",
            f"030/{berlin}",
            f"089/{munich}",
            f"(030) {berlin}",
            f"+49 (0)30 {berlin}",
            f"+49-30-{berlin}",
            f"0{mobile} {digits(rng, 7)}",
            f"0{mobile}-{digits(rng, 7)}",
            f"0{mobile}/{digits(rng, 7)}",
            f"+49 {mobile} {digits(rng, 7)}",
            f"+49 (0){mobile} {digits(rng, 7)}",
        ]
    )


def _fr(rng: random.Random) -> str:
    pairs = [digits(rng, 2) for _ in range(4)]
    pairs[0] = f"{rng.randint(1, 9)}{pairs[0][1]}"
    first = rng.choice("123456")
    return rng.choice(
        [
            f"+33 {first} {' '.join(pairs)}",
            f"0{first} {' '.join(pairs)}",
            f"0{first}.{'.'.join(pairs)}",
            f"+33 (0){first} {' '.join(pairs)}",
            f"0{first}-{'-'.join(pairs)}",
        ]
    )


def _es(rng: random.Random) -> str:
    mobile = f"6{digits(rng, 2)}"
    return rng.choice(
        [
            f"+34 {mobile} {digits(rng, 2)} {digits(rng, 2)} {digits(rng, 2)}",
            f"{mobile} {digits(rng, 2)} {digits(rng, 2)} {digits(rng, 2)}",
            f"91{digits(rng, 1)} {_subscriber(rng, 3)} {digits(rng, 3)}",
            f"+34 91 {_subscriber(rng, 3)} {digits(rng, 2)} {digits(rng, 2)}",
            f"+34 {mobile} {digits(rng, 3)} {digits(rng, 3)}",
        ]
    )


def _it_nl(rng: random.Random) -> str:
    return rng.choice(
        [
            f"+39 06 {digits(rng, 4)} {digits(rng, 4)}",
            f"06-{rng.choice('1234')}{digits(rng, 7)}",
            f"+31 6 {rng.choice('1234')}{digits(rng, 7)}",
            f"020-{_subscriber(rng, 7)}",
            f"020 {_subscriber(rng, 3)} {digits(rng, 4)}",
            f"+31 (0)20 {_subscriber(rng, 3)} {digits(rng, 4)}",
            f"010-{_subscriber(rng, 7)}",
        ]
    )


def _in(rng: random.Random) -> str:
    mobile = f"{rng.choice('6789')}{digits(rng, 4)}"
    return rng.choice(
        [
            f"+91 {mobile} {digits(rng, 5)}",
            f"+91-{mobile}{digits(rng, 5)}",
            f"0{mobile} {digits(rng, 5)}",
            f"{mobile} {digits(rng, 5)}",
            f"022 {rng.choice('2456')}{digits(rng, 3)} {digits(rng, 4)}",
            f"+91 22 {rng.choice('2456')}{digits(rng, 3)} {digits(rng, 4)}",
        ]
    )


def _br(rng: random.Random) -> str:
    area = rng.choice(["11", "21", "31", "41", "51", "61", "71", "81", "85", "19"])
    mobile, landline = f"9{digits(rng, 4)}-{digits(rng, 4)}", f"3{digits(rng, 3)}-{digits(rng, 4)}"
    return rng.choice(
        [
            f"({area}) {mobile}",
            f"+55 {area} {mobile}",
            f"({area}) {landline}",
            f"{area} {mobile}",
            f"+55 ({area}) {landline}",
        ]
    )


def _au(rng: random.Random) -> str:
    sydney = f"{rng.choice('89')}{digits(rng, 3)} {digits(rng, 4)}"
    mobile = f"4{rng.choice(['00', '12', '23', '38', '55'])} {digits(rng, 3)} {digits(rng, 3)}"
    return rng.choice(
        [
            f"(02) {sydney}",
            f"02 {sydney}",
            f"0{mobile}",
            f"+61 {mobile}",
            f"+61 2 {sydney}",
            f"0{mobile.replace(' ', '-')}",
        ]
    )


_PHONE_FORMATS: tuple[Callable[[random.Random], str], ...] = (
    _us,
    _us,
    _gb,
    _de,
    _de,
    _fr,
    _es,
    _it_nl,
    _in,
    _br,
    _au,
)
