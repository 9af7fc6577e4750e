"""Sentence boundaries from layout: a line break ends a sentence; "READ MORE: ..." lines are links.

Runs before the parser, which keeps boundaries set here. Headlines and captions have no final full
stop, so without this the parser glues them to the next paragraph.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc

from kg.components import register_extensions
from kg.dates import resolve_date


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
        records, fields = record_headers(doc)
        doc._.kg_skip = skip + fields
        doc._.kg_records = records
        return doc


def record_headers(doc: Doc) -> tuple[list[list[int]], list[list[int]]]:
    """Header lines of coded event records ('ETH-03 | 7 August 2023 | Battles: armed clash | Region /
    District / Town | Fatalities: 2'): the records ([line start, line end, date start, date end, end of
    the line after it]) and the fields that are codes, not prose (all but the location after the
    event type)."""
    records: list[list[int]] = []
    fields: list[list[int]] = []
    lines = _lines(doc)
    for number, (start, end) in enumerate(lines):
        parts = _fields(doc, start, end)
        if len(parts) < 3:
            continue
        dated = [n for n, (a, b) in enumerate(parts) if _is_date(doc[a:b].text)]
        if not dated:
            continue
        date_at = dated[0]
        location_at = date_at + 2
        for n, (a, b) in enumerate(parts):
            if n != location_at or doc[a:b].text.lower().startswith("fatalities"):
                fields.append([a, b])
        fields += [[t.i, t.i + 1] for t in doc[start:end] if t.text == "|"]
        body_end = lines[number + 1][1] if number + 1 < len(lines) else end
        records.append([start, end, *parts[date_at], body_end])
    return records, fields


def _lines(doc: Doc) -> list[tuple[int, int]]:
    """Token ranges of the text's lines (without the line breaks)."""
    lines: list[tuple[int, int]] = []
    start = 0
    for token in doc:
        if "\n" in token.text or "\n" in token.whitespace_:
            end = token.i if "\n" in token.text else token.i + 1
            if end > start:
                lines.append((start, end))
            start = token.i + 1
    if start < len(doc):
        lines.append((start, len(doc)))
    return lines


def _fields(doc: Doc, start: int, end: int) -> list[tuple[int, int]]:
    """The '|'-separated fields of a line, as token ranges."""
    parts: list[tuple[int, int]] = []
    a = start
    for token in doc[start:end]:
        if token.text == "|":
            if token.i > a:
                parts.append((a, token.i))
            a = token.i + 1
    if end > a:
        parts.append((a, end))
    return parts


def _is_date(text: str) -> bool:
    return resolve_date(text, None) is not None and any(c.isdigit() for c in text) and len(text) < 40


@Language.factory("kg_layout_sentences", assigns=["token.is_sent_start", "doc._.kg_skip", "doc._.kg_records"])
def make_layout_sentences(nlp: Language, name: str) -> LayoutSentences:
    """Factory: sentence starts from line breaks, link lines marked as not content."""
    return LayoutSentences(nlp)
