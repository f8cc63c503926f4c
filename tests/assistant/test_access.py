from __future__ import annotations

import pytest

from assistant.access import Audience, VisibilityError, parse_visibility, stricter, visibility_flags


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, "public"),
        ("Public", "public"),
        ("internal", "internal"),
        ("team:Tier2, billing", "team:billing,tier2"),
    ],
)
def test_visibility_values_are_normalised(raw: object, expected: str) -> None:
    assert parse_visibility(raw) == expected


@pytest.mark.parametrize("raw", ["secret", "team:", "team:bad team", 3])
def test_bad_visibility_is_rejected_with_a_reason(raw: object) -> None:
    with pytest.raises(VisibilityError):
        parse_visibility(raw)


def test_agents_see_public_and_internal_but_only_their_teams() -> None:
    tier1 = Audience.agent("tier1")
    tier2 = Audience.agent("tier2")
    restricted = visibility_flags("team:tier2")
    assert tier1.can_see(visibility_flags("public"))
    assert tier1.can_see(visibility_flags("internal"))
    assert not tier1.can_see(restricted)
    assert tier2.can_see(restricted)


def test_customer_facing_audience_sees_public_only() -> None:
    customer = Audience.customer()
    assert customer.can_see(visibility_flags("public"))
    assert not customer.can_see(visibility_flags("internal"))
    assert customer.chroma_where() == {"vis_public": True}


def test_chroma_where_lists_every_team_of_the_caller() -> None:
    where = Audience.agent("tier2", "billing").chroma_where()
    assert where == {
        "$or": [{"vis_internal": True}, {"vis_team_billing": True}, {"vis_team_tier2": True}]
    }


def test_internal_notes_are_never_less_restricted_than_internal() -> None:
    assert stricter("public", "internal") == "internal"
    assert stricter("team:security", "internal") == "team:security"
