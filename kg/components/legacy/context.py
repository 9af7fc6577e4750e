"""What the event and relation rules share: who a token refers to, dates in a clause, numbers.

These helpers read the parse locally (a token's children, its heads, one sentence); none of them
walks a whole document.
"""

from __future__ import annotations

from typing import Any

from spacy.tokens import Doc, Span, Token

from kg.dates import ResolvedDate, parse_published, resolve_date

PARTY_LABELS = {"State", "ArmedForce", "Ministry", "Organization", "Person"}
PLACE_LABELS = {"Settlement", "Region", "Territory"}
SPEECH_VERBS = {
    "say",
    "add",
    "state",
    "report",
    "announce",
    "claim",
    "tell",
    "note",
    "allege",
    "write",
    "declare",
    "insist",
    "confirm",
}
REPORT_VERBS = SPEECH_VERBS | {"accuse", "blame", "deny"}
END_PREPOSITIONS = {"until", "till", "to", "through", "into"}
NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "hundred": 100,
    "a dozen": 12,
}
QUALIFIERS = {
    ("more", "than"): "more than",
    ("over",): "more than",
    ("at", "least"): "at least",
    ("nearly",): "nearly",
    ("almost",): "nearly",
    ("about",): "about",
    ("around",): "about",
    ("some",): "about",
    ("roughly",): "about",
    ("approximately",): "about",
    ("up", "to"): "up to",
    ("fewer", "than"): "fewer than",
    ("less", "than"): "fewer than",
    ("at", "most"): "up to",
}


