"""Relation rules that generalise over conflict reporting: accusations voiced in statements, denials,
who reported an event, and the status of territories. Each test feeds a short text of its own
through the pipeline and checks the relations a user of the graph would see."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.model


def _relations(nlp: Any, text: str, rtype: str, published: str | None = None) -> list[dict[str, Any]]:
    """The relations of one type that the extraction of a text gives, as plain dicts."""
    from kg.extract import extract_documents
    from kg.models import Document

    document = Document(key="doc:test", text=text, published=published)
    extraction = next(extract_documents([document], nlp=nlp))
    return [r.model_dump() for r in extraction.relations if r.type == rtype]


def _state(key: str) -> str:
    """The state a party key belongs to, read from its key (ministry:defence:az -> state:az)."""
    if key.startswith("state:"):
        return key
    return "state:" + key.rsplit(":", 1)[-1]


def _pairs(relations: list[dict[str, Any]]) -> set[tuple[str, str]]:
    return {(_state(r["source"]), _state(r["target"])) for r in relations}


# --- accusations voiced in statements ------------------------------------------------------------


def test_side_said_to_bear_responsibility_is_accused_by_the_one_who_says_so(nlp: Any) -> None:
    accusations = _relations(
        nlp,
        "The Georgian Foreign Ministry stressed that the Russian side bears full responsibility "
        "for the incident at the boundary line.",
        "ACCUSES",
    )
    assert _pairs(accusations) == {("state:ge", "state:ru")}
    assert accusations[0]["source"] == "ministry:foreign-affairs:ge"
    assert "incident" in accusations[0]["allegation"]


def test_responsibility_lying_with_a_party_is_an_accusation_by_the_quoted_speaker(nlp: Any) -> None:
    accusations = _relations(
        nlp,
        "Two soldiers were wounded near the border, the Armenian Defence Ministry said. "
        '"Responsibility for this escalation rests with the political leadership of Azerbaijan," '
        "the ministry said.",
        "ACCUSES",
    )
    assert _pairs(accusations) == {("state:am", "state:az")}
    assert "escalation" in accusations[0]["allegation"]


def test_claiming_responsibility_or_being_cleared_of_it_is_no_accusation(nlp: Any) -> None:
    text = (
        "Hezbollah claimed responsibility for the drone attack, the Israeli army said. "
        "The Thai army said Cambodian troops were not responsible for the blast."
    )
    assert _relations(nlp, text, "ACCUSES") == []


def test_military_statement_that_the_other_side_violated_the_truce_is_an_accusation(nlp: Any) -> None:
    accusations = _relations(
        nlp,
        "Two soldiers were wounded on Monday as Thai troops carried out unprovoked ceasefire violations "
        "near the temple, the Cambodian Defence Ministry said.",
        "ACCUSES",
    )
    assert _pairs(accusations) == {("state:kh", "state:th")}
    assert "ceasefire" in accusations[0]["allegation"]


def test_saying_the_other_side_started_the_shooting_is_an_accusation(nlp: Any) -> None:
    accusations = _relations(
        nlp,
        "The Pakistan Army said Indian troops had started the shooting in the Kupwara sector.",
        "ACCUSES",
    )
    assert _pairs(accusations) == {("state:pk", "state:in")}
    assert "started the shooting" in accusations[0]["allegation"]


def test_wrongdoing_denied_or_told_by_the_narrator_is_no_accusation(nlp: Any) -> None:
    text = (
        '"Azerbaijani units did not open fire first," the Azerbaijani Defence Ministry said. '
        "Indian troops violated the ceasefire on Monday."
    )
    assert _relations(nlp, text, "ACCUSES") == []


def test_protest_lodged_after_summoning_an_envoy_accuses_the_envoys_state(nlp: Any) -> None:
    accusations = _relations(
        nlp,
        "Georgia's Foreign Ministry summoned the Russian ambassador and lodged a strong protest over "
        "the border violations.",
        "ACCUSES",
    )
    assert _pairs(accusations) == {("state:ge", "state:ru")}
    assert "violations" in accusations[0]["allegation"]


def test_accusation_in_a_clause_the_parser_hangs_on_the_reported_one_keeps_the_speaker(nlp: Any) -> None:
    accusations = _relations(
        nlp,
        "The Tajik Defence Ministry emphasised that the Kyrgyz side had moved troops and accused "
        "Kyrgyzstan of escalating tension on the border.",
        "ACCUSES",
    )
    assert ("state:tj", "state:kg") in _pairs(accusations)
    assert ("state:kg", "state:kg") not in _pairs(accusations)


# --- denials -------------------------------------------------------------------------------------


def test_denial_of_the_accusations_answers_the_accuser(nlp: Any) -> None:
    denials = _relations(
        nlp,
        "The Armenian Defence Ministry accused Azerbaijan of violating the truce. "
        "Azerbaijan denied the accusations.",
        "DENIES",
    )
    assert [(r["source"], r["target"]) for r in denials] == [("state:az", "state:am")]


def test_denial_of_a_statement_named_for_its_author_answers_that_author(nlp: Any) -> None:
    denials = _relations(
        nlp,
        "Kyrgyzstan's Border Service rejected the Tajik statement as fabricated.",
        "DENIES",
    )
    assert [(_state(r["source"]), r["target"]) for r in denials] == [("state:kg", "state:tj")]


def test_rejecting_a_move_is_not_denying_a_claim(nlp: Any) -> None:
    text = (
        "Russian shelling hit the town on Friday. Russia declared the annexation of the region, "
        "a move the European Union rejects."
    )
    assert _relations(nlp, text, "DENIES") == []


# --- who reported an event -------------------------------------------------------------------------


def test_speech_verb_subordinate_to_an_event_clause_does_not_report_that_event(nlp: Any) -> None:
    reports = _relations(
        nlp,
        "Russian shelling killed two people in Kherson as Russia claimed the capture of a village.",
        "REPORTED",
    )
    assert reports == []


def test_event_clause_followed_by_the_governor_said_is_reported_by_the_governor(nlp: Any) -> None:
    reports = _relations(
        nlp,
        "Russian drones struck the city of Kharkiv overnight, killing three people and wounding 12, "
        "regional governor Oleh Syniehubov said on Sunday.",
        "REPORTED",
    )
    assert {r["source"] for r in reports} == {"person:oleh-syniehubov"}


# --- territory ---------------------------------------------------------------------------------------


def test_region_in_a_passive_relative_clause_is_occupied_since_the_year(nlp: Any) -> None:
    occupations = _relations(
        nlp,
        "Tensions rose over the Karabakh region, which was occupied by Armenian forces from 1993.",
        "OCCUPIED",
    )
    assert [(_state(r["source"]), r["target"], r.get("since")) for r in occupations] == [
        ("state:am", "territory:karabakh", "1993")
    ]


def test_recaptured_with_a_relative_month_is_a_capture_dated_that_month(nlp: Any) -> None:
    captures = _relations(
        nlp,
        "Ukrainian troops recaptured the village of Klishchiivka last September.",
        "CAPTURED",
        published="2024-05-10",
    )
    assert [(_state(r["source"]), r.get("date")) for r in captures] == [("state:ua", "2023-09")]


def test_place_liberated_by_a_force_in_the_passive_is_captured_by_it(nlp: Any) -> None:
    captures = _relations(
        nlp, "The town of Lyman was liberated by Ukrainian forces in October 2022.", "CAPTURED"
    )
    assert [(_state(r["source"]), r.get("date")) for r in captures] == [("state:ua", "2022-10")]


def test_regaining_control_of_districts_captures_each(nlp: Any) -> None:
    captures = _relations(
        nlp, "Azerbaijan regained control of the Kalbajar and Lachin districts in 2020.", "CAPTURED"
    )
    assert {r["source"] for r in captures} == {"state:az"}
    assert len(captures) == 2


def test_bare_name_of_a_place_named_earlier_is_that_place_when_captured(nlp: Any) -> None:
    captures = _relations(
        nlp,
        "Russia said its troops had taken the village of Robotyne in the Zaporizhzhia region. "
        "Ukrainian forces recaptured Robotyne in August 2023.",
        "CAPTURED",
    )
    by_ukraine = [r for r in captures if _state(r["source"]) == "state:ua"]
    assert [r["target"].split("@")[0] for r in by_ukraine] == ["settlement:robotyne"]
    assert by_ukraine[0]["date"] == "2023-08"


def test_region_divided_between_named_states_lies_in_each(nlp: Any) -> None:
    located = _relations(
        nlp, "The Fergana Valley is divided between Uzbekistan, Kyrgyzstan and Tajikistan.", "LOCATED_IN"
    )
    divided = {r["target"] for r in located if r["rule"].startswith("divided")}
    assert divided == {"state:uz", "state:kg", "state:tj"}


def test_disputed_region_divided_between_them_lies_in_the_two_states_of_the_story(nlp: Any) -> None:
    located = _relations(
        nlp,
        "Indian and Pakistani troops traded fire on Tuesday, Pakistan said. The neighbours have fought "
        "three wars over the disputed Kashmir region, which a ceasefire line divides between them.",
        "LOCATED_IN",
    )
    divided = {(r["source"], r["target"]) for r in located if r["rule"].startswith("divided")}
    assert divided == {("territory:kashmir", "state:in"), ("territory:kashmir", "state:pk")}


def test_anything_else_divided_between_two_sides_is_no_place_relation(nlp: Any) -> None:
    located = _relations(
        nlp, "The aid was divided between Armenia and Azerbaijan, the European Union said.", "LOCATED_IN"
    )
    assert not [r for r in located if r["rule"].startswith("divided")]


def test_a_capital_that_a_relative_clause_follows_in_a_place_phrase_is_the_city_not_its_state(nlp):
    text = "The strike hit the Iranian consulate in Damascus, which killed several senior commanders."
    attackers = {r["target"] for r in _relations(nlp, text, "ATTACKER")}
    places = {r["target"] for r in _relations(nlp, text, "LOCATION")}
    assert "state:sy" not in attackers
    assert any(p.startswith("settlement:damascus") for p in places)
