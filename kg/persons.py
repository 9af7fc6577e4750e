"""People with date-bounded roles (after PETRARCH's actor dictionaries), from `kg/data/persons.tsv`.

A row is one role of one person: the title news gives it ("Foreign Minister", "Secretary of State"),
the office it is ("foreign minister"), whom it represents (a state, ministry, armed force or
organisation key) and its start and end (ISO dates; a year or a month where that is all the source
says; an empty end is a role still held). So "Lavrov" or "the Russian foreign minister" in an article
of a given date resolves to the person who held the role then.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from kg.errors import ConfigError
from kg.names import normalise_name

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")

# How news names an office -> the office (the `office` column), for "the Armenian defence minister",
# "Pakistan's minister of foreign affairs", "the US secretary of state".
_TITLE_OFFICES: dict[str, str] = {
    "president": "head of state",
    "king": "head of state",
    "emir": "head of state",
    "supreme leader": "supreme leader",
    "prime minister": "head of government",
    "premier": "head of government",
    "chancellor": "head of government",
    "pm": "head of government",
    "foreign minister": "foreign minister",
    "minister of foreign affairs": "foreign minister",
    "foreign affairs minister": "foreign minister",
    "minister for foreign affairs": "foreign minister",
    "external affairs minister": "foreign minister",
    "minister of external affairs": "foreign minister",
    "secretary of state": "foreign minister",
    "foreign secretary": "foreign minister",
    "top diplomat": "foreign minister",
    "defence minister": "defence minister",
    "minister of defence": "defence minister",
    "minister of national defence": "defence minister",
    "national defence minister": "defence minister",
    "defence secretary": "defence minister",
    "secretary of defence": "defence minister",
    "armed forces minister": "defence minister",
    "minister of the armed forces": "defence minister",
    "chief of the general staff": "chief of general staff",
    "chief of general staff": "chief of general staff",
    "chief of staff of the armed forces": "chief of general staff",
    "chief of the defence staff": "chief of general staff",
    "chief of defence staff": "chief of general staff",
    "chief of defence forces": "chief of general staff",
    "chairman of the joint chiefs of staff": "chief of general staff",
    "army chief": "army chief",
    "chief of army staff": "army chief",
    "army commander": "army chief",
    "commander in chief": "commander-in-chief",
    "defence ministry spokesperson": "defence spokesperson",
    "spokesperson of the ministry of defence": "defence spokesperson",
    "defence ministry spokesman": "defence spokesperson",
    "defence ministry spokeswoman": "defence spokesperson",
    "foreign ministry spokesperson": "foreign spokesperson",
    "spokesperson of the ministry of foreign affairs": "foreign spokesperson",
    "foreign ministry spokesman": "foreign spokesperson",
    "foreign ministry spokeswoman": "foreign spokesperson",
    "state department spokesperson": "foreign spokesperson",
    "state department spokesman": "foreign spokesperson",
    "military spokesperson": "military spokesperson",
    "military spokesman": "military spokesperson",
    "army spokesperson": "military spokesperson",
    "army spokesman": "military spokesperson",
    "leader": "leader",
    "secretary general": "secretary-general",
    "secretary-general": "secretary-general",
}


def canonical_title(title: str) -> str:
    """A title folded for comparison: lower case, British spelling, no "the", single spaces."""
    text = normalise_name(title).replace("defense", "defence").replace("spokesman", "spokesperson")
    text = text.replace("spokeswoman", "spokesperson")
    return " ".join(w for w in text.split() if w not in ("the",))


def office_of_title(title: str) -> str | None:
    """The office a title names ("Secretary of State" -> "foreign minister"), if we know it."""
    text = canonical_title(title)
    for phrase, office in _TITLE_OFFICES.items():
        if canonical_title(phrase) == text:
            return office
    return None


@dataclass(frozen=True)
class Role:
    """One office a person held: title as news writes it, office, whom it represents, and when."""

    title: str
    office: str
    represents: str
    start: str | None = None
    """ISO date, or a year or month (YYYY, YYYY-MM) where that is all that is known; None if unknown."""
    end: str | None = None
    """As `start`; None while the role is held."""

    def held_on(self, day: date) -> bool:
        """Whether the role was held on this day (a role with a year or month covers all of it)."""
        first = _bound(self.start, last=False) if self.start else date.min
        last = _bound(self.end, last=True) if self.end else date.max
        return first <= day <= last


@dataclass(frozen=True)
class Person:
    """A person of the persons gazetteer: key, canonical name, other names (surname alone included)."""

    key: str
    name: str
    aliases: tuple[str, ...] = ()
    roles: tuple[Role, ...] = ()

    def roles_on(self, day: date) -> list[Role]:
        """The roles this person held on a day."""
        return [role for role in self.roles if role.held_on(day)]


@dataclass(frozen=True)
class PersonRole:
    """A person with the one role that answers a lookup (None if the person has no role)."""

    person: Person
    role: Role | None


@dataclass
class PersonIndex:
    """All persons, found by name, alias or surname, and by office held on a date."""

    persons: dict[str, Person] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._by_name: dict[str, list[tuple[int, str]]] = {}
        self.index()

    def index(self) -> None:
        """Rebuild the name lookups after persons were added."""
        self._by_name = {}
        for person in self.persons.values():
            for name in (person.name, *person.aliases):
                tier = 0 if name == person.name or len(name.split()) > 1 else 1
                hits = self._by_name.setdefault(normalise_name(name), [])
                if person.key not in [k for _t, k in hits]:
                    hits.append((tier, person.key))

    def named(self, name: str, on: date | None = None) -> list[PersonRole]:
        """Persons called `name` (full name, other spelling or surname), one item per role: on a date,
        roles held that day first; full-name matches before surname matches; then the latest roles."""
        found: list[tuple[tuple[int, int, str], PersonRole]] = []
        for tier, key in self._by_name.get(normalise_name(name), ()):
            person = self.persons[key]
            roles: list[Role | None] = list(person.roles) or [None]
            for role in roles:
                held = 0 if role is not None and on is not None and role.held_on(on) else 1
                recency = (role.end or "9999") if role is not None else ""  # a held role is the latest
                found.append(((held, tier, _descending(recency)), PersonRole(person, role)))
        found.sort(key=lambda item: item[0])
        return [item for _key, item in found]

    def office_holder(self, represents: str, title: str, on: date | None = None) -> PersonRole | None:
        """Who held a title for whom on a date ("ministry:defence:ru", "Defence Minister", 2023-05-01);
        without a date, the current holder. The title matches the role's own title first, then its office."""
        wanted = canonical_title(title)
        office = office_of_title(title) or wanted
        matches: list[tuple[int, str, PersonRole]] = []
        for person in self.persons.values():
            for role in person.roles:
                if role.represents != represents:
                    continue
                if canonical_title(role.title) == wanted:
                    exact = 0
                elif role.office == office:
                    exact = 1
                else:
                    continue
                if on is not None and not role.held_on(on):
                    continue
                if on is None and role.end:
                    continue
                matches.append((exact, _descending(role.start or ""), PersonRole(person, role)))
        if not matches:
            return None
        return min(matches, key=lambda m: (m[0], m[1]))[2]


