"""`kg bench query`: p50 and p95 latency of every Cypher template on a graph of synthetic documents.

The graph is built with the real loader from synthetic extractions shaped like the news the tool
reads: real state names, each with its ministries and armed forces, regions and villages in
LOCATED_IN chains (some village names repeat in different regions), conflicts between pairs of
neighbours, and per document an attack (origins and places hit, weapons, a reporting ministry),
an accusation, often a clash with casualties and sometimes a brokered ceasefire or hosted talks.
A few conflict pairs get most of the news, as in reality, and names recur across documents.

Each template then runs `repeat` times after one warm-up run, cycling through realistic
parameters (names as a user types them: aliases, other case, a leading "the"). Every parameter
set runs once untimed first, so that the figures are the steady state of a server whose plan
cache is warm (each parameter shape, e.g. null or not, has its own plan). The configured server
is emptied before the build.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections.abc import Iterator
from typing import Any

from kg.models import Document, Entity, Extraction, Relation

STATES = 40
REGIONS_PER_STATE = 8
VILLAGES_PER_REGION = 15
DYADS = 24
SEED = 20220923
NAME_ANCHORED = (
    "entity",
    "places_in",
    "accusations",
    "attacks",
    "casualties",
    "conflicts_between",
    "mediation",
    "territory_status",
    "timeline",
    "neighbourhood",
    "provenance",
    "documents",
)

_SYLLABLES = (
    "ka ra ba sha zar gun tov kal dash ke mag bi na ta zen chi nar yu kha ri shor li and ver ak sai "
    "kok dos tuk is far vo ruh mar han ni ko pol she be ki no al ma ty lach fu zu"
).split()


class World:
    """The fixed cast of the synthetic news: states, their bodies and places, conflict pairs."""

    def __init__(self, rng: random.Random):
        import pycountry

        countries = sorted(pycountry.countries, key=lambda c: c.alpha_2)
        chosen = rng.sample(countries, STATES)
        self.states = [
            Entity(
                key=f"state:{c.alpha_2.lower()}",
                label="State",
                name=getattr(c, "common_name", None) or c.name,
                aliases=sorted(
                    {c.name, getattr(c, "official_name", c.name)} - {getattr(c, "common_name", c.name)}
                ),
                iso2=c.alpha_2,
                iso3=c.alpha_3,
                status="sovereign",
            )
            for c in chosen
        ]
        self.ministries: dict[str, list[Entity]] = {}
        self.forces: dict[str, Entity] = {}
        self.regions: dict[str, list[Entity]] = {}
        self.villages: dict[str, list[Entity]] = {}
        self.parent: dict[str, str] = {}
        names = [self._name(rng) for _ in range(REGIONS_PER_STATE * VILLAGES_PER_REGION * 2)]
        for state in self.states:
            code = state.iso2 or state.key
            self.ministries[state.key] = [
                Entity(
                    key=f"ministry:{code.lower()}:{portfolio}",
                    label="Ministry",
                    name=f"Ministry of {title} of {state.name}",
                    aliases=[f"{state.name}'s {title} Ministry", f"{title} Ministry of {state.name}"],
                    portfolio=portfolio,
                )
                for portfolio, title in (("defence", "Defence"), ("foreign-affairs", "Foreign Affairs"))
            ]
            self.forces[state.key] = Entity(
                key=f"armed-force:{code.lower()}",
                label="ArmedForce",
                name=f"Armed Forces of {state.name}",
                aliases=[f"{state.name} army", f"{state.name} forces"],
            )
            regions = []
            for r in range(REGIONS_PER_STATE):
                region_name = self._name(rng)
                region = Entity(
                    key=f"region:{code.lower()}/{region_name.lower()}-{r}",
                    label="Region",
                    name=region_name,
                    aliases=[f"{region_name} district"],
                    kind="district",
                )
                self.parent[region.key] = state.key
                regions.append(region)
                villages = []
                for _ in range(VILLAGES_PER_REGION):
                    # A shared pool of names: the same village name recurs in other regions and states.
                    village_name = rng.choice(names)
                    village = Entity(
                        key=f"settlement:{region.key.split(':', 1)[1]}/{village_name.lower()}",
                        label="Settlement",
                        name=village_name,
                        kind="village",
                    )
                    if village.key not in self.parent:
                        self.parent[village.key] = region.key
                        villages.append(village)
                self.villages[region.key] = villages
            self.regions[state.key] = regions
        pairs = [(a, b) for i, a in enumerate(self.states) for b in self.states[i + 1 :]]
        self.dyads = rng.sample(pairs, DYADS)
        self.conflicts = {
            (a.key, b.key): Entity(
                key=f"conflict:{a.iso2}-{b.iso2}".lower(),
                label="Conflict",
                name=f"{a.name}\u2013{b.name} conflict",
                aliases=[f"{a.name}-{b.name} border conflict"],
                start=str(rng.randint(1991, 2014)),
                date_precision="year",
            )
            for a, b in self.dyads
        }
        self.territories = {
            (a.key, b.key): Entity(
                key=f"territory:{a.iso2}-{b.iso2}".lower(),
                label="Territory",
                name=f"Upper {self._name(rng)}",
                aliases=[],
            )
            for a, b in self.dyads
        }
        # A few pairs get most of the news.
        self.weights = [1.0 / (rank + 1) for rank in range(DYADS)]

    @staticmethod
    def _name(rng: random.Random) -> str:
        return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()

    def entities(self, *keys: str) -> dict[str, Entity]:
        """Look-up of every entity by key (built once)."""
        if not hasattr(self, "_by_key"):
            everything: list[Entity] = list(self.states) + list(self.forces.values())
            everything += [m for ms in self.ministries.values() for m in ms]
            everything += [r for rs in self.regions.values() for r in rs]
            everything += [v for vs in self.villages.values() for v in vs]
            everything += list(self.conflicts.values()) + list(self.territories.values())
            self._by_key = {e.key: e for e in everything}
        return self._by_key


def synthetic_extractions(documents: int, world: World, rng: random.Random) -> Iterator[Extraction]:
    """N synthetic extractions over the world's cast (deterministic for a given seed)."""
    for number in range(documents):
        yield _document(number, world, rng)


