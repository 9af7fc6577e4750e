"""Relations between parties, places and events: who accuses, denies, reports, occupies, captures.

Each rule starts from a Matcher hit on a verb or a fixed phrase and reads its arguments from the
parse, so other phrasings (passive voice, "blamed X for", "the ministry denied the claims",
"a statement by X says") work the same way.
"""

from __future__ import annotations

from typing import Any

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span, Token

from kg.components import register_extensions
from kg.components.context import PARTY_LABELS, PLACE_LABELS, SPEECH_VERBS, DocContext
from kg.dates import resolve_date
from kg.names import normalise_name
from kg.resolve import armed_force_key

ACCUSE_VERBS = {"accuse": ("of",), "blame": ("for", "on"), "charge": ("with",)}
DENY_VERBS = ["deny", "reject", "dismiss", "refute"]
CAPTURE_VERBS = ["capture", "liberate", "recapture", "seize", "retake", "take", "annex", "occupy"]
REPORTERS = {"Ministry", "State", "Person", "Organization", "ArmedForce"}
SPEAKER_NOUNS = {"statement", "it", "ministry", "spokesman", "spokesperson", "spokeswoman"}


class RelationRecognizer:
    """Accusations, denials, reports, occupations, captures and status of territories."""

    def __init__(self, nlp: Language) -> None:
        register_extensions()
        self.matcher = Matcher(nlp.vocab)
        self.matcher.add("ACCUSE", [[{"LEMMA": {"IN": sorted(ACCUSE_VERBS)}, "POS": "VERB"}]])
        self.matcher.add("DENY", [[{"LEMMA": {"IN": DENY_VERBS}, "POS": "VERB"}]])
        self.matcher.add("SAY", [[{"LEMMA": {"IN": sorted(SPEECH_VERBS)}, "POS": "VERB"}]])
        self.matcher.add("ACCORDING", [[{"LOWER": "according"}, {"LOWER": "to"}]])
        self.matcher.add("OCCUPY", [[{"LEMMA": "occupy", "POS": "VERB"}]])
        self.matcher.add("CAPTURE", [[{"LEMMA": {"IN": CAPTURE_VERBS}, "POS": "VERB"}]])
        self.matcher.add("RECOGNISE", [[{"LEMMA": {"IN": ["recognise", "recognize"]}}, {"LOWER": "as"}]])
        self.matcher.add(
            "FORMER",
            [
                [
                    {"LOWER": "former"},
                    {"IS_TITLE": True},
                    {"LOWER": {"IN": ["republic", "republics", "state", "states", "member", "members"]}},
                ]
            ],
        )

    def __call__(self, doc: Doc) -> Doc:
        """Add relations between the document's entities to doc._.kg_relations."""
        reader = RelationReader(doc)
        for match_id, start, end in self.matcher(doc):
            if reader.ctx.skipped(start):
                continue
            reader.rule(doc.vocab.strings[match_id], doc[start:end])
        return doc


