"""Tolls counted on the side they belong to, when the text gives it in passing.

Each text here is our own, written to pin one rule; none is copied from a real article.
"""

from __future__ import annotations

import pytest

from kg.extract import extract_documents, load_nlp
from kg.models import Document

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


def _tolls(nlp, text: str) -> set[tuple[str, int | None]]:
    ex = next(extract_documents([Document(key="t", text=text, published="2024-03-15")], nlp=nlp))
    names = {e.key: e.name for e in ex.entities}
    return {(names[r.target], r.killed) for r in ex.relations if r.type == "PARTICIPANT" and r.killed}


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Two Armenian and three Azerbaijani soldiers were killed in the clashes on Tuesday.",
            {("Armenia", 2), ("Armed Forces of Azerbaijan", 3)},
        ),
        (
            "Four Kyrgyz and two Tajik border guards died in the fighting near Batken.",
            {("Kyrgyzstan", 4), ("Armed Forces of Tajikistan", 2)},
        ),
    ],
)
def test_counted_demonyms_with_one_noun_count_each_side(nlp, text, expected):
    assert _tolls(nlp, text) >= expected


def test_soldiers_of_no_side_counted_by_a_states_officials_are_its_own(nlp):
    assert _tolls(nlp, "Pakistani officials said 23 soldiers were killed in the attacks.") == {
        ("Pakistan", 23)
    }


def test_soldiers_of_a_side_said_keep_that_side(nlp):
    tolls = _tolls(nlp, "Ukrainian officials said 40 Russian soldiers were killed near Avdiivka.")
    assert ("Armed Forces of Russia", 40) in tolls and not any(party == "Ukraine" for party, _n in tolls)


def test_a_toll_is_never_counted_on_a_place(nlp):
    tolls = _tolls(nlp, "At least 15 civilians were killed in the Pakistani air strikes on Spin Boldak.")
    assert tolls == {("Afghanistan", 15)}
