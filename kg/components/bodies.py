"""A body named by its function, not its name ('the military's media wing', 'the army's press service',
'the ministry's spokesperson'): the one body of that kind the text names (by the kinds its gazetteer
type and its label say, lexicon class body_word)."""

from __future__ import annotations

from typing import Any

from spacy.tokens import Token

DESCRIPTION_DEPS = ("compound", "amod", "poss", "nmod")
LABEL_KINDS = {"Ministry": {"ministry"}}


def described_body(reader: Any, subject: Token) -> str | None:
    """The one entity the text names whose kinds include every kind the description says, or None."""
    if subject.pos_ != "NOUN" or not reader.lex.has("body_function_noun", subject):
        return None
    wanted = description_kinds(reader, subject)
    if not wanted:
        return None
    named = dict.fromkeys(m.key for m in reader.graph.mentions)
    found = [key for key in named if wanted <= body_kinds(reader, key)]
    return found[0] if len(found) == 1 else None


def description_kinds(reader: Any, subject: Token) -> set[str]:
    """The kinds a function description says: 'the military's media wing' -> military, media."""
    words = [subject]
    for child in subject.children:
        if child.dep_ in DESCRIPTION_DEPS and child.i < subject.i:
            words.append(child)
            words.extend(c for c in child.children if c.dep_ in ("compound", "amod"))
    kinds = {
        reader.lex.value("body_word", w.lower_) or reader.lex.value("body_word", w.lemma_) for w in words
    }
    return {k for k in kinds if k} - {"part"}


def body_kinds(reader: Any, key: str) -> set[str]:
    """The kinds an entity is: the words of its gazetteer type, and its label's ('military' for a
    state's armed force)."""
    record = reader.graph.entities.get(key)
    if record is None:
        return set()
    kinds = set(LABEL_KINDS.get(record.label, ()))
    if record.label == "ArmedForce" and record.props.get("kind") == "state":
        kinds.add("military")
    entry = reader.gazetteer.get(key)
    org_type = getattr(entry, "org_type", None) or ""
    kinds |= {reader.lex.value("body_word", w) for w in org_type.lower().split()} - {None}
    return kinds - {"part"}
