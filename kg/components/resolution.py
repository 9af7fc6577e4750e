"""The last step of the pipeline: event identity, then the one place where facts are decided.

Components only ever add to the DocGraph. Here the event mentions become events (kg.resolve's
EventIdentity), their roles become relations, implicit roles are filled where roles.toml says so
(the target of fire on a village is the state it lies in), and the decisions that need the whole
document are taken once: no attack on one's own side, the most specific places an attack hit,
casualties on the party they belong to, who reported each event.
"""

from __future__ import annotations

import dataclasses
from itertools import combinations
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from kg.components import register_extensions
from kg.components.events import mention_key
from kg.components.records import DocGraph, Fact, Mention
from kg.dates import parse_published
from kg.gazetteer import load_gazetteer
from kg.names import normalise_name
from kg.resolve import EVENT_ROLES, SIDE_ROLES, Event, EventIdentity, armed_force_key, event_dates, event_key
from kg.rules import Rules, load_rules

PARTY_LABELS = ("State", "ArmedForce", "Ministry", "Organization")
"""What a toll can be counted on: a party, never a place or a person."""
FIGHTING_LABELS = ("State", "ArmedForce")
"""What a side of the fighting is: a state (with its forces and ministries) or an armed group."""
SETTLEMENTS = ("Ceasefire", "Agreement")


@dataclasses.dataclass
class FightingPair:
    """Two sides the document's fighting sets against each other: the entities each side is named by
    there, and the states the fighting took place in."""

    names: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    states: set[str] = dataclasses.field(default_factory=set)

    @property
    def sides(self) -> set[str]:
        """The two sides."""
        return set(self.names)

    def add(self, side: str, keys: list[str]) -> None:
        """Remember the entities a side is named by."""
        found = self.names.setdefault(side, [])
        found.extend(k for k in keys if k not in found)


