"""Entity rules that generalise over conflict reporting: each test feeds a short text of its own
through the pipeline and checks labels, keys and containers a user of the graph would notice."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.model


def _entities(nlp: Any, text: str) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    doc = nlp(text)
    return doc._.kg_entities, doc._.kg_relations


def _by_name(entities: dict[str, dict[str, Any]], name: str) -> list[tuple[str, dict[str, Any]]]:
    return [(k, e) for k, e in entities.items() if e["name"] == name]


def _located(relations: list[dict[str, Any]], key: str) -> set[str]:
    return {r["target"] for r in relations if r["type"] == "LOCATED_IN" and r["source"] == key}


def test_given_name_and_surname_split_by_the_model_are_one_person_linked_by_surname_later(nlp: Any) -> None:
    entities, _ = _entities(
        nlp,
        "Shelling killed three people overnight, regional governor Oleksandr Prokudin said on Monday. "
        "Prokudin wrote on Telegram that two houses burned.",
    )
    people = [e for e in entities.values() if e["label"] == "Person"]
    assert [p["name"] for p in people] == ["Oleksandr Prokudin"]


def test_capital_as_subject_of_a_denial_or_agent_of_brokering_is_its_state(nlp: Any) -> None:
    entities, _ = _entities(
        nlp,
        "Yerevan denied the report. The truce was brokered by Moscow. Officials met in Baku on Friday.",
    )
    assert "settlement:yerevan@state:am" not in entities
    assert "settlement:moscow@state:ru" not in entities
    assert entities["state:am"]["label"] == "State"
    assert entities["state:ru"]["label"] == "State"
    assert entities["settlement:baku@state:az"]["label"] == "Settlement"


def test_same_named_bodies_of_two_states_stay_apart_by_the_state_named_with_them(nlp: Any) -> None:
    entities, relations = _entities(
        nlp,
        "Uzbekistan's State Committee for Border Security said the Kazakh State Committee for Border "
        "Security had been informed. Two guards were wounded on Monday, the Border Service of "
        "Kazakhstan said.",
    )
    bodies = {k: e for k, e in entities.items() if e["label"] == "Ministry"}
    assert len(bodies) == 3
    owners = {r["source"]: r["target"] for r in relations if r["type"] == "MINISTRY_OF"}
    assert sorted(owners[k] for k in bodies) == ["state:kz", "state:kz", "state:uz"]
    assert "Border Service of Kazakhstan" in {e["name"] for e in bodies.values()}


def test_towns_of_a_list_after_adjectives_and_a_demonym_are_settlements_of_that_state(nlp: Any) -> None:
    entities, relations = _entities(
        nlp, "Drones were launched towards the southern Israeli towns of Sderot and Netivot on Friday."
    )
    for name in ("Sderot", "Netivot"):
        [(key, entity)] = _by_name(entities, name)
        assert entity["label"] == "Settlement"
        assert _located(relations, key) == {"state:il"}


def test_disputed_region_is_a_territory(nlp: Any) -> None:
    entities, _ = _entities(nlp, "The line runs through the disputed Kashmir region, officials said.")
    assert entities["territory:kashmir"]["label"] == "Territory"
    assert not any(e["label"] == "Region" and e["name"] == "Kashmir" for e in entities.values())


def test_villages_in_a_sector_of_a_district_are_inside_the_sector_inside_the_district(nlp: Any) -> None:
    entities, relations = _entities(
        nlp,
        "Shells fell in the Leepa sector. Troops hit the villages of Dharian and Kanthi in Leepa sector "
        "of Kotli district on Monday.",
    )
    [(sector, _)] = _by_name(entities, "Leepa")
    assert _located(relations, sector) == {"region:kotli@state:pk"}
    for name in ("Dharian", "Kanthi"):
        [(key, _)] = _by_name(entities, name)
        assert _located(relations, key) == {sector}


def test_villages_after_a_fronted_phrase_naming_a_region_are_located_in_it(nlp: Any) -> None:
    entities, relations = _entities(
        nlp,
        "In the neighbouring Sumy region, officials said a drone hit a school in the village of Vorozhba.",
    )
    [(key, _)] = _by_name(entities, "Vorozhba")
    assert _located(relations, key) == {"region:sumy@state:ua"}


def test_villages_in_the_sentence_after_the_only_region_named_are_located_in_it(nlp: Any) -> None:
    entities, relations = _entities(
        nlp,
        "The Kharkiv region was shelled 20 times overnight. The village of Kupiansk-Vuzlovyi was hit by "
        "drones, and a man was wounded in the town of Balakliia.",
    )
    for name in ("Kupiansk-Vuzlovyi", "Balakliia"):
        [(key, _)] = _by_name(entities, name)
        assert _located(relations, key) == {"region:kharkiv@state:ua"}


def test_villages_in_a_sentence_that_names_its_own_state_are_not_put_in_the_previous_region(
    nlp: Any,
) -> None:
    entities, relations = _entities(
        nlp,
        "The Kharkiv region was shelled overnight. Russia said the village of Tetkino was hit by drones.",
    )
    [(key, _)] = _by_name(entities, "Tetkino")
    assert _located(relations, key) == set()


def test_region_named_before_village_is_not_a_phantom_city_of_the_same_name(nlp: Any) -> None:
    entities, _ = _entities(nlp, "Moscow claims capture of Donetsk village")
    assert "settlement:donetsk@region:donetsk@state:ua" not in entities
    assert "region:donetsk@state:ua" in entities


def test_azerbaijani_name_of_an_armenian_district_is_known(nlp: Any) -> None:
    entities, relations = _entities(nlp, "Fire came from the Shurnukh village of the Gorus region.")
    [(key, _)] = _by_name(entities, "Shurnukh")
    assert _located(relations, key) == {"region:goris@state:am"}


def test_region_the_gazetteer_knows_as_a_territory_stays_a_territory(nlp: Any) -> None:
    entities, _ = _entities(nlp, "Talks on the Karabakh region resumed in Geneva, diplomats said.")
    assert entities["territory:karabakh"]["label"] == "Territory"
    assert not any(k.startswith("region:karabakh") for k in entities)


def test_body_with_no_state_named_stays_an_organization(nlp: Any) -> None:
    entities, _ = _entities(nlp, "The International Committee of the Red Cross said aid was blocked.")
    assert not any(e["label"] == "Ministry" for e in entities.values())


def test_the_service_points_back_to_the_state_service_last_named(nlp: Any) -> None:
    doc = nlp(
        "Two guards were wounded on Monday, the Border Service of Kazakhstan said. According to the "
        "service, the shooting lasted an hour. The ministry gave no details."
    )
    service = [m for m in doc._.kg_mentions if doc[m["start"] : m["end"]].text == "service"]
    assert [m["key"] for m in service] == ["ministry:border-service:kz"]


def test_flag_state_demonyms_in_hyphenated_adjectives_name_their_states(nlp: Any) -> None:
    entities, _ = _entities(nlp, "The missile hit a Panama-flagged, Liberian-owned tanker in the Red Sea.")
    assert {"state:pa", "state:lr"} <= set(entities)