def _document(number: int, world: World, rng: random.Random) -> Extraction:
    a, b = rng.choices(world.dyads, weights=world.weights)[0]
    attacker, victim = (a, b) if rng.random() < 0.5 else (b, a)
    year, month, day = rng.randint(2015, 2024), rng.randint(1, 12), rng.randint(1, 28)
    date = f"{year}-{month:02d}-{day:02d}"
    doc = Document(
        key=f"synthetic-{number:06d}",
        title=f"{victim.name} accuses {attacker.name} of shelling border villages ({number})",
        text=f"Synthetic article {number}.",
        published=date,
        source=rng.choice(["Wire A", "Wire B", "Agency C"]),
    )
    entities: dict[str, Entity] = {}
    relations: list[Relation] = []

    def add(entity: Entity) -> str:
        entities[entity.key] = entity
        return entity.key

    def rel(kind: str, source: str, target: str, sentence: str, **extra: Any) -> None:
        relations.append(
            Relation(
                type=kind,  # type: ignore[arg-type]
                source=source,
                target=target,
                sources=[doc.key],
                evidence=[sentence],
                confidence=round(rng.uniform(0.5, 0.95), 2),
                rule="synthetic",
                **extra,
            )
        )

    def place(village: Entity) -> str:
        region_key = world.parent[village.key]
        state_key = world.parent[region_key]
        add(village)
        add(world.entities()[region_key])
        add(world.entities()[state_key])
        region = world.entities()[region_key]
        rel("LOCATED_IN", village.key, region_key, f"{village.name} settlement of the {region.name} region.")
        rel(
            "LOCATED_IN",
            region_key,
            state_key,
            f"The {region.name} region of {world.entities()[state_key].name}.",
        )
        return village.key

    att_state, vic_state = add(attacker), add(victim)
    att_force, vic_force = add(world.forces[attacker.key]), add(world.forces[victim.key])
    ministry = add(world.ministries[victim.key][0])
    rel("ARMED_FORCE_OF", att_force, att_state, f"{attacker.name}'s armed forces.")
    rel("ARMED_FORCE_OF", vic_force, vic_state, f"{victim.name}'s armed forces.")
    rel("MINISTRY_OF", ministry, vic_state, f"{victim.name}'s Defence Ministry said.")
    origin_region = rng.choice(world.regions[attacker.key])
    target_region = rng.choice(world.regions[victim.key])
    origins = rng.sample(world.villages[origin_region.key], k=min(len(world.villages[origin_region.key]), 2))
    hits = rng.sample(world.villages[target_region.key], k=min(len(world.villages[target_region.key]), 3))
    attack = add(
        Entity(
            key=f"event:attack:{doc.key}",
            label="Attack",
            name=f"Shelling of {hits[0].name}, {date}" if hits else f"Attack of {date}",
            start=date,
            end=date,
            date_precision="day",
            weapons=rng.sample(["artillery", "mortars", "drones", "rockets", "small arms"], k=2),
        )
    )
    fired = f"{attacker.name} forces fired on positions near {', '.join(v.name for v in hits)}."
    rel("ATTACKER", attack, att_force, fired)
    rel("TARGET", attack, vic_force, fired)
    rel("REPORTED", ministry, attack, f"{victim.name}'s Defence Ministry said in a statement.")
    for village in origins:
        rel("ORIGIN", attack, place(village), f"The fire came from {village.name}.")
    for village in hits:
        rel("LOCATION", attack, place(village), fired)
    if rng.random() < 0.3:
        rel("LOCATION", attack, target_region.key, fired)
    rel(
        "ACCUSES",
        ministry,
        att_state,
        f"{victim.name} accused {attacker.name} of violating the ceasefire.",
        disc="violating the ceasefire",
        allegation="violating the ceasefire",
        date=date,
    )
    conflict = add(world.conflicts[(a.key, b.key)])
    rel("PART_OF", attack, conflict, fired)
    rel("PARTICIPANT", conflict, att_state, f"The {a.name}-{b.name} conflict.")
    rel("PARTICIPANT", conflict, vic_state, f"The {a.name}-{b.name} conflict.")
    if rng.random() < 0.5:
        clash = add(
            Entity(
                key=f"event:clash:{doc.key}",
                label="Clash",
                name=f"{a.name}\u2013{b.name} border clashes, {year}-{month:02d}",
                start=f"{year}-{month:02d}",
                date_precision="month",
            )
        )
        killed = rng.randint(1, 200)
        toll = f"More than {killed} soldiers were killed in the clashes."
        rel("PARTICIPANT", clash, att_force, toll, killed=killed, qualifier="more than")
        rel("PARTICIPANT", clash, vic_force, toll, killed=rng.randint(1, 100), wounded=rng.randint(0, 50))
        rel("PART_OF", clash, conflict, toll)
        if rng.random() < 0.3:
            mediator = rng.choice([s for s in world.states if s.key not in (a.key, b.key)])
            truce = add(
                Entity(
                    key=f"event:ceasefire:{doc.key}",
                    label="Ceasefire",
                    name=f"{a.name}\u2013{b.name} truce, {year}-{month:02d}",
                    start=f"{year}-{month:02d}",
                    date_precision="month",
                )
            )
            add(mediator)
            rel("ENDED", truce, clash, f"The clashes ended with a truce brokered by {mediator.name}.")
            rel("BROKERED_BY", truce, mediator.key, f"The truce was brokered by {mediator.name}.")
    if rng.random() < 0.1:
        host = rng.choice([s for s in world.states if s.key not in (a.key, b.key)])
        talks = add(
            Entity(
                key=f"event:meeting:{doc.key}",
                label="Meeting",
                name=f"{host.name}-hosted talks, {date}",
                start=date,
                date_precision="day",
            )
        )
        add(host)
        rel("HOSTED_BY", talks, host.key, f"Talks hosted by {host.name}.")
        rel("PARTICIPANT", talks, att_state, f"Talks hosted by {host.name}.")
        rel("PARTICIPANT", talks, vic_state, f"Talks hosted by {host.name}.")
    if rng.random() < 0.2:
        territory = add(world.territories[(a.key, b.key)])
        rel(
            "RECOGNISED_AS_PART_OF",
            territory,
            vic_state,
            "A territory internationally recognised as part of it.",
        )
        rel("OCCUPIED", att_force, territory, "Occupied since 1993.", since="1993")
    for entity in entities.values():
        entity.mentions = 1
    return Extraction(document=doc, entities=list(entities.values()), relations=relations)


