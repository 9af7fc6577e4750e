"""TreeMatcher finds exactly what spaCy's DependencyMatcher finds, in the same order.

The sample texts are our own.
"""

from __future__ import annotations

import pytest
from spacy.matcher import DependencyMatcher

from kg.components.frames import compile_frame
from kg.components.treematch import TreeMatcher
from kg.extract import load_nlp
from kg.rules import load_rules

pytestmark = pytest.mark.model

TEXTS = [
    "Azerbaijani forces shelled the village of Sotk with mortars overnight, the ministry said.",
    "Russian troops struck Kharkiv with guided bombs, and two civilians were killed, officials said.",
    "A car bomb exploded at the gate of the base in Mogadishu; al-Shabaab claimed responsibility.",
    "The two ministers met in Doha and agreed on a ceasefire mediated by Qatar.",
    "Kyrgyz border guards accused Tajik troops of opening fire on a post near Batken.",
]


@pytest.fixture(scope="module")
def docs():
    nlp = load_nlp()
    with nlp.select_pipes(disable=["kg_frames", "kg_events", "kg_statements", "kg_resolve"]):
        return nlp, list(nlp.pipe(TEXTS))


def test_every_frame_matches_as_spacys_dependency_matcher_does(docs):
    nlp, parsed = docs
    rules = load_rules()
    ours, theirs = TreeMatcher(nlp.vocab), DependencyMatcher(nlp.vocab)
    for frame in rules.frames:
        ours.add(frame.id, compile_frame(frame, rules.lexicon))
        theirs.add(frame.id, [compile_frame(frame, rules.lexicon)])
    total = 0
    for doc in parsed:
        expected = [(nlp.vocab.strings[key], tokens) for key, tokens in theirs(doc)]
        assert ours(doc) == expected
        total += len(expected)
    assert total >= 15


def test_a_pattern_it_does_not_compile_still_matches_through_spacy(docs):
    nlp, parsed = docs
    pattern = [
        {"RIGHT_ID": "trigger", "RIGHT_ATTRS": {"LEMMA": {"REGEX": "^shel"}}},
        {"LEFT_ID": "trigger", "REL_OP": ">", "RIGHT_ID": "target", "RIGHT_ATTRS": {"DEP": "dobj"}},
    ]
    ours = TreeMatcher(nlp.vocab)
    ours.add("regex", pattern)
    matches = ours(parsed[0])
    assert [(key, [parsed[0][i].text for i in tokens]) for key, tokens in matches] == [
        ("regex", ["shelled", "village"])
    ]


def test_an_invalid_pattern_is_refused_like_spacy_refuses_it(docs):
    nlp, _parsed = docs
    with pytest.raises(ValueError):
        TreeMatcher(nlp.vocab).add(
            "bad",
            [
                {"RIGHT_ID": "trigger", "RIGHT_ATTRS": {"LEMMA": "x"}},
                {"LEFT_ID": "nowhere", "REL_OP": ">", "RIGHT_ID": "y", "RIGHT_ATTRS": {}},
            ],
        )


@pytest.mark.parametrize(
    "op", [">", "<", ">>", "<<", ".", ";", ".*", ";*", "$+", "$-", "$++", "$--", ">+", "<+"]
)
def test_each_operator_relates_the_tokens_spacy_relates(docs, op):
    nlp, parsed = docs
    pattern = [
        {"RIGHT_ID": "trigger", "RIGHT_ATTRS": {"POS": {"IN": ["VERB", "NOUN"]}}},
        {
            "LEFT_ID": "trigger",
            "REL_OP": op,
            "RIGHT_ID": "other",
            "RIGHT_ATTRS": {"POS": {"NOT_IN": ["PUNCT"]}},
        },
    ]
    ours, theirs = TreeMatcher(nlp.vocab), DependencyMatcher(nlp.vocab)
    ours.add("p", pattern)
    theirs.add("p", [pattern])
    for doc in parsed:
        assert ours(doc) == [(nlp.vocab.strings[k], t) for k, t in theirs(doc)]


@pytest.mark.parametrize("op", [">", ">>", "<", "<<", ".", ";*", "$++"])
def test_a_pattern_searched_from_its_trigger_matches_as_written(docs, op):
    nlp, parsed = docs
    pattern = [
        {"RIGHT_ID": "_head", "RIGHT_ATTRS": {"POS": {"NOT_IN": ["PUNCT"]}}},
        {
            "LEFT_ID": "_head",
            "REL_OP": op,
            "RIGHT_ID": "trigger",
            "RIGHT_ATTRS": {"LEMMA": {"IN": ["village", "fire", "say", "Qatar", "troop"]}},
        },
        {"LEFT_ID": "trigger", "REL_OP": ">", "RIGHT_ID": "child", "RIGHT_ATTRS": {}},
    ]
    ours, theirs = TreeMatcher(nlp.vocab), DependencyMatcher(nlp.vocab)
    ours.add("p", pattern)
    theirs.add("p", [pattern])
    for doc in parsed:
        assert ours(doc) == [(nlp.vocab.strings[k], t) for k, t in theirs(doc)]
