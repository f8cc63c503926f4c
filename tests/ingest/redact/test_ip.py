"""IP addresses, and the version numbers that look like them."""

from __future__ import annotations

import pytest

from ingest.redact import redact


def redacted(text: str, names: list[str] | None = None) -> str:
    return redact(text, names or []).text


# --- IP addresses -----------------------------------------------------------------------------


@pytest.mark.parametrize("address", ["192.168.1.20", "10.0.0.1", "255.255.255.255"])
def test_ipv4_is_replaced(address: str) -> None:
    assert redacted(f"Requests from {address}.") == "Requests from [IP]."


def test_ipv4_port_is_kept() -> None:
    assert redacted("Bound to 10.0.0.1:8080") == "Bound to [IP]:8080"


@pytest.mark.parametrize(
    "address",
    [
        "2001:0db8:85a3:0000:0000:8a2e:0370:7334",
        "2001:db8::8a2e:370:7334",
        "fe80::1",
        "::1",
        "::ffff:192.0.2.1",
    ],
)
def test_ipv6_is_replaced(address: str) -> None:
    assert redacted(f"Client {address} failed") == "Client [IP] failed"


@pytest.mark.parametrize(
    "text",
    [
        "Bad address 999.1.1.1",
        "Version 5.2.1",
        "Build 1.2.3.4.5",
        "Octet too large: 256.1.1.1",
        "At 10:30:00 the job ran",
        "MAC 00:1A:2B:3C:4D:5E",
    ],
)
def test_things_that_are_not_ip_addresses_are_kept(text: str) -> None:
    assert redacted(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "Updated to version 1.2.3.4 yesterday.",
        "It ran v10.0.0.1 before.",
        "Firmware 2.4.0.12, build: 1.2.3.4, release 10.0.0.1.",
    ],
)
def test_four_part_version_numbers_are_kept(text: str) -> None:
    assert redacted(text) == text


def test_address_next_to_a_version_is_replaced() -> None:
    assert redacted("From 1.2.3.4 on app version 5.2.1.4") == ("From [IP] on app version 5.2.1.4")
