"""Organisations, named formations, persons and ministries: short texts of our own (none copied from a
real article)."""

from __future__ import annotations

import pytest
from reading import extract_text

from kg.models import Extraction

pytestmark = pytest.mark.model


def _named(ex: Extraction, label: str) -> dict[str, list[str]]:
    return {e.name: e.aliases for e in ex.entities if e.label == label}


def test_ministry_of_a_state_named_by_its_official_name_is_that_states(nlp):
    ex = extract_text(
        nlp,
        "The Ministry of Foreign Affairs of the Islamic Republic of Iran rejected the claims on Sunday. "
        "Separately, the Ministry of National Defence of the Islamic Emirate of Afghanistan said two "
        "posts were hit.",
    )
    ministries = _named(ex, "Ministry")
    assert "Ministry of Foreign Affairs of Iran" in ministries
    assert "Ministry of Defence of Afghanistan" in ministries


def test_ministry_named_alone_by_its_proper_name_belongs_to_the_government_last_named(nlp):
    ex = extract_text(
        nlp,
        "The Ministry of Defence of Azerbaijan said the operation was over. A bus of the Ministry of "
        "Internal Affairs was later hit by a mine near the road.",
    )
    ministries = _named(ex, "Ministry")
    assert "Ministry of Interior of Azerbaijan" in ministries
    assert "Ministry of Internal Affairs" in ministries["Ministry of Interior of Azerbaijan"]


def test_a_lower_case_ministry_alone_names_no_new_ministry(nlp):
    ex = extract_text(
        nlp,
        "The Ministry of Defence of Armenia said the shelling went on. A health ministry official "
        "counted the wounded.",
    )
    assert set(_named(ex, "Ministry")) == {"Ministry of Defence of Armenia"}


def test_state_defence_forces_by_their_own_name_are_the_states_armed_forces(nlp):
    ex = extract_text(
        nlp,
        "The Rwanda Defence Force (RDF) said its air defence fired at a jet. In the north, the "
        "Ethiopian National Defence Force (ENDF) said it had cleared the road, while FARDC troops "
        "withdrew from the hills.",
    )
    forces = _named(ex, "ArmedForce")
    assert {"Armed Forces of Rwanda", "Armed Forces of Ethiopia", "Armed Forces of DR Congo"} <= set(forces)
    assert "RDF" in forces["Armed Forces of Rwanda"]


def test_military_forces_of_a_state_with_years_is_its_armed_forces(nlp):
    # Conflict databases name a state's forces with the years of its government.
    ex = extract_text(
        nlp,
        "Rebels clashed with Military Forces of Kenya (2013-) near the border town. Later, Military "
        "Forces of Rwanda (1994-1999) shelled a hill.",
    )
    forces = _named(ex, "ArmedForce")
    assert "Military Forces of Kenya (2013-)" in forces["Armed Forces of Kenya"]
    assert "Military Forces of Kenya" in forces["Armed Forces of Kenya"]
    assert "Military Forces of Rwanda (1994-1999)" in forces["Armed Forces of Rwanda"]


def test_a_named_special_forces_unit_is_its_own_state_formation(nlp):
    ex = extract_text(nlp, "Earlier on Friday, Danab commandos retook a small town from the militants.")
    assert "Danab" in _named(ex, "ArmedForce")


def test_a_name_given_an_age_is_a_persons(nlp):
    ex = extract_text(
        nlp,
        "The villager who died was named as Davit Korinteli, 61, a shepherd. Police said the other, "
        "Nodar Zhvania, 34, was taken away.",
    )
    persons = _named(ex, "Person")
    assert "Davit Korinteli" in persons
    assert "Nodar Zhvania" in persons
    assert "Davit Korinteli" not in _named(ex, "Settlement")


def test_a_name_in_apposition_to_an_office_is_a_persons(nlp):
    ex = extract_text(
        nlp,
        "The special envoy of the Chairperson-in-Office for the region, Viorel Moşanu, met both sides. "
        "The mission's representative, Ilona Dragomir, said the talks would go on.",
    )
    persons = _named(ex, "Person")
    assert "Viorel Moşanu" in persons
    assert "Ilona Dragomir" in persons


def test_a_persons_name_the_model_cuts_short_is_read_whole(nlp):
    ex = extract_text(nlp, "Provincial Chief Minister Mir Abdul Quddus Bizenjo condemned the shelling.")
    assert "Mir Abdul Quddus Bizenjo" in _named(ex, "Person")
    assert "Mir Abdul" not in _named(ex, "Person")


