"""Territory status, mediation and accusations in the wording reports use for them beyond the plain
verb: occupation named on the place ('the Russian-occupied city', 'the occupied district'), past truces
with their mediators and dates, and wrongs named as nouns in statements. Each test reads a short text
of its own and checks what a user of the graph would see."""

from __future__ import annotations

from typing import Any

import pytest
from reading import extract_text

pytestmark = pytest.mark.model


def _facts(nlp: Any, text: str, rtype: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(source name, target name, the relation's properties) of one type."""
    extraction = extract_text(nlp, text, published="2024-05-10")
    names = {e.key: e.name for e in extraction.entities}
    return [
        (names.get(r.source, r.source), names.get(r.target, r.target), r.model_dump())
        for r in extraction.relations
        if r.type == rtype
    ]


def _pairs(nlp: Any, text: str, rtype: str) -> set[tuple[str, str]]:
    return {(s, t) for s, t, _ in _facts(nlp, text, rtype)}


# --- occupation named on the place -------------------------------------------------------------------


def test_side_before_the_hyphen_of_occupied_is_the_occupier(nlp: Any) -> None:
    text = "A drone struck a fuel depot in the Russian-occupied city of Melitopol overnight."
    assert ("Russia", "Melitopol") in _pairs(nlp, text, "OCCUPIED")


def test_held_and_controlled_with_a_hyphenated_side_are_occupations(nlp: Any) -> None:
    assert ("Houthis", "Hudaydah") in _pairs(
        nlp, "Jets struck the Houthi-controlled port of Hudaydah.", "OCCUPIED"
    )
    assert ("M23", "Bunagana") in _pairs(nlp, "Traders fled the M23-held town of Bunagana.", "OCCUPIED")


def test_rebel_held_names_no_occupier(nlp: Any) -> None:
    text = "M23 fighters were seen on the hills. Shells fell on the rebel-held town of Bunagana."
    assert _pairs(nlp, text, "OCCUPIED") == set()


def test_occupied_place_is_held_by_the_occupier_the_report_names(nlp: Any) -> None:
    text = (
        "Georgia's foreign ministry said Russian occupation forces put up new fences. "
        "Farmers near the occupied Akhalgori district lost their fields."
    )
    assert _pairs(nlp, text, "OCCUPIED") == {("Russia", "Akhalgori")}


def test_occupied_place_without_a_named_occupier_gives_no_occupation(nlp: Any) -> None:
    text = "Shelling was reported overnight near the occupied city of Melitopol."
    assert _pairs(nlp, text, "OCCUPIED") == set()


def test_occupied_since_a_date_is_the_occupation_date_not_a_place(nlp: Any) -> None:
    text = (
        "Tbilisi says Russian occupation forces moved the boundary again. "
        "The Akhalgori district, occupied since August 2008, lies north of the capital."
    )
    facts = _facts(nlp, text, "OCCUPIED")
    assert [(s, t) for s, t, _ in facts] == [("Russia", "Akhalgori")]
    assert facts[0][2]["since"] == "2008-08"


def test_occupation_of_a_place_by_its_owner_or_by_phrase(nlp: Any) -> None:
    assert ("Russia", "Crimea") in _pairs(
        nlp, "Kyiv marked ten years of Russia's occupation of Crimea.", "OCCUPIED"
    )
    by = _pairs(nlp, "The occupation of the Kalbajar district by Armenian forces ended in 2020.", "OCCUPIED")
    assert {(s, t) for s, t in by} == {("Armed Forces of Armenia", "Kalbajar")}


def test_occupying_participle_takes_the_subject_of_the_clause_it_serves(nlp: Any) -> None:
    text = "Rwandan troops chose to act openly, crossing the border and occupying the town of Bunagana."
    assert {t for _, t in _pairs(nlp, text, "OCCUPIED")} == {"Bunagana"}


def test_under_control_since_a_date_keeps_the_date(nlp: Any) -> None:
    text = "The port of Hudaydah has been under the control of the Houthis since November 2014."
    facts = _facts(nlp, text, "OCCUPIED")
    assert [(s, t) for s, t, _ in facts] == [("Houthis", "Hudaydah")]
    assert facts[0][2]["since"] == "2014-11"


# --- mediators of truces and agreements ----------------------------------------------------------------


def test_hyphenated_broker_of_a_past_truce_with_its_month(nlp: Any) -> None:
    text = "The UN-brokered truce of April 2022 between the Saudi-led coalition and the Houthis expired."
    extraction = extract_text(nlp, text, published="2024-05-10")
    names = {e.key: e.name for e in extraction.entities}
    truce = next(e for e in extraction.entities if e.label == "Ceasefire")
    brokers = {
        names[r.target] for r in extraction.relations if r.type == "BROKERED_BY" and r.source == truce.key
    }
    assert brokers == {"United Nations"}
    assert truce.start == "2022-04"


def test_hyphenated_facilitator_of_an_agreement_mediates_it(nlp: Any) -> None:
    text = "In March 2019 the two sides concluded the EU-facilitated agreement on the border crossings."
    assert {t for _, t in _pairs(nlp, text, "MEDIATED_BY")} == {"European Union"}


def test_agreement_signed_under_a_side_s_mediation_is_mediated_by_it(nlp: Any) -> None:
    text = (
        "The war ended with an agreement signed in Pretoria by Ethiopia and the TPLF "
        "under African Union mediation."
    )
    assert {t for _, t in _pairs(nlp, text, "MEDIATED_BY")} == {"African Union"}


def test_truce_agreed_with_the_mediation_of_a_state(nlp: Any) -> None:
    text = "Kyrgyzstan and Tajikistan agreed to a ceasefire under the auspices of Russia on Friday."
    assert {t for _, t in _pairs(nlp, text, "MEDIATED_BY")} == {"Russia"}


def test_party_that_persuades_a_side_to_accept_a_truce_mediates_it(nlp: Any) -> None:
    text = "Egypt persuaded Hamas to accept the ceasefire with Israel late on Monday."
    assert ("Ceasefire", "Egypt") in {(s.split(":")[0], t) for s, t in _pairs(nlp, text, "MEDIATED_BY")}


# --- accusations in statement language -------------------------------------------------------------------


def _accusations(nlp: Any, text: str) -> list[tuple[str, str, str]]:
    return [(s, t, p["allegation"] or "") for s, t, p in _facts(nlp, text, "ACCUSES")]


def test_violations_by_a_side_are_an_accusation_of_it(nlp: Any) -> None:
    text = "Kabul condemned the repeated violations of Afghan airspace by Pakistani aircraft."
    found = _accusations(nlp, text)
    assert {(s, t) for s, t, _ in found} == {("Afghanistan", "Armed Forces of Pakistan")}
    assert "violations" in found[0][2]


def test_invasion_of_a_country_does_not_accuse_the_country_invaded(nlp: Any) -> None:
    text = "Poland's foreign ministry condemned the invasion of Ukraine."
    assert all(t != "Ukraine" for _, t, _ in _accusations(nlp, text))


def test_siege_imposed_by_a_side_accuses_it_in_the_speaker_s_voice(nlp: Any) -> None:
    text = "The Yemeni army spokesman said the strikes answered the siege imposed by Saudi Arabia on Yemen."
    found = _accusations(nlp, text)
    assert {t for _, t, _ in found} == {"Saudi Arabia"}
    assert "siege" in found[0][2]


def test_side_said_to_keep_practising_terrorism_is_accused(nlp: Any) -> None:
    text = (
        "According to the Saudi Defence Ministry, Iran continues to arm the militia "
        "and to practise terrorism."
    )
    found = _accusations(nlp, text)
    assert {t for _, t, _ in found} == {"Iran"}
    assert "terrorism" in found[0][2]


def test_sabotage_group_of_a_side_is_an_accusation_of_sabotage(nlp: Any) -> None:
    text = (
        "The Azerbaijani Defence Ministry said the mines were laid by a sabotage group "
        "of the Armenian armed forces."
    )
    found = _accusations(nlp, text)
    assert {t for _, t, _ in found} == {"Armed Forces of Armenia"}
    assert "sabotage" in found[0][2]


def test_accused_named_in_a_so_called_clause(nlp: Any) -> None:
    text = "The Saudi Defence Ministry accused what it called the Houthi militia of targeting oil facilities."
    found = _accusations(nlp, text)
    assert {t for _, t, _ in found} == {"Houthis"}
    assert "oil facilities" in found[0][2]


def test_side_reporting_the_other_side_s_attack_on_it_accuses_it(nlp: Any) -> None:
    text = "The Georgian government said South Ossetian forces had attacked Georgian villages on Thursday."
    found = _accusations(nlp, text)
    assert {(s, t) for s, t, _ in found} == {("Georgia", "Armed Forces of South Ossetia")}
    assert found[0][2] == "attacked Georgian villages"


def test_neutral_reporter_of_an_attack_accuses_nobody(nlp: Any) -> None:
    text = "The UN said Russian forces shelled the city of Kharkiv overnight."
    assert _accusations(nlp, text) == []


def test_side_reporting_its_own_fire_accuses_nobody(nlp: Any) -> None:
    text = "Ukraine's military said its forces shelled Russian positions near the city of Donetsk."
    assert _accusations(nlp, text) == []


def test_wrong_led_by_a_side_accuses_the_side_that_leads_it(nlp: Any) -> None:
    text = (
        "The Yemeni army spokesman said the strikes answered the siege imposed by the Saudi-led aggression."
    )
    assert {t for _, t, _ in _accusations(nlp, text)} == {"Saudi Arabia"}


def test_reported_attack_s_allegation_leaves_out_its_dates(nlp: Any) -> None:
    text = (
        "Statement of the Ministry of Defence of Azerbaijan. During the night of 1 to 2 April, units of "
        "the armed forces of Armenia subjected the positions of the Azerbaijani Army to intensive fire."
    )
    found = _accusations(nlp, text)
    assert [a for _, _, a in found] == ["subjected the positions of the Azerbaijani Army to intensive fire"]


# --- which place was taken -------------------------------------------------------------------------------


def test_places_apposed_to_a_taken_town_say_where_it_lies_and_are_not_taken(nlp: Any) -> None:
    text = "Fano fighters took control of Lalibela town, North Wollo zone, Amhara region, without fighting."
    assert {t for _, t in _pairs(nlp, text, "CAPTURED")} == {"Lalibela"}


# --- who took part in mediated talks and settlements ------------------------------------------------------


def _event_roles(nlp: Any, text: str, label: str) -> dict[str, set[str]]:
    extraction = extract_text(nlp, text, published="2024-05-10")
    names = {e.key: e.name for e in extraction.entities}
    events = {e.key for e in extraction.entities if e.label == label}
    roles: dict[str, set[str]] = {}
    for r in extraction.relations:
        if r.source in events:
            roles.setdefault(r.type, set()).add(names.get(r.target, r.target))
    return roles


def test_talks_hosted_by_a_state_between_two_sides(nlp: Any) -> None:
    roles = _event_roles(
        nlp, "Talks hosted by Oman between Iran and the United States ended in Muscat.", "Meeting"
    )
    assert roles["HOSTED_BY"] == {"Oman"}
    assert {"Iran", "United States"} <= roles["PARTICIPANT"]


def test_truce_brokered_by_a_state_between_two_sides(nlp: Any) -> None:
    roles = _event_roles(
        nlp, "The truce brokered by Egypt between Israel and Hamas held overnight.", "Ceasefire"
    )
    assert roles["BROKERED_BY"] == {"Egypt"}
    assert roles["PARTICIPANT"] == {"Israel", "Hamas"}


def test_agreement_signed_by_two_sides_names_them_as_parties(nlp: Any) -> None:
    text = "The accord signed by Armenia and Azerbaijan in Washington was hailed as historic."
    assert _event_roles(nlp, text, "Agreement")["PARTICIPANT"] == {"Armenia", "Azerbaijan"}


def test_attack_said_to_amount_to_a_war_crime_accuses_its_attacker(nlp: Any) -> None:
    text = (
        "Houthi drones struck the airport of Abha on Wednesday. The coalition spokesman Turki al-Maliki "
        "said the attack was an act that may amount to a war crime."
    )
    found = _accusations(nlp, text)
    assert ("Turki al-Maliki", "Houthis") in {(s, t) for s, t, _ in found}
    assert any("war crime" in a for _, _, a in found)


def test_occupation_by_someone_not_a_party_is_not_given_to_the_report_s_occupier(nlp: Any) -> None:
    text = (
        "Russia has occupied the Crimea region since 2014. "
        "Protesters occupied the town of Melitopol for a day."
    )
    assert ("Russia", "Melitopol") not in _pairs(nlp, text, "OCCUPIED")


def test_de_facto_state_listed_among_occupied_regions_is_occupied(nlp: Any) -> None:
    text = (
        "Since 1992 Russian troops have occupied two regions of Moldova, Transnistria and the Gagauz region."
    )
    assert ("Armed Forces of Russia", "Transnistria") in _pairs(nlp, text, "OCCUPIED")
    assert all(t != "Moldova" for _, t in _pairs(nlp, text, "OCCUPIED"))


def test_pronoun_subject_of_accuse_is_the_person_named_before(nlp: Any) -> None:
    text = (
        "The army spokesman, Colonel Nabil Abdallah, said the rebels had shelled the camp. "
        "He also accused the Rapid Support Forces of looting the central market."
    )
    found = _accusations(nlp, text)
    assert ("Nabil Abdallah", "Rapid Support Forces") in {(s, t) for s, t, _ in found}
    assert any("looting" in a for _, _, a in found)


def test_of_phrase_the_parser_hangs_on_the_accused_is_the_allegation(nlp: Any) -> None:
    found = _accusations(nlp, "Baku accused the Armenian forces of shelling Tartar.")
    assert any(t == "Armed Forces of Armenia" and "shelling Tartar" in a for _, t, a in found)


def test_act_apposed_in_a_clause_said_to_amount_to_a_war_crime_accuses_the_clause_subject(nlp: Any) -> None:
    text = (
        "Colonel Souleymane Dembele said the convoy was stopped. That claim, he said, showed that the "
        "Wagner Group had aimed at civilians protected under international law, an act that may amount "
        "to a war crime."
    )
    found = _accusations(nlp, text)
    assert {(s, t) for s, t, _ in found} == {("Souleymane Dembele", "Wagner Group")}
    assert "war crime" in found[0][2]


def test_a_wrong_done_with_a_third_sides_support_accuses_that_side(nlp):
    pairs = _pairs(
        nlp,
        "These crimes were committed with the full support of the United States, the Iranian foreign "
        "ministry said.",
        "ACCUSES",
    )
    assert any(target == "United States" for _source, target in pairs)


def test_an_attack_repelled_with_anothers_support_accuses_no_one(nlp):
    text = "The attack on the base was repelled with the support of US aircraft, the Iraqi army said."
    assert not _pairs(nlp, text, "ACCUSES")
