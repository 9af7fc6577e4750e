"""Statements: every frame match of a statement family (accusation, denial, report, capture,
occupation, containment, representation) becomes a relation between the parties and places its
roles name, as roles.toml maps them.

What is not a pattern stays here: a role no frame filled is filled by reference where roles.toml
says so (the accuser of "X violated the truce" is who says it); nobody accuses their own side;
"accused each other" goes both ways; a denial denies the event, the words or the accusation it
answers; a report covers the events of the clause it governs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from kg.components import register_extensions
from kg.components.events import mention_key
from kg.components.frames import FrameMatch
from kg.components.reading import (
    Reader,
    clause_words,
    governing_verb,
    phrase_text,
    predicate_words,
    sentence_entities,
    subject_of,
)
from kg.components.records import DocGraph, EventMention
from kg.components.roles import fill_properties, fill_roles
from kg.dates import resolve_date
from kg.names import normalise_name
from kg.rules import Family, Rules, load_rules

ACCUSED_LABELS = frozenset({"State", "ArmedForce", "Ministry", "Organization"})
SUBORDINATE_DEPS = frozenset({"advcl", "relcl", "acl", "xcomp", "pcomp", "amod", "prep", "pobj"})


class StatementReader:
    """The statements of one Doc, read from its frame matches in text order."""

    def __init__(self, doc: Doc, rules: Rules) -> None:
        self.doc = doc
        self.rules = rules
        self.lex = rules.lexicon
        self.reader = Reader(doc)
        self.graph: DocGraph = doc._.kg
        self.events = {m.trigger: m for m in self.graph.events}
        self.readers: dict[str, Callable[[FrameMatch, Family], None]] = {
            "report": self.report,
            "denial": self.denial,
            "recognition": self.recognition,
            "division": self.division,
            "former": self.former,
            "protest": self.protest,
            "labelling": self.labelling,
        }
        self.unnamed_occupations: list[tuple[FrameMatch, list[str]]] = []

    def read(self) -> None:
        """Read every statement frame match, in text order (reference follows the speakers)."""
        for match in self.doc._.kg_frames or ():
            family = self.rules.families[match.family]
            if family.event is None:
                self.readers.get(family.name, self.relation)(match, family)
        self.implied_occupations()
        for mention in self.graph.events:
            for reporter in mention.props.get("reporters", ()):
                trigger = self.doc[mention.trigger]
                self.attack_on_own_side(reporter, mention, governing_or_self(trigger))

    # --- the generic statement ------------------------------------------------------------------

    def relation(self, match: FrameMatch, family: Family) -> None:
        """One relation from each party of the source role to each of the target role."""
        outputs = fill_roles(match, family, self.reader)
        trigger = self.doc[match.trigger]
        sources = self.keys(outputs.get(str(family.source), []))
        implicit = family.implicit.get(str(family.source))
        own_side = implicit == "own_side" and self.lex.has("liberate_verb", trigger)
        if not sources and implicit == "voice" and trigger.pos_ == "VERB":
            sources = self.speaking_source(match, family, trigger)
        if not sources and (implicit == "voice" or own_side):
            voice = self.reader.voice(trigger)
            side = self.reader.side(voice) if own_side else voice
            sources = [side] if side else []
        targets = self.keys(outputs.get(str(family.target), []))
        if family.relation in ("CAPTURED", "OCCUPIED"):
            targets = self.without_apposed_containers(match, family, targets)
        if family.relation == "OCCUPIED" and trigger.dep_ in ("amod", "acl", "relcl"):
            # "the district, occupied since August 2008": the district, not August
            inside = self.reader.places(list(trigger.subtree))
            targets = [t for t in targets if t not in inside]
        if not targets and family.relation in ("CAPTURED", "OCCUPIED"):
            described = [self.described_place(self.doc[i]) for i in match.role(str(family.target))]
            targets = [d for d in described if d]  # "Kalbajar, a district occupied by ..."
        if not sources and implicit == "named_occupier" and not match.role(str(family.source)):
            sources = self.acting_subject(trigger)
            if not sources:
                self.unnamed_occupations.append((match, targets))  # who occupies: read at the end
                return
        if family.relation == "REPRESENTS":
            targets = [t for t in targets if not self.owned_by_another_state(match, family, t)]
        props = fill_properties(match, family, self.reader)
        if family.relation == "ACCUSES":
            self.accusations(match, trigger, sources, targets, props)
            return
        for source in sources:
            for target in targets:
                if source != target and self.allowed(str(family.relation), source, target):
                    self.relate(str(family.relation), source, target, match, props)

    def speaking_source(self, match: FrameMatch, family: Family, trigger: Token) -> list[str]:
        """'He also accused X of Y': a subject 'he' / 'she' of the trigger is the person named last."""
        token = match.first(str(family.source))
        if token is None or not self.lex.has("person_pronoun", self.doc[token]):
            return []
        if self.doc[token].dep_ != "nsubj" or self.doc[token].head.i != trigger.i:
            return []
        person = self.reader.previous_person(self.doc[token])
        return [person] if person else []

    def owned_by_another_state(self, match: FrameMatch, family: Family, target: str) -> bool:
        """'secretary of Armenia's Security Council' read as another body of that name: the phrase's
        owner is a state the body does not belong to."""
        for i in match.role(str(family.target)):
            for child in self.doc[i].children:
                owner = self.reader.key_at(child) if child.dep_ in ("poss", "amod", "compound") else None
                if self.graph.label(owner) == "State" and self.reader.state(target) != owner:
                    return True
        return False

    def without_apposed_containers(self, match: FrameMatch, family: Family, targets: list[str]) -> list[str]:
        """'took Lalibela town, North Wollo zone, Amhara region': the town, not the zone and region
        apposed to it to say where it lies (kept when the head itself names no place)."""
        apposed: set[str] = set()
        for i in match.role(str(family.target)):
            head = self.doc[i]
            appositions = [c for c in head.children if c.dep_ == "appos"]
            if not appositions:
                continue
            inside = {t.i for a in appositions for t in a.subtree}
            if self.reader.places([t for t in clause_words(head) if t.i not in inside]):
                apposed |= set(self.reader.places([t for a in appositions for t in a.subtree]))
        return [t for t in targets if t not in apposed]

    def acting_subject(self, trigger: Token) -> list[str]:
        """Who a subjectless occupying word is about: the subject of the clause a bare participle serves
        ('X chose to act, crossing the border and occupying Y'), or of the verb 'through the occupation
        of Y' is the means of."""
        head = trigger
        if trigger.pos_ == "NOUN":
            prep = trigger.head
            if trigger.dep_ != "pobj" or not self.lex.has("means_preposition", prep):
                return []
            head = prep.head
        else:
            for _ in range(4):
                if head.tag_ not in ("VBG", "VB") or head.dep_ not in ("conj", "advcl", "xcomp"):
                    break
                head = head.head
                if any(c.dep_ == "nsubj" for c in head.children):
                    break
        if head.i == trigger.i or head.pos_ not in ("VERB", "AUX"):
            return []
        subject = next((c for c in head.children if c.dep_ == "nsubj"), None)
        party = self.reader.party(subject) if subject is not None else None
        return [party] if party is not None else []

    def implied_occupations(self) -> None:
        """'the occupied X district': occupied by the one side the report names as occupier, if any."""
        if not self.unnamed_occupations:
            return
        occupiers = {self.reader.side(f.source) for f in self.graph.facts if f.type == "OCCUPIED"}
        for token in self.doc:
            if self.lex.has("occupation_noun", token):
                occupiers |= {self.reader.side(p) for p in self._occupation_parties(token)}
        occupiers.discard(None)
        if len(occupiers) != 1:
            return
        occupier = next(iter(occupiers))
        assert occupier is not None
        for match, targets in self.unnamed_occupations:
            for target in targets:
                if self.reader.place_state(target) != occupier and self.allowed("OCCUPIED", occupier, target):
                    self.relate("OCCUPIED", occupier, target, match, {})

    def _occupation_parties(self, word: Token) -> list[str]:
        """The parties an occupation word names: 'Russian occupation forces', 'Russia's occupation',
        'the occupying Russian troops'."""
        found = [self.reader.party(c) for c in word.children if c.dep_ in ("poss", "amod", "compound")]
        if word.dep_ in ("compound", "amod") and word.head.pos_ in ("NOUN", "PROPN"):
            found.append(self.reader.party(word.head))
        return [p for p in found if p is not None and self.graph.label(p) in ("State", "ArmedForce")]

    def keys(self, values: list[Any]) -> list[str]:
        """Entity keys among a role's values (event mentions given by their placeholder key)."""
        return [v for v in values if isinstance(v, str)]

    def allowed(self, rtype: str, source: str, target: str) -> bool:
        """Whether a relation's ends have the labels the ontology gives it."""
        label_s, label_t = self.graph.label(source), self.graph.label(target)
        if rtype in ("CAPTURED", "OCCUPIED"):
            held = self.reader.is_place(target) or self.reader.is_de_facto_state(target)
            return label_s in ("State", "ArmedForce") and held and self.reader.state(source) != target
        if rtype == "LOCATED_IN":
            return self.reader.is_place(source) and (self.reader.is_place(target) or label_t == "State")
        if rtype == "REPRESENTS":
            return label_s == "Person" and label_t in ("State", "Ministry", "ArmedForce", "Organization")
        return label_s is not None and label_t is not None

    def relate(self, rtype: str, source: str, target: str, match: FrameMatch, props: dict[str, Any]) -> None:
        """Record the relation with the sentence of the trigger and the best frame's id."""
        sent = self.doc[match.trigger].sent
        rule = match.frames[0] if match.frames else rtype.lower()
        attrs = dict(props)
        if rtype == "CAPTURED":
            attrs = {"date": self.year(match.trigger)}
        elif rtype == "OCCUPIED":
            attrs = {"since": self.year(match.trigger), "disc": ""}
        elif rtype == "REPRESENTS":
            attrs = {"title": props.get("title")}
        self.graph.relate(rtype, source, target, sent, rule, match.confidence, **attrs)

    def year(self, trigger: int) -> str | None:
        """When a state of affairs began: 'since 1991, when X occupied', 'occupied ... in 1993'."""
        verb = self.doc[trigger]
        if verb.dep_ == "relcl" and any(c.lower_ == "when" for c in verb.children):
            resolved = resolve_date(verb.head.text, None)
            if resolved:
                return resolved.start
        for ent in sentence_entities(verb.sent):
            if ent.label_ == "DATE" and any(a.i == verb.i for a in ent.root.ancestors):
                resolved = resolve_date(ent.text, self.reader.published)
                if resolved:
                    return resolved.start
        if verb.pos_ not in ("VERB", "AUX"):
            return self._since_on_verb(verb)
        return None

    def _since_on_verb(self, word: Token) -> str | None:
        """'Y has been under X's control since 2014': the since-date on the verb a phrase hangs on."""
        verb = governing_verb(word)
        for child in verb.children if verb is not None else ():
            if child.dep_ == "prep" and child.lower_ == "since":
                resolved = resolve_date(phrase_text(list(child.subtree)[1:]), self.reader.published)
                if resolved:
                    return resolved.start
        return None

    # --- accusations -------------------------------------------------------------------------------

    def accusations(
        self,
        match: FrameMatch,
        trigger: Token,
        accusers: list[str],
        accused: list[str],
        props: dict[str, Any],
    ) -> None:
        """'X accused Y of Z'; 'X and Y accused each other'; never one's own side."""
        allegation = props.get("allegation")
        date = self.reader.statement_date(governing_or_self(trigger))
        if any(self.lex.has("reciprocal_word", self.doc[i]) for i in match.role("accused")):
            accused = accusers
        if accused and all(self.reader.side(a) in {self.reader.side(t) for t in accused} for a in accusers):
            voice = self.reader.voice(trigger)  # "X said Y's forces moved and accused Y": X accuses
            accusers = [voice] if voice else accusers
        for accuser in accusers:
            for target in accused:
                same_side = self.reader.side(accuser) == self.reader.side(target)
                if same_side or self.graph.label(target) not in ACCUSED_LABELS:
                    continue
                accused_key = (
                    (self.reader.side(target) or target) if self.graph.label(target) == "Ministry" else target
                )
                self.graph.relate(
                    "ACCUSES",
                    accuser,
                    accused_key,
                    trigger.sent,
                    match.frames[0],
                    match.confidence,
                    allegation=allegation,
                    date=date,
                    disc=normalise_name(allegation) if allegation else "",
                )
                self.reader.last_speaker = accuser

    # --- reports and denials -----------------------------------------------------------------------

    def report(self, match: FrameMatch, family: Family) -> None:
        """'X said ...': X reported the events of the clause it governs."""
        trigger = self.doc[match.trigger]
        speaker_tokens = [self.doc[i] for i in match.role("speaker")]
        speaker = None
        if trigger.lower_ == "according":
            speaker = next((s for s in (self.reader.party(t) for t in speaker_tokens) if s), None)
        else:
            speaker = self.reader.speaker(trigger)
        if speaker is None:
            return
        skip = {t.i for s in speaker_tokens for t in s.subtree}
        words: list[Token] | Span = (
            list(trigger.subtree) if trigger.dep_ in SUBORDINATE_DEPS else trigger.sent
        )
        if trigger.lower_ == "according":
            words = trigger.sent
        for t in words:
            mention = self.events.get(t.i)
            if mention is not None and t.i not in skip:
                self.graph.relate("REPORTED", speaker, mention_key(t.i), trigger.sent, match.frames[0], 0.8)
                self.attack_on_own_side(speaker, mention, trigger)

    def attack_on_own_side(self, speaker: str, mention: EventMention, said: Token) -> None:
        """'X said Y's forces shelled X's villages': a side that reports the other side's attack on
        itself accuses it of what the clause says (not a neutral reporter, not its own side's fire)."""
        own = self.reader.side(speaker)
        if mention.kind != "Attack" or own is None:
            return
        hit = {self.reader.side(k) for k in mention.roles.get("TARGET", [])}
        hit |= {self.reader.place_state(k) for k in mention.roles.get("LOCATION", [])}
        if own not in hit:
            return
        verb = self.doc[mention.trigger]
        words = predicate_words(verb) if verb.pos_ == "VERB" else clause_words(verb)
        allegation = phrase_text(undated(words)) or None
        for attacker in dict.fromkeys(mention.roles.get("ATTACKER", [])):
            if self.reader.side(attacker) in (None, own) or self.graph.label(attacker) not in ACCUSED_LABELS:
                continue
            accused = self.reader.side(attacker) if self.graph.label(attacker) == "Ministry" else attacker
            self.graph.relate(
                "ACCUSES",
                speaker,
                str(accused),
                said.sent,
                "report.attack-on-own-side",
                0.65,
                allegation=allegation,
                date=self.reader.statement_date(said),
                disc=normalise_name(allegation) if allegation else "",
            )

    def denial(self, match: FrameMatch, family: Family) -> None:
        """'The ministry denied the claims': the event, the words or the accusation it answers."""
        trigger = self.doc[match.trigger]
        denier_token = match.first("denier")
        denier = self.reader.party(self.doc[denier_token]) if denier_token is not None else None
        if (
            denier is None
            and denier_token is not None
            and self.lex.has("speaker_word", self.doc[denier_token])
        ):
            denier = self.reader.last_speaker
        if denier is None:
            return
        denied = [self.doc[i] for i in match.role("denied")]
        target = self.denied_target(trigger, denier, denied)
        if target is None:
            return
        claim = phrase_text([t for d in denied for t in clause_words(d)]) or None
        self.graph.relate(
            "DENIES",
            denier,
            target,
            trigger.sent,
            match.frames[0],
            match.confidence,
            claim=claim,
            disc=normalise_name(claim) if claim else "",
        )
        self.reader.last_speaker = denier

    def denied_target(self, trigger: Token, denier: str, denied: list[Token]) -> str | None:
        """What a denial is about: whose words ('the Armenian claims'), the event it names, else the
        party that accused the denier's side, else the latest attack told before."""
        side = self.reader.side(denier)
        for noun in denied:
            if self.lex.has("claim_noun", noun):
                author = self.reader.party(noun)
                if author is not None and self.reader.side(author) != side:
                    return self.reader.side(author)
            for t in noun.subtree:
                if t.i in self.events:
                    return mention_key(t.i)
            if self.lex.has("attack_noun", noun) or self.lex.has("clash_noun", noun):
                told = [m for i, m in self.events.items() if i < noun.i and m.kind in ("Attack", "Clash")]
                return mention_key(told[-1].trigger) if told else None  # "denied the attack"
            if not self.lex.has("claim_noun", noun) and noun.dep_ == "dobj":
                return None  # "rejected the move", "denied access": not a denial of what someone said
        accusers = [
            f.source for f in self.graph.facts if f.type == "ACCUSES" and self.reader.side(f.target) == side
        ]
        if accusers:
            return self.reader.side(accusers[-1])
        speaker = self.reader.last_speaker
        if speaker is not None and self.reader.side(speaker) != side:
            reported = [f.target for f in self.graph.facts if f.type == "REPORTED" and f.source == speaker]
            return reported[-1] if reported else self.reader.side(speaker)
        attacks = [m for i, m in self.events.items() if i < trigger.i and m.kind == "Attack"]
        return mention_key(attacks[-1].trigger) if attacks else None

    # --- where places belong ------------------------------------------------------------------------

    def described_place(self, token: Token) -> str | None:
        """The place a participle or clause describes ('a territory internationally recognised as ...')."""
        current = token
        for _ in range(6):
            key = self.reader.key_at(current)
            if self.reader.is_place(key):
                return key
            if current.dep_ == "appos" or current.head.i == current.i:
                current = current.head if current.dep_ == "appos" else current
                key = self.reader.key_at(current)
                if self.reader.is_place(key):
                    return key
            if current.head.i == current.i:
                return None
            current = current.head
        return None

    def recognition(self, match: FrameMatch, family: Family) -> None:
        """'X, a territory internationally recognised as part of Y'."""
        trigger = self.doc[match.trigger]
        state = next((self.reader.state(self.reader.party(self.doc[i])) for i in match.role("state")), None)
        place = self.described_place(trigger)
        if place is None:
            subject = subject_of(trigger)
            place = self.reader.key_at(subject) if subject is not None else None
        if state and place and self.reader.is_place(place):
            self.graph.relate(
                "RECOGNISED_AS_PART_OF", place, state, trigger.sent, match.frames[0], match.confidence
            )

    def division(self, match: FrameMatch, family: Family) -> None:
        """A region divided between states lies in each ('between them': the two states of the story)."""
        trigger = self.doc[match.trigger]
        places = [p for i in match.role("place") for p in self.reader.places_under(self.doc[i])]
        if not places:
            described = self.described_place(trigger)
            places = [described] if described else []
        places = [p for p in places if self.graph.label(p) in ("Territory", "Region")]
        holders = list(
            dict.fromkeys(
                s
                for i in match.role("holder")
                for s in (self.reader.state(k) for k in self._named_parties(self.doc[i]))
                if s
            )
        )
        if len(holders) < 2:
            holders = self.document_states(2)
        if len(holders) < 2:
            return
        for place in places:
            for holder in holders:
                if self.graph.label(place) != "Territory" and self.reader.place_state(place) not in (
                    None,
                    holder,
                ):
                    continue
                self.graph.relate(
                    "LOCATED_IN", place, holder, trigger.sent, match.frames[0], match.confidence
                )

    def _named_parties(self, token: Token) -> list[str]:
        """Parties a phrase names itself (no pronoun resolution: 'between them' names nobody)."""
        if self.lex.has("party_pronoun", token):
            return []
        return self.reader.parties(token)

    def document_states(self, number: int) -> list[str]:
        """The states a document is most about (by mentions), historical states aside."""
        counts: dict[str, int] = {}
        for mention in self.graph.mentions:
            state = self.reader.state(mention.key)
            record = self.graph.entities.get(state) if state else None
            if state and record is not None and record.props.get("status") != "historical":
                counts[state] = counts.get(state, 0) + 1
        return sorted(counts, key=lambda k: -counts[k])[:number]

    def former(self, match: FrameMatch, family: Family) -> None:
        """'the two former Soviet republics', 'Armenia, a former Soviet republic'."""
        noun = self.doc[match.trigger]
        historical = next(
            (self.reader.state(self.reader.party(self.doc[i])) for i in match.role("former")), None
        )
        if historical is None:
            return
        members: list[str] = []
        if noun.tag_ == "NNS":
            number = 2 if any(self.lex.has("pair_word", t) for t in noun.children) else 0
            members = [s for s in self.document_states(number + 1) if s != historical][:number]
        elif noun.dep_ == "appos":
            members = [s for s in [self.reader.state(self.reader.party(noun.head))] if s]
            members += [
                s for s in (self.reader.state(self.reader.party(c)) for c in noun.head.conjuncts) if s
            ]
        elif noun.dep_ == "attr":
            subject = subject_of(noun.head)
            members = (
                [s for s in [self.reader.state(self.reader.party(subject))] if s]
                if subject is not None
                else []
            )
        for member in dict.fromkeys(members):
            if member != historical:
                self.graph.relate(
                    "FORMERLY_PART_OF", member, historical, noun.sent, match.frames[0], match.confidence
                )

    def protest(self, match: FrameMatch, family: Family) -> None:
        """'X summoned the Indian envoy and lodged a protest over the violations': X accuses India (a party
        named in what the protest is over, else in the sentence; never X's side or whom it went to)."""
        trigger = self.doc[match.trigger]
        protester_token = match.first("protester")
        if protester_token is None:
            return
        subject = self.doc[protester_token]
        protester = self.reader.party(subject) or (
            self.reader.last_speaker if self.lex.has("speaker_word", subject) else None
        )
        if protester is None or self.graph.label(protester) not in (
            "State",
            "Ministry",
            "Person",
            "Organization",
        ):
            return
        cause = [self.doc[i] for i in match.role("cause")]
        skip = {t.i for t in subject.subtree}
        candidates = [t for c in cause for t in c.subtree] + [t for t in trigger.sent if t.i not in skip]
        own = self.reader.side(protester)
        accused = None
        for t in candidates:
            key = self.reader.key_at(t)
            if self.graph.label(key) in ("State", "ArmedForce", "Ministry") and self.reader.side(key) != own:
                accused = self.reader.side(key)
                break
        if accused is None:
            return
        allegation = phrase_text([t for c in cause for t in c.subtree]) or None
        self.graph.relate(
            "ACCUSES",
            protester,
            accused,
            trigger.sent,
            match.frames[0],
            match.confidence,
            allegation=allegation,
            date=self.reader.statement_date(governing_or_self(trigger)),
            disc=normalise_name(allegation) if allegation else "",
        )

    def labelling(self, match: FrameMatch, family: Family) -> None:
        """'X condemned the strike as a breach of international law': X accuses whoever carried it out
        (the attacker of the event it names, the party the phrase names, else the other side named)."""
        trigger = self.doc[match.trigger]
        allegation_token = match.first("allegation")
        act_token = match.first("act")
        if allegation_token is None or act_token is None:
            return
        accusers = [k for i in match.role("accuser") for k in self.reader.parties(self.doc[i])]
        if not accusers:
            voice = self.reader.voice(trigger, set_in=True)
            accusers = [voice] if voice else []
        if not accusers:
            return
        act = self.doc[act_token]
        if self.lex.has("relative_pronoun", act) and trigger.dep_ == "relcl":
            act = trigger.head  # "an act that may amount to a war crime": the act
        accused = self.doer_of(act, self.reader.side(accusers[0]))
        if accused is None:
            return
        allegation = phrase_text(clause_words(self.doc[allegation_token])) or None
        self.accusations(match, trigger, accusers, [accused], {"allegation": allegation})

    def doer_of(self, act: Token, own: str | None) -> str | None:
        """Who did what a phrase names: the attacker of its event (or of the event 'it' points back to),
        the party the phrase names, else the other side the sentence names."""
        events = [self.events[t.i] for t in act.subtree if t.i in self.events]
        named = (
            self.lex.has("attack_noun", act)
            or self.lex.has("clash_noun", act)
            or self.lex.has("wrong_noun", act)
        )
        if not events and (self.lex.has("anaphor_pronoun", act) or named):
            events = [
                m for i, m in sorted(self.events.items()) if i < act.i and m.kind in ("Attack", "Clash")
            ][-1:]
        for mention in events:
            for key in mention.roles.get("ATTACKER", ()):
                if self.reader.side(key) != own:
                    return key
        party = self.reader.party(act) or self.clause_doer(act)
        if party is not None and self.reader.side(party) != own:
            return party
        for t in act.sent:
            key = self.reader.key_at(t)
            if self.graph.label(key) in ("State", "ArmedForce", "Ministry") and self.reader.side(key) != own:
                return self.reader.side(key)
        earlier = self.reader.previous_subject(act, exclude=own)
        return self.reader.side(earlier) if earlier else None

    def clause_doer(self, act: Token) -> str | None:
        """'the militia had aimed at civilians, an act that may amount to a war crime': an act apposed
        inside a clause is what the clause's subject did."""
        if act.dep_ != "appos" or self.lex.has("relative_pronoun", act):
            return None
        for head in list(act.ancestors)[:10]:
            subject = subject_of(head) if head.pos_ in ("VERB", "AUX") else None
            if subject is not None:
                return self.reader.party(subject)
        return None


