"""Sentence boundaries from layout: a line break ends a sentence; "READ MORE: ..." lines are links.

Runs before the parser, which keeps boundaries set here. Headlines and captions have no final full
stop, so without this the parser glues them to the next paragraph.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc

from kg.components import register_extensions


class LayoutSentences:
    """Start a sentence after every line break and mark link lines ("READ MORE: headline")."""

    def __init__(self, nlp: Language) -> None:
        register_extensions()
        self.matcher = Matcher(nlp.vocab)
        self.matcher.add("BREAK", [[{"IS_SPACE": True}]])
        self.matcher.add("LINK", [[{"LOWER": "read"}, {"LOWER": "more"}, {"ORTH": ":"}]])

    def __call__(self, doc: Doc) -> Doc:
        """Set sentence starts after line breaks; record link lines in doc._.kg_skip."""
        breaks: list[int] = []
        links: list[int] = []
        for match_id, start, end in self.matcher(doc):
            if doc.vocab.strings[match_id] == "BREAK":
                if "\n" not in doc[start].text:
                    continue
                breaks.append(end)
                if end < len(doc):
                    doc[end].is_sent_start = True
            else:
                links.append(start)
        skip = []
        for start in links:
            if start > 0 and not doc[start - 1].is_space and "\n" not in doc[start - 1].whitespace_:
                doc[start].is_sent_start = True
            end = next((b for b in breaks if b > start), len(doc))
            skip.append([start, end])
        doc._.kg_skip = skip
        return doc


@Language.factory("kg_layout_sentences", assigns=["token.is_sent_start", "doc._.kg_skip"])
def make_layout_sentences(nlp: Language, name: str) -> LayoutSentences:
    """Factory: sentence starts from line breaks, link lines marked as not content."""
    return LayoutSentences(nlp)