class RelationReader:
    """Relation rules over one document."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.ctx = DocContext(doc)
        self.event_at: dict[int, str] = {t["i"]: t["key"] for t in doc._.kg_triggers or ()}
        self.last_speaker: str | None = None
        self.reporters: dict[str, list[str]] = {}

    def relate(
        self, rtype: str, source: str, target: str, sent: Span, rule: str, confidence: float, **attrs: Any
    ):
        """Record one relation with the sentence that states it."""
        rel: dict[str, Any] = {
            "type": rtype,
            "source": source,
            "target": target,
            "sent": [sent.start, sent.end],
        }
        rel.update(rule=rule, confidence=confidence, **{k: v for k, v in attrs.items() if v is not None})
        self.ctx.relations.append(rel)

    def rule(self, name: str, span: Span) -> None:
        """Run the rule a Matcher hit calls for."""
        token = span[0]
        sent = token.sent
        if name == "ACCUSE":
            self.accuse(token, sent)
        elif name == "DENY":
            self.deny(token, sent)
        elif name == "SAY":
            self.report(token, self.speaker(token), sent)
        elif name == "ACCORDING":
            obj = next((c for c in span[1].children if c.dep_ == "pobj"), None)
            if obj is not None:
                self.report(token.head, self.ctx.party_of(obj), sent)
        elif name == "OCCUPY":
            self.occupy(token, sent)
        elif name == "CAPTURE":
            self.capture(token, sent)
        elif name == "RECOGNISE":
            self.recognise(token, sent)
        elif name == "FORMER":
            self.former(span, sent)

    # --- who speaks ----------------------------------------------------------------------------

    def party(self, token: Token) -> str | None:
        """The party a noun phrase names; "its troops" inside "X said its troops ..." are X's."""
        ctx = self.ctx
        party = ctx.party_of(token)
        if party is not None:
            return party
        pronoun = token if token.lower_ in ("it", "they", "we") else None
        pronoun = pronoun or next((c for c in token.children if c.lower_ in ("its", "their", "our")), None)
        if pronoun is None:
            return None
        head = token.head
        for _ in range(5):
            if head.lemma_ in SPEECH_VERBS:
                speaker = self.speaker(head)
                if speaker is None:
                    return None
                state = ctx.state(speaker) or speaker
                if token is not pronoun and token.lower_ in ("troops", "forces", "units", "army", "military"):
                    force = armed_force_key(state) if state.startswith("state:") else None
                    if force and force in ctx.entities:
                        return force
                return state
            if head.head is head:
                break
            head = head.head
        return None

    def speaker(self, verb: Token) -> str | None:
        """Who speaks: a party, "a statement by X", or "it"/"the statement" (the last speaker)."""
        ctx = self.ctx
        subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        if subject is None and verb.dep_ == "conj":
            subject = next((c for c in verb.head.children if c.dep_ == "nsubj"), None)
        if subject is None:
            return None
        party = ctx.party_of(subject)
        if party is None:
            for prep in subject.children:
                if prep.dep_ == "prep" and prep.lower_ == "by":
                    for obj in prep.children:
                        party = ctx.party_of(obj)
        if party is None and subject.lower_ in SPEAKER_NOUNS:
            party = self.last_speaker
        if party is not None and ctx.label(party) in REPORTERS:
            self.last_speaker = party
            return party
        return None

    def report(self, verb: Token, speaker: str | None, sent: Span) -> None:
        """ "X said in a statement": X reported the events its sentence names."""
        if speaker is None:
            return
        speaker_tokens = {t.i for c in verb.children if c.dep_ == "nsubj" for t in c.subtree}
        seen: set[str] = set()
        for t in sent:
            key = self.event_at.get(t.i)
            if key and t.i not in speaker_tokens and key not in seen:
                seen.add(key)
                # The first to report an event is the source the article relies on; later voices
                # (the other side, officials commenting) are kept with less weight.
                reporters = self.reporters.setdefault(key, [])
                if speaker not in reporters:
                    reporters.append(speaker)
                confidence = 0.85 if reporters[0] == speaker else 0.7
                self.relate("REPORTED", speaker, key, sent, "speech-verb", confidence)

    # --- accusations and denials ------------------------------------------------------------------

    def accuse(self, verb: Token, sent: Span) -> None:
        """ "Azerbaijan accused Armenia of violating a truce", "Armenia was blamed by X for ..."."""
        ctx = self.ctx
        accuser = accused = None
        allegation_tokens: list[Token] = []
        if verb.dep_ == "conj" and not any(c.dep_ == "nsubj" for c in verb.children):
            subject = next((c for c in verb.head.children if c.dep_ == "nsubj"), None)
            if subject is not None:
                accuser = self.ctx.party_of(subject) or (
                    self.last_speaker if subject.lower_ in SPEAKER_NOUNS else None
                )
        for child in verb.children:
            if child.dep_ == "nsubj":
                accuser = ctx.party_of(child)
                if accuser is None:
                    accuser = self.speaker(verb)
            elif child.dep_ in ("dobj", "nsubjpass"):
                accused = ctx.party_of(child)
            elif child.dep_ == "agent":
                accuser = next((ctx.party_of(o) for o in child.children if o.dep_ == "pobj"), None)
            elif child.dep_ == "prep" and child.lower_ in ACCUSE_VERBS.get(verb.lemma_, ()):
                for obj in child.children:
                    if obj.dep_ in ("pcomp", "pobj"):
                        allegation_tokens = [
                            t
                            for t in _without_finite_conjuncts(obj)
                            if not (
                                t.dep_ == "advcl"
                                or any(a.dep_ == "advcl" for a in t.ancestors if a.i > obj.i and a.i <= t.i)
                            )
                        ]
        objects = [c for c in verb.children if c.dep_ == "dobj"]
        if any(o.lower_ in ("other", "another") for o in objects):
            # "Armenia and Azerbaijan accused each other": both ways.
            subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
            nouns = [subject, *subject.conjuncts] if subject is not None else []
            sides = [p for p in (ctx.party_of(n) for n in nouns) if p]
            for one in sides:
                for other in sides:
                    if ctx.state(one) != ctx.state(other):
                        self.relate(
                            "ACCUSES",
                            one,
                            other,
                            sent,
                            "accuse-each-other",
                            0.8,
                            disc="",
                            allegation=_text(allegation_tokens) or None,
                            date=self.statement_date(verb, sent),
                        )
            return
        if accuser is not None and accused is not None and ctx.state(accuser) == ctx.state(accused):
            # "X said Armenian forces had opened fire ... and blamed Armenia": X blames.
            head = verb.head
            for _ in range(4):
                if head.lemma_ in SPEECH_VERBS:
                    accuser = self.speaker(head)
                    break
                if head.head is head:
                    break
                head = head.head
        if accuser is None or accused is None or ctx.state(accuser) == ctx.state(accused):
            return
        allegation = _text(allegation_tokens) or None
        self.relate(
            "ACCUSES",
            accuser,
            accused,
            sent,
            f"{verb.lemma_}-of",
            0.9,
            disc=normalise_name(allegation) if allegation else "",
            allegation=allegation,
            date=self.statement_date(verb, sent),
        )
        self.last_speaker = accuser

    def statement_date(self, verb: Token, sent: Span) -> str | None:
        """When something was said: a date on the verb, else the publication date."""
        for ent in sent.ents:
            if ent.label_ == "DATE" and _governing_verb(ent.root) is verb:
                resolved = resolve_date(ent.text, self.ctx.published)
                if resolved:
                    return resolved.start
        return self.ctx.published.isoformat() if self.ctx.published else None

    def deny(self, verb: Token, sent: Span) -> None:
        """ "The ministry denied the claims", "X dismissed the allegations as disinformation"."""
        ctx = self.ctx
        subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        if subject is None and verb.dep_ == "conj":
            subject = next((c for c in verb.head.children if c.dep_ == "nsubj"), None)
        if subject is None:
            return
        denier = ctx.party_of(subject) or (self.last_speaker if subject.lower_ in SPEAKER_NOUNS else None)
        if denier is None:
            return
        claim_tokens = [t for c in verb.children if c.dep_ in ("dobj", "ccomp", "prep") for t in c.subtree]
        target = next((self.event_at[t.i] for t in claim_tokens if t.i in self.event_at), None)
        if target is None:
            state = ctx.state(denier)
            accusers = [
                r["source"]
                for r in ctx.relations
                if r["type"] == "ACCUSES" and ctx.state(r["target"]) == state
            ]
            target = ctx.state(accusers[-1]) if accusers else None
        if target is None:
            attacks = [
                t["key"] for t in self.doc._.kg_triggers or () if str(t["key"]).startswith("event:attack")
            ]
            target = attacks[-1] if attacks else None
        if target is None and self.last_speaker and ctx.state(self.last_speaker) != ctx.state(denier):
            # "X said its forces had captured Y. Z dismissed the claim": Z denies what X said.
            target = ctx.state(self.last_speaker) or self.last_speaker
        if target is None:
            return
        claim = _text(claim_tokens) or None
        self.relate(
            "DENIES",
            denier,
            target,
            sent,
            f"{verb.lemma_}-claim",
            0.75,
            claim=claim,
            disc=normalise_name(claim) if claim else "",
        )
        self.last_speaker = denier

    # --- territory ---------------------------------------------------------------------------------

    def occupy(self, verb: Token, sent: Span) -> None:
        """ "since 1991, when the Armenian military occupied Nagorno-Karabakh" -> OCCUPIED since 1991."""
        ctx = self.ctx
        occupier = None
        places: list[str] = []
        for child in verb.children:
            if child.dep_ == "nsubj":
                occupier = ctx.party_of(child)
            elif child.dep_ == "agent":
                occupier = next((ctx.party_of(o) for o in child.children if o.dep_ == "pobj"), None)
            elif child.dep_ in ("dobj", "nsubjpass"):
                places += ctx.places_in(list(child.subtree))
        if verb.dep_ == "acl" and ctx.key_at(verb.head):
            places.append(ctx.key_at(verb.head))  # type: ignore[arg-type]
        places = [p for p in places if ctx.label(p) in PLACE_LABELS]
        if occupier is None or not places:
            return
        since = self.since(verb, sent)
        for place in places:
            self.relate("OCCUPIED", occupier, place, sent, "occupied", 0.85, since=since, disc="")

    def since(self, verb: Token, sent: Span) -> str | None:
        """The year an ongoing state began: "since 1991, when X occupied", "occupied ... in 1991"."""
        if verb.dep_ == "relcl" and any(c.lower_ == "when" for c in verb.children):
            resolved = resolve_date(verb.head.text, None)
            if resolved:
                return resolved.start
        for ent in sent.ents:
            if ent.label_ == "DATE" and any(a.i == verb.i for a in ent.root.ancestors):
                resolved = resolve_date(ent.text, self.ctx.published)
                if resolved:
                    return resolved.start
        return None

    def capture(self, verb: Token, sent: Span) -> None:
        """ "Azerbaijan liberated Shusha", "X took control of Y" -> CAPTURED with the date."""
        ctx = self.ctx
        if verb.lemma_ == "take" and not any(c.lower_ == "control" for c in verb.children):
            return
        if verb.lemma_ == "occupy":
            return  # occupation is OCCUPIED, read by its own rule
        capturer = next((self.party(c) for c in verb.children if c.dep_ == "nsubj"), None)
        if capturer is None:
            return
        objects = [c for c in verb.children if c.dep_ == "dobj"]
        if verb.lemma_ == "take":
            objects = [c for c in verb.children if c.lower_ == "control"]
        places = [p for o in objects for p in ctx.places_in(list(o.subtree))]
        date = None
        if verb.dep_ == "relcl":
            conflict = ctx.key_at(verb.head)
            if conflict and ctx.label(conflict) == "Conflict":
                date = (ctx.entities[conflict].get("start") or "")[:4] or None
        date = date or self.since(verb, sent)
        for place in places:
            if place and ctx.label(place) in PLACE_LABELS:
                self.relate("CAPTURED", capturer, place, sent, f"{verb.lemma_}-place", 0.8, date=date)

    def recognise(self, verb: Token, sent: Span) -> None:
        """ "a territory internationally recognised as part of Azerbaijan" -> RECOGNISED_AS_PART_OF."""
        ctx = self.ctx
        state = None
        as_prep = next((c for c in verb.children if c.lower_ == "as"), None)
        if as_prep is None:
            return
        for t in as_prep.subtree:
            key = ctx.key_at(t)
            if key and ctx.label(key) == "State":
                state = key
                break
        if state is None:
            return
        place = None
        current = verb
        for _ in range(6):
            key = ctx.key_at(current)
            if key and ctx.label(key) in PLACE_LABELS:
                place = key
                break
            if current.head is current:
                break
            current = current.head
        if place is None:
            subject = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
            place = ctx.key_at(subject) if subject is not None else None
        if place and ctx.label(place) in PLACE_LABELS:
            self.relate("RECOGNISED_AS_PART_OF", place, state, sent, "recognised-as-part-of", 0.85)

    def former(self, span: Span, sent: Span) -> None:
        """ "the two former Soviet republics", "Armenia, a former Soviet republic" -> FORMERLY_PART_OF."""
        ctx = self.ctx
        historical = ctx.key_at(span[1])
        if historical is None or ctx.label(historical) != "State":
            return
        noun = span[2]
        members: list[str] = []
        if noun.tag_ == "NNS":
            counts: dict[str, int] = {}
            for mention in self.doc._.kg_mentions or ():
                state = ctx.state(mention["key"])
                if state and state != historical and ctx.entities[state].get("status") != "historical":
                    counts[state] = counts.get(state, 0) + 1
            number = 2 if any(t.lower_ in ("two", "both") for t in noun.children) else 0
            ranked = sorted(counts, key=lambda k: -counts[k])
            members = ranked[:number] if number else []
        else:
            head = noun.head if noun.dep_ in ("appos", "attr") else None
            if noun.dep_ == "appos":
                members = [k for k in [ctx.state(ctx.key_at(noun.head))] if k]
            elif noun.dep_ == "attr" and head is not None:
                subject = next((c for c in head.children if c.dep_ == "nsubj"), None)
                members = [k for k in [ctx.state(ctx.key_at(subject))] if k] if subject is not None else []
        for member in members:
            if member != historical:
                self.relate("FORMERLY_PART_OF", member, historical, sent, "former-republic", 0.7)