class GraphResolver:
    """Turn one Doc's event mentions into events and relations, and decide what is kept."""

    def __init__(self, doc: Doc, rules: Rules) -> None:
        self.doc = doc
        self._text: str | None = None  # the Doc's text, joined once when a paragraph is asked for
        self.rules = rules
        self.graph: DocGraph = doc._.kg
        self.document = doc._.kg_key or "doc"
        self.mention_events: dict[str, str] = {}
        self.gazetteer = load_gazetteer()
        self.sides: set[str | None] = set()
        """The sides some event of the document names as attacker, target or participant."""

    def resolve(self) -> None:
        """Events, their relations, then the decisions."""
        self.recast_mentions()
        events = EventIdentity(self.graph, self.paragraph).assign()
        self.sides = {
            self.graph.side(k)
            for e in events
            for r in ("ATTACKER", "TARGET", "PARTICIPANT")
            for k in e.role(r)
        }
        counts: dict[str, int] = {}
        for event in events:
            counts[event.kind] = counts.get(event.kind, 0) + 1
            event.key = event_key(event.kind, self.document, counts[event.kind])
            for mention in event.mentions:
                mention.key = event.key
                self.mention_events[mention_key(mention.trigger)] = event.key
        for event in events:
            self.add_event(event)
        tolls = [(m.trigger, e, m) for e in events for m in e.mentions if m.kind == "Casualty"]
        told: list[str] = []  # the parties of the tolls told so far, in text order
        for _trigger, event, mention in sorted(tolls, key=lambda t: t[0]):
            self.casualties(event, mention, told)
        for fact in self.graph.facts:
            fact.source = self.mention_events.get(fact.source, fact.source)
            fact.target = self.mention_events.get(fact.target, fact.target)
        self.violations(events)
        pair = self.fighting_pair(events)
        self.proposers(events, pair)
        self.generic_parties(events, pair)
        self.document_parties(events)
        self.decide(events)

    def recast_mentions(self) -> None:
        """Mentions reference found to stand for another entity (a capital that speaks is its state) take
        that entity's key; an entity left with no mention and no relation is dropped."""
        if not self.graph.recast:
            return
        self.graph.mentions = [
            Mention(m.start, m.end, self.graph.recast.get(m.start, m.key)) for m in self.graph.mentions
        ]
        used = {m.key for m in self.graph.mentions}
        used |= {f.source for f in self.graph.facts if f.type != "LOCATED_IN"} | {
            f.target for f in self.graph.facts
        }
        for key in [k for k in self.graph.entities if k not in used]:
            del self.graph.entities[key]

    def paragraph(self, i: int) -> int:
        """The paragraph (blank-line separated) token i is in."""
        if self._text is None:
            self._text = self.doc.text
        return self._text.count("\n\n", 0, self.doc[i].idx)

    # --- events ---------------------------------------------------------------------------------

    def add_event(self, event: Event) -> None:
        """The event's entity, its role relations, casualties and reporters."""
        for mention in event.mentions:
            if mention.roles.get("ATTACKER"):
                mention.roles["ATTACKER"] = [self.self_named(k, mention) for k in mention.roles["ATTACKER"]]
        self.event_record(event)
        for mention in event.mentions:
            self.role_facts(event, mention)
            self.reporters(event, mention)
        self.implicit_target(event)

    def event_record(self, event: Event) -> None:
        """The event as an entity: its name, the sentence that first tells it, dates, weapons."""
        told = [m for m in event.mentions if m.kind != "Casualty"] or event.mentions
        sent = self.doc[told[0].sent[0] : told[0].sent[1]]
        props: dict[str, Any] = {"summary": " ".join(sent.text.split())}
        when = event_dates(event, self.doc._.kg_published)
        if when is not None:
            props.update(start=when.start, end=when.end, date_precision=when.precision)
        weapons = [w for w in event.values("weapons") if isinstance(w, str)]
        if weapons:
            props["weapons"] = weapons
        self.graph.entity(event.key, event.kind, self.name(event, when.start if when else None), **props)

    def role_facts(self, event: Event, mention: Any) -> None:
        """The relations a mention's roles give the event (a person takes part for whom they represent;
        the attacker's state attacks with its forces)."""
        rule = mention.rules[0] if mention.rules else event.kind.lower()
        for role in EVENT_ROLES:
            for key in mention.roles.get(role, ()):
                if role in SIDE_ROLES and self.graph.label(key) == "Person":
                    key = self.graph.side(key) or key
                target = self.mention_events.get(key, key)
                self.graph.relate(role, event.key, target, mention.sent, rule, mention.confidence)
                state = self.graph.state(key)
                if role == "ATTACKER" and state and state != key:
                    self.graph.relate(role, event.key, state, mention.sent, rule, mention.confidence - 0.05)

    def self_named(self, key: str, mention: Any) -> str:
        """'the Yemeni Armed Forces targeted the ship', said the Houthis' spokesman: the body a group
        names itself as (organizations.tsv calls_itself) is the group, when the group is the voice; the
        name it used is one of the group's names."""
        for voice in mention.props.get("reporters", ()):
            for group in (voice, *self.represented(voice)):
                entry = self.gazetteer.get(group)
                if entry is not None and key in entry.calls_itself and group in self.graph.entities:
                    self.graph.entities[group].add_alias(self.used_name(key, mention))
                    return group
        return key

    def used_name(self, key: str, mention: Any) -> str | None:
        """The words the mention's sentence names an entity with ('Yemeni Armed Forces')."""
        for m in self.graph.mentions:
            if m.key == key and mention.sent[0] <= m.start < mention.sent[1]:
                words = [t.text for t in self.doc[m.start : m.end] if t.lower_ != "the"]
                return " ".join(words) or None
        return None

    def represented(self, voice: str) -> list[str]:
        """Whom a person speaks for: as the text says, else as the persons gazetteer does."""
        said = [f.target for f in self.graph.facts if f.type == "REPRESENTS" and f.source == voice]
        person = self.gazetteer.persons.persons.get(voice)
        return said + [role.represents for role in (person.roles if person else ())]

    def name(self, event: Event, when: str | None) -> str:
        """A readable name: "Attack by Armenia, 2022-09-22", "Ceasefire: truce (doc-...)"."""
        attackers = [k for k in event.role("ATTACKER") if self.graph.label(k) == "State"]
        if not attackers:
            attackers = [s for s in (self.graph.state(k) for k in event.role("ATTACKER")) if s]
        if event.kind == "Attack" and attackers:
            name = f"Attack by {self.graph.entities[attackers[0]].name}"
        else:
            trigger = self.doc[event.mentions[0].trigger]
            name = f"{event.kind}: {trigger.text.lower()}"
        return f"{name}, {when}" if when else f"{name} ({self.document})"

    def reporters(self, event: Event, mention: Any) -> None:
        """Who reported the event: the first voice weighs most, the one giving a toll more (a toll read by
        a surer frame: 'were killed' rather than 'taken to hospital with injuries'); a voice that states
        the attack itself (its attacker or weapon) and gives its toll too weighs most of all."""
        named = self.named_forces(event)
        first = next((named.get(r, r) for m in event.mentions for r in m.props.get("reporters", ())), None)
        both = {named.get(r, r) for r in self.attack_voices(event)} & {
            named.get(r, r)
            for m in event.mentions
            if m.kind == "Casualty"
            for r in m.props.get("reporters", ())
        }
        for reporter in (named.get(r, r) for r in mention.props.get("reporters", ())):
            toll = 0.9 if mention.confidence >= 0.8 else 0.8
            confidence = toll if mention.kind == "Casualty" else 0.85 if reporter == first else 0.7
            if reporter in both:
                confidence = 0.95
            self.graph.relate("REPORTED", reporter, event.key, mention.sent, "voice-of-clause", confidence)

    def named_forces(self, event: Event) -> dict[str, str]:
        """'the US military says' beside 'CENTCOM said': a state's armed forces as a whole stand for the
        one armed force of that state the event's other voices name."""
        voices = list(dict.fromkeys(r for m in event.mentions for r in m.props.get("reporters", ())))
        named: dict[str, str] = {}
        for voice in voices:
            state = self.graph.state(voice)
            if state is None or voice != armed_force_key(state):
                continue
            own = [
                v
                for v in voices
                if v != voice and self.graph.label(v) == "ArmedForce" and self.graph.state(v) == state
            ]
            if len(own) == 1:
                named[voice] = own[0]
        return named

    @staticmethod
    def attack_voices(event: Event) -> set[str]:
        """The voices of the event's clauses that state who attacked or with what (not only 'the attack
        on X' a toll names)."""
        return {
            r
            for m in event.mentions
            if m.kind == "Attack" and (m.roles.get("ATTACKER") or m.props.get("weapons"))
            for r in m.props.get("reporters", ())
        }

    def casualties(self, event: Event, mention: Any, told: list[str]) -> None:
        """Killed and wounded on the party they belong to: the one the text says, for 'three others' the
        party of the toll told before, else the event's target side ('the death toll': else the party
        of the toll told before)."""
        field = mention.props["field"]
        previous: str | None = told[-1] if told else None
        for count in mention.props["counts"]:
            noun = self.doc[count["noun"]]
            others = any(self.rules.lexicon.has("remainder_word", t) for t in (noun, *noun.children))
            party = count["party"] or (previous if others else None) or self.victim_side(event, mention)
            party = party or (previous if count.get("again") else None)
            previous = party
            if party is None or self.graph.label(party) not in PARTY_LABELS:
                continue  # a toll belongs to a party, never to a place the text calls a target
            told.append(party)
            if others and self.add_to_toll(event.key, party, field, count, mention.sent):
                continue
            attrs = {field: count["count"], "qualifier": count["qualifier"]}
            if count.get("again") and self.other_toll(event.key, party, field, count["count"]):
                # "the government put the death toll at 300": another voice's toll, kept beside the first
                attrs["disc"] = f"{field} {count['count']}"
            rule = mention.rules[0] if mention.rules else "casualty"
            self.graph.relate("PARTICIPANT", event.key, party, mention.sent, rule, 0.85, **attrs)

    def add_to_toll(self, event: str, party: str, field: str, count: dict[str, Any], sent: Any) -> bool:
        """'A girl was wounded. At least 31 other people were taken to hospital': others of the same
        field, told in another sentence of the same paragraph, add to the toll told there."""
        for fact in self.graph.facts:
            if not (fact.type == "PARTICIPANT" and fact.source == event and fact.target == party):
                continue
            if field not in fact.attrs or fact.sent == tuple(sent):
                continue
            if self.paragraph(fact.sent[0]) != self.paragraph(sent[0]):
                continue
            fact.attrs[field] += count["count"]
            fact.attrs["qualifier"] = count["qualifier"] or fact.attrs.get("qualifier")
            return True
        return False

    def other_toll(self, event: str, party: str, field: str, count: int) -> bool:
        """Whether the event already has a different count of the field on the party."""
        return any(
            f.attrs.get(field) != count
            for f in self.graph.facts
            if f.type == "PARTICIPANT" and f.source == event and f.target == party and field in f.attrs
        )

    def victim_side(self, event: Event, mention: Any) -> str | None:
        """The side casualties belong to when the text does not say: the one side the event hit."""
        targets = {self.graph.side(k) for k in event.role("TARGET")}
        if len(targets) == 1:
            return targets.pop()
        places = mention.roles.get("LOCATION") or event.role("LOCATION")
        states = {self.graph.place_state(p) for p in places} - {None}
        attackers = {self.graph.side(k) for k in event.role("ATTACKER")}
        if len(states) == 1 and not states & attackers:
            return states.pop()
        voices = {self.graph.state(r) for r in mention.props.get("reporters", ())} - {None}
        own = [v for v in voices if v in self.sides and v not in attackers]
        if attackers and len(own) == 1:
            return own[0]  # "South Ossetian officials said 1,000 civilians died in the Georgian attack"
        if attackers:
            others = [p for p in self.main_parties(set()) if p not in attackers]
            if others:
                return others[0]
            if len(states) == 1:
                return states.pop()  # a state's strike on its own town: the dead are its people
        sent = self.doc[mention.sent[0] : mention.sent[1]]
        for t in sent:
            key = next((m.key for m in self.graph.mentions if m.start <= t.i < m.end), None)
            if self.graph.label(key) == "Ministry":
                return self.graph.state(key)
        return None

    def implicit_target(self, event: Event) -> None:
        """Fire on a village or a post hits the state the place lies in, unless the text says whom."""
        family = self.rules.families.get(event.kind.lower())
        if family is None or family.implicit.get("target") != "place_state" or event.role("TARGET"):
            return
        attackers = {self.graph.side(k) for k in event.role("ATTACKER")}
        for mention in event.mentions:
            for place in mention.roles.get("LOCATION", ()):
                state = self.graph.place_state(place)
                if state and state not in attackers and self.graph.label(state) == "State":
                    self.graph.relate("TARGET", event.key, state, mention.sent, "target-is-place-state", 0.6)

    # --- across events ------------------------------------------------------------------------------

    def violations(self, events: list[Event]) -> None:
        """'X violated the ceasefire': X's attacks violated it (else the last attack told before)."""
        attacks = [e for e in events if e.kind == "Attack"]
        for settlement in (e for e in events if e.kind in ("Ceasefire", "Agreement")):
            for mention in settlement.mentions:
                violators = {self.graph.side(v) for v in mention.props.get("violators", ())}
                if not violators:
                    continue
                by = [a for a in attacks if {self.graph.side(k) for k in a.role("ATTACKER")} & violators]
                before = [a for a in attacks if a.mentions[0].trigger <= mention.trigger]
                for attack in by or before[-1:] or attacks[:1]:
                    self.graph.relate(
                        "VIOLATED", attack.key, settlement.key, mention.sent, "violated-truce", 0.75
                    )

    def fighting_pair(self, events: list[Event]) -> FightingPair | None:
        """The one pair of sides the document's fighting sets against each other (an attack's attacker
        and target, a clash's two sides, a captor or occupier and the state of the place it holds);
        None when it names no such pair, or more than one."""
        pairs: dict[frozenset[str], FightingPair] = {}
        fights = {e.key: e.kind for e in events if e.kind in ("Attack", "Clash")}
        roles: dict[str, dict[str, list[str]]] = {}
        for fact in self.graph.facts:
            if fact.source in fights and fact.type in ("ATTACKER", "TARGET", "PARTICIPANT", "LOCATION"):
                roles.setdefault(fact.source, {}).setdefault(fact.type, []).append(fact.target)
        for key, found in roles.items():
            places = {s for p in found.get("LOCATION", ()) if (s := self.graph.place_state(p))}
            if fights[key] == "Attack":
                attackers = self.fighting_sides(found.get("ATTACKER", []))
                targets = self.fighting_sides(found.get("TARGET", []))
                fronts = [
                    ((a, attackers[a]), (t, targets[t]))
                    for a in attackers
                    for t in targets
                    if t not in attackers
                ]
            else:
                sides = self.fighting_sides(found.get("PARTICIPANT", []))
                fronts = list(combinations(sides.items(), 2))
            for one, other in fronts:
                self.add_pair(pairs, one, other, places)
        for fact in self.graph.facts:
            if fact.type in ("CAPTURED", "OCCUPIED"):
                holder = self.fighting_sides([fact.source])
                state = self.graph.place_state(fact.target)
                if len(holder) == 1 and self.graph.label(state) == "State" and state not in holder:
                    side = next(iter(holder))
                    self.add_pair(pairs, (side, holder[side]), (str(state), [str(state)]), {str(state)})
        return next(iter(pairs.values())) if len(pairs) == 1 else None

    def fighting_sides(self, keys: list[str]) -> dict[str, list[str]]:
        """The sides (states or armed groups) some keys name, each with the keys naming it."""
        sides: dict[str, list[str]] = {}
        for key in keys:
            side = self.graph.side(key)
            if side is not None and self.graph.label(side) in FIGHTING_LABELS:
                sides.setdefault(side, [])
                if key not in sides[side]:
                    sides[side].append(key)
        return sides

    @staticmethod
    def add_pair(
        pairs: dict[frozenset[str], FightingPair],
        one: tuple[str, list[str]],
        other: tuple[str, list[str]],
        places: set[str],
    ) -> None:
        """Count one front of the fighting: two sides, the keys naming them, where it was."""
        pair = pairs.setdefault(frozenset((one[0], other[0])), FightingPair())
        pair.add(*one)
        pair.add(*other)
        pair.states |= places

    def event_sides(
        self, event: str, types: tuple[str, ...] = ("ATTACKER", "TARGET", "PARTICIPANT")
    ) -> set[str]:
        """The sides an event's relations of some types name."""
        return {
            s
            for f in self.graph.facts
            if f.source == event and f.type in types
            if (s := self.graph.side(f.target))
        }

    def proposers(self, events: list[Event], pair: FightingPair | None) -> None:
        """'Qatar proposed a ceasefire', 'a truce proposed by the AU': a proposer the document does not
        name as a side of the fighting or of the truce mediates it; with no sides known, nobody is
        shown to be a third party ('Ukraine proposed a truce' proposes its own)."""
        for event in (e for e in events if e.kind in SETTLEMENTS and e.values("proposers")):
            own = self.event_sides(event.key)
            if pair is None and len(own) < 2:
                continue
            known = own | (pair.sides if pair else set()) | {s for s in self.sides if s}
            for mention in event.mentions:
                for key in mention.props.get("proposers", ()):
                    if self.graph.side(key) in known or self.graph.label(key) == "ArmedForce":
                        continue
                    self.graph.relate("MEDIATED_BY", event.key, key, mention.sent, "proposed-truce", 0.7)

    def generic_parties(self, events: list[Event], pair: FightingPair | None) -> None:
        """'both sides agreed to a truce', 'the parties to the conflict accepted it': a truce whose
        parties the text names only generically is between the one pair of sides the document's
        fighting names (not when a named party, a mediator or the war's country is outside it)."""
        if pair is None:
            return
        for event in (e for e in events if e.kind in SETTLEMENTS and e.values("generic")):
            sides = self.event_sides(event.key)
            mediators = self.event_sides(event.key, ("BROKERED_BY", "MEDIATED_BY", "HOSTED_BY"))
            places = set(event.values("generic_in"))
            if len(sides) >= 2 or not sides <= pair.sides or mediators & pair.sides:
                continue
            if places and not places & (pair.sides | pair.states):
                continue  # "the parties to the war in Sudan" in a report of fighting elsewhere
            mention = next(m for m in event.mentions if m.props.get("generic"))
            for side, keys in pair.names.items():
                for key in keys if side not in sides else ():
                    self.graph.relate("PARTICIPANT", event.key, key, mention.sent, "generic-parties", 0.6)

    def document_parties(self, events: list[Event]) -> None:
        """An event with fewer than two sides takes the two states the document is about, weakly."""
        brokers = {
            f.target for f in self.graph.facts if f.type in ("BROKERED_BY", "HOSTED_BY", "MEDIATED_BY")
        }
        main = self.main_parties(brokers)
        if len(main) < 2:
            return
        for event in events:
            sides = {
                self.graph.side(f.target)
                for f in self.graph.facts
                if f.source == event.key and f.type in ("ATTACKER", "TARGET", "PARTICIPANT")
            }
            if len(sides) >= 2:
                continue
            for party in main:
                if party not in sides:
                    self.graph.relate(
                        "PARTICIPANT", event.key, party, event.mentions[0].sent, "document-parties", 0.5
                    )

    def main_parties(self, brokers: set[str]) -> list[str]:
        """The two states a document is about: the most mentioned, brokers and hosts aside."""
        counts: dict[str, int] = {}
        for mention in self.graph.mentions:
            state = self.graph.state(mention.key)
            record = self.graph.entities.get(state) if state else None
            if (
                state
                and state not in brokers
                and record is not None
                and record.props.get("status") != "historical"
            ):
                counts[state] = counts.get(state, 0) + 1
        return sorted(counts, key=lambda k: -counts[k])[:2]

    def decide(self, events: list[Event]) -> None:
        """Drop what the whole document contradicts: targets on the attacker's side, regions of an
        attack that names its settlements there (its sites stay: they are finer still)."""
        attackers: dict[str, set[str | None]] = {}
        settled: dict[tuple[str, str], list[str]] = {}
        for fact in self.graph.facts:
            if fact.type == "ATTACKER":
                attackers.setdefault(fact.source, set()).add(self.graph.side(fact.target))
            if fact.type in ("LOCATION", "ORIGIN") and self.graph.label(fact.target) == "Settlement":
                settled.setdefault((fact.source, fact.type), []).append(fact.target)
        self.graph.facts[:] = [f for f in self.graph.facts if not self._contradicted(f, attackers, settled)]
        self.repeated_tolls()

    def repeated_tolls(self) -> None:
        """One toll told twice is counted once: on one event, the same count of a side's state and of its
        forces ('three of its soldiers' ... 'three Azerbaijani soldiers') keeps the first telling; a toll
        the first paragraph (the headline) gives and a later one repeats on another event of the same
        side ('Seven soldiers killed in clash' ... 'seven soldiers were killed in fighting') keeps the
        later telling."""
        tolls = [
            f for f in self.graph.facts if f.type == "PARTICIPANT" and f.attrs.keys() & {"killed", "wounded"}
        ]
        for field in ("killed", "wounded"):
            told = [f for f in tolls if field in f.attrs]
            for fact in told:
                if any(self._retold(fact, other, field) for other in told if other is not fact):
                    del fact.attrs[field]
        for fact in tolls:
            if not fact.attrs.keys() & {"killed", "wounded"}:
                fact.attrs.pop("qualifier", None)
                fact.attrs.pop("disc", None)

    def _retold(self, fact: Fact, other: Fact, field: str) -> bool:
        """Whether `other` tells the toll `fact` tells, and is the telling to keep."""
        if field not in other.attrs or other.attrs[field] != fact.attrs[field]:
            return False
        if self.graph.side(other.target) != self.graph.side(fact.target):
            return False
        if other.source == fact.source:
            return other.target != fact.target and other.sent[0] < fact.sent[0]
        return self.paragraph(fact.sent[0]) == 0 and self.paragraph(other.sent[0]) > 0

    def _contradicted(
        self, fact: Fact, attackers: dict[str, set[str | None]], settled: dict[tuple[str, str], list[str]]
    ) -> bool:
        if fact.type == "TARGET" and self.graph.side(fact.target) in attackers.get(fact.source, set()):
            return True
        return (
            fact.type in ("LOCATION", "ORIGIN")
            and fact.source.startswith("event:attack")
            and self.graph.label(fact.target) not in ("Settlement", "Site")
            and (fact.source, fact.type) in settled
            and (
                self.graph.label(fact.target) != "Region"
                or self._covered(fact.target, settled[(fact.source, fact.type)])
            )
        )

    def _covered(self, region: str, settlements: list[str]) -> bool:
        """Whether an attack's settlements make a region it hit redundant: one lies in it or nowhere
        known (it may lie there), is its seat of the same name, or the region is its state's first-level
        one ('villages of south Lebanon'). A district or an area beside settlements elsewhere ('strikes
        on the capital X and on a market in the Y area of the Z district') is a place of its own; a line
        or a state is not."""
        container = self.graph.container(region)
        broad = container is None or self.graph.label(container) == "State"
        state = self.graph.place_state(region)
        name = normalise_name(self.graph.entities[region].name) if region in self.graph.entities else None
        return any(
            self.graph.inside(s, region)
            or self.graph.container(s) is None
            or (broad and self.graph.place_state(s) == state)
            or (s in self.graph.entities and normalise_name(self.graph.entities[s].name) == name)
            for s in settlements
        )


class Resolver:
    """The pipeline's last component: event identity and decisions on each Doc's DocGraph."""

    def __init__(self, rules: Rules) -> None:
        register_extensions()
        self.rules = rules

    def __call__(self, doc: Doc) -> Doc:
        """Resolve the Doc's events and facts in place."""
        GraphResolver(doc, self.rules).resolve()
        return doc


@Language.factory("kg_resolve", requires=["doc._.kg"], assigns=["doc._.kg"])
def make_resolve(nlp: Language, name: str) -> Resolver:
    """Factory: event identity and the decisions taken once per document."""
    return Resolver(load_rules())


__all__ = ["GraphResolver", "Resolver", "make_resolve", "parse_published"]
