"""Identity: stable keys and canonical names, so the same real thing gets the same key everywhere.

Keys: states `state:<iso2 lower>` (de facto states by slug), ministries `ministry:<portfolio>:<state>`,
armed forces `armedforce:<state>`, places scoped by their container (`settlement:<slug>@<container key>`, e.g.
`settlement:<slug>@region:<slug>@state:xx`, `region:<slug>@<state key>`), territories `territory:<slug>`,
conflicts `conflict:<slug>`, organisations and non-state armed groups `org:<slug>`, persons
`person:<slug>`, events `event:<kind>:<document key>:<n>` (events belong to one document).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kg.dates import ResolvedDate, span_dates
from kg.names import slug
from kg.rules import lexicon

if TYPE_CHECKING:
    from kg.components.records import DocGraph, EventMention

PORTFOLIOS: dict[str, str] = {
    "defence": "defence",
    "defense": "defence",
    "national defence": "defence",
    "national defense": "defence",
    "foreign": "foreign affairs",
    "foreign affairs": "foreign affairs",
    "external affairs": "foreign affairs",
    "interior": "interior",
    "internal affairs": "interior",
    "home affairs": "interior",
    "emergency situations": "emergency situations",
    "emergencies": "emergency situations",
    "emergency": "emergency situations",
    "justice": "justice",
    "health": "health",
    "public health": "health",
    "health care": "health",
    "finance": "finance",
    "economy": "economy",
    "energy": "energy",
}
"""How a text names a portfolio -> the canonical portfolio."""


def portfolio_of(words: str) -> str:
    """The canonical portfolio for the words naming it ("Defense" -> "defence")."""
    text = " ".join(words.lower().replace("&", "and").split())
    return PORTFOLIOS.get(text, text)


def state_suffix(state_key: str) -> str:
    """The part of a state key after `state:` ("state:az" -> "az")."""
    return state_key.split(":", 1)[1]


def ministry_key(portfolio: str, state_key: str) -> str:
    """Key of a state's ministry: `ministry:defence:az`."""
    return f"ministry:{slug(portfolio)}:{state_suffix(state_key)}"


def ministry_name(portfolio: str, state_name: str) -> str:
    """Canonical ministry name: "Ministry of Defence of Azerbaijan"."""
    portfolio = portfolio.title().replace(" Of ", " of ").replace(" And ", " and ")
    return f"Ministry of {portfolio} of {state_after_of(state_name)}"


def state_after_of(state_name: str) -> str:
    """A state's name as written after "of": "the United States", "the Philippines", "Armenia"."""
    words = lexicon()["state_article_word"]
    return f"the {state_name}" if any(w.lower() in words for w in state_name.split()) else state_name


def armed_force_key(state_key: str) -> str:
    """Key of a state's military: `armedforce:am`."""
    return f"armedforce:{state_suffix(state_key)}"


def armed_force_name(state_name: str) -> str:
    """Canonical name of a state's military: "Armed Forces of Armenia"."""
    return f"Armed Forces of {state_after_of(state_name)}"


def place_key(label: str, name: str, container: str | None) -> str:
    """Key of a place the gazetteer does not know, scoped by its container when the text gives one."""
    base = f"{label.lower()}:{slug(name)}"
    return f"{base}@{container}" if container else base


def state_key(iso2: str) -> str:
    """Key of a state from its ISO 3166-1 alpha-2 code: `state:am`."""
    return f"state:{iso2.strip().lower()}"


def region_key(name: str, state_key: str) -> str:
    """Key of a first-level region of a state: `region:syunik@state:am`."""
    return f"region:{slug(name)}@{state_key}"


def settlement_key(name: str, container_key: str) -> str:
    """Key of a settlement in its region (or state): `settlement:kapan@region:syunik@state:am`."""
    return f"settlement:{slug(name)}@{container_key}"


def organisation_key(name: str) -> str:
    """Key of an organisation or non-state armed group from its canonical name: `org:hezbollah`."""
    return f"org:{slug(name)}"


def person_key(name: str) -> str:
    """Key of a person from their full name: `person:ilham-aliyev`."""
    return f"person:{slug(name)}"


def conflict_key(name: str) -> str:
    """Key of a conflict from its canonical name."""
    return f"conflict:{slug(name)}"


def event_key(kind: str, document_key: str, number: int) -> str:
    """Key of the n-th event of a kind in a document (events are per document)."""
    return f"event:{kind.lower()}:{document_key}:{number}"