def test_another_name_of_a_place_is_no_person(nlp):
    ex = extract_text(
        nlp,
        "Gunmen attacked the army post in Qoryooley Dhexe (also spelt Korioli Dehe) on Friday. Troops "
        "advanced in the area of Mets Lich, also known as the Great Lake.",
    )
    persons = _named(ex, "Person")
    assert "Korioli Dehe" not in persons
    assert "Mets Lich" not in persons


def test_another_name_of_a_person_stays_a_persons(nlp):
    ex = extract_text(nlp, "The group's leader, Abu Yasin al-Homsi, also known as Karim Haddad, was killed.")
    assert "Karim Haddad" in _named(ex, "Person")


def test_an_emergency_service_the_model_calls_a_person_is_an_organisation(nlp):
    ex = extract_text(nlp, "Magen David Adom says three people in Ashdod were lightly hurt by glass.")
    assert "Magen David Adom" in _named(ex, "Organization")
    assert "Magen David Adom" not in _named(ex, "Person")


def test_a_militia_the_data_does_not_know_is_a_non_state_armed_group(nlp):
    ex = extract_text(
        nlp,
        "The Kodo militia captured the town of Marvelle on Sunday. Later, fighters of the Sabeki militias "
        "attacked an army post near the river.",
    )
    forces = {e.name: e for e in ex.entities if e.label == "ArmedForce"}
    assert forces["Kodo militia"].kind == "non-state"
    assert "Sabeki militia" in forces
    names = {e.key: e.name for e in ex.entities}
    captured = {(names[r.source], names[r.target]) for r in ex.relations if r.type == "CAPTURED"}
    assert ("Kodo militia", "Marvelle") in captured


def test_a_places_or_a_peoples_militia_is_no_named_group(nlp):
    ex = extract_text(
        nlp, "A Kabul militia commander and Russian militias were blamed for the raid on Monday."
    )
    assert not [e for e in ex.entities if e.name.endswith("militia")]


def test_a_named_brigade_is_an_armed_formation(nlp):
    ex = extract_text(nlp, "The Tiger Brigade said it had retaken the hill overlooking the road.")
    assert "Tiger Brigade" in _named(ex, "ArmedForce")


def test_the_federal_government_is_the_state_the_report_is_about(nlp):
    ex = extract_text(
        nlp,
        "Somali troops drove the militants out of two villages on Monday. The fighting ended with a deal "
        "signed by the federal government and the clan elders under IGAD mediation.",
    )
    names = {e.key: e.name for e in ex.entities}
    parties = {names[r.target] for r in ex.relations if r.type == "PARTICIPANT" and "agreement" in r.source}
    assert "Somalia" in parties


def test_the_federal_government_of_a_report_about_two_states_is_left_unread(nlp):
    ex = extract_text(
        nlp,
        "Indian and Pakistani troops exchanged fire on Monday, and Pakistan and India blamed each other. "
        "A deal was signed by the federal government and the tribal council.",
    )
    names = {e.key: e.name for e in ex.entities}
    read = [r for r in ex.relations if r.type == "PARTICIPANT" and r.rule != "document-parties"]
    parties = {names[r.target] for r in read if "agreement" in r.source}
    assert not parties & {"India", "Pakistan"}


@pytest.mark.parametrize(
    "text",
    [
        "Fighters of the Fano Militia ambushed a convoy near Gondar on Monday.",
        "The Houthi Movement said it fired drones at a tanker in the Red Sea.",
    ],
)
def test_a_known_groups_name_written_in_headline_case_is_that_group(nlp, text):
    ex = extract_text(nlp, text)
    keys = {e.key for e in ex.entities if e.label == "ArmedForce"}
    assert keys & {"org:fano", "org:houthis"}


def test_a_body_and_the_town_it_is_in_read_as_one_organisation_are_split(nlp):
    ex = extract_text(nlp, "The wounded were taken to Soroka Medical Center in Beersheba on Saturday.")
    assert "Soroka Medical Center" in _named(ex, "Organization")
    assert "Beersheba" in _named(ex, "Settlement")


def test_person_apposed_to_the_title_of_a_body_represents_the_body(nlp):
    ex = extract_text(
        nlp,
        "The governor informed the commander of the Multinational Joint Task Force, "
        "Major General Ibrahim Sallau Ali, that the town was attacked.",
    )
    names = {e.key: e.name for e in ex.entities}
    pairs = {(names[r.source], names[r.target]) for r in ex.relations if r.type == "REPRESENTS"}
    assert ("Ibrahim Sallau Ali", "Multinational Joint Task Force") in pairs
