"""What our components hand each other on the Doc: typed records, kept in one `DocGraph` (`doc._.kg`).

Entities, mentions and facts are added by the component that finds them and never removed by
another; the resolution stage (`kg.resolve.resolve_graph`) decides, once, what is kept (event
identity, the most specific places, no attack on one's own side) when the Doc leaves the pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Span


@dataclass
class EntityRecord:
    """An entity as the pipeline knows it: key, label, canonical name, other names, properties."""

    key: str
    label: str
    name: str
    aliases: list[str] = field(default_factory=list)
    props: dict[str, Any] = field(default_factory=dict)

    def add_alias(self, alias: str | None) -> None:
        """Remember another name for the entity (never its own name, never twice)."""
        if alias and alias != self.name and alias not in self.aliases:
            self.aliases.append(alias)

    def set_default(self, name: str, value: Any) -> None:
        """Set a property unless it is set already."""
        if value is not None and self.props.get(name) is None:
            self.props[name] = value


@dataclass(frozen=True)
class Mention:
    """Tokens [start, end) of the Doc name the entity `key`."""

    start: int
    end: int
    key: str


@dataclass
class Fact:
    """A relation candidate between two entity keys, with the sentence that states it."""

    type: str
    source: str
    target: str
    sent: tuple[int, int]
    rule: str
    confidence: float
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass
class EventMention:
    """A word naming an event of a kind, with the roles its frames filled (entity keys per role)."""

    kind: str
    trigger: int
    sent: tuple[int, int]
    roles: dict[str, list[str]] = field(default_factory=dict)
    props: dict[str, Any] = field(default_factory=dict)
    rules: list[str] = field(default_factory=list)
    confidence: float = 0.5
    key: str | None = None
    """The event this mention is of, decided by event identity."""


@dataclass
class DocGraph:
    """Everything our components found in one Doc."""

    entities: dict[str, EntityRecord] = field(default_factory=dict)
    mentions: list[Mention] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    events: list[EventMention] = field(default_factory=list)
    skip: list[tuple[int, int]] = field(default_factory=list)
    """Token ranges that are links, not content ("READ MORE: ...")."""
    recast: dict[int, str] = field(default_factory=dict)
    """Mention start -> the entity the mention stands for after all (a capital that speaks: its state)."""
    _linked: int = field(default=-1, repr=False)
    _owner: dict[str, str] = field(default_factory=dict, repr=False)
    _container: dict[str, str] = field(default_factory=dict, repr=False)

    def entity(self, key: str, label: str, name: str, alias: str | None = None, **props: Any) -> EntityRecord:
        """The entity with this key, added on first sight; aliases and unset properties join it."""
        record = self.entities.get(key)
        if record is None:
            record = self.entities[key] = EntityRecord(key=key, label=label, name=name)
        record.add_alias(alias)
        for name_, value in props.items():
            record.set_default(name_, value)
        return record

    def mention(self, start: int, end: int, key: str) -> None:
        """Record that tokens [start, end) name the entity `key`."""
        self.mentions.append(Mention(start, end, key))

    def relate(
        self,
        rtype: str,
        source: str,
        target: str,
        sent: Span | tuple[int, int],
        rule: str,
        confidence: float,
        **attrs: Any,
    ) -> Fact:
        """Record one relation candidate with the sentence that states it."""
        bounds = (sent.start, sent.end) if isinstance(sent, Span) else sent
        fact = Fact(
            rtype, source, target, bounds, rule, confidence, {k: v for k, v in attrs.items() if v is not None}
        )
        self.facts.append(fact)
        return fact

    def label(self, key: str | None) -> str | None:
        """The label of an entity key, if known."""
        record = self.entities.get(key) if key else None
        return record.label if record else None

    def skipped(self, i: int) -> bool:
        """Whether token i is in a link line, not content."""
        return any(a <= i < b for a, b in self.skip)

    def _links(self) -> tuple[dict[str, str], dict[str, str]]:
        if self._linked != len(self.facts):
            self._owner, self._container = {}, {}
            for fact in self.facts:
                if fact.type in ("MINISTRY_OF", "ARMED_FORCE_OF", "REPRESENTS"):
                    self._owner.setdefault(fact.source, fact.target)
                elif fact.type == "LOCATED_IN":
                    self._container.setdefault(fact.source, fact.target)
            self._linked = len(self.facts)
        return self._owner, self._container

    def state(self, key: str | None) -> str | None:
        """The state a party belongs to (itself for a state)."""
        owner = self._links()[0]
        for _ in range(3):
            if key is None or self.label(key) == "State":
                return key
            key = owner.get(key)
        return None

    def side(self, key: str | None) -> str | None:
        """A party's side: its state, or itself when it belongs to none (an armed group)."""
        return self.state(key) or key

    def container(self, key: str) -> str | None:
        """The place a place lies in directly, as the text or the gazetteer says."""
        return self._links()[1].get(key)

    def place_state(self, key: str | None) -> str | None:
        """The state a place lies in, following LOCATED_IN (itself for a state)."""
        container = self._links()[1]
        for _ in range(6):
            if key is None or self.label(key) == "State":
                return key
            key = container.get(key)
        return None

    def inside(self, inner: str, outer: str) -> bool:
        """Whether a place lies (transitively) in another."""
        container = self._links()[1]
        key: str | None = inner
        for _ in range(6):
            key = container.get(key) if key else None
            if key is None:
                return False
            if key == outer:
                return True
        return False


def graph_from_dicts(
    entities: dict[str, dict[str, Any]],
    mentions: list[dict[str, Any]],
    relations: list[dict[str, Any]],
    skip: list[list[int]],
) -> DocGraph:
    """A DocGraph of what the entity recogniser wrote as plain dicts."""
    graph = DocGraph(skip=[(a, b) for a, b in skip])
    for key, data in entities.items():
        props = {k: v for k, v in data.items() if k not in ("label", "name", "aliases")}
        graph.entities[key] = EntityRecord(key, data["label"], data["name"], list(data["aliases"]), props)
    graph.mentions = [Mention(m["start"], m["end"], m["key"]) for m in mentions]
    for rel in relations:
        attrs = {
            k: v
            for k, v in rel.items()
            if k not in ("type", "source", "target", "sent", "rule", "confidence")
        }
        graph.relate(
            rel["type"],
            rel["source"],
            rel["target"],
            tuple(rel["sent"]),
            rel["rule"],
            rel["confidence"],
            **attrs,
        )
    return graph