# --- event identity -------------------------------------------------------------------------------

SIDE_ROLES = ("ATTACKER", "TARGET", "PARTICIPANT")
EVENT_ROLES = (
    "ATTACKER", "TARGET", "ORIGIN", "LOCATION", "PARTICIPANT", "ENDED", "BROKERED_BY", "MEDIATED_BY",
    "HOSTED_BY",
)  # fmt: skip


@dataclass
class Event:
    """One event of a document: the mentions identity put together, and what they say of it."""

    kind: str
    anchor: str
    mentions: list[EventMention] = field(default_factory=list)
    key: str = ""

    def role(self, name: str) -> list[str]:
        """Every key a role of the event's mentions names, in order, no repeats."""
        found: list[str] = []
        for mention in self.mentions:
            for key in mention.roles.get(name, ()):
                if key not in found:
                    found.append(key)
        return found

    def values(self, name: str) -> list[Any]:
        """Every value of a property over the event's mentions, in order, no repeats."""
        found: list[Any] = []
        for mention in self.mentions:
            for value in mention.props.get(name, ()) or ():
                if value not in found:
                    found.append(value)
        return found

    def day_dates(self) -> set[str]:
        """The days its mentions are dated to."""
        return {d.start for d in self.values("starts") if d.precision == "day"}


