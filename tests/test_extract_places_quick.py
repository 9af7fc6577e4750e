"""Places: quick rules pinned by short texts of our own (none copied from a real article)."""

from __future__ import annotations

import pytest
from reading import extract_text

from kg.models import Extraction

pytestmark = pytest.mark.model


def _located_in(ex: Extraction) -> set[tuple[str, str]]:
    names = {e.key: e.name for e in ex.entities}
    return {(names[r.source], names[r.target]) for r in ex.relations if r.type == "LOCATED_IN"}


def test_named_villages_take_region_of_previous_unnamed_villages(nlp):
    ex = extract_text(
        nlp,
        "Troops shelled several border villages in the Marden district on Monday. "
        "Officials said mortars hit the villages of Kelvor, Ostrana and Pimsk, damaging homes.",
    )
    edges = _located_in(ex)
    assert {("Kelvor", "Marden"), ("Ostrana", "Marden"), ("Pimsk", "Marden")} <= edges


def test_weapons_used_against_villages_hit_them(nlp):
    # The parser may read "grenade" as a verb conjoined to "used", with "against" under it.
    ex = extract_text(
        nlp,
        "Officials said Kyrgyz border guards used mortars and grenade launchers against the villages "
        "of Kelvor, Ostrana and Pimsk, damaging homes.",
    )
    names = {e.key: e.name for e in ex.entities}
    hit = {
        names[r.target] for r in ex.relations if r.type == "LOCATION" and r.source.startswith("event:attack")
    }
    assert {"Kelvor", "Ostrana", "Pimsk"} <= hit


def test_positions_that_came_under_fire_did_not_fire(nlp):
    ex = extract_text(
        nlp,
        "Armenian units opened fire on Azerbaijani positions near the Kelvor settlement. "
        "Azerbaijani positions near the Pimsk settlement also came under fire from the direction "
        "of the Ostrana settlement, the ministry said.",
    )
    names = {e.key: e.name for e in ex.entities}
    attackers = {names[r.target] for r in ex.relations if r.type == "ATTACKER"}
    origins = {names[r.target] for r in ex.relations if r.type == "ORIGIN"}
    assert "Azerbaijan" not in attackers
    assert "Ostrana" in origins


def test_places_listed_with_commas_that_the_model_joins_are_one_place_each(nlp):
    ex = extract_text(
        nlp, "US bombers struck the Iranian nuclear facilities at Fordow, Natanz and Isfahan at the weekend."
    )
    names = {e.key: e.name for e in ex.entities}
    places = {names[r.target] for r in ex.relations if r.type == "LOCATION"}
    assert {"Fordow", "Natanz", "Isfahan"} <= places
