"""Relations between parties, places and events: who accuses, denies, reports, occupies, captures.

Each rule starts from a Matcher hit on a verb or a fixed phrase and reads its arguments from the
parse, so other phrasings (passive voice, "blamed X for", "the ministry denied the claims",
"a statement by X says") work the same way.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span, Token

from kg.components import register_extensions
from kg.components.legacy.context import PARTY_LABELS, PLACE_LABELS, SPEECH_VERBS, DocContext, governing_verb
from kg.dates import resolve_date
from kg.names import normalise_name
from kg.resolve import armed_force_key

ACCUSE_VERBS = {"accuse": ("of",), "blame": ("for", "on"), "charge": ("with",)}
DENY_VERBS = ["deny", "reject", "dismiss", "refute"]
CAPTURE_VERBS = [
    "capture",
    "liberate",
    "recapture",
    "seize",
    "retake",
    "take",
    "regain",
    "gain",
    "annex",
    "occupy",
]
CONTROL_VERBS = {"take", "regain", "gain"}  # only with "control of": "took control of X"
SUBORDINATE_DEPS = {"advcl", "relcl", "acl", "xcomp", "pcomp", "amod", "prep", "pobj"}
REPORTERS = {"Ministry", "State", "Person", "Organization", "ArmedForce"}
CASUALTY_VERBS = {"kill", "wound", "injure"}
SPEAKER_NOUNS = {"statement", "it", "ministry", "spokesman", "spokesperson", "spokeswoman"}
SAYING_VERBS = SPEECH_VERBS | {
    "stress",
    "emphasise",
    "emphasize",
    "underline",
    "warn",
    "reiterate",
    "point",
    "explain",
    "maintain",
    "assert",
    "argue",
}
"""Verbs whose subject voices the clause under them: what that clause blames on a party is an accusation."""
CLAIM_NOUNS = {
    "claim",
    "accusation",
    "allegation",
    "report",
    "statement",
    "charge",
    "assertion",
    "version",
    "information",
    "disinformation",
    "remark",
    "reports",
}
"""What a denial denies when it names no event: the words of another party."""
BEAR_VERBS = {"bear", "have", "carry", "shoulder"}  # "X bears full responsibility for Y"
REST_VERBS = {"lie", "rest", "fall"}  # "responsibility for Y lies with X"
PLACE_VERBS = {"place", "put", "lay", "pin"}  # "X placed the responsibility on Y"
WRONG_NOUNS = ["violation", "provocation", "breach"]
WRONG_VERBS = ["violate", "breach", "provoke"]
START_VERBS = ["initiate", "start", "instigate", "trigger"]
FIRE_NOUNS = {
    "fire",
    "firing",
    "shooting",
    "shelling",
    "hostility",
    "hostilities",
    "attack",
    "clash",
    "clashes",
    "escalation",
    "fighting",
    "exchange",
    "skirmish",
    "provocation",
}
"""What "X initiated / started ..." must be about to count as blame: a fight, not talks."""
NOT_DEEDS = SAYING_VERBS | set(ACCUSE_VERBS) | set(DENY_VERBS) | {"protest", "condemn", "report", "record"}
"""Verbs that talk about a wrong rather than commit it ("condemned the violations")."""
CLAUSE_PARTS = {"nsubj", "nsubjpass", "aux", "auxpass", "mark", "advcl", "ccomp", "conj", "cc", "punct"}
PROTEST_VERBS = {"lodge", "register", "file", "launch", "issue", "deliver", "express", "send"}


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
            "RESPONSIBLE", [[{"LEMMA": "responsibility", "POS": "NOUN"}], [{"LOWER": "responsible"}]]
        )
        self.matcher.add(
            "WRONGDOING",
            [
                [{"LEMMA": {"IN": WRONG_NOUNS}, "POS": "NOUN"}],
                [{"LEMMA": {"IN": WRONG_VERBS + START_VERBS}, "POS": "VERB"}],
                [{"LOWER": "unprovoked"}],
                [{"LEMMA": "open", "POS": "VERB"}, {"LOWER": "fire"}, {"LOWER": "first"}],
            ],
        )
        self.matcher.add("PROTEST", [[{"LEMMA": "protest"}]])
        self.matcher.add("DIVIDE", [[{"LEMMA": {"IN": ["divide", "split", "partition"]}, "POS": "VERB"}]])
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
        self._place_names: dict[str, str] | None = None
        self.named_speakers: dict[str, str] = {}

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
        elif name == "RESPONSIBLE":
            self.responsibility(token, sent)
        elif name == "WRONGDOING":
            self.wrongdoing(token, sent)
        elif name == "PROTEST":
            self.protest(token, sent)
        elif name == "DIVIDE":
            self.divide(token, sent)
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
        if subject.pos_ == "PROPN":
            # "The Border Troops of X's committee said": a named unit of a party speaks for it, and
            # "the Border Troops" later in the article are the same unit.
            name = " ".join(t.lower_ for t in subject.children if t.dep_ == "compound" and t.i < subject.i)
            name = f"{name} {subject.lower_}".strip()
            for prep in subject.children:
                if party is None and prep.dep_ == "prep" and prep.lower_ == "of":
                    party = next((ctx.party_of(o) for o in prep.children if o.dep_ == "pobj"), None)
            if party is not None and ctx.label(party) in REPORTERS:
                self.named_speakers.setdefault(name, party)
            elif party is None:
                party = self.named_speakers.get(name)
        if party is None and subject.lower_ in ("it", "they"):
            # "X lodged a protest over the violations, which it said were ...": "it" is X.
            party = self.governing_subject(verb)
        if party is None and subject.lower_ in SPEAKER_NOUNS:
            party = self.last_speaker
        if party is not None and ctx.label(party) in REPORTERS:
            self.last_speaker = party
            return party
        return None

    def governing_subject(self, verb: Token) -> str | None:
        """The party that is subject of a clause above verb in its sentence ("X did A, which it said ...")."""
        head = verb
        for _ in range(6):
            if head.head is head:
                return None
            head = head.head
            for child in head.children:
                if child.dep_ == "nsubj":
                    party = self.ctx.party_of(child)
                    if party is not None and self.ctx.label(party) in REPORTERS:
                        return party
        return None

    def voice(self, verb: Token, sent: Span) -> str | None:
        """Who says the clause of verb: the speaker of a verb of saying above it, or "according to X"."""
        head = verb
        for _ in range(6):
            if head.head is head:
                break
            head = head.head
            if head.lemma_ in SAYING_VERBS and head.pos_ == "VERB":
                return self.speaker(head)
        for t in sent:
            if t.lower_ == "according" and t.i + 1 < sent.end and self.doc[t.i + 1].lower_ == "to":
                obj = next((c for c in self.doc[t.i + 1].children if c.dep_ == "pobj"), None)
                if obj is None:
                    return None
                party = self.ctx.party_of(obj)
                if party is None and (obj.lower_ in SPEAKER_NOUNS or obj.lemma_ in SPEAKER_NOUNS):
                    party = self.last_speaker
                return party if party is not None and self.ctx.label(party) in REPORTERS else None
        return None

    def doer(self, verb: Token) -> str | None:
        """The party that does what verb says: its subject (shared with a conjoined verb), or the agent."""
        for child in verb.children:
            if child.dep_ == "agent":
                return next((self.party(o) for o in child.children if o.dep_ == "pobj"), None)
        subject = _subject(verb)
        return self.party(subject) if subject is not None else None

    def report(self, verb: Token, speaker: str | None, sent: Span) -> None:
        """ "X said in a statement": X reported the events its sentence names."""
        if speaker is None:
            return
        speaker_tokens = {t.i for c in verb.children if c.dep_ == "nsubj" for t in c.subtree}
        seen: set[str] = set()
        # "Shelling kills two as Moscow claims a capture": a subordinate speech verb voices only its
        # own clause, not the one it hangs on.
        said = list(verb.subtree) if verb.dep_ in SUBORDINATE_DEPS else sent
        for t in said:
            key = self.event_at.get(t.i)
            if key and t.i not in speaker_tokens and key not in seen:
                seen.add(key)
                # The first to report an event is the source the article relies on; later voices
                # (the other side, officials commenting) are kept with less weight.
                reporters = self.reporters.setdefault(key, [])
                if speaker not in reporters:
                    reporters.append(speaker)
                confidence = 0.85 if reporters[0] == speaker else 0.7
                if any(w.lemma_ in CASUALTY_VERBS and w.pos_ == "VERB" for w in said):
                    # "The strikes killed 11, the ministry said": who gives the toll is its source.
                    confidence = 0.9
                self.ctx.relate("REPORTED", speaker, key, sent, "speech-verb", confidence)

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
        elif (
            verb.tag_ == "VBG"
            and verb.dep_ in ("advcl", "xcomp")
            and not any(c.dep_ == "nsubj" for c in verb.children)
        ):
            # "..., the statement said, accusing X of Y": the one whose clause it hangs on accuses.
            accuser = self.speaker(verb.head)
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
                        self.ctx.relate(
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
                if head.lemma_ in SAYING_VERBS:
                    accuser = self.speaker(head)
                    break
                if head.head is head:
                    break
                head = head.head
        if accuser is None or accused is None or ctx.state(accuser) == ctx.state(accused):
            return
        allegation = _text(allegation_tokens) or None
        self.ctx.relate(
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

    def blame(
        self, accuser: str | None, accused: str | None, verb: Token, sent: Span, rule: str, allegation: str
    ) -> None:
        """Record that accuser accuses accused, when both are known and of different sides."""
        ctx = self.ctx
        if accuser is None or accused is None or accuser == accused:
            return
        if ctx.state(accuser) is not None and ctx.state(accuser) == ctx.state(accused):
            return
        if ctx.label(accused) not in ("State", "ArmedForce", "Ministry"):
            return
        self.ctx.relate(
            "ACCUSES",
            accuser,
            accused,
            sent,
            rule,
            0.75,
            disc=normalise_name(allegation) if allegation else "",
            allegation=allegation or None,
            date=self.statement_date(verb, sent),
        )

    def responsibility(self, word: Token, sent: Span) -> None:
        """ "X bears full responsibility for Y", "responsibility for Y lies with X", "X is responsible for
        Y", "Z holds X responsible": the one who says so accuses X of Y."""
        head = word.head
        accused_token = None
        accuser = None
        if word.lemma_ == "responsibility":
            if any(c.lower_ in ("no", "any") for c in word.children):
                return
            if word.dep_ == "dobj" and head.lemma_ in BEAR_VERBS:
                accused_token = _subject(head)
            elif word.dep_ == "nsubj" and head.lemma_ in REST_VERBS:
                accused_token = _prep_object(head, ("with", "on", "upon"))
            elif word.dep_ == "dobj" and head.lemma_ in PLACE_VERBS:
                accused_token = _prep_object(head, ("on", "upon")) or _prep_object(word, ("on", "upon"))
                subject = _subject(head)
                accuser = self.ctx.party_of(subject) if subject is not None else None
            else:
                return
        elif word.dep_ == "acomp" and head.lemma_ == "be":
            accused_token = _subject(head)
        elif head.lemma_ == "hold":
            accused_token = next((c for c in head.children if c.dep_ == "dobj"), None)
            subject = _subject(head)
            accuser = self.ctx.party_of(subject) if subject is not None else None
        else:
            return
        if accused_token is None or _negated(head):
            return
        accused = self.party(accused_token)
        accuser = accuser or self.voice(head, sent)
        cause = _prep_object(word, ("for",))
        allegation = _text(list(cause.subtree)) if cause is not None else ""
        self.blame(accuser, accused, head, sent, "responsibility-for", allegation)

    def wrongdoing(self, token: Token, sent: Span) -> None:
        """ "X carried out ceasefire violations", "X violated the truce", "X initiated the firing", "X opened
        fire first", "an unprovoked attack by X", said by Y: Y accuses X."""
        if token.pos_ == "VERB":
            verb = token
            if token.lemma_ in START_VERBS:
                objects = [c for c in verb.children if c.dep_ == "dobj"]
                if not any(o.lemma_ in FIRE_NOUNS or o.lower_ in FIRE_NOUNS for o in objects):
                    return
        else:
            noun = token.head if token.lower_ == "unprovoked" else token
            if noun.dep_ == "dobj":
                verb = noun.head
            elif noun.dep_ == "pobj" and noun.head.lower_ in ("to", "in") and noun.head.head.pos_ == "VERB":
                verb = noun.head.head  # "resorted to unprovoked firing", "engaged in provocations"
            else:
                return
        if (
            verb.pos_ != "VERB"
            or _negated(verb)
            or verb.lemma_ in SAYING_VERBS
            or verb.lemma_ in ACCUSE_VERBS
        ):
            return
        if verb.lemma_ in DENY_VERBS or verb.lemma_ in ("protest", "condemn", "report", "record"):
            return
        accused = self.doer(verb)
        accuser = self.voice(verb, sent)
        self.blame(accuser, accused, verb, sent, "voiced-wrongdoing", _text(_predicate(verb)))

    def protest(self, token: Token, sent: Span) -> None:
        """ "X summoned the Indian envoy and lodged a strong protest over the violations": X accuses India."""
        ctx = self.ctx
        if token.pos_ == "VERB":
            verb = token
        elif token.dep_ == "dobj" and token.head.lemma_ in PROTEST_VERBS:
            verb = token.head
        else:
            return
        subject = _subject(verb)
        if subject is None:
            return
        protester = ctx.party_of(subject) or (self.last_speaker if subject.lower_ in SPEAKER_NOUNS else None)
        if protester is None or ctx.label(protester) not in ("State", "Ministry", "Person", "Organization"):
            return
        cause = _prep_object(token, ("over", "against", "about", "at")) or _prep_object(
            verb, ("over", "against", "about", "at")
        )
        # Whom the protest is against: a party named in what it is about, else one named in the same
        # sentence ("summoned the Indian envoy"), never the protester's own side or a body it went to.
        candidates = list(cause.subtree) if cause is not None else []
        skip = {t.i for t in subject.subtree}
        for prep in (c for c in token.children if c.dep_ == "prep" and c.lower_ in ("with", "to")):
            skip.update(t.i for t in prep.subtree)
        candidates += [t for t in sent if t.i not in skip]
        own = ctx.state(protester)
        accused = None
        for t in candidates:
            key = ctx.key_at(t)
            if key is None or ctx.label(key) not in ("State", "ArmedForce", "Ministry"):
                continue
            if key == protester or (own is not None and ctx.state(key) == own):
                continue
            accused = ctx.state(key) or key
            break
        allegation = _text(list(cause.subtree)) if cause is not None else ""
        self.blame(protester, accused, verb, sent, "protest-over", allegation)

    def statement_date(self, verb: Token, sent: Span) -> str | None:
        """When something was said: a date on the verb, else the publication date."""
        for ent in sent.ents:
            governor = governing_verb(ent.root) if ent.label_ == "DATE" else None
            if governor is not None and governor.i == verb.i:
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
        claim_noun = next((c for c in verb.children if c.dep_ == "dobj"), None)
        if claim_noun is None and verb.dep_ == "relcl":
            claim_noun = verb.head  # "a move most states reject": what is rejected is the move
        target = None
        if claim_noun is not None and claim_noun.lemma_ in CLAIM_NOUNS:
            # "rejected the Pakistani allegation", "dismissed the Armenian statement": whose words.
            author = ctx.party_of(claim_noun)
            if author is not None and author != denier and ctx.state(author) != ctx.state(denier):
                target = ctx.state(author) or author
        if target is None:
            target = next((self.event_at[t.i] for t in claim_tokens if t.i in self.event_at), None)
        if target is None and claim_noun is not None and claim_noun.lemma_ not in CLAIM_NOUNS:
            return  # "rejected the move", "denied access": not a denial of what someone said
        if target is None:
            state = ctx.state(denier)
            accusers = [
                r["source"]
                for r in ctx.relations
                if r["type"] == "ACCUSES" and ctx.state(r["target"]) == state
            ]
            target = ctx.state(accusers[-1]) or accusers[-1] if accusers else None
        if target is None and self.last_speaker and ctx.state(self.last_speaker) != ctx.state(denier):
            # "X said Y's forces had shelled Z. Y dismissed the claim": Y denies the event X reported,
            # else what X said.
            reported = [key for key, who in self.reporters.items() if who and who[0] == self.last_speaker]
            target = reported[-1] if reported else ctx.state(self.last_speaker) or self.last_speaker
        if target is None:
            attacks = [
                t["key"]
                for t in self.doc._.kg_triggers or ()
                if str(t["key"]).startswith("event:attack") and t["i"] < verb.i
            ]
            target = attacks[-1] if attacks else None
        if target is None:
            return
        claim = _text(claim_tokens) or None
        self.ctx.relate(
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
                places += ctx.places_in(list(child.subtree)) or [p for p in [self.place_named(child)] if p]
        described = verb.head
        if verb.dep_ in ("acl", "relcl") and not ctx.key_at(described) and described.dep_ == "appos":
            # "the Shebaa Farms, a strip of land occupied by X": the place the apposition describes
            described = described.head
        if verb.dep_ in ("acl", "relcl") and ctx.key_at(described):
            # "the occupied Karabakh region", "the region, which was occupied by X from 1993"
            places.append(ctx.key_at(described))  # type: ignore[arg-type]
        places = [p for p in places if ctx.label(p) in PLACE_LABELS]
        if occupier is None and verb.dep_ == "conj" and not any(c.dep_ == "nsubj" for c in verb.children):
            occupier = self.doer(verb)
        if occupier is None or not places:
            return
        since = self.since(verb, sent)
        for place in places:
            self.ctx.relate("OCCUPIED", occupier, place, sent, "occupied", 0.85, since=since, disc="")

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
        if verb.lemma_ in CONTROL_VERBS and not any(c.lower_ == "control" for c in verb.children):
            return
        if verb.lemma_ == "occupy" or _negated(verb):
            return  # occupation is OCCUPIED, read by its own rule
        capturer = self.doer(verb)  # "X recaptured Y", "Y was liberated by X", "X advanced and took Y"
        if capturer is None:
            return
        objects = [c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")]
        if verb.lemma_ in CONTROL_VERBS:
            objects = [c for c in verb.children if c.lower_ == "control"]
        places = [p for o in objects for p in ctx.places_in(list(o.subtree))]
        if not places:
            places = [p for p in (self.place_named(o) for o in objects) if p]
        if not places and verb.dep_ in ("acl", "relcl") and ctx.key_at(verb.head):
            places = [ctx.key_at(verb.head)]  # type: ignore[list-item]  # "the village, recaptured by X"
        date = None
        if verb.dep_ == "relcl":
            conflict = ctx.key_at(verb.head)
            if conflict and ctx.label(conflict) == "Conflict":
                date = (ctx.entities[conflict].get("start") or "")[:4] or None
        date = date or self.since(verb, sent)
        for place in places:
            if place and ctx.label(place) in PLACE_LABELS:
                self.ctx.relate("CAPTURED", capturer, place, sent, f"{verb.lemma_}-place", 0.8, date=date)

    def place_named(self, token: Token) -> str | None:
        """The place a bare proper name stands for when the document named that place before
        ("the village of Robotyne ... Ukrainian forces recaptured Robotyne")."""
        if token.pos_ != "PROPN" or self.ctx.key_at(token) is not None:
            return None
        if self._place_names is None:
            self._place_names = {}
            for key, entity in self.ctx.entities.items():
                if entity["label"] in PLACE_LABELS:
                    for name in (entity["name"], *entity.get("aliases", ())):
                        self._place_names.setdefault(normalise_name(name), key)
        words = [c for c in token.lefts if c.dep_ == "compound" and c.pos_ == "PROPN"] + [token]
        return self._place_names.get(normalise_name(" ".join(w.text for w in words)))

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
            self.ctx.relate("RECOGNISED_AS_PART_OF", place, state, sent, "recognised-as-part-of", 0.85)

    def divide(self, verb: Token, sent: Span) -> None:
        """ "the disputed Kashmir region, divided between India and Pakistan", "the line that divides the
        region between them" -> the region is LOCATED_IN each state that holds a part of it."""
        ctx = self.ctx
        nouns = [c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")]
        between = _prep_object(verb, ("between",))
        if between is None:
            between = next((o for n in nouns for o in [_prep_object(n, ("between",))] if o is not None), None)
        if between is None:
            return
        places = [p for n in nouns for p in ctx.places_in(list(n.subtree))]
        relative = any(n.tag_ in ("WDT", "WP") for n in nouns)  # "the region, which X divides between"
        if not places and (verb.dep_ == "acl" or relative) and ctx.key_at(verb.head):
            places = [ctx.key_at(verb.head)]  # type: ignore[list-item]
        places = [p for p in places if ctx.label(p) in ("Territory", "Region")]
        if not places:
            return
        if between.lower_ in ("them", "both"):
            # "between them": the two states the document is about.
            counts: dict[str, int] = {}
            for mention in self.doc._.kg_mentions or ():
                state = ctx.state(mention["key"])
                if state and ctx.entities[state].get("status") != "historical":
                    counts[state] = counts.get(state, 0) + 1
            holders = sorted(counts, key=lambda k: -counts[k])[:2]
        else:
            holders = [h for h in (ctx.state(ctx.party_of(t)) for t in [between, *between.conjuncts]) if h]
        if len(set(holders)) < 2:
            return
        for place in places:
            for holder in dict.fromkeys(holders):
                if ctx.place_state(place) not in (None, holder) and not ctx.label(place) == "Territory":
                    continue
                self.ctx.relate("LOCATED_IN", place, holder, sent, "divided-between", 0.6)

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
                self.ctx.relate("FORMERLY_PART_OF", member, historical, sent, "former-republic", 0.7)


def _subject(verb: Token) -> Token | None:
    """The subject of verb, or of the verb it is conjoined to ("X said ... and accused Y")."""
    subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None and verb.dep_ == "conj":
        subject = next((c for c in verb.head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    return subject


def _prep_object(token: Token, preps: tuple[str, ...]) -> Token | None:
    """The object of the first of token's prepositions in preps ("lies with X" -> X)."""
    for child in token.children:
        if child.dep_ in ("prep", "agent") and child.lower_ in preps:
            obj = next((o for o in child.children if o.dep_ in ("pobj", "pcomp")), None)
            if obj is not None:
                return obj
    return None


def _negated(verb: Token) -> bool:
    """Whether verb is negated ("did not open fire first", "is not responsible")."""
    return any(c.dep_ == "neg" or c.lower_ in ("never", "no") for c in verb.children)


def _predicate(verb: Token) -> list[Token]:
    """Verb and its object phrases, without subject, auxiliaries and attached clauses."""
    dropped: set[int] = set()
    for child in verb.children:
        if child.dep_ in (
            "nsubj",
            "nsubjpass",
            "aux",
            "auxpass",
            "mark",
            "advcl",
            "ccomp",
            "conj",
            "cc",
            "punct",
        ):
            dropped.update(t.i for t in child.subtree)
    for t in verb.subtree:
        if t.dep_ in ("relcl", "advcl") and t is not verb and t.i not in dropped:
            dropped.update(d.i for d in t.subtree)
    words = [t for t in verb.subtree if t.i not in dropped]
    # "... the sectors, where ...": no dangling punctuation before a dropped clause.
    while words and words[-1].is_punct:
        words.pop()
    return words


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


@Language.factory("kg_legacy_relations")
def make_relations(nlp: Language, name: str) -> RelationRecognizer:
    """Factory: accusations, denials, reports, occupations, captures, territorial status."""
    return RelationRecognizer(nlp)


__all__ = ["PARTY_LABELS", "RelationRecognizer", "make_relations"]
