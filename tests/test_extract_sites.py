"""Sites named by a proper name before a site noun ('Goma airport', 'the Ain al-Asad air base', 'the
Fordow nuclear facility'), whatever the model typed the name. Short texts of our own."""

from __future__ import annotations

import pytest
from reading import extract_text

pytestmark = pytest.mark.model


def _sites(nlp, text: str) -> dict[str, str | None]:
    return {e.name: e.kind for e in extract_text(nlp, text).entities if e.label == "Site"}


@pytest.mark.parametrize(
    ("text", "site", "kind"),
    [
        ("M23 rebels seized Goma airport on Monday.", "Goma airport", "airport"),
        ("Drones hit the Ain al-Asad air base in western Iraq.", "Ain al-Asad air base", "military base"),
        ("US bombers struck the Fordow nuclear facility overnight.", "Fordow nuclear facility", "facility"),
        ("Israeli jets struck the Russian Hmeimim air base.", "Hmeimim air base", "military base"),
    ],
)
def test_a_name_before_a_site_noun_is_a_site(nlp, text, site, kind):
    assert _sites(nlp, text).get(site) == kind


def test_a_states_word_before_a_site_noun_names_no_site(nlp):
    assert not _sites(nlp, "Iranian nuclear facilities and Israeli air bases were struck overnight.")


def test_a_site_struck_with_a_town_stays_where_the_attack_hit(nlp):
    ex = extract_text(nlp, "US bombers struck the Fordow nuclear facility and Natanz, Iran said.")
    names = {e.key: e.name for e in ex.entities}
    places = {names[r.target] for r in ex.relations if r.type == "LOCATION"}
    assert {"Fordow nuclear facility", "Natanz"} <= places


def test_a_site_named_for_a_town_is_not_placed_in_the_town(nlp):
    ex = extract_text(nlp, "Rebels shelled Goma airport, the army of DR Congo said.")
    names = {e.key: e.name for e in ex.entities}
    located = {(names[r.source], names[r.target]) for r in ex.relations if r.type == "LOCATED_IN"}
    assert not any(source == "Goma airport" for source, _target in located)


@pytest.mark.parametrize(
    ("text", "site"),
    [
        ("Iranian missiles struck the Al Udeid Air Base on Monday night.", "Al Udeid Air Base"),
        ("Shelling cut power to the Zaporizhzhia Nuclear Power Plant.", "Zaporizhzhia Nuclear Power Plant"),
        ("Militants stormed the Kismayo Forward Operating Base at dawn.", "Kismayo Forward Operating Base"),
    ],
)
def test_a_capitalised_site_noun_ending_a_name_is_a_site(nlp, text, site):
    assert site in _sites(nlp, text)


def test_a_city_named_with_a_site_word_is_no_site(nlp):
    assert "Port Sudan" not in _sites(nlp, "Drones struck Port Sudan on Sunday, the army said.")


def _located(nlp, text: str) -> set[tuple[str, str]]:
    ex = extract_text(nlp, text)
    names = {e.key: e.name for e in ex.entities}
    return {(names[r.source], names[r.target]) for r in ex.relations if r.type == "LOCATED_IN"}


@pytest.mark.parametrize(
    ("text", "site", "place"),
    [
        ("Drones struck the Kavumu airport in South Kivu on Friday.", "Kavumu airport", "South Kivu"),
        ("Missiles hit the Nevatim air base in southern Israel overnight.", "Nevatim air base", "Israel"),
        ("Rockets landed near the Ain al-Asad air base, Iraq, on Tuesday.", "Ain al-Asad air base", "Iraq"),
    ],
)
def test_a_site_lies_in_the_place_named_right_after_it(nlp, text, site, place):
    assert (site, place) in _located(nlp, text)


def test_a_site_is_not_placed_in_a_phrase_after_in(nlp):
    located = _located(nlp, "Rebels shelled Goma airport in response to the strikes, the army said.")
    assert not any(source == "Goma airport" for source, _target in located)


def test_a_sites_acronym_names_the_site_and_not_an_organisation(nlp):
    ex = extract_text(
        nlp,
        "Insurgents attacked the Kismayo Forward Operating Base (FOB) in Lower Juba on Tuesday. "
        "Troops defending the FOB repelled them, the army said.",
    )
    site = next(e for e in ex.entities if e.name == "Kismayo Forward Operating Base")
    assert "FOB" in site.aliases
    assert not any(e.name == "FOB" for e in ex.entities if e.label == "Organization")
    names = {e.key: e.name for e in ex.entities}
    located = {(names[r.source], names[r.target]) for r in ex.relations if r.type == "LOCATED_IN"}
    assert ("Kismayo Forward Operating Base", "Lower Juba") in located


def test_a_sites_proper_name_alone_names_it_unless_a_town_has_that_name(nlp):
    ex = extract_text(nlp, "Missiles hit the Nevatim air base overnight. Rebels shelled Goma airport.")
    aliases = {e.name: e.aliases for e in ex.entities if e.label == "Site"}
    assert "Nevatim" in aliases["Nevatim air base"]
    assert "Goma" not in aliases["Goma airport"]


def test_a_sites_name_said_again_alone_is_the_site_and_not_a_new_town(nlp):
    ex = extract_text(
        nlp,
        "Missiles targeted the Al Udeid Air Base on Monday. The Guards said they fired missiles at "
        "Al Udeid, which hosts US forces.",
    )
    assert not any(e.name == "Al Udeid" for e in ex.entities if e.label == "Settlement")
    site = next(e for e in ex.entities if e.label == "Site")
    targets = {r.target for r in ex.relations if r.type == "TARGET"}
    assert "Al Udeid" in site.aliases
    assert targets & {"state:us", "armedforce:us"}


def test_the_side_defending_an_attacked_site_is_the_attacks_target(nlp):
    ex = extract_text(
        nlp,
        "Kenyan soldiers guarding the Manda Bay Airfield repelled the militants. Al-Shabaab fighters "
        "attacked the Manda Bay Airfield at dawn on Sunday.",
    )
    assert any(r.type == "TARGET" and r.target == "armedforce:ke" for r in ex.relations)


def test_an_acronym_after_a_site_noun_names_the_one_site_of_that_kind(nlp):
    ex = extract_text(
        nlp,
        "Militants stormed the Kismayo Forward Operating Base on Friday. The mission praised the troops "
        "who defended the AU Forward Operating Base (FOB) for hours.",
    )
    assert not any(e.name == "FOB" for e in ex.entities if e.label == "Organization")
    site = next(e for e in ex.entities if e.label == "Site")
    assert "FOB" in site.aliases