def _bound(value: str, last: bool) -> date:
    match = _PARTIAL_DATE.match(value)
    if match is None:
        raise ValueError(value)
    year, month, day = int(match[1]), match[2], match[3]
    if month is None:
        return date(year, 12, 31) if last else date(year, 1, 1)
    if day is None:
        return date(year, int(month), calendar.monthrange(year, int(month))[1] if last else 1)
    return date(year, int(month), int(day))


def _descending(text: str) -> str:
    """A string key that sorts `text` in reverse order (later dates first)."""
    return "".join(chr(0x10FFFF - ord(c)) for c in text.ljust(10, "0"))


def check_date(value: str, where: str) -> str | None:
    """A start or end value as written, or a ConfigError saying how to write it."""
    value = value.strip()
    if not value:
        return None
    try:
        _bound(value, last=False)
    except ValueError:
        raise ConfigError(f"{where}: {value!r} is not a date: write YYYY-MM-DD (or YYYY-MM, YYYY)") from None
    return value


def persons_from_rows(rows: Iterable[tuple[str, dict[str, str]]]) -> PersonIndex:
    """Persons from persons.tsv rows (one role a row; rows of one key are merged, later ones add)."""
    merged: dict[str, tuple[str, list[str], list[Role]]] = {}
    for where, row in rows:
        key, name = row["key"].strip(), row["name"].strip()
        if not key or not (name or key in merged):
            raise ConfigError(f"{where}: a person needs a key and a name")
        if not key.startswith("person:"):
            raise ConfigError(f"{where}: a person's key starts with 'person:' (kg.resolve.person_key)")
        old_name, aliases, roles = merged.get(key, (name, [], []))
        aliases.extend(a.strip() for a in row["aliases"].split("|") if a.strip())
        if row.get("title", "").strip():
            if not row.get("represents", "").strip():
                raise ConfigError(f"{where}: a role needs the key of whom it represents")
            roles.append(
                Role(
                    title=row["title"].strip(),
                    office=row.get("office", "").strip() or office_of_title(row["title"]) or "",
                    represents=row["represents"].strip(),
                    start=check_date(row.get("start", ""), where),
                    end=check_date(row.get("end", ""), where),
                )
            )
        merged[key] = (old_name or name, aliases, roles)
    persons = {
        key: Person(key, name, tuple(a for a in dict.fromkeys(aliases) if a != name), tuple(roles))
        for key, (name, aliases, roles) in merged.items()
    }
    return PersonIndex(persons)
