"""Truces whose parties are named only generically ('both sides', 'the warring parties', 'the parties
to the conflict in X') are between the one pair of sides the document's fighting names; a third party
that proposed the truce mediates it. With no pair, or two competing pairs, nothing is added. Each test
reads a short text of its own and checks what a user of the graph would see."""

from __future__ import annotations

from typing import Any

import pytest
from reading import extract_text

pytestmark = pytest.mark.model


def _settlement(nlp: Any, text: str, rtype: str, kind: str = "Ceasefire") -> set[str]:
    """The names a relation of one type from the document's truce (or agreement) goes to."""
    extraction = extract_text(nlp, text, published="2024-05-10")
    names = {e.key: e.name for e in extraction.entities}
    events = {e.key for e in extraction.entities if e.label == kind}
    return {names[r.target] for r in extraction.relations if r.type == rtype and r.source in events}


def _rules(nlp: Any, text: str) -> set[str]:
    extraction = extract_text(nlp, text, published="2024-05-10")
    return {r.rule for r in extraction.relations}


# --- the one pair the fighting names ----------------------------------------------------------------


def test_both_sides_of_a_truce_are_the_two_forces_that_clashed(nlp: Any) -> None:
    text = (
        "Sudanese army forces and the Rapid Support Forces clashed in Omdurman on Monday. "
        "On Tuesday both sides agreed to a 72-hour ceasefire."
    )
    assert _settlement(nlp, text, "PARTICIPANT") == {"Armed Forces of Sudan", "Rapid Support Forces"}


def test_the_two_sides_are_an_attacks_attacker_and_target(nlp: Any) -> None:
    text = (
        "Azerbaijani troops shelled Armenian positions near Jermuk on Tuesday. "
        "Late on Wednesday the two sides agreed to a truce."
    )
    parties = _settlement(nlp, text, "PARTICIPANT")
    assert {"Armed Forces of Azerbaijan", "Armed Forces of Armenia"} <= parties


def test_the_belligerents_are_an_armed_group_and_the_state_whose_city_it_seized(nlp: Any) -> None:
    text = (
        "The Houthis seized Sanaa in September 2014. "
        "Officials said a truce between the warring parties would take effect on Saturday."
    )
    assert _settlement(nlp, text, "PARTICIPANT") == {"Houthis", "Yemen"}


def test_parties_to_the_conflict_in_the_country_of_the_fighting(nlp: Any) -> None:
    text = (
        "Ethiopian troops attacked TPLF positions in Tigray on Monday. "
        "On Friday the parties to the conflict in Ethiopia signed a truce."
    )
    parties = _settlement(nlp, text, "PARTICIPANT")
    assert "Tigray People's Liberation Front" in parties
    assert "Ethiopia" in parties or "Armed Forces of Ethiopia" in parties


def test_agreement_concluded_by_the_parties_is_between_the_pair(nlp: Any) -> None:
    text = (
        "Israeli aircraft struck Hamas positions in Rafah overnight. "
        "In the spring the warring parties signed an agreement on prisoner exchanges."
    )
    assert {"Israel", "Hamas"} <= _settlement(nlp, text, "PARTICIPANT", "Agreement")


# --- no pair, or more than one: nothing ------------------------------------------------------------


def test_both_sides_with_no_fighting_named_gives_no_party(nlp: Any) -> None:
    assert _settlement(nlp, "Both sides agreed to a ceasefire on Friday.", "PARTICIPANT") == set()


def test_two_competing_pairs_give_no_generic_party(nlp: Any) -> None:
    text = (
        "Israeli jets struck Hamas positions in Gaza. Hezbollah fired rockets at northern Israel. "
        "Both sides agreed to a truce on Friday."
    )
    parties = _settlement(nlp, text, "PARTICIPANT")
    assert not parties & {"Hamas", "Hezbollah"}
    assert "generic-parties" not in _rules(nlp, text)


def test_parties_to_a_war_elsewhere_are_not_the_pair_that_fought_here(nlp: Any) -> None:
    text = (
        "Azerbaijani troops shelled Armenian positions near Jermuk. "
        "Separately, the parties to the conflict in Sudan agreed to a truce."
    )
    assert "generic-parties" not in _rules(nlp, text)


def test_a_named_side_is_not_a_generic_party(nlp: Any) -> None:
    text = (
        "Sudanese army forces and the Rapid Support Forces clashed in Omdurman on Monday. "
        "The Sudanese side agreed to a ceasefire on Tuesday."
    )
    assert "Rapid Support Forces" not in _settlement(nlp, text, "PARTICIPANT")


# --- a truce a third party proposed -----------------------------------------------------------------


def test_a_state_that_proposed_a_truce_to_the_warring_parties_mediates_it(nlp: Any) -> None:
    text = "Israel struck Hamas targets in Gaza on Sunday. Qatar proposed a ceasefire to the warring parties."
    assert _settlement(nlp, text, "MEDIATED_BY") == {"Qatar"}
    assert _settlement(nlp, text, "PARTICIPANT") == {"Israel", "Hamas"}


def test_a_truce_proposed_by_a_regional_body_is_mediated_by_it(nlp: Any) -> None:
    text = (
        "Ethiopian troops attacked TPLF positions in Tigray on Monday. "
        "A truce proposed by the African Union was accepted by both sides."
    )
    assert _settlement(nlp, text, "MEDIATED_BY") == {"African Union"}


def test_the_proposal_of_an_organisation_for_a_truce_is_its_mediation(nlp: Any) -> None:
    text = (
        "Sudanese army forces and the Rapid Support Forces clashed in Omdurman on Monday. "
        "The parties to the conflict in Sudan responded positively to a proposal of the African Union "
        "for a week-long truce."
    )
    assert _settlement(nlp, text, "MEDIATED_BY") == {"African Union"}
    assert _settlement(nlp, text, "PARTICIPANT") == {"Armed Forces of Sudan", "Rapid Support Forces"}


def test_a_possessive_proposal_for_a_truce_is_the_proposers_mediation(nlp: Any) -> None:
    text = (
        "Azerbaijani troops shelled Armenian positions near Jermuk. "
        "Both sides accepted the European Union's proposal for a truce."
    )
    assert _settlement(nlp, text, "MEDIATED_BY") == {"European Union"}


def test_a_side_that_proposes_a_truce_does_not_mediate_it(nlp: Any) -> None:
    text = "Russian forces shelled Kharkiv overnight. Ukraine proposed a 30-day ceasefire on Tuesday."
    assert _settlement(nlp, text, "MEDIATED_BY") == set()


def test_a_proposer_with_no_sides_known_does_not_mediate(nlp: Any) -> None:
    assert _settlement(nlp, "Turkey proposed a ceasefire on Monday.", "MEDIATED_BY") == set()


def test_the_proposer_of_a_truce_is_not_a_party_to_it(nlp: Any) -> None:
    text = "Israel struck Hamas targets in Gaza. Egypt announced a proposal for a three-day truce."
    assert "Egypt" not in _settlement(nlp, text, "PARTICIPANT")
