"""Gazetteers: states (pycountry + overrides), demonyms, places, organisations, conflicts and persons.

The curated data lives in `kg/data/*.tsv` (each file notes its sources). Users extend it by putting
files with the same names and columns in the folder named by `KG_GAZETTEER_DIR`; their rows are
added to (and, for the same key, replace) ours.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pycountry

from kg.errors import ConfigError
from kg.names import normalise_name, slug
from kg.persons import PersonIndex, PersonRole, persons_from_rows

if TYPE_CHECKING:
    from kg.world import WorldGazetteer

DATA_DIR = Path(__file__).resolve().parent / "data"
USER_DIR_ENV = "KG_GAZETTEER_DIR"


@dataclass(frozen=True)
class GazEntry:
    """One known thing: its key, type label, canonical name, other names and optional facts."""

    key: str
    label: str
    name: str
    aliases: tuple[str, ...] = ()
    kind: str | None = None
    container: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    status: str | None = None
    iso2: str | None = None
    iso3: str | None = None
    state: str | None = None
    start: str | None = None
    end: str | None = None
    parties: tuple[str, ...] = ()
    population: int | None = None
    """GeoNames population (world places only; a curated row matched to GeoNames has it too)."""
    geonameid: int | None = None
    capital: bool = False
    """A national capital (GeoNames country table)."""
    seat: bool = False
    """Named like its first-level region, so most likely its seat ("Kharkiv" in Kharkiv oblast)."""
    source: str = "curated"
    org_type: str | None = None
    """What an organisation is: news agency, international body, security service, ... (organizations.tsv)."""
    active_in: tuple[str, ...] = ()
    """State keys a non-state armed group fights or operates in (organizations.tsv)."""
    calls_itself: tuple[str, ...] = ()
    """Keys of the bodies a group names itself as in its own statements (organizations.tsv: the Houthis'
    "Yemeni Armed Forces")."""
    """"curated" for kg/data rows (also when matched to GeoNames), "geonames" for world-only places."""


@dataclass
class Gazetteer:
    """All gazetteer entries, with lookups by normalised name."""

    entries: dict[str, GazEntry] = field(default_factory=dict)
    demonyms: dict[str, str] = field(default_factory=dict)
    """Demonym as written ("Armenian") -> state key."""
    subdivisions: dict[str, list[GazEntry]] = field(default_factory=dict)
    capitals: dict[str, str] = field(default_factory=dict)
    """Capital city key -> the key of the state it is the capital of."""
    """Normalised ISO 3166-2 subdivision name -> regions; used only when the text says 'region'."""
    persons: PersonIndex = field(default_factory=PersonIndex)
    """Persons with date-bounded roles (persons.tsv)."""

    def __post_init__(self) -> None:
        self._by_name: dict[str, list[str]] = {}
        self._demonym_norm: dict[str, str] = {}
        self._world: WorldGazetteer | None = None
        self._demonyms_seen = -1
        self._by_state: dict[str, list[str]] = {}

    @property
    def world(self) -> WorldGazetteer:
        """The world gazetteer (GeoNames) reconciled with these rows; opened (built once) on first use."""
        if self._world is None:
            from kg.world import WorldGazetteer

            self._world = WorldGazetteer(self)
        return self._world

    def persons_named(self, name: str, on: date | None = None) -> list[PersonRole]:
        """Persons called `name` (full name, other spelling or surname), the role held `on` that day first."""
        return self.persons.named(name, on)

    def office_holder(self, represents: str, title: str, on: date | None = None) -> PersonRole | None:
        """Who held a title for a state, ministry, armed force or organisation on a day (today if None)."""
        return self.persons.office_holder(represents, title, on)

    def world_settlements(self, name: str, state: str | None = None) -> list[GazEntry]:
        """Settlements called `name` worldwide (curated rows first, then capitals, seats, population)."""
        return self.world.settlements(name, state)

    def world_regions(self, name: str, state: str | None = None) -> list[GazEntry]:
        """First-level regions called `name` worldwide (curated rows first, then by population)."""
        return self.world.regions(name, state)

    def world_region(self, name: str, state: str | None = None) -> GazEntry | None:
        """The best first-level region called `name`, optionally within one state."""
        return self.world.region(name, state)

    def clear_place(
        self, name: str, states: Collection[str], label: str | None = None, floor: int = 0
    ) -> GazEntry | None:
        """The settlement or first-level region (or only the `label` one) a bare name means: one of that
        very name in a state the report names (a settlement first, unless only a region has it), else
        one spelt otherwise there unless a city of that very name lies elsewhere ("Doha" is not an
        Iranian village's other name), else the only place of that very name, else one ten times as
        populous as the next; `floor` is the population a place outside the named states needs."""
        wanted = normalise_name(name)
        found = [] if label == "Region" else self.world_settlements(name)
        found += [] if label == "Settlement" else self.world_regions(name)
        exact = [e for e in found if normalise_name(e.name) == wanted]
        named = [e for e in found if e.state in states]
        named_exact = [e for e in named if e in exact]
        if named_exact:
            return named_exact[0]
        big = [e for e in exact if (e.population or 0) >= max(floor, 100_000)]
        if named and not big:
            return named[0]  # another spelling of a place in a named state ("Gondar" for Gonder)
        exact = [e for e in exact if (e.population or 0) >= floor]
        if len(exact) <= 1:
            return exact[0] if exact else None
        first, second = sorted(exact, key=lambda e: -(e.population or 0))[:2]
        return first if (first.population or 0) >= 10 * max(second.population or 0, 1) else None

    def place(self, key: str) -> GazEntry | None:
        """A curated entry by key, else a world settlement or region by key."""
        entry = self.entries.get(key)
        if entry is not None and entry.label not in ("Settlement", "Region"):
            return entry
        return self.world.place(key) or entry

    def region_of(self, place: GazEntry | str) -> GazEntry | None:
        """The first-level region a settlement (entry or key) is in."""
        return self.world.region_of(place)

    def state_of(self, place: GazEntry | str) -> str | None:
        """The key of the state a place (entry or key) is in."""
        return self.world.state_of(place)

    def index(self) -> None:
        """Rebuild the name lookups after entries were added."""
        self._by_name = {}
        for entry in self.entries.values():
            for name in (entry.name, *entry.aliases):
                keys = self._by_name.setdefault(normalise_name(name), [])
                if entry.key not in keys:
                    keys.append(entry.key)
        self._demonym_norm = {normalise_name(d): k for d, k in self.demonyms.items()}

    def lookup(self, name: str, label: str | None = None) -> list[GazEntry]:
        """Entries whose name or alias is `name` (optionally of one label), in file order."""
        found = [self.entries[k] for k in self._by_name.get(normalise_name(name), ())]
        return [e for e in found if label is None or e.label == label]

    def get(self, key: str) -> GazEntry | None:
        """The entry with this key, if the gazetteer knows it."""
        return self.entries.get(key)

    def demonym_state(self, word: str) -> str | None:
        """The state key a demonym or adjectival form names ("Azerbaijani" -> state:az)."""
        return self._demonym_norm.get(normalise_name(word))

    def demonyms_of(self, state_key: str) -> list[str]:
        """The demonyms of a state, as written in the table."""
        if self._demonyms_seen != len(self.demonyms):  # the table may grow after loading
            self._demonyms_seen = len(self.demonyms)
            self._by_state = {}
            for demonym, state in self.demonyms.items():
                self._by_state.setdefault(state, []).append(demonym)
        return list(self._by_state.get(state_key, ()))

    def surface_forms(self) -> Iterator[tuple[str, str]]:
        """(surface form, key) for every name worth looking for in text (conflicts excepted)."""
        for entry in self.entries.values():
            if entry.label == "Conflict":
                continue
            for name in (entry.name, *entry.aliases):
                if "," in name:
                    continue
                yield name, entry.key

    def conflict_forms(self) -> Iterator[tuple[str, str]]:
        """(surface form, key) for named conflicts, matched case-insensitively."""
        for entry in self.entries.values():
            if entry.label == "Conflict":
                for name in (entry.name, *entry.aliases):
                    yield name, entry.key


def _rows(filename: str) -> Iterator[tuple[Path, int, dict[str, str]]]:
    """Rows of a TSV data file (ours, then the user's), skipping comments and blank lines."""
    paths = [DATA_DIR / filename]
    user_dir = os.environ.get(USER_DIR_ENV)
    if user_dir:
        folder = Path(user_dir)
        if not folder.is_dir():
            raise ConfigError(
                f"{USER_DIR_ENV}={user_dir} is not a folder: point it at a folder of .tsv files"
            )
        if (folder / filename).exists():
            paths.append(folder / filename)
    for path in paths:
        with open(path, encoding="utf-8", newline="") as stream:
            lines = [
                (n, line) for n, line in enumerate(stream, 1) if line.strip() and not line.startswith("#")
            ]
        if not lines:
            continue
        header = lines[0][1].rstrip("\n").split("\t")
        for number, line in lines[1:]:
            values = line.rstrip("\n").split("\t")
            if len(values) > len(header):
                raise ConfigError(
                    f"{path} line {number}: more columns than the header: use tabs between columns"
                )
            yield path, number, dict(zip(header, values + [""] * (len(header) - len(values)), strict=True))


def _split(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split("|") if v.strip())


def _float(value: str, path: Path, number: int) -> float | None:
    if not value.strip():
        return None
    try:
        return float(value)
    except ValueError:
        raise ConfigError(f"{path} line {number}: {value!r} is not a number: write decimal degrees") from None


def _states(gaz: Gazetteer) -> None:
    for country in pycountry.countries:
        names = [getattr(country, "common_name", None), country.name, getattr(country, "official_name", None)]
        forms = [n for n in names if n]
        key = f"state:{country.alpha_2.lower()}"
        gaz.entries[key] = GazEntry(
            key=key,
            label="State",
            name=forms[0],
            aliases=tuple(dict.fromkeys(forms[1:])),
            status="sovereign",
            iso2=country.alpha_2,
            iso3=country.alpha_3,
        )
    claimed: dict[str, str] = {}  # a name a states.tsv row lists -> that row's key
    for path, number, row in _rows("states.tsv"):
        if not row["key"] or not row["name"]:
            raise ConfigError(f"{path} line {number}: a state needs a key and a name")
        for form in (row["name"], *_split(row["aliases"])):
            claimed[normalise_name(form)] = row["key"]
        old = gaz.entries.get(row["key"])
        aliases = _split(row["aliases"]) + ((old.name, *old.aliases) if old else ())
        gaz.entries[row["key"]] = GazEntry(
            key=row["key"],
            label="State",
            name=row["name"],
            aliases=tuple(a for a in dict.fromkeys(aliases) if a != row["name"]),
            status=row["status"] or "sovereign",
            iso2=row["iso2"] or None,
            iso3=row["iso3"] or None,
        )
    # A name states.tsv gives one state ("Congo": DR Congo) is no other state's inherited ISO name.
    for key, entry in list(gaz.entries.items()):
        if entry.label == "State":
            kept = tuple(a for a in entry.aliases if claimed.get(normalise_name(a), key) == key)
            if kept != entry.aliases:
                gaz.entries[key] = replace(entry, aliases=kept)


ORGANISATION_LABELS = ("Organization", "ArmedForce", "Ministry")
ARMED_FORCE_KINDS = ("state", "non-state")


def _organisation(path: Path, number: int, row: dict[str, str]) -> GazEntry:
    """An organisations.tsv row; files without the kind, type and active_in columns stay valid."""
    label = row["label"]
    if label not in ORGANISATION_LABELS:
        raise ConfigError(f"{path} line {number}: label must be Organization, ArmedForce or Ministry")
    state = row.get("state", "") or None
    kind = row.get("kind", "").strip() or None
    if label == "ArmedForce":
        kind = kind or ("state" if state else "non-state")
        if kind not in ARMED_FORCE_KINDS:
            raise ConfigError(
                f"{path} line {number}: an ArmedForce's kind is state or non-state, not {kind!r}"
            )
        if kind == "state" and not state and not row["key"].startswith("armedforce:"):
            raise ConfigError(f"{path} line {number}: a state's armed force needs the key of its state")
    if label == "Ministry" and not state:
        raise ConfigError(f"{path} line {number}: a Ministry (or equivalent body) needs the key of its state")
    return GazEntry(
        key=row["key"],
        label=label,
        name=row["name"],
        aliases=_split(row["aliases"]),
        state=state,
        kind=kind,
        org_type=row.get("type", "").strip() or None,
        active_in=_split(row.get("active_in", "")),
        calls_itself=_split(row.get("calls_itself", "") or ""),
    )


def _subdivisions(gaz: Gazetteer) -> None:
    for sub in pycountry.subdivisions:
        state = f"state:{sub.country_code.lower()}"
        key = f"region:{slug(sub.name)}@{state}"
        entry = GazEntry(key=key, label="Region", name=sub.name, kind=sub.type.lower(), container=state)
        gaz.subdivisions.setdefault(normalise_name(sub.name), []).append(entry)


@functools.cache
def load_gazetteer() -> Gazetteer:
    """Read every gazetteer file once (ours plus `$KG_GAZETTEER_DIR`), indexed by name."""
    gaz = Gazetteer()
    _states(gaz)
    for path, number, row in _rows("places.tsv"):
        if row["label"] not in ("Settlement", "Region", "Territory"):
            raise ConfigError(f"{path} line {number}: label must be Settlement, Region or Territory")
        gaz.entries[row["key"]] = GazEntry(
            key=row["key"],
            label=row["label"],
            name=row["name"],
            aliases=_split(row["aliases"]),
            kind=row["kind"] or None,
            container=row["container"] or None,
            latitude=_float(row["lat"], path, number),
            longitude=_float(row["lon"], path, number),
        )
    for path, number, row in _rows("organizations.tsv"):
        gaz.entries[row["key"]] = _organisation(path, number, row)
    for _path, _number, row in _rows("conflicts.tsv"):
        gaz.entries[row["key"]] = GazEntry(
            key=row["key"],
            label="Conflict",
            name=row["name"],
            aliases=_split(row["aliases"]),
            start=row["start"] or None,
            end=row["end"] or None,
            parties=_split(row["parties"]),
        )
    for _path, _number, row in _rows("capitals.tsv"):
        gaz.capitals[row["capital"]] = row["state"]
    for _path, _number, row in _rows("demonyms.tsv"):
        gaz.demonyms[row["demonym"]] = row["state"]
    gaz.persons = persons_from_rows(
        (f"{path} line {number}", row) for path, number, row in _rows("persons.tsv")
    )
    gaz.index()
    _subdivisions(gaz)
    return gaz