def _governing_verb(token: Token) -> Token | None:
    current = token
    for _ in range(6):
        if current.pos_ in ("VERB", "AUX") and current is not token:
            return current
        if current.head is current:
            return None
        current = current.head
    return None


def _without_finite_conjuncts(root: Token) -> list[Token]:
    """A gerund clause without the finite verbs conjoined to it ("violating X and called on Y")."""
    dropped: set[int] = set()
    for t in root.subtree:
        if t.dep_ == "conj" and t.tag_ in ("VBD", "VBZ", "VBP") and t.i not in dropped:
            dropped.update(d.i for d in t.subtree)
            cc = [c for c in t.head.children if c.dep_ == "cc" and c.i < t.i]
            dropped.update(c.i for c in cc[-1:])
    return [t for t in root.subtree if t.i not in dropped]


def _text(tokens: list[Token]) -> str:
    words = [t for t in sorted(tokens, key=lambda t: t.i) if not t.is_space and t.text not in {"“", "”", '"'}]
    while words and words[-1].is_punct:
        words.pop()
    text = "".join(t.text_with_ws for t in words).strip()
    return " ".join(text.split())


@Language.factory("kg_relations")
def make_relations(nlp: Language, name: str) -> RelationRecognizer:
    """Factory: accusations, denials, reports, occupations, captures, territorial status."""
    return RelationRecognizer(nlp)


__all__ = ["PARTY_LABELS", "RelationRecognizer", "make_relations"]