def undated(words: list[Token]) -> list[Token]:
    """Words without their dates: 'during the night of 1 to 2 April', 'on 12 September', and a
    preposition the parser left without its object."""
    dropped: set[int] = set()
    for w in words:
        if w.dep_ in ("prep", "npadvmod") and w.i not in dropped:
            below = [t for t in w.subtree if t.i != w.i]
            if not below or any(t.ent_type_ in ("DATE", "TIME") for t in below):
                dropped.update(t.i for t in w.subtree)
        elif w.ent_type_ in ("DATE", "TIME"):
            dropped.add(w.i)
    return [w for w in words if w.i not in dropped]


def governing_or_self(token: Token) -> Token:
    """The verb a noun trigger hangs on, or the trigger itself when it is a verb."""
    if token.pos_ in ("VERB", "AUX"):
        return token
    for ancestor in token.ancestors:
        if ancestor.pos_ == "VERB":
            return ancestor
    return token


class StatementRecognizer:
    """Read the statements of each Doc from its frame matches."""

    def __init__(self, rules: Rules) -> None:
        register_extensions()
        self.rules = rules

    def __call__(self, doc: Doc) -> Doc:
        """Add the Doc's statements to its DocGraph."""
        StatementReader(doc, self.rules).read()
        return doc


@Language.factory("kg_statements", requires=["doc._.kg", "doc._.kg_frames"], assigns=["doc._.kg"])
def make_statements(nlp: Language, name: str) -> StatementRecognizer:
    """Factory: accusations, denials, reports, captures, occupations, containment, representation."""
    return StatementRecognizer(load_rules())