class DocContext:
    """Lookups over one Doc's mentions and entities, built once per component call."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.entities: dict[str, dict[str, Any]] = doc._.kg_entities or {}
        self.relations: list[dict[str, Any]] = doc._.kg_relations if doc._.kg_relations is not None else []
        self.at: dict[int, str] = {}
        for mention in doc._.kg_mentions or ():
            for i in range(mention["start"], mention["end"]):
                self.at[i] = mention["key"]
        self.skip = doc._.kg_skip or []
        self.published = parse_published(doc._.kg_published)
        self.containers = {r["target"] for r in self.relations if r["type"] == "LOCATED_IN"}
        self.state_of: dict[str, str] = {}
        for rel in self.relations:
            if rel["type"] in ("MINISTRY_OF", "ARMED_FORCE_OF"):
                self.state_of[rel["source"]] = rel["target"]

    def relate(
        self, rtype: str, source: str, target: str, sent: Span, rule: str, confidence: float, **attrs: Any
    ) -> None:
        """Record one relation with the sentence that states it."""
        rel: dict[str, Any] = {
            "type": rtype,
            "source": source,
            "target": target,
            "sent": [sent.start, sent.end],
        }
        rel.update(rule=rule, confidence=confidence, **{k: v for k, v in attrs.items() if v is not None})
        self.relations.append(rel)

    def skipped(self, i: int) -> bool:
        """Whether token i is in a link line, not content."""
        return any(a <= i < b for a, b in self.skip)

    def label(self, key: str | None) -> str | None:
        """The label of an entity key, if known."""
        if key is None or key not in self.entities:
            return None
        return str(self.entities[key]["label"])

    def key_at(self, token: Token) -> str | None:
        """The entity a token is part of."""
        return self.at.get(token.i)

    def party_of(self, token: Token) -> str | None:
        """The party (state, force, ministry, organisation, person) a noun phrase headed by token names."""
        key = self.at.get(token.i)
        if key and self.label(key) in PARTY_LABELS:
            return key
        for child in token.children:
            if child.dep_ in ("amod", "compound", "poss", "nmod") and child.i < token.i:
                key = self.at.get(child.i)
                if key and self.label(key) in PARTY_LABELS:
                    return key
        for child in token.children:
            if child.dep_ == "prep" and child.lower_ == "of":
                for obj in child.children:
                    if obj.dep_ == "pobj":
                        key = self.at.get(obj.i)
                        if key and self.label(key) in PARTY_LABELS:
                            return key
        return None

    def state(self, key: str | None) -> str | None:
        """The state a party belongs to (itself for a state)."""
        if key is None:
            return None
        if self.label(key) == "State":
            return key
        return self.state_of.get(key)

    def places_in(self, tokens: list[Token]) -> list[str]:
        """Place keys mentioned among tokens, most specific only, in order, no repeats."""
        keys: list[str] = []
        for token in tokens:
            key = self.at.get(token.i)
            if key and self.label(key) in PLACE_LABELS and key not in keys:
                keys.append(key)
        return [k for k in keys if k not in self.containers or not any(self._inside(o, k) for o in keys)]

    def place_state(self, key: str | None) -> str | None:
        """The state a place is in, following LOCATED_IN (itself for a state)."""
        seen = 0
        while key is not None and seen < 6:
            if self.label(key) == "State":
                return key
            key = next(
                (r["target"] for r in self.relations if r["type"] == "LOCATED_IN" and r["source"] == key),
                None,
            )
            seen += 1
        return None

    def _inside(self, inner: str, outer: str) -> bool:
        return any(
            r["type"] == "LOCATED_IN" and r["source"] == inner and r["target"] == outer
            for r in self.relations
        )

    def dates(
        self, sent: Span, verbs: set[int] | None = None, speech: bool = False
    ) -> tuple[list[ResolvedDate], list[ResolvedDate]]:
        """Start and end dates stated in a sentence; not those of speech verbs ("said on Friday"), or only
        those with `speech`."""
        starts: list[ResolvedDate] = []
        ends: list[ResolvedDate] = []
        for ent in sent.ents:
            if ent.label_ not in ("DATE", "TIME"):
                continue
            governor = governing_verb(ent.root)
            reported = governor is not None and governor.lemma_ in REPORT_VERBS
            if reported != speech:
                continue
            if verbs is not None and governor is not None and governor.i not in verbs:
                continue
            resolved = resolve_date(ent.text, self.published)
            if resolved is None:
                continue
            prep = _preposition(ent.root)
            (ends if prep in END_PREPOSITIONS else starts).append(resolved)
        return starts, ends

    def sentence_year(self, sent: Span) -> str | None:
        """An explicit year named in a sentence ("in 1991", "since 1991"), if any."""
        for ent in sent.ents:
            if ent.label_ == "DATE":
                resolved = resolve_date(ent.text, None)
                if resolved is not None:
                    return resolved.start
        return None


def governing_verb(token: Token, pos: tuple[str, ...] = ("VERB", "AUX")) -> Token | None:
    """The nearest verb above a token (within six steps up the parse), or None."""
    current = token
    for _ in range(6):
        if current.pos_ in pos and current.i != token.i:
            return current
        if current.head.i == current.i:
            return None
        current = current.head
    return None


def _preposition(token: Token) -> str | None:
    current = token
    for _ in range(4):
        if current.dep_ == "prep":
            return current.lower_
        if current.head is current:
            return None
        current = current.head
    return None


def number_of(token: Token) -> tuple[int | None, str | None]:
    """The number a noun is counted with ("More than 200 soldiers" -> 200, "more than")."""
    for child in token.children:
        if child.dep_ == "nummod" or (child.like_num and child.i < token.i):
            return _value(child), _qualifier(child)
    if token.like_num:
        return _value(token), _qualifier(token)
    if token.tag_ == "NN" and any(c.lower_ in ("a", "an", "one") for c in token.children if c.i < token.i):
        return 1, None  # "An Azerbaijani soldier was killed"
    return None, None


def _value(token: Token) -> int | None:
    text = token.text.replace(",", "")
    if text.isdigit():
        return int(text)
    return NUMBER_WORDS.get(token.lower_)


def _qualifier(number: Token) -> str | None:
    words = tuple(
        t.lower_ for t in number.subtree if t.i < number.i and t.dep_ in ("amod", "quantmod", "advmod")
    )
    for size in (2, 1):
        if len(words) >= size and words[-size:] in QUALIFIERS:
            return QUALIFIERS[words[-size:]]
    before = number.doc[max(number.i - 2, 0) : number.i]
    pair = tuple(t.lower_ for t in before)
    if pair in QUALIFIERS:
        return QUALIFIERS[pair]
    if pair[-1:] in QUALIFIERS:
        return QUALIFIERS[pair[-1:]]
    return None
