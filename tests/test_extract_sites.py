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
