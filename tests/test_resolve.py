"""Keys and canonical names: the same real thing gets the same key in every document."""

from __future__ import annotations

from kg.resolve import (
    armed_force_key,
    armed_force_name,
    event_key,
    ministry_key,
    ministry_name,
    place_key,
    portfolio_of,
)


def test_defense_and_defence_are_one_portfolio() -> None:
    assert portfolio_of("Defense") == portfolio_of("defence") == "defence"
    assert portfolio_of("Foreign Affairs") == portfolio_of("foreign") == "foreign affairs"
    assert portfolio_of("Public Health") == "health"


def test_ministry_key_and_name_follow_the_ontology() -> None:
    assert ministry_key("defence", "state:az") == "ministry:defence:az"
    assert ministry_name("defence", "Azerbaijan") == "Ministry of Defence of Azerbaijan"
    assert ministry_name("foreign affairs", "Armenia") == "Ministry of Foreign Affairs of Armenia"


def test_armed_forces_are_keyed_by_their_state() -> None:
    assert armed_force_key("state:am") == "armedforce:am"
    assert armed_force_name("Armenia") == "Armed Forces of Armenia"


def test_same_village_in_two_regions_stays_two_keys() -> None:
    one = place_key("Settlement", "Tazakend", "region:dashkasan@state:az")
    two = place_key("Settlement", "Tazakend", "region:kalbajar@state:az")
    assert one != two
    assert place_key("Settlement", "Tázakend", "region:dashkasan@state:az") == one


def test_events_belong_to_their_document() -> None:
    assert event_key("Attack", "doc1", 1) != event_key("Attack", "doc2", 1)


def test_a_states_name_that_takes_the_article_keeps_it_in_its_bodies_names():
    from kg.resolve import armed_force_name, ministry_name

    assert armed_force_name("United States") == "Armed Forces of the United States"
    assert ministry_name("defence", "Philippines") == "Ministry of Defence of the Philippines"
    assert armed_force_name("Armenia") == "Armed Forces of Armenia"