def realistic_params(world: World, rng: random.Random) -> dict[str, list[dict[str, Any]]]:
    """Per template, a cycle of parameters a user would type (aliases, other case, 'the')."""
    hot = [a for a, _ in world.dyads[:4]] + [b for _, b in world.dyads[:4]]
    some_states = hot + rng.sample(world.states, 8)
    regions = [r for s in some_states for r in world.regions[s.key][:2]]
    villages = [v for r in regions for v in world.villages[r.key][:2]]
    ministries = [world.ministries[s.key][0] for s in some_states]
    territories = list(world.territories.values())[:8]
    return {
        "entity": [
            {"name": n} for n in [v.name.upper() for v in villages[:8]] + [m.aliases[0] for m in ministries]
        ],
        "entities": [{"label": "Settlement", "document": f"synthetic-{i:06d}"} for i in range(0, 50, 5)],
        "places_in": [{"place": f"the {r.name}"} for r in regions],
        "accusations": [{"accuser": None, "accused": s.name} for s in some_states]
        + [{"accuser": a.name, "accused": b.name} for a, b in world.dyads[:8]],
        "attacks": [{"attacker": s.name, "target": None} for s in some_states]
        + [{"attacker": None, "target": r.name} for r in regions[:8]],
        "casualties": [{"party": s.name, "event": None} for s in some_states],
        "conflicts_between": [{"a": a.name, "b": b.name} for a, b in world.dyads],
        "mediation": [{"party": s.name} for s in some_states],
        "territory_status": [{"territory": t.name} for t in territories]
        + [{"territory": r.name} for r in regions],
        "timeline": [{"name": v.name} for v in villages] + [{"name": r.name} for r in regions],
        "neighbourhood": [{"name": v.name, "depth": 2} for v in villages],
        "provenance": [{"name": v.name} for v in villages],
        "documents": [{"name": v.name} for v in villages],
        "stats": [{}],
    }


