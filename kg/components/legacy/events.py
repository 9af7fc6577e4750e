"""Events: attacks, clashes, ceasefires, agreements and meetings, with who, where, when and how.

Words that name events are found with a Matcher; the roles come from the parse around them:
the attacker is the subject of "fired"/"shelled" (or the agent of the passive, or whom "their
attacks" points back to); places under "from" are where fire came from (ORIGIN), other places the
clause names are what was hit (LOCATION); a force that "was in the direction of X" fired from X.
An article usually reports one attack per attacker, one clash, one truce: mentions of the same kind
(and attacker) in a document are one event, unless the text dates them to another year.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span, Token

from kg.components import register_extensions
from kg.components.legacy.context import PARTY_LABELS, SPEECH_VERBS, DocContext, governing_verb, number_of
from kg.dates import ResolvedDate, resolve_date, span_dates
from kg.resolve import event_key

ATTACK_VERBS = [
    "launch",
    "attack",
    "shell",
    "fire",
    "strike",
    "bombard",
    "target",
    "shoot",
    "raid",
    "assault",
    "hit",
]
ATTACK_NOUNS = [
    "attack",
    "firing",
    "shelling",
    "strike",
    "airstrike",
    "bombardment",
    "fire",
    "assault",
    "raid",
    "provocation",
]
CLASH_NOUNS = [
    "clash",
    "fighting",
    "skirmish",
    "hostility",
    "battle",
    "firefight",
    "shootout",
    "gunfight",
    "escalation",
    "flare",
    "violence",
]
CEASEFIRE_NOUNS = ["truce", "ceasefire", "armistice"]
AGREEMENT_NOUNS = ["deal", "agreement", "accord", "treaty"]
MEETING_NOUNS = ["talks", "talk", "meeting", "summit", "negotiation", "negotiations"]
MEETING_VERBS = ["host", "meet"]
WEAPON_NOUNS = [
    "weapon",
    "mortar",
    "artillery",
    "drone",
    "uav",
    "rocket",
    "missile",
    "grenade",
    "launcher",
    "rifle",
    "gun",
    "howitzer",
    "tank",
    "shell",
    "munition",
    "firearm",
]
CASUALTY_VERBS = ["kill", "wound", "injure", "die", "claim", "martyr", "leave"]
LEFT_STATES = {"dead": "killed", "wounded": "wounded", "injured": "wounded"}
""""left 50 people dead": the state the victims were left in -> the casualty field."""
PERSON_NOUNS = {
    "soldier",
    "soldiers",
    "personnel",
    "servicemen",
    "serviceman",
    "troops",
    "civilians",
    "civilian",
    "people",
    "guards",
    "guardsmen",
    "fighters",
    "militants",
    "residents",
    "servicemembers",
    "officers",
    "members",
    "others",
    "persons",
    "children",
    "women",
    # singular forms: "One border guard was killed"
    "guard",
    "guardsman",
    "fighter",
    "militant",
    "resident",
    "officer",
    "member",
    "person",
    "child",
    "woman",
    "man",
    "men",
    "worker",
    "workers",
}
FRAME_VERBS_EXCLUDED = {"say", "accuse", "blame", "deny", "report", "claim", "add", "state"}
WHEREABOUTS_NOUNS = {"direction", "area", "vicinity", "outskirts", "position", "side", "border"}
HIT_VERBS = {"strike", "hit", "target", "destroy", "attack", "shell", "bomb", "down", "intercept", "seize"}
REACTION_VERBS = {
    "inform",
    "notify",
    "condemn",
    "denounce",
    "investigate",
    "discuss",
    "protest",
    "respond",
    "retaliate",
    "repel",
    "repulse",
    "thwart",
    "foil",
    "prevent",
    "mourn",
    "criticise",
    "criticize",
}
"""Verbs whose subject reacts to an attack named as their object, not who carried it out."""
ABOUT_PREPOSITIONS = {"about", "over", "after", "following", "before", "despite", "regarding", "concerning"}
NOT_WHERE_HIT = {"along", "across", "over", "via"}
ROLE_PREPOSITIONS = {"from": "ORIGIN"}
ORIGIN_VERBS = {"be", "station", "position", "locate", "deploy", "base", "use", "launch", "fire"}
STATIONED_VERBS = {"station", "position", "locate", "deploy", "base", "entrench"}
MEDIATING_VERBS = ("broker", "mediate", "host", "facilitate", "sponsor")
FROM_ONLY = {"use", "launch", "fire"}
NO_EVENT_DEPS = {"compound"}


class EventRecognizer:
    """Find events and their roles; events become entities, roles become relations."""

    def __init__(self, nlp: Language) -> None:
        register_extensions()
        self.matcher = Matcher(nlp.vocab)
        self.matcher.add("Attack", [[{"LEMMA": {"IN": ATTACK_VERBS}, "POS": "VERB"}]])
        self.matcher.add("AttackNoun", [[{"LEMMA": {"IN": ATTACK_NOUNS}, "POS": {"IN": ["NOUN", "PROPN"]}}]])
        # "carried out ceasefire violations": firing across the line, by whoever carried them out
        self.matcher.add("Violation", [[{"LEMMA": {"IN": CEASEFIRE_NOUNS}}, {"LEMMA": "violation"}]])
        self.matcher.add(
            "Clash",
            [
                [{"LEMMA": {"IN": CLASH_NOUNS}, "POS": {"IN": ["NOUN", "VERB", "PROPN"]}}],
                [{"LOWER": "exchange"}, {"LOWER": "of"}, {"LOWER": "fire"}],
            ],
        )
        self.matcher.add(
            "Ceasefire",
            [[{"LEMMA": {"IN": CEASEFIRE_NOUNS}}], [{"LOWER": "cease"}, {"ORTH": "-"}, {"LOWER": "fire"}]],
        )
        self.matcher.add("Agreement", [[{"LEMMA": {"IN": AGREEMENT_NOUNS}, "POS": "NOUN"}]])
        self.matcher.add(
            "Meeting",
            [
                [{"LEMMA": {"IN": MEETING_NOUNS}, "POS": "NOUN"}],
                [{"LEMMA": {"IN": MEETING_VERBS}, "POS": "VERB"}],
            ],
        )
        self.matcher.add("Weapon", [[{"LEMMA": {"IN": WEAPON_NOUNS}, "POS": "NOUN"}]])
        self.matcher.add("Casualty", [[{"LEMMA": {"IN": CASUALTY_VERBS}, "POS": "VERB"}]])
        self.matcher.add("Origin", [[{"LEMMA": {"IN": sorted(ORIGIN_VERBS)}}]])

    def __call__(self, doc: Doc) -> Doc:
        """Add the document's events to doc._.kg_entities and their roles to doc._.kg_relations."""
        EventReader(self, doc).read()
        return doc


