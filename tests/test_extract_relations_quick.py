"""Accusations voiced in a participle hanging on a verb of saying.

Each text here is our own, written to pin one rule; none is copied from a real article.
"""

from __future__ import annotations

import pytest
from reading import extract_text

from kg.models import Extraction

pytestmark = pytest.mark.model


def _edges(ex: Extraction, rtype: str) -> list[tuple[str, str]]:
    names = {e.key: e.name for e in ex.entities}
    return [(names[r.source], names[r.target]) for r in ex.relations if r.type == rtype]


def test_participle_accusing_after_a_named_unit_that_spoke_before(nlp):
    ex = extract_text(
        nlp,
        "The Border Guards of Armenia's National Security Service said Azerbaijani troops shelled a village. "
        '"The attack was deliberate," the Border Guards said on Monday, accusing Azerbaijan of breaking '
        "the truce.",
    )
    edges = _edges(ex, "ACCUSES")
    assert any(target == "Azerbaijan" for _source, target in edges)
    assert all(source != "Azerbaijan" for source, _target in edges)


def test_participle_accusing_hanging_on_a_statement_is_the_speakers_accusation(nlp):
    ex = extract_text(
        nlp,
        "Armenia's Defence Ministry said its positions came under fire on Sunday. "
        '"Our soldiers returned fire," the statement said, accusing Azerbaijan of provoking the clash.',
    )
    assert ("Ministry of Defence of Armenia", "Azerbaijan") in _edges(ex, "ACCUSES")


def test_occupied_in_an_apposition_describes_the_place_it_follows(nlp):
    ex = extract_text(nlp, "Azerbaijan lost Kalbajar, a district occupied by Armenian forces since 1993.")
    occupied = [r for r in ex.relations if r.type == "OCCUPIED"]
    names = {e.key: e.name for e in ex.entities}
    assert [(names[r.target], r.since) for r in occupied] == [("Kalbajar", "1993")]


def test_who_gives_the_toll_is_the_first_source_of_the_event(nlp):
    ex = extract_text(
        nlp,
        "Israel's military said it struck targets in Nabatieh on Monday. "
        "The strike killed three people, Lebanon's health ministry said.",
    )
    names = {e.key: e.name for e in ex.entities}
    reported = [r for r in ex.relations if r.type == "REPORTED"]
    assert reported
    best = max(reported, key=lambda r: r.confidence)
    assert names[best.source] == "Ministry of Health of Lebanon"