def run(documents: int, repeat: int) -> None:
    """Build N synthetic documents with the loader, then print p50/p95 latency of each template."""
    from kg.connection import connect
    from kg.load import load_extractions, reset_graph
    from kg.pipeline import Progress
    from kg.query import check_params, load_templates, run_template

    rng = random.Random(SEED)
    world = World(rng)
    templates = load_templates()
    with connect() as conn:
        driver, database = conn.driver, conn.database
        where = conn.settings.uri + (f" database {database}" if database else "")
        _say(f"kg bench query: EMPTIES THE GRAPH at {where}, then loads {documents} synthetic documents.")
        reset_graph(driver, database)
        progress = Progress("Loaded", silent=False)
        result = load_extractions(
            driver, synthetic_extractions(documents, world, rng), database=database, on_batch=progress.tick
        )
        progress.done(result)
        stats = {
            (r["kind"], r["type"]): r["count"] for r in run_template(driver, templates["stats"], {}, database)
        }
        nodes = sum(
            c
            for (kind, label), c in stats.items()
            if kind == "node" and label in ("Entity", "Name", "Document")
        )
        rels = sum(c for (kind, _), c in stats.items() if kind == "relationship")
        _say(f"graph: {nodes} nodes, {rels} relationships")

        cycles = realistic_params(world, rng)
        print(f"{'template':<20}{'p50 ms':>9}{'p95 ms':>9}{'rows':>8}  goal")
        for name, template in templates.items():
            params = [check_params(template, p) for p in cycles.get(name, [{}])]
            for warm in params:  # warm-up: one plan per parameter shape in the server's plan cache
                run_template(driver, template, warm, database)
            timings, rows = [], []
            for i in range(repeat):
                begin = time.perf_counter()
                found = run_template(driver, template, params[i % len(params)], database)
                timings.append((time.perf_counter() - begin) * 1000)
                rows.append(len(found))
            p50 = statistics.median(timings)
            p95 = (
                statistics.quantiles(timings, n=20, method="inclusive")[-1]
                if len(timings) > 1
                else timings[0]
            )
            goal = ("ok" if p50 <= 20 else "OVER") + " (p50 <= 20 ms)" if name in NAME_ANCHORED else ""
            print(f"{name:<20}{p50:>9.1f}{p95:>9.1f}{statistics.median(rows):>8.0f}  {goal}")


def _say(message: str) -> None:
    print(message, file=sys.stderr)