class EventReader:
    """The events of one document, read sentence by sentence in order."""

    def __init__(self, recognizer: EventRecognizer, doc: Doc) -> None:
        self.doc = doc
        self.ctx = DocContext(doc)
        self.matches = [(doc.vocab.strings[m], s, e) for m, s, e in recognizer.matcher(doc)]
        self.events: dict[tuple[str, str], str] = {}  # (kind, anchor) -> key
        self.counts: dict[str, int] = {}
        self.dates: dict[str, tuple[list[ResolvedDate], list[ResolvedDate]]] = {}
        self.fallback_dates: dict[str, list[ResolvedDate]] = {}
        self.dated_by_name: set[str] = set()
        self.triggers: list[dict[str, Any]] = []
        self.attack_verbs: set[int] = set()
        self.last_attacker: str | None = None
        self.last_attack: str | None = None
        self.last_of: dict[str, str] = {}  # kind -> last event key of that kind
        self.conflict_at: dict[int, str] = {}
        for mention in doc._.kg_mentions or ():
            if self.ctx.label(mention["key"]) == "Conflict":
                self.conflict_at[mention["start"]] = mention["key"]

    # --- bookkeeping -----------------------------------------------------------------------

    def event(self, kind: str, anchor: str, token: Token) -> str:
        """The key of the event of this kind and anchor, creating it on first mention."""
        key = self.events.get((kind, anchor))
        if key is None:
            self.counts[kind] = self.counts.get(kind, 0) + 1
            key = event_key(kind, self.doc._.kg_key or "doc", self.counts[kind])
            self.events[(kind, anchor)] = key
            summary = " ".join(token.sent.text.split())
            self.ctx.entities[key] = {
                "label": kind,
                "name": self._name(kind, token),
                "aliases": [],
                "summary": summary,
            }
            self.dates[key] = ([], [])
            if anchor.isdigit() and len(anchor) == 4:
                # "the 2003 ceasefire agreement": its own year, whatever else the sentence dates.
                self.dates[key][0].append(ResolvedDate(anchor, anchor, "year"))
                self.dated_by_name.add(key)
        self.triggers.append({"i": token.i, "key": key})
        self.last_of[kind] = key
        return key

    def _name(self, kind: str, token: Token) -> str:
        words = [
            t.text for t in token.subtree if t.i <= token.i and t.dep_ not in ("det", "poss", "punct", "case")
        ]
        phrase = " ".join(words[-4:]) if words else token.text
        return f"{phrase} ({self.doc._.kg_key or 'document'})"

    def add_dates(self, key: str, sent: Span, verbs: set[int] | None = None) -> None:
        """Collect the dates a sentence gives for an event (and, as a fallback, when it was reported)."""
        if key in self.dated_by_name:
            return
        if verbs is not None:
            verbs = set(verbs)
            for i in list(verbs):
                governor = governing_verb(self.doc[i], ("VERB",))
                if governor is not None and governor.lemma_ not in SPEECH_VERBS:
                    verbs.add(governor.i)
        starts, ends = self.ctx.dates(sent, verbs)
        self.dates[key][0].extend(starts)
        self.dates[key][1].extend(ends)
        published = self.ctx.published
        for t in sent:
            if t.lower_ == "overnight" and published is not None and t.ent_type_ not in ("DATE", "TIME"):
                governor = governing_verb(t, ("VERB",))
                if verbs is None or (governor is not None and governor.i in verbs):
                    night = (published - dt.timedelta(days=1)).isoformat()
                    self.dates[key][0].append(ResolvedDate(night, night, "day"))
        fallback = self.ctx.dates(sent, None, speech=True)
        self.fallback_dates.setdefault(key, []).extend(fallback[0] + fallback[1])

    def year_anchor(self, token: Token) -> str:
        """A year written on the event's own phrase ("the 2020 deal"), else the current one."""
        for child in token.children:
            if child.like_num and len(child.text) == 4 and child.text.isdigit():
                return child.text
        return "current"

    # --- reading -----------------------------------------------------------------------------

    def read(self) -> None:
        """Read every event mention, then finish dates and participants."""
        by_sentence: dict[int, list[tuple[str, int, int]]] = {}
        for name, start, end in self.matches:
            if self.ctx.skipped(start):
                continue
            by_sentence.setdefault(self.doc[start].sent.start, []).append((name, start, end))
        for sent_start in sorted(by_sentence):
            sent = self.doc[sent_start].sent
            hits = by_sentence[sent_start]
            self.read_sentence(sent, hits)
        self.finish()

    def read_sentence(self, sent: Span, hits: list[tuple[str, int, int]]) -> None:
        """Events of one sentence, in the order: mentions, then roles that refer to them."""
        local: dict[str, str] = {}
        self.attack_verbs = {s for n, s, _e in hits if n == "Attack"}
        for name, start, end in hits:
            token = self.doc[start] if name != "Ceasefire" or end - start == 1 else self.doc[end - 1]
            if name in ("Attack", "AttackNoun"):
                if token.dep_ in NO_EVENT_DEPS and name == "AttackNoun":
                    continue
                if token.lemma_ in ("shoot", "down") and any(c.lower_ == "down" for c in token.children):
                    continue  # "shot down drones": an interception, not an attack
                if token.lemma_ == "fire" and token.pos_ == "NOUN" and not _opened_fire(token):
                    continue
                if token.lemma_ in ("hit", "target", "strike") and self.attacker_of(token) is None:
                    if not self._has_attack_context(sent) and self.last_attack is None:
                        continue
                local["Attack"] = self.attack(token, sent)
            elif name == "Violation":
                violation = self.doc[end - 1]
                if "Attack" not in local and self.attacker_of(violation) is not None:
                    local["Attack"] = self.attack(violation, sent)
            elif name == "Clash":
                key = self.clash(token, sent)
                if key:
                    local["Clash"] = key
            elif name in ("Ceasefire", "Agreement"):
                local[name] = self.event(name, self.year_anchor(token), token)
                self.add_dates(local[name], sent, {token.head.i})
            elif name == "Meeting":
                key = self.meeting(token, sent)
                if key:
                    local["Meeting"] = key
            elif name == "Weapon" and "Attack" not in local and _used_against(token):
                # "X used artillery and drones against positions near A and B": an attack by X.
                local["Attack"] = self.attack(token.head, sent)
        for name, start, _end in hits:
            token = self.doc[start]
            if name == "Weapon":
                self.weapon(token, sent, local)
            elif name == "Casualty":
                self.casualty(token, sent, local)
            elif name == "Origin":
                self.origin(token, sent)
        for name, start, _end in hits:
            if name in ("Ceasefire", "Agreement"):
                self.settlement(self.doc[start], sent, local)

    def _has_attack_context(self, sent: Span) -> bool:
        return any(self.ctx.label(self.ctx.key_at(t)) in PARTY_LABELS for t in sent)

    # --- attacks -----------------------------------------------------------------------------

    def attacker_of(self, token: Token) -> str | None:
        """Who carried out the attack a word names."""
        ctx = self.ctx
        if token.pos_ == "VERB":
            for child in token.children:
                if child.dep_ == "prep" and child.lower_ == "from" and token.lemma_ in ("come", "originate"):
                    for obj in child.children:
                        if obj.dep_ == "pobj" and ctx.party_of(obj):
                            return ctx.party_of(obj)
            # "Azerbaijani positions came under fire": the subject was hit, it did not fire.
            under_fire = token.lemma_ == "come" and any(
                c.dep_ == "prep" and c.lower_ == "under" for c in token.children
            )
            for child in token.children:
                if (
                    child.dep_ == "nsubj"
                    and child.lower_ in ("that", "which", "who")
                    and token.dep_ == "relcl"
                ):
                    # "Indian posts that were firing on civilians"
                    return ctx.party_of(token.head)
                if child.dep_ == "nsubj" and not under_fire:
                    party = ctx.party_of(child) or self._pronoun(child) or self._own(child)
                    if party or child.lemma_ not in ATTACK_NOUNS:
                        return party
            for child in token.children:
                # "Ukrainian shelling of Shebekino" parsed as a verb
                if child.dep_ in ("amod", "poss") and child.i < token.i and ctx.party_of(child):
                    return ctx.party_of(child)
                if child.dep_ == "agent":
                    for obj in child.children:
                        if obj.dep_ == "pobj":
                            return ctx.party_of(obj)
            if token.dep_ == "conj" and token.head.pos_ == "VERB":
                return self.attacker_of(token.head)
            framed = (
                token.head.lemma_ in SPEECH_VERBS
                or token.head.lemma_ in FRAME_VERBS_EXCLUDED | REACTION_VERBS
            )
            if token.dep_ == "advcl" and token.tag_ == "VBG" and not framed:
                # "The troops responded, targeting enemy posts": the subject of the main clause.
                # Not "X accuses Y of breaching truce, firing on posts": there the accused fired.
                for child in token.head.children:
                    if child.dep_ == "nsubj" and ctx.party_of(child):
                        return ctx.party_of(child)
            # "accused Armenia of ... firing": the accused did it.
            head = token.head
            for _ in range(4):
                if head.lemma_ in ("accuse", "blame"):
                    for child in head.children:
                        if child.dep_ in ("dobj", "nsubjpass"):
                            return ctx.party_of(child)
                if head.head is head:
                    break
                head = head.head
            return None
        for child in token.children:
            if child.dep_ in ("poss", "amod", "compound", "nmod"):
                party = ctx.party_of(child) or self._pronoun(child)
                if party:
                    return party
            if child.dep_ == "prep" and child.lower_ in ("by", "from"):
                for obj in child.children:
                    if obj.dep_ == "pobj" and ctx.party_of(obj):
                        return ctx.party_of(obj)
        # "X used weapons in their attacks": the subject of the clause.
        head = token.head
        for _ in range(4):
            if head.pos_ in ("VERB", "AUX"):
                if (
                    head.lemma_ in FRAME_VERBS_EXCLUDED | REACTION_VERBS
                    or head.lemma_ == "be"
                    or head.pos_ == "AUX"
                ):
                    return None
                return self.attacker_of(head)
            if head.dep_ == "prep" and head.lower_ in ABOUT_PREPOSITIONS:
                return None  # "informed the CSTO about the attack": not who attacked
            if head.head.i == head.i:
                break
            head = head.head
        return None

    def _own(self, noun: Token) -> str | None:
        """ "The army said its jets struck X": "its" is the speaker's."""
        if not any(c.dep_ == "poss" and c.lower_ in ("its", "their", "our") for c in noun.children):
            return None
        return self._reporter_of(noun)

    def _pronoun(self, token: Token) -> str | None:
        if token.lower_ not in ("they", "their", "it", "its", "them", "we", "our"):
            return None
        # "Hezbollah said it had fired": the pronoun is the speaker.
        clause = token.head
        if clause.dep_ == "ccomp" and clause.head.lemma_ in SPEECH_VERBS:
            for child in clause.head.children:
                if child.dep_ == "nsubj":
                    party = self.ctx.party_of(child)
                    if party:
                        return party
        return self.last_attacker

    def attack(self, token: Token, sent: Span) -> str:
        """An attack mention: attacker, target, places, dates."""
        ctx = self.ctx
        attacker = self.attacker_of(token)
        frame = self._frame(token)
        subject_tokens = {t.i for c in frame.children if c.dep_ in ("nsubj", "agent") for t in c.subtree}
        under_fire = frame.lemma_ == "come" and any(c.lower_ == "under" for c in frame.children)
        if under_fire:
            # "Positions in the Kalbajar district came under fire from ...": the subject was hit.
            subject_tokens = {t.i for c in frame.children if c.dep_ == "agent" for t in c.subtree}
        clause = list(frame.subtree)
        main = frame.head if _subjected_to(frame) and frame.dep_ != "pobj" else frame
        stranded = _stranded_main_verb(main)
        if stranded is not None:
            frame = main
            # The parser hung the main verb inside the subject ("Units located near X subjected to fire
            # the positions ..."): the words before it are the subject, the rest is the clause.
            attacker = attacker or ctx.party_of(stranded)
            subject_tokens = {t.i for t in sent if t.i < frame.left_edge.i}
            clause = [t for t in sent if t.i < frame.left_edge.i or t.i >= frame.i]
        origins: list[Token] = []
        locations: list[Token] = []
        for t in clause:
            if t.i in subject_tokens and self._where_stationed(t, sent.root):
                # "units stationed in the direction of X fired": the attacker fired from X.
                origins.append(t)
                continue
            if t.i == token.i or t.i in subject_tokens or self._under_any(t, frame, NOT_WHERE_HIT):
                continue
            if self._in_other_attack(t, frame):
                continue  # "struck X hours after rockets were fired at Y": Y is the other attack's
            (origins if self._under(t, frame, "from") else locations).append(t)
        origin_places = ctx.places_in(origins)
        location_places = ctx.places_in(locations)
        verbs = {token.i, token.head.i} | {c.i for c in token.children if c.pos_ == "VERB"}
        # "fired on positions located near X on Friday evening": modifiers of the attack clause date it too.
        verbs |= {t.i for t in frame.subtree if t.dep_ in ("acl", "relcl") and t.lemma_ not in SPEECH_VERBS}
        if token.pos_ == "NOUN":
            verbs |= {c.i for c in token.children if c.dep_ == "relcl"}
            verbs |= {
                g.i for c in token.children if c.dep_ == "relcl" for g in c.children if g.dep_ == "conj"
            }
        same = self._same_attack(token, origin_places, location_places) if attacker is None else None
        if same is not None:
            key = same
            self.last_attack = key
            self.triggers.append({"i": token.i, "key": key})
        else:
            anchor = ctx.state(attacker) or attacker or f"unknown:{token.i}"
            anchor = self._another_day(anchor, token, sent, verbs)
            anchor = self._another_region(anchor, token, location_places)
            key = self.event("Attack", anchor, token)
            self.last_attack = key
        if attacker is not None:
            self.last_attacker = attacker
            self.ctx.relate("ATTACKER", key, attacker, sent, "attack-subject", 0.85)
            state = ctx.state(attacker)
            if state and state != attacker:
                self.ctx.relate("ATTACKER", key, state, sent, "attack-subject-state", 0.8)
        for place in origin_places:
            self.ctx.relate("ORIGIN", key, place, sent, "attack-from-place", 0.8)
        for place in location_places:
            self.ctx.relate("LOCATION", key, place, sent, "attack-place", 0.8)
        if under_fire:
            for child in frame.children:
                if child.dep_ == "nsubj":
                    party = ctx.party_of(child) or next(
                        (ctx.party_of(t) for t in child.subtree if ctx.party_of(t)), None
                    )
                    if party and ctx.state(party) != ctx.state(attacker):
                        self.ctx.relate("TARGET", key, party, sent, "came-under-fire", 0.75)
        for target in self._targets(frame, attacker):
            self.ctx.relate("TARGET", key, target, sent, "attack-object", 0.75)
        self.add_dates(key, sent, verbs)
        return key

    def _frame(self, token: Token) -> Token:
        """The clause an attack noun sits in: "opened fire on X", "the fire came from Y"."""
        if token.pos_ == "VERB":
            return token
        head = token.head.head if token.head.dep_ == "prep" and token.dep_ == "pobj" else token.head
        if token.dep_ == "pobj" and token.head.lower_ in ABOUT_PREPOSITIONS:
            return token
        if (
            head.pos_ == "VERB"
            and head.lemma_ not in FRAME_VERBS_EXCLUDED | REACTION_VERBS
            and (token.dep_ in ("dobj", "nsubj", "pobj") or _subjected_to(token))
        ):
            return head
        return token

    def _another_day(self, anchor: str, token: Token, sent: Span, verbs: set[int]) -> str:
        """An attack by the same side that a later paragraph dates to another day is another attack
        ("X shelled A on Monday. ... On Wednesday X shelled B again"); one told over several sentences
        of the same days stays one."""
        key = self.events.get(("Attack", anchor))
        if key is None:
            return anchor
        own = [d for d in self.ctx.dates(sent, verbs)[0] if d.precision == "day"]
        known = {d.start for d in self.dates[key][0] if d.precision == "day"}
        if not own or not known or own[0].start in known:
            return anchor
        first = next(t["i"] for t in self.triggers if t["key"] == key)
        text = self.doc.text
        if text.count("\n\n", 0, self.doc[first].idx) == text.count("\n\n", 0, token.idx):
            return anchor
        return f"{anchor}@{own[0].start}"

    def _another_region(self, anchor: str, token: Token, places: list[str]) -> str:
        """An attack by the same side that a later paragraph places in another region is reported as
        another attack ("In the neighbouring region, a Russian bomb struck the town of X")."""
        key = self.events.get(("Attack", anchor))
        places = [p for p in places if self.ctx.label(p) == "Settlement"]  # a town or village it names
        if key is None or not places:
            return anchor
        hit = [r["target"] for r in self.ctx.relations if r["source"] == key and r["type"] == "LOCATION"]
        before, here = self._regions(hit), self._regions(places)
        if not before or not here or before & here:
            return anchor
        first = next(t["i"] for t in self.triggers if t["key"] == key)
        text = self.doc.text
        if text.count("\n\n", 0, self.doc[first].idx) == text.count("\n\n", 0, token.idx):
            return anchor
        return f"{anchor}@{sorted(here)[0]}"

    def _regions(self, places: list[str]) -> set[str]:
        """The regions (and territories) places are or lie in, following LOCATED_IN."""
        ctx = self.ctx
        found: set[str] = set()
        for place in places:
            current: str | None = place
            for _ in range(4):
                if current is None or ctx.label(current) == "State":
                    break
                if ctx.label(current) in ("Region", "Territory"):
                    found.add(current)
                current = next(
                    (
                        r["target"]
                        for r in ctx.relations
                        if r["type"] == "LOCATED_IN" and r["source"] == current
                    ),
                    None,
                )
        return found

    def _same_attack(self, token: Token, origins: list[str], locations: list[str]) -> str | None:
        """The attack an unattributed mention ("the shelling", "rockets were fired from X") goes on: the
        latest one it fits, not one that hit where this fire came from, nor one by the side that hit
        here or that reports it ("the attack" a side complains of is the other side's)."""
        ctx = self.ctx
        reporter = ctx.state(self._reporter_of(token))
        here = {ctx.place_state(p) for p in locations} - {None}
        recent = list(dict.fromkeys(str(t["key"]) for t in reversed(self.triggers)))
        for key in [k for k in recent if k.startswith("event:attack")]:
            by = {
                ctx.state(r["target"])
                for r in ctx.relations
                if r["source"] == key and r["type"] == "ATTACKER"
            }
            if (reporter and reporter in by) or (here & by):
                continue
            if not self._elsewhere(key, origins, locations):
                return key
        return None

    def _reporter_of(self, token: Token) -> str | None:
        """The party whose statement a word is in: the subject of the nearest saying verb above it."""
        for verb in token.ancestors:
            if verb.pos_ == "VERB" and verb.lemma_ in SPEECH_VERBS | {"inform", "tell", "notify"}:
                for child in verb.children:
                    if child.dep_ == "nsubj":
                        party = self.ctx.party_of(child)
                        if party:
                            return party
        return None

    def _elsewhere(self, key: str, origins: list[str], locations: list[str]) -> bool:
        """Whether an attack without a named attacker hit the other side: then it is another attack."""
        ctx = self.ctx
        hit = {
            ctx.place_state(r["target"])
            for r in ctx.relations
            if r["source"] == key and r["type"] == "LOCATION"
        }
        hit.discard(None)
        if not hit:
            return False
        here = {ctx.place_state(p) for p in locations} - {None}
        came_from = {ctx.place_state(p) for p in origins} - {None}
        return bool(here and not here & hit) or bool(came_from & hit)

    def _in_other_attack(self, token: Token, root: Token) -> bool:
        current = token
        while current.i != root.i and current.head.i != current.i:
            if current.i in self.attack_verbs and current.dep_ in ("advcl", "ccomp", "conj", "relcl"):
                return True
            current = current.head
        return False

    def _where_stationed(self, token: Token, root: Token) -> bool:
        """Whether a token of the attacker's phrase says where the attacker was: under "stationed",
        "located", "deployed" ... ("units located in the direction of X", "troops deployed near X")."""
        current = token
        while current.i != root.i and current.head.i != current.i:
            if current.dep_ in ("acl", "relcl") and current.lemma_ in STATIONED_VERBS:
                return True
            current = current.head
        return False

    def _under_any(self, token: Token, root: Token, prepositions: set[str]) -> bool:
        current = token
        while current.i != root.i and current.head.i != current.i:
            if current.dep_ == "prep" and current.lower_ in prepositions:
                return True
            current = current.head
        return False

    def _under(self, token: Token, root: Token, preposition: str) -> bool:
        current = token
        while current.i != root.i and current.head.i != current.i:
            if current.dep_ == "prep" and current.lower_ == preposition:
                return True
            current = current.head
        return False

    def _targets(self, token: Token, attacker: str | None) -> list[str]:
        """Parties the attack was aimed at: "fired on Azerbaijani positions", "shelled Armenian troops"."""
        ctx = self.ctx
        found: list[str] = []
        objects = [c for c in token.children if c.dep_ in ("dobj", "nsubjpass")]
        for prep in token.children:
            if prep.dep_ == "prep" and prep.lower_ in ("on", "at", "against", "upon"):
                objects.extend(c for c in prep.children if c.dep_ == "pobj")
        for obj in objects:
            for noun in [obj, *[c for c in obj.children if c.dep_ == "conj"]]:
                party = ctx.party_of(noun)
                if party is None:
                    party = self._its(noun, token)
                if party and ctx.state(party) != ctx.state(attacker):
                    found.append(party)
        return found

    def _its(self, noun: Token, verb: Token) -> str | None:
        """ "targeting its positions" after "X accused Y of": "its" is X's."""
        if not any(c.lower_ in ("its", "their") and c.dep_ == "poss" for c in noun.children):
            return None
        head = verb.head
        for _ in range(4):
            if head.lemma_ in ("accuse", "blame"):
                for child in head.children:
                    if child.dep_ == "nsubj":
                        return self.ctx.party_of(child)
            if head.head is head:
                break
            head = head.head
        return None

    def origin(self, verb: Token, sent: Span) -> None:
        """ "The Armenian units were in the direction of X": where the attacker fired from."""
        ctx = self.ctx
        subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is None:
            return
        party = ctx.party_of(subject) or self._pronoun(subject)
        if party is None or ctx.label(party) not in ("ArmedForce", "State"):
            return
        state = ctx.state(party)
        key = self.events.get(("Attack", state or party))
        if key is None:
            return
        children = [c for c in verb.children if c.dep_ in ("prep", "attr", "advmod")]
        if verb.lemma_ == "be":
            # "were in the direction of X", "were near X"; not "was in response to the killing in X"
            children = [
                c
                for c in children
                if any(
                    o.dep_ == "pobj" and (ctx.key_at(o) or o.lemma_ in WHEREABOUTS_NOUNS) for o in c.children
                )
            ]
        if verb.lemma_ in FROM_ONLY:
            # "used sniper rifles from positions near X": the from-phrase may hang on the weapon.
            children = [c for c in verb.subtree if c.dep_ == "prep" and c.lower_ == "from"]
        tokens = [t for c in children for t in c.subtree]
        for place in ctx.places_in(tokens):
            self.ctx.relate("ORIGIN", key, place, sent, "attacker-positioned-at", 0.75)

    def weapon(self, token: Token, sent: Span, local: dict[str, str]) -> None:
        """Weapons named in an attack sentence: "various caliber weapons", "mortars", "drones"."""
        key = local.get("Attack") or (self.last_attack if self._mentions_use(token) else None)
        if key is None or _hit_object(token):
            return
        left = token.i
        for child in token.lefts:
            if child.dep_ in ("amod", "compound", "nmod", "npadvmod") or child.text == "-":
                if not any(t.dep_ == "cc" or self.ctx.key_at(t) for t in child.subtree):
                    left = min(left, child.left_edge.i)
        phrase = " ".join(self.doc[left : token.i + 1].text.split())
        weapons = self.ctx.entities[key].setdefault("weapons", [])
        if phrase not in weapons:
            weapons.append(phrase)

    def _mentions_use(self, token: Token) -> bool:
        return token.head.lemma_ in ("use", "employ", "fire", "launch", "deploy")

    # --- clashes and casualties ----------------------------------------------------------------

    def clash(self, token: Token, sent: Span) -> str | None:
        """A clash mention ("border clashes last week", "last week's flare-up")."""
        if token.lemma_ == "flare" and not (
            token.i + 2 < len(self.doc) and self.doc[token.i + 2].lower_ == "up"
        ):
            return None
        if token.lemma_ in ("fighting", "violence", "escalation") and self._refers_to_conflict(token, sent):
            return None
        verbs = {token.head.i} | {c.i for c in token.children}
        anchor = self.year_anchor(token)
        past = self._past_date(token, sent, verbs) if anchor == "current" else None
        earlier = getattr(self, "_sentence_clash", None)
        if past is None and anchor == "current" and earlier and earlier[0] == sent.start:
            # "heavy fighting in July 2020, when 16 people were killed in clashes": one clash
            self.triggers.append({"i": token.i, "key": earlier[1]})
            return str(earlier[1])
        key = self.event("Clash", past.start if past else anchor, token)
        self._sentence_clash = (sent.start, key)
        if past is not None and key not in self.dated_by_name:
            self.dates[key][0].append(past)
            self.dated_by_name.add(key)
        self.add_dates(key, sent, verbs)
        # "clashes between Armenian and Azerbaijani forces"
        for prep in token.children:
            if prep.dep_ == "prep" and prep.lower_ in ("between", "with"):
                for t in prep.subtree:
                    party = self.ctx.key_at(t)
                    if party and self.ctx.label(party) in ("State", "ArmedForce"):
                        self.ctx.relate("PARTICIPANT", key, party, sent, "clash-between", 0.85)
        return key

    def _past_date(self, token: Token, sent: Span, verbs: set[int]) -> ResolvedDate | None:
        """A clash the sentence dates well before the report ("Clashes last April", "heavy fighting in
        July 2020") is an earlier event, not the one the article reports: its date keeps it apart."""
        published = self.ctx.published
        own = {token.i, *verbs}
        noun = token.head.head if token.dep_ == "pobj" and token.head.dep_ == "prep" else token
        own.add(noun.i)
        if noun.dep_ == "attr":
            own.add(noun.head.i)  # "Tovuz was the scene of heavy fighting in July 2020"
        for ent in sent.ents:
            if ent.label_ != "DATE":
                continue
            # the date must hang on the clash word, on the noun it depends on, or on their clause
            if not ({ent.root.i, ent.root.head.i, ent.root.head.head.i} & own):
                continue
            resolved = resolve_date(ent.text, published)
            if resolved is None:
                continue
            if published is None or resolved.end < (published - dt.timedelta(days=21)).isoformat():
                return resolved
        return None

    def _refers_to_conflict(self, token: Token, sent: Span) -> bool:
        """ "That bout of fighting": a demonstrative pointing back at a war just named."""
        noun = token.head.head if token.head.dep_ == "prep" else token
        if not any(c.lower_ in ("that", "this") for c in noun.children):
            return False
        return bool(self._recent_conflict(sent))

    def _recent_conflict(self, sent: Span) -> str | None:
        starts = [s for s in self.conflict_at if s < sent.end and s >= max(sent.start - 80, 0)]
        return self.conflict_at[max(starts)] if starts else None

    def casualty(self, verb: Token, sent: Span, local: dict[str, str]) -> None:
        """ "More than 200 Armenian soldiers and 80 Azerbaijani personnel were killed in clashes"."""
        ctx = self.ctx
        if verb.lemma_ == "claim":
            return
        field = "killed" if verb.lemma_ in ("kill", "die", "martyr") else "wounded"
        if verb.lemma_ == "leave":
            # "Clashes last April left more than 50 people dead"
            state = next((c for c in verb.children if c.dep_ in ("oprd", "acomp", "xcomp")), None)
            if state is None or state.lower_ not in LEFT_STATES:
                return
            field = LEFT_STATES[state.lower_]
        key = (
            self._nearest_event(verb, sent)
            or local.get("Clash")
            or local.get("Attack")
            or self.last_of.get("Clash")
            or self.last_attack
        )
        if key is None:
            key = self.event("Clash", "current", verb)
            self.add_dates(key, sent, {verb.i})
        deps = ("nsubj",) if verb.lemma_ == "die" else ("nsubjpass", "dobj")
        victims = [c for c in verb.children if c.dep_ in deps]
        if not victims and verb.dep_ == "conj":
            # "two soldiers were killed and three wounded": the count is here, the party on the first verb.
            victims = [c for c in verb.children if c.like_num or any(g.like_num for g in c.children)]
        # "RAWALPINDI, Nov 9: Three civilians ... were killed": a dateline the parser made the subject,
        # with the victims in apposition to it.
        victims += [c for v in victims for c in v.children if c.dep_ == "appos"]
        for victim in victims:
            for noun in [victim, *victim.conjuncts]:
                if not (noun.lower_ in PERSON_NOUNS or noun.lemma_ in PERSON_NOUNS or noun.like_num):
                    continue
                value, qualifier = number_of(noun)
                if value is None:
                    continue
                party = ctx.party_of(noun) or self._victims_party(verb, sent, key)
                if party is None:
                    continue
                if (
                    noun.lemma_ in ("civilian", "resident", "people", "person", "child", "woman")
                    or noun.like_num
                ):
                    party = ctx.state(party) or party
                self._victim_party = (sent.start, party)
                self.ctx.relate(
                    "PARTICIPANT",
                    key,
                    party,
                    sent,
                    f"casualties-{field}",
                    0.85,
                    **{field: value},
                    qualifier=qualifier,
                )
        self.add_dates(key, sent, {verb.i})

    def _nearest_event(self, verb: Token, sent: Span) -> str | None:
        """Of the attacks and clashes this sentence names, the one closest to the casualty verb in the
        parse: "Israeli strikes kill four ... as Hezbollah fires rockets" counts the strikes' dead."""
        found = [
            t
            for t in self.triggers
            if sent.start <= t["i"] < sent.end and str(t["key"]).startswith(("event:attack", "event:clash"))
        ]
        if len({t["key"] for t in found}) < 2:
            return None
        up = {a.i: n for n, a in enumerate([verb, *verb.ancestors])}

        def distance(i: int) -> int:
            for n, a in enumerate([self.doc[i], *self.doc[i].ancestors]):
                if a.i in up:
                    return n + up[a.i]
            return 99

        return str(min(found, key=lambda t: distance(t["i"]))["key"])

    def _victims_party(self, verb: Token, sent: Span, key: str) -> str | None:
        """Whose dead or wounded they are when the phrase does not say: "on the Kyrgyz side", "in
        Lebanon", the same side as the casualties just counted, the side the attack hit, the reporter's."""
        ctx = self.ctx
        for t in verb.subtree:
            if t.lower_ == "side" and t.head.lower_ == "on":
                party = ctx.party_of(t)
                if party:
                    return ctx.state(party)
            if t.dep_ == "pobj" and t.head.lower_ == "in" and t.head.head.i == verb.i:
                state = ctx.place_state(ctx.key_at(t))
                if state:
                    return state
        previous = getattr(self, "_victim_party", None)
        if previous and previous[0] == sent.start:
            return str(previous[1])
        attackers = {
            ctx.state(r["target"]) for r in ctx.relations if r["source"] == key and r["type"] == "ATTACKER"
        }
        targets = [
            ctx.state(r["target"]) for r in ctx.relations if r["source"] == key and r["type"] == "TARGET"
        ]
        if targets and targets[0]:
            return targets[0]
        hit = [
            ctx.place_state(r["target"])
            for r in ctx.relations
            if r["source"] == key and r["type"] == "LOCATION"
        ]
        hit = [h for h in hit if h and h not in attackers]
        if hit:
            return hit[0]
        if attackers:
            others = [p for p in self._main_parties(set()) if p not in attackers]
            if others:
                return others[0]
        for t in sent:
            key_here = ctx.key_at(t)
            if key_here and ctx.label(key_here) == "Ministry":
                return ctx.state(key_here)
        return None

    # --- meetings, ceasefires, agreements -------------------------------------------------------

    def meeting(self, token: Token, sent: Span) -> str | None:
        """ "US hosts Armenia, Azerbaijan top diplomats", "talks in Washington mediated by the EU"."""
        ctx = self.ctx
        if token.pos_ == "VERB" and token.lemma_ == "meet":
            key = self.event("Meeting", "current", token)
            for child in token.children:
                if child.dep_ == "nsubj":
                    for noun in [child, *child.conjuncts]:
                        party = ctx.party_of(noun)
                        if party:
                            self.ctx.relate("PARTICIPANT", key, party, sent, "meeting-subject", 0.8)
        elif token.pos_ == "VERB" and token.lemma_ == "host":
            if token.dep_ == "acl":
                noun = token.head
                if noun.lemma_ not in MEETING_NOUNS:
                    return None
                key = self.event("Meeting", "current", noun)
                for agent in token.children:
                    if agent.dep_ == "agent":
                        for obj in agent.children:
                            party = ctx.party_of(obj)
                            if party:
                                self.ctx.relate("HOSTED_BY", key, party, sent, "meeting-hosted-by", 0.85)
                return key
            host = next((ctx.party_of(c) for c in token.children if c.dep_ == "nsubj"), None)
            if host is None or any(c.dep_ == "nsubjpass" for c in token.children):
                return None
            key = self.event("Meeting", "current", token)
            self.ctx.relate("HOSTED_BY", key, host, sent, "meeting-host", 0.85)
            for obj in token.children:
                if obj.dep_ == "dobj":
                    for t in obj.subtree:
                        party = ctx.key_at(t)
                        if party and ctx.label(party) in PARTY_LABELS and party != host:
                            self.ctx.relate("PARTICIPANT", key, party, sent, "meeting-guest", 0.8)
        else:
            first = next((anchor for (kind, anchor) in self.events if kind == "Meeting"), "current")
            key = self.event("Meeting", self._meeting_place(token) or first, token)
            verb = token.head
            if token.dep_ == "nsubjpass" and verb.lemma_ in (
                "host",
                "mediate",
                "broker",
                "facilitate",
                "hold",
            ):
                # "The meeting ... was hosted by Kazakhstan", "meetings were mediated by the EU"
                rtype = {"host": "HOSTED_BY", "broker": "BROKERED_BY", "hold": None}.get(
                    verb.lemma_, "MEDIATED_BY"
                )
                for agent in verb.children:
                    if agent.dep_ == "agent" and rtype:
                        for obj in agent.children:
                            for noun in [obj, *obj.conjuncts]:
                                party = ctx.party_of(noun)
                                if party:
                                    self.ctx.relate(rtype, key, party, sent, f"{verb.lemma_}-by", 0.85)
                    if agent.dep_ == "prep" and agent.lower_ in ("in", "at"):
                        for place in ctx.places_in(list(agent.subtree)):
                            self.ctx.relate("LOCATION", key, place, sent, "meeting-place", 0.75)
            if verb.dep_ == "relcl" and any(c.lower_ == "where" for c in verb.children):
                where = ctx.key_at(verb.head)
                if where and ctx.label(where) in ("Settlement", "Region", "State"):
                    self.ctx.relate("LOCATION", key, where, sent, "meeting-where", 0.75)
            for prep in token.children:
                if prep.dep_ == "prep" and prep.lower_ in ("between", "with"):
                    # "talks between X and Y hosted by Z": Z hosted, it did not take part.
                    agents = {g.i for t in prep.subtree if t.dep_ == "agent" for g in t.subtree}
                    for t in prep.subtree:
                        party = ctx.key_at(t)
                        if (
                            party
                            and t.i not in agents
                            and ctx.label(party) in ("State", "Ministry", "Person")
                        ):
                            self.ctx.relate("PARTICIPANT", key, party, sent, "meeting-between", 0.8)
                if prep.dep_ == "prep" and prep.lower_ in ("in", "at"):
                    for place in ctx.places_in(list(prep.subtree)):
                        self.ctx.relate("LOCATION", key, place, sent, "meeting-place", 0.75)
        self.add_dates(key, sent, {token.i, token.head.i})
        self.mediators(token, key, sent)
        return key

    def _meeting_place(self, token: Token) -> str | None:
        """Where a meeting was held, to keep talks in two cities apart: "talks in Almaty", "in Washington,
        where the talks were hosted"."""
        ctx = self.ctx
        for prep in [*token.children, *token.head.children]:
            if prep.dep_ == "prep" and prep.lower_ in ("in", "at"):
                for place in ctx.places_in(list(prep.subtree)):
                    if ctx.label(place) == "Settlement":
                        return place
        verb = token.head
        if verb.dep_ == "relcl" and any(c.lower_ == "where" for c in verb.children):
            where = ctx.key_at(verb.head)
            if where and ctx.label(where) == "Settlement":
                return where
        return None

    def mediators(self, token: Token, key: str, sent: Span) -> None:
        """ "brokered by Russia", "mediated by the EU", "under the auspices of the OSCE"."""
        ctx = self.ctx
        # The brokering clause may hang on the event noun or on a noun of its phrase: "talks on a
        # prisoner swap, brokered by X", "talks between A and B hosted by X".
        clauses = [t for t in token.subtree if t.dep_ in ("acl", "relcl") and t.i > token.i]
        for child in clauses:
            if child.lemma_ in MEDIATING_VERBS:
                rtype = {"broker": "BROKERED_BY", "host": "HOSTED_BY"}.get(child.lemma_, "MEDIATED_BY")
                for agent in child.children:
                    if agent.dep_ == "agent":
                        for obj in agent.children:
                            for noun in [obj, *obj.conjuncts]:
                                party = ctx.party_of(noun)
                                if party:
                                    self.ctx.relate(rtype, key, party, sent, f"{child.lemma_}-by", 0.9)
        # "under the auspices of X" on the event noun or on the verb it is the object of ("held talks
        # under the auspices of X").
        for child in [*token.children, *_frame_verb_children(token)]:
            if child.dep_ == "prep" and child.lower_ == "under":
                for t in child.subtree:
                    if t.lower_ == "auspices":
                        for g in t.subtree:
                            party = ctx.key_at(g)
                            if party and ctx.label(party) in PARTY_LABELS:
                                self.ctx.relate("MEDIATED_BY", key, party, sent, "under-auspices", 0.85)
                                break
        for child in token.children:
            if child.dep_ in ("compound", "amod", "npadvmod") and child.i < token.i:
                # "Russia-brokered deal"
                for t in child.subtree:
                    if t.lower_ in ("brokered", "mediated"):
                        party = next((ctx.key_at(g) for g in child.subtree if ctx.key_at(g)), None)
                        if party and ctx.label(party) in PARTY_LABELS:
                            rtype = "BROKERED_BY" if t.lower_ == "brokered" else "MEDIATED_BY"
                            self.ctx.relate(rtype, key, party, sent, f"{t.lower_}-compound", 0.85)
        # "X brokered the truce": the subject of a brokering verb with the event as object.
        if token.dep_ == "dobj" and token.head.lemma_ in ("broker", "mediate"):
            for child in token.head.children:
                if child.dep_ == "nsubj":
                    party = ctx.party_of(child)
                    if party:
                        rtype = "BROKERED_BY" if token.head.lemma_ == "broker" else "MEDIATED_BY"
                        self.ctx.relate(rtype, key, party, sent, "brokered-subject", 0.85)

    def settlement(self, token: Token, sent: Span, local: dict[str, str]) -> None:
        """Ceasefires and agreements: what they ended, who brokered them."""
        ctx = self.ctx
        name = (
            "Ceasefire"
            if any(token.lemma_ == n for n in CEASEFIRE_NOUNS) or token.lower_ == "cease"
            else "Agreement"
        )
        if token.lower_ == "cease":
            token = self.doc[min(token.i + 2, len(self.doc) - 1)]
        key = local.get(name)
        if key is None:
            return
        self.mediators(token, key, sent)
        # "X ended with a truce": X is what the truce ended.
        prep = token.head
        if token.dep_ == "pobj" and prep.lower_ == "with" and prep.head.lemma_ == "end":
            verb = prep.head
            ended = self._ended_subject(verb, sent, local)
            if ended:
                self.ctx.relate("ENDED", key, ended, sent, "ended-with", 0.85)
        # "a truce that ended the fighting", "the agreement ended the war"
        for verb in [token.head] + [c for c in token.children if c.dep_ in ("relcl", "acl")]:
            if verb.lemma_ == "end" and verb.pos_ == "VERB":
                for obj in verb.children:
                    if obj.dep_ == "dobj":
                        ended = local.get("Clash") if obj.i in {t["i"] for t in self.triggers} else None
                        ended = ended or self.conflict_at.get(obj.i) or self._event_at(obj)
                        if ended and ended != key:
                            self.ctx.relate("ENDED", key, ended, sent, "ended-object", 0.8)
        # "violating a truce": attacks by the accused violated it.
        if token.head.lemma_ in ("violate", "breach", "break") or any(
            c.lemma_ in ("violate", "breach", "break") for c in token.children
        ):
            attack = local.get("Attack") or self.last_attack
            if attack is None:
                self.pending_violation = (key, sent)
            else:
                self.ctx.relate("VIOLATED", attack, key, sent, "violated-truce", 0.75)
        if token.dep_ == "dobj" or token.dep_ == "nsubj":
            for child in token.head.children:
                if (
                    child.dep_ in ("nsubj", "nsubjpass")
                    and child.i != token.i
                    and token.head.lemma_ == "sign"
                ):
                    for noun in [child, *child.conjuncts]:
                        party = ctx.party_of(noun)
                        if party:
                            self.ctx.relate("PARTICIPANT", key, party, sent, "signed-by", 0.8)

    def _ended_subject(self, verb: Token, sent: Span, local: dict[str, str]) -> str | None:
        subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        if subject is None:
            return None
        if subject.lower_ in ("which", "that") and verb.dep_ in ("relcl", "advcl"):
            antecedent = verb.head
            for t in [antecedent, *antecedent.children]:
                found = self._event_at(t) or self.conflict_at.get(t.i)
                if found:
                    return found
            return local.get("Clash")
        found = self._event_at(subject) or self.conflict_at.get(subject.i)
        if found:
            return found
        if any(c.lower_ in ("that", "this") for c in subject.children):
            return self._recent_conflict(sent) or self.last_of.get("Clash")
        return None

    def _event_at(self, token: Token) -> str | None:
        for trigger in reversed(self.triggers):
            if trigger["i"] == token.i:
                return str(trigger["key"])
        return None

    # --- finishing ------------------------------------------------------------------------------

    def finish(self) -> None:
        """Set event dates; give every event the parties on each side."""
        ctx = self.ctx
        self._fold_unattributed_attacks()
        self._most_specific_places()
        self._no_self_targets()
        for key, (starts, ends) in self.dates.items():
            resolved = span_dates(starts, ends)
            if resolved is None and self.fallback_dates.get(key):
                # Only the report is dated ("accused each other on Thursday of starting a clash").
                resolved = self.fallback_dates[key][0]
            if resolved is not None:
                entity = ctx.entities[key]
                entity.update(start=resolved.start, end=resolved.end, date_precision=resolved.precision)
        self._names()
        pending = getattr(self, "pending_violation", None)
        if pending and self.last_attack:
            self.ctx.relate("VIOLATED", self.last_attack, pending[0], pending[1], "violated-truce", 0.7)
        sides: dict[str, set[str]] = {}
        for rel in ctx.relations:
            if rel["type"] in ("PARTICIPANT", "ATTACKER", "TARGET") and rel["source"] in ctx.entities:
                state = ctx.state(rel["target"])
                if state:
                    sides.setdefault(rel["source"], set()).add(state)
        brokers = {
            r["target"] for r in ctx.relations if r["type"] in ("BROKERED_BY", "HOSTED_BY", "MEDIATED_BY")
        }
        # Ceasefires and agreements take the parties of what they ended.
        for rel in list(ctx.relations):
            if rel["type"] == "ENDED":
                for rel2 in list(ctx.relations):
                    if rel2["type"] == "PARTICIPANT" and rel2["source"] == rel["target"]:
                        party = ctx.state(rel2["target"]) or rel2["target"]
                        if party not in sides.get(rel["source"], set()):
                            self.ctx.relate(
                                "PARTICIPANT",
                                rel["source"],
                                party,
                                self.doc[rel["sent"][0] : rel["sent"][1]],
                                "parties-of-ended",
                                0.7,
                            )
                            sides.setdefault(rel["source"], set()).add(party)
        main = self._main_parties(brokers)
        for key in self.events.values():
            if len(sides.get(key, set())) >= 2 or len(main) < 2:
                continue
            sent = self.doc[self.triggers[[t["key"] for t in self.triggers].index(key)]["i"]].sent
            for party in main:
                if party not in sides.get(key, set()):
                    self.ctx.relate("PARTICIPANT", key, party, sent, "document-parties", 0.5)
        self.doc._.kg_triggers = self.triggers

    def _names(self) -> None:
        """Readable event names for the Browser: "Attack by Armenia, 2022-09-22", "Ceasefire: truce"."""
        ctx = self.ctx
        attackers: dict[str, str] = {}
        for rel in ctx.relations:
            if rel["type"] == "ATTACKER" and ctx.label(rel["target"]) == "State":
                attackers.setdefault(rel["source"], ctx.entities[rel["target"]]["name"])
        for key in self.events.values():
            entity = ctx.entities[key]
            phrase = entity["name"].rsplit(" (", 1)[0]
            if entity["label"] == "Attack" and key in attackers:
                name = f"Attack by {attackers[key]}"
            else:
                name = f"{entity['label']}: {phrase}"
            when = entity.get("start")
            entity["name"] = f"{name}, {when}" if when else f"{name} ({self.doc._.kg_key or 'document'})"

    def _no_self_targets(self) -> None:
        """An attack never targets its own side: drop a target of the attacker's state."""
        ctx = self.ctx
        sides: dict[str, set[str | None]] = {}
        for rel in ctx.relations:
            if rel["type"] == "ATTACKER":
                sides.setdefault(rel["source"], set()).add(ctx.state(rel["target"]) or rel["target"])
        ctx.relations[:] = [
            r
            for r in ctx.relations
            if not (
                r["type"] == "TARGET"
                and (ctx.state(r["target"]) or r["target"]) in sides.get(r["source"], set())
            )
        ]

    def _most_specific_places(self) -> None:
        """Where an attack came from or hit: the settlements when the text names any, not their regions."""
        ctx = self.ctx
        settled = {
            (r["source"], r["type"])
            for r in ctx.relations
            if r["type"] in ("LOCATION", "ORIGIN") and ctx.label(r["target"]) == "Settlement"
        }
        ctx.relations[:] = [
            r
            for r in ctx.relations
            if not (
                r["type"] in ("LOCATION", "ORIGIN")
                and (r["source"], r["type"]) in settled
                and ctx.label(r["target"]) != "Settlement"
                and str(r["source"]).startswith("event:attack")
            )
        ]

    def _fold_unattributed_attacks(self) -> None:
        """An attack with no attacker that hit the same place as an attributed one is that attack."""
        ctx = self.ctx
        attackers = {r["source"] for r in ctx.relations if r["type"] == "ATTACKER"}
        places: dict[str, set[str]] = {}
        for rel in ctx.relations:
            if rel["type"] == "LOCATION" and ctx.label(rel["target"]) == "Settlement":
                places.setdefault(rel["source"], set()).add(rel["target"])
        attacks = [k for (kind, _a), k in self.events.items() if kind == "Attack"]
        for key in attacks:
            if key in attackers:
                continue
            into = next(
                (k for k in attacks if k in attackers and places.get(k, set()) & places.get(key, set())), None
            )
            if into is None:
                continue
            for rel in ctx.relations:
                if rel["source"] == key:
                    rel["source"] = into
                if rel["target"] == key:
                    rel["target"] = into
            for trigger in self.triggers:
                if trigger["key"] == key:
                    trigger["key"] = into
            starts, ends = self.dates.pop(key)
            self.dates[into][0].extend(starts)
            self.dates[into][1].extend(ends)
            ctx.entities.pop(key, None)
            self.events = {ident: k for ident, k in self.events.items() if k != key}
            if self.last_attack == key:
                self.last_attack = into

    def _main_parties(self, brokers: set[str]) -> list[str]:
        """The two states a document is about: the most mentioned, brokers and hosts aside."""
        counts: dict[str, int] = {}
        for mention in self.doc._.kg_mentions or ():
            state = self.ctx.state(mention["key"])
            if state and state not in brokers and self.ctx.entities[state].get("status") != "historical":
                counts[state] = counts.get(state, 0) + 1
        ranked = sorted(counts, key=lambda k: -counts[k])
        return ranked[:2]


