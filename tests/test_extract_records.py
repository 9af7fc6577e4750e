"""Coded event notes: header lines of '|'-separated fields (record id, date, event type, 'Region /
District / Town', 'Fatalities: N') before each event's account. The codes are not prose, the header
dates the account, each record is its own event, and the location field says where each place lies.
Sample notes of our own."""

from __future__ import annotations

import pytest
from reading import extract_text

pytestmark = pytest.mark.model

NOTES = """Central Mali: event notes, 3-9 March 2024

MLI-MOP-11 | 3 March 2024 | Battles: armed clash | Mopti / Djenne / Kouakourou | Fatalities: 4
JNIM militants clashed with the Malian army near Kouakourou. Fatalities: 4.

MLI-MOP-12 | around 6 March 2024 | Strategic development: non-violent transfer of territory
JNIM militants took control of Sofara without fighting after soldiers left the camp.

MLI-MOP-13 | 9 March 2024 | Battles: armed clash | Mopti / Bandiagara / Ningari | Fatalities: 0
JNIM militants clashed with the Malian army near Ningari.
"""


@pytest.fixture(scope="module")
def notes(nlp):
    return extract_text(nlp, NOTES, published="2024-03-10")


def test_record_ids_and_event_types_are_codes_not_entities(notes):
    names = {e.name for e in notes.entities}
    assert not {"MLI-MOP-11", "MLI-MOP-12", "Battles", "Fatalities"} & names


def test_each_record_is_its_own_event_dated_by_its_header(notes):
    clashes = sorted((e.start, e.end) for e in notes.entities if e.label == "Clash")
    assert clashes == [("2024-03-03", "2024-03-03"), ("2024-03-09", "2024-03-09")]


def test_the_location_field_says_where_each_place_lies(notes):
    names = {e.key: e.name for e in notes.entities}
    located = {(names[r.source], names[r.target]) for r in notes.relations if r.type == "LOCATED_IN"}
    assert {("Kouakourou", "Djenne"), ("Djenne", "Mopti"), ("Ningari", "Bandiagara")} <= located
    labels = {e.name: e.label for e in notes.entities}
    assert labels["Kouakourou"] == "Settlement" and labels["Bandiagara"] == "Region"


def test_a_town_taken_without_fighting_gives_no_clash(nlp):
    ex = extract_text(nlp, "The rebels took control of the town of Sofara without fighting on Monday.")
    assert not [e for e in ex.entities if e.label == "Clash"]
