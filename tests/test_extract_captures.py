"""Captures: who took which place, when the parser lost the captor to a clause-opening preposition, and
which places a capture does not take (the landmarks its object is placed beside). Short texts of our own."""

from __future__ import annotations

import pytest
from reading import extract_text

pytestmark = pytest.mark.model


def _captures(nlp, text: str) -> set[tuple[str, str]]:
    ex = extract_text(nlp, text)
    names = {e.key: e.name for e in ex.entities}
    return {(names[r.source], names[r.target]) for r in ex.relations if r.type == "CAPTURED"}


@pytest.mark.parametrize(
    ("text", "captor", "place"),
    [
        ("Civilians fled after M23, which Kigali denies backing, captured Bunagana.", "M23", "Bunagana"),
        (
            "Residents left the area after the Houthis, a Zaydi movement from the north, seized Sanaa.",
            "Houthis",
            "Sanaa",
        ),
    ],
)
def test_a_captor_the_parser_hung_on_after_is_the_subject_of_the_capture(nlp, text, captor, place):
    assert (captor, place) in _captures(nlp, text)


def test_a_clause_preposition_with_its_own_object_gives_no_captor(nlp):
    captures = _captures(
        nlp, "After the talks, which ended without a deal, Russian forces captured Avdiivka."
    )
    assert not any(captor == "talks" for captor, _place in captures)


@pytest.mark.parametrize(
    ("text", "landmark"),
    [
        ("Al-Shabaab fighters overran an army base near Baidoa before dawn.", "Baidoa"),
        ("Russian troops captured positions on the outskirts of Bakhmut, the ministry said.", "Bakhmut"),
        ("M23 rebels seized a checkpoint outside Goma on Friday.", "Goma"),
        ("Russian forces captured the east of Bakhmut after weeks of fighting.", "Bakhmut"),
    ],
)
def test_a_place_beside_what_was_taken_is_not_taken(nlp, text, landmark):
    assert not any(place == landmark for _captor, place in _captures(nlp, text))


@pytest.mark.parametrize(
    ("text", "places"),
    [
        (
            "Azerbaijani forces liberated the villages of Talish and Seysulan in Tartar district.",
            {"Talish", "Seysulan"},
        ),
        ("M23 rebels seized Kavumu airport and the town of Katana.", {"Kavumu airport", "Katana"}),
    ],
)
def test_places_named_at_the_head_of_the_object_are_taken(nlp, text, places):
    assert places <= {place for _captor, place in _captures(nlp, text)}


def test_the_centre_of_a_city_taken_is_the_city_taken(nlp):
    assert ("M23", "Goma") in _captures(nlp, "On Monday M23 rebels took control of the centre of Goma.")


def test_both_settlements_are_the_two_named_with_that_kind_word_not_a_city_named_after(nlp):
    captures = _captures(
        nlp,
        "The enemy has been driven out of the Kadirli and Sugovushan settlements of the Tartar district, "
        "from which it had threatened the city of Naftalan; both settlements have been liberated, the "
        "ministry of defence of Azerbaijan said.",
    )
    places = {place for _captor, place in captures}
    assert {"Kadirli", "Sugovushan"} <= places
    assert "Naftalan" not in places


def test_a_captor_the_parser_set_beside_the_opening_date_is_the_subject(nlp):
    captures = _captures(
        nlp,
        "On 14 February 2025, M23, supported by Rwandan troops, seized Goma airport and the town of Sake, "
        "meeting little resistance.",
    )
    assert ("M23", "Goma airport") in captures
