"""Where an attack hit when the parser hangs the place where the attack frames do not look: a repeated
preposition of a list, weapons that came down somewhere, a place on a conjoined verb.

Each text here is our own, written to pin one rule; none is copied from a real article.
"""

from __future__ import annotations

import pytest
from reading import extract_text

from kg.models import Extraction

pytestmark = pytest.mark.model


def _names(ex: Extraction) -> dict[str, str]:
    return {e.key: e.name for e in ex.entities}


def _targets_of(ex: Extraction, rtype: str) -> set[str]:
    names = _names(ex)
    return {names[r.target] for r in ex.relations if r.type == rtype}


def _containers(ex: Extraction, place: str) -> set[str]:
    names = _names(ex)
    return {names[r.target] for r in ex.relations if r.type == "LOCATED_IN" and names[r.source] == place}


def test_a_repeated_preposition_of_a_list_names_more_places_hit(nlp):
    ex = extract_text(
        nlp,
        "Rebels attacked army posts at Kibirizi, south of Rwindi, and at Nyanzale and Kikuku, "
        "in the Rutshuru territory.",
    )
    assert {"Kibirizi", "Nyanzale", "Kikuku"} <= _targets_of(ex, "LOCATION")


def test_the_region_after_a_list_of_prepositions_places_every_name_of_it(nlp):
    ex = extract_text(
        nlp,
        "Rebels attacked army posts at Kibirizi, south of Rwindi, and at Nyanzale and Kikuku, "
        "in the Rutshuru territory.",
    )
    assert _containers(ex, "Kibirizi") == {"Rutshuru"}


def test_a_second_on_left_outside_the_coordination_still_names_a_place_hit(nlp):
    ex = extract_text(
        nlp,
        "The shelling carried out by Russian artillery on Sunday on the city of Kherson and on a market "
        "in the Bilozerka district of Kherson oblast killed two people.",
    )
    assert {"Kherson", "Bilozerka"} <= _targets_of(ex, "LOCATION")


def test_a_district_beside_a_city_elsewhere_stays_a_place_hit(nlp):
    ex = extract_text(
        nlp,
        "Russian aircraft bombed the city of Kherson and a market in the Bilozerka district of Kherson "
        "oblast on Sunday.",
    )
    assert "Bilozerka" in _targets_of(ex, "LOCATION")


def test_where_most_of_the_rockets_came_down_is_where_the_attack_hit(nlp):
    ex = extract_text(
        nlp,
        "Hezbollah fired rockets at northern Israel on Sunday. An official said most of the rockets came "
        "down in Metula, a town near the border.",
    )
    assert "Metula" in _targets_of(ex, "LOCATION")
    assert len([e for e in ex.entities if e.label == "Attack"]) == 1


def test_several_of_the_missiles_fell_on_a_town_joins_the_attack(nlp):
    ex = extract_text(
        nlp, "Russian forces struck Kharkiv overnight. Several of the missiles fell on the town of Chuhuiv."
    )
    assert {"Kharkiv", "Chuhuiv"} <= _targets_of(ex, "LOCATION")
    assert len([e for e in ex.entities if e.label == "Attack"]) == 1


def test_a_plane_that_landed_somewhere_is_no_attack(nlp):
    ex = extract_text(
        nlp, "Russian forces struck Kharkiv overnight. Later the delegation landed in the city of Lviv."
    )
    assert "Lviv" not in _targets_of(ex, "LOCATION")


def test_the_place_of_a_conjoined_hostile_verb_is_where_the_shooting_happened(nlp):
    ex = extract_text(
        nlp,
        "A farmer was shot dead and another was abducted by Russian troops on Monday near the village "
        "of Krynky.",
    )
    assert "Krynky" in _targets_of(ex, "LOCATION")


@pytest.mark.parametrize(
    ("text", "hit", "landmark"),
    [
        ("Artillery hit the village of Tegh, five miles east of Goris, the ministry said.", "Tegh", "Goris"),
        (
            "Rebels attacked army positions at Kanyabayonga, roughly ten km south of Lubero, on Sunday.",
            "Kanyabayonga",
            "Lubero",
        ),
        (
            "Iranian missiles targeted Al Udeid Air Base southwest of Doha on Monday.",
            "Al Udeid Air Base",
            "Doha",
        ),
    ],
)
def test_a_landmark_a_direction_measures_from_is_no_place_of_the_attack(nlp, text, hit, landmark):
    ex = extract_text(nlp, text)
    places = _targets_of(ex, "LOCATION")
    assert hit in places and landmark not in places


def test_a_part_of_a_place_named_with_the_direction_is_in_that_place(nlp):
    ex = extract_text(nlp, "Drones struck the north of Kharkiv overnight, the governor said.")
    assert _targets_of(ex, "LOCATION") == {"Kharkiv"}