def _frame_verb_children(token: Token) -> list[Token]:
    """The children of the verb an event noun is the object of ("held several rounds of talks")."""
    current = token
    for _ in range(4):
        if current.dep_ not in ("dobj", "pobj", "prep", "nsubjpass", "attr") or current.head is current:
            return []
        current = current.head
        if current.pos_ == "VERB":
            return list(current.children)
    return []


def _opened_fire(token: Token) -> bool:
    if _subjected_to(token):
        return True
    return token.head.lemma_ in ("open", "exchange", "come") or any(
        c.lower_ == "under" for c in token.ancestors
    )


def _hit_object(weapon: Token) -> bool:
    """ "struck launchers", "destroyed a tank": a weapon that was hit, not one that was used."""
    noun = weapon
    while noun.dep_ == "conj":
        noun = noun.head
    verb = noun.head.head if noun.dep_ == "pobj" else noun.head
    return noun.dep_ in ("dobj", "pobj") and verb.lemma_ in HIT_VERBS


def _used_against(weapon: Token) -> bool:
    """ "used artillery against positions": a weapon used on someone is an attack."""
    noun = weapon
    while noun.dep_ == "conj":
        noun = noun.head
    verb = noun.head
    if noun.dep_ != "dobj" or verb.pos_ != "VERB" or verb.lemma_ not in ("use", "employ"):
        return False
    if any(c.dep_ == "prep" and c.lower_ in ("against", "on") for c in [*verb.children, *noun.children]):
        return True
    # "used mortars and grenade launchers against": the parser may make "grenade" a verb conjoined
    # to "used", with "against" under it; a conjoined verb without its own subject shares the use.
    return any(
        c.dep_ == "prep" and c.lower_ == "against"
        for conj in verb.children
        if conj.dep_ == "conj" and not any(g.dep_ in ("nsubj", "nsubjpass") for g in conj.children)
        for c in conj.children
    )


def _subjected_to(token: Token) -> bool:
    """ "subjected the positions to fire" (the noun under "to", or the parser's xcomp)."""
    if token.dep_ == "pobj" and token.head.lower_ == "to":
        return token.head.head.lemma_ == "subject"
    return token.dep_ in ("xcomp", "advcl") and token.head.lemma_ == "subject"


def _stranded_main_verb(verb: Token) -> Token | None:
    """The subject noun of a sentence whose main verb the parser attached deep inside that subject as
    a modifier, with no finite verb at the root: that root noun, else None."""
    root = verb.sent.root
    if (
        verb.pos_ != "VERB"
        or verb.dep_ != "acl"
        or not (verb.tag_ == "VBD" or verb.lemma_ == "subject")
        or root.pos_ not in ("NOUN", "PROPN")
        or verb.head.i == root.i
        or any(c.dep_ in ("agent", "nsubj", "nsubjpass") for c in verb.children)
    ):
        return None
    return root


@Language.factory("kg_legacy_events")
def make_events(nlp: Language, name: str) -> EventRecognizer:
    """Factory: events (attacks, clashes, ceasefires, agreements, meetings) and their roles."""
    return EventRecognizer(nlp)