class EventIdentity:
    """Which event mentions of a document are the same event.

    An article usually reports one attack per side, one clash, one truce: mentions of the same kind
    (and the same attacking side) are one event, unless a later paragraph dates one to another day or
    puts it in another region, or the text dates it to another year. A mention that names no attacker
    goes on the latest attack it fits (not one by the side that reports it or was hit here)."""

    def __init__(self, graph: DocGraph, paragraph: Callable[[int], int]) -> None:
        self.graph = graph
        self.paragraph = paragraph
        self.events: list[Event] = []
        self.by_anchor: dict[tuple[str, str], Event] = {}
        self.of_trigger: dict[int, Event] = {}

    def assign(self) -> list[Event]:
        """Group every mention into its event, in text order; casualties join the event they name."""
        for mention in sorted(self.graph.events, key=lambda m: m.trigger):
            if mention.kind == "Casualty":
                continue
            event = self._attack_event(mention) if mention.kind == "Attack" else self._anchored(mention)
            if event is None:
                continue  # adds to an event the text does not tell
            event.mentions.append(mention)
            self.of_trigger[mention.trigger] = event
        for mention in self.graph.events:
            if mention.kind == "Casualty":
                self._casualty_event(mention).mentions.append(mention)
        self._fold_unattributed()
        return self.events

    def _new(self, kind: str, anchor: str) -> Event:
        event = Event(kind, anchor)
        self.events.append(event)
        self.by_anchor[(kind, anchor)] = event
        return event

    def _anchored(self, mention: EventMention) -> Event | None:
        past = mention.props.get("past")
        anchor = str(mention.props.get("year") or (past.start if past else "current"))
        if "record" in mention.props and anchor == "current":
            anchor = f"record:{mention.props['record']}"  # a coded record tells one event
        if mention.props.get("joins"):
            return self.by_anchor.get((mention.kind, anchor))
        if anchor == "current" and mention.kind == "Clash":
            # "heavy fighting in March 2019, when dozens were killed in clashes": one clash
            same = [
                e
                for e in self.events
                if e.kind == "Clash" and any(m.sent == mention.sent for m in e.mentions)
            ]
            if same:
                return same[-1]
        return self.by_anchor.get((mention.kind, anchor)) or self._new(mention.kind, anchor)

    def _attack_event(self, mention: EventMention) -> Event | None:
        sides = [self.graph.side(k) for k in mention.roles.get("ATTACKER", ())]
        if mention.props.get("joins"):
            return self.by_anchor.get(("Attack", str(sides[0]))) if sides else None
        if not sides:
            same = self._fitting_attack(mention)
            return same if same is not None else self._new("Attack", f"unknown:{mention.trigger}")
        anchor = str(sides[0])
        if "record" in mention.props:
            anchor = f"{anchor}@record:{mention.props['record']}"  # a coded record tells one event
        event = self.by_anchor.get(("Attack", anchor))
        if event is None:
            return self._new("Attack", anchor)
        if self._another_day(event, mention):
            day = min(d.start for d in mention.props.get("starts", ()) if d.precision == "day")
            return self.by_anchor.get(("Attack", f"{anchor}@{day}")) or self._new("Attack", f"{anchor}@{day}")
        region = self._another_region(event, mention)
        if region is not None:
            return self.by_anchor.get(("Attack", f"{anchor}@{region}")) or self._new(
                "Attack", f"{anchor}@{region}"
            )
        return event

    def _another_day(self, event: Event, mention: EventMention) -> bool:
        own = {d.start for d in mention.props.get("starts", ()) if d.precision == "day"}
        known = event.day_dates()
        if not own or not known or own & known:
            return False
        return self.paragraph(event.mentions[0].trigger) != self.paragraph(mention.trigger)

    def _another_region(self, event: Event, mention: EventMention) -> str | None:
        places = [p for p in mention.roles.get("LOCATION", ()) if self.graph.label(p) == "Settlement"]
        if not places:
            return None
        before, here = self._regions(event.role("LOCATION")), self._regions(places)
        if not before or not here or before & here:
            return None
        if self.paragraph(event.mentions[0].trigger) == self.paragraph(mention.trigger):
            return None
        return sorted(here)[0]

    def _regions(self, places: list[str]) -> set[str]:
        found: set[str] = set()
        for place in places:
            key: str | None = place
            for _ in range(4):
                if key is None or self.graph.label(key) == "State":
                    break
                if self.graph.label(key) in ("Region", "Territory"):
                    found.add(key)
                key = self.graph.container(key)
        return found

    def _fitting_attack(self, mention: EventMention) -> Event | None:
        attacks = [e for e in self.events if e.kind == "Attack"]
        if mention.props.get("continues") and attacks and attacks[-1].role("ATTACKER"):
            return attacks[-1]  # "the villages of A and B also came under shelling": the attack just told
        reporters = {self.graph.side(r) for r in mention.props.get("reporters", ())}
        here = {self.graph.place_state(p) for p in mention.roles.get("LOCATION", ())} - {None}
        came_from = {self.graph.place_state(p) for p in mention.roles.get("ORIGIN", ())} - {None}
        for event in reversed([e for e in self.events if e.kind == "Attack"]):
            by = {self.graph.side(k) for k in event.role("ATTACKER")}
            if (reporters & by) or (here & by):
                continue
            hit = {self.graph.place_state(p) for p in event.role("LOCATION")} - {None}
            if hit and ((here and not here & hit) or (came_from & hit)):
                continue
            return event
        return None

    def _casualty_event(self, mention: EventMention) -> Event:
        trigger = mention.props.get("event")
        if trigger is not None and trigger in self.of_trigger:
            return self.of_trigger[trigger]
        attackers = mention.roles.get("ATTACKER")
        if attackers:
            anchor = str(self.graph.side(attackers[0]))
            return self.by_anchor.get(("Attack", anchor)) or self._new("Attack", anchor)
        return self.by_anchor.get(("Clash", "current")) or self._new("Clash", "current")

    def _fold_unattributed(self) -> None:
        """An attack with no attacker that hit the same settlement as an attributed one is that attack;
        else the one a side claims right after it ("Rockets hit X. Hezbollah said it had fired")."""
        attributed = [e for e in self.events if e.kind == "Attack" and e.role("ATTACKER")]
        for event in [e for e in self.events if e.kind == "Attack" and not e.role("ATTACKER")]:
            places = {p for p in event.role("LOCATION") if self.graph.label(p) == "Settlement"}
            into = next((e for e in attributed if places & set(e.role("LOCATION"))), None)
            into = into or self._claimed_next(event, attributed)
            if into is not None:
                into.mentions.extend(event.mentions)
                self.events.remove(event)

    def _claimed_next(self, event: Event, attributed: list[Event]) -> Event | None:
        hit = {self.graph.place_state(p) for p in event.role("LOCATION")} - {None}
        hit |= {self.graph.side(k) for k in event.role("TARGET")}
        last = event.mentions[-1]
        for other in attributed:
            first = other.mentions[0]
            if not 0 < first.trigger - last.trigger <= 60:
                continue
            if {self.graph.side(k) for k in other.role("ATTACKER")} & hit:
                continue
            return other
        return None


def event_dates(event: Event, published: str | None) -> ResolvedDate | None:
    """When an event happened: the dates its mentions give, else when it was reported."""
    resolved = span_dates(event.values("starts"), event.values("ends"))
    if resolved is None:
        reported = event.values("reported")
        resolved = reported[0] if reported else None
    return resolved
