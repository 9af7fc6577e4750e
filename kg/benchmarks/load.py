"""`kg bench load`: our loader against a raw UNWIND CREATE ceiling and a naive per-row MERGE.

All three write the same synthetic extractions (distinct entities, ~20 entities and ~30
relationships a document, each relationship with an evidence sentence) to the configured server,
which is emptied before each run. The ceiling writes the same aggregated rows in the same
transactions with plain CREATE (no matching, no provenance merging): no loader that keeps the
graph idempotent can beat it. The naive loader sends one auto-committed MERGE per entity and per
relationship, as tutorials do; it is run on a subset and extrapolated. Our loader's peak Python
memory (tracemalloc) is measured for two stream sizes: it must not grow with the stream.

With `--bulk` (managed server only) it compares instead: `kg load --bulk` (neo4j-admin import, run as
a user runs it, end to end: both passes over the file, the CSV files, stopping and starting the
server, the schema), our loader and the ceiling at batch sizes of 500, 2,000 and 10,000 rows, and the
peak memory (RSS) of both loaders' processes.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

from neo4j import Driver, ManagedTransaction
from neo4j.exceptions import Neo4jError

from kg import queries
from kg.benchmarks import rss_kb
from kg.errors import LoadError
from kg.load import Batch, InputLine, apply_schema, batches_of, load_extractions, read_ahead, reset_graph
from kg.models import (
    ALL_LABELS,
    EVIDENCE_CAP,
    RELATION_TYPES,
    Document,
    Entity,
    Extraction,
    LineError,
    Relation,
)

ENTITIES_PER_DOCUMENT = 20
RELATIONS_PER_DOCUMENT = 30
NAIVE_DOCUMENTS = 100
BULK_BATCH_SIZES = (500, 2000, 10_000)
WARMUP_DOCUMENTS = 2 * len(RELATION_TYPES)
"""The naive loader sends ~50 queries a document: it runs on at most this many and is extrapolated."""

_PROPERTIES = {"Attack": "start", "Clash": "start", "Conflict": "start", "State": "iso2", "Region": "kind"}


def run(documents: int, batch_size: int) -> None:
    """Load N synthetic documents three ways, print relationships/s, the ratios and peak memory."""
    from kg.connection import connect

    relations = documents * RELATIONS_PER_DOCUMENT
    with connect() as conn:
        driver, database = conn.driver, conn.database
        where = f"{conn.settings.uri}" + (f" database {database}" if database else "")
        _say(f"kg bench load: EMPTIES THE GRAPH at {where} before each run (kg reset).")
        _say(
            f"{documents} synthetic documents, {documents * ENTITIES_PER_DOCUMENT} entities, "
            f"{relations} relationships; batch size {batch_size}"
        )

        # Every loader first plans its queries on a few documents, so that no timing includes planning.
        warmup = min(documents, WARMUP_DOCUMENTS)
        generation = _timed(lambda: _aggregate_only(documents, batch_size))
        _say(
            f"python   {generation:8.1f} s  building the rows alone (overlaps the writes of ours and ceiling)"
        )

        _fresh(driver, database)
        _load_ours(driver, database, warmup, batch_size)
        _fresh(driver, database)
        ours = _timed(lambda: _load_ours(driver, database, documents, batch_size))
        _say(f"ours     {_rate(relations, ours)}")

        small = max(1, documents // 10)
        _fresh(driver, database)
        peak_small = _peak(lambda: _load_ours(driver, database, small, batch_size))
        peak_full = _peak(lambda: _load_ours(driver, database, documents, batch_size))
        _say(
            f"memory   peak {peak_small / 1e6:.1f} MB for {small} documents, {peak_full / 1e6:.1f} MB for all"
        )

        _fresh(driver, database)
        _load_ceiling(driver, database, warmup, batch_size)
        _fresh(driver, database)
        ceiling = _timed(lambda: _load_ceiling(driver, database, documents, batch_size))
        _say(f"ceiling  {_rate(relations, ceiling)}")

        naive_documents = min(documents, NAIVE_DOCUMENTS)
        _fresh(driver, database)
        _load_naive(driver, database, min(documents, WARMUP_DOCUMENTS))
        _fresh(driver, database)
        naive_subset = _timed(lambda: _load_naive(driver, database, naive_documents))
        naive = naive_subset * documents / naive_documents
        extrapolated = (
            f" (measured on {naive_documents} documents, extrapolated)" if naive_documents < documents else ""
        )
        _say(f"naive    {_rate(relations, naive)}{extrapolated}")

        reset_graph(driver, database)
    print()
    print(f"{'loader':<10}{'seconds':>10}{'rels/s':>12}")
    for name, seconds in (("ours", ours), ("ceiling", ceiling), ("naive", naive)):
        print(f"{name:<10}{seconds:>10.1f}{relations / seconds:>12,.0f}")
    print()
    print(f"ours / ceiling = {ceiling / ours:.2f} (goal >= 0.5)")
    print(f"ours / naive   = {naive / ours:.1f} (goal >= 20)")
    print(f"ceiling / naive = {naive / ceiling:.1f} (what no MERGE-based loader can beat on this server)")
    print(
        f"loader peak memory: {peak_small / 1e6:.1f} MB for {small} documents, "
        f"{peak_full / 1e6:.1f} MB for {documents} documents (goal: flat)"
    )
    print("The graph was emptied by this benchmark.")


def run_bulk(documents: int) -> None:
    """Print relationships/s of `kg load --bulk`, of ours and of the ceiling at several batch sizes,
    and the peak memory of the two loaders."""
    from kg.connection import connect
    from kg.models import dump_extraction

    if os.environ.get("NEO4J_URI"):
        raise LoadError("kg bench load --bulk needs the managed server: unset NEO4J_URI")
    relations = documents * RELATIONS_PER_DOCUMENT
    rows: list[tuple[str, float | None]] = []
    with tempfile.TemporaryDirectory(prefix="kg-bench-bulk-") as tmp:
        source = Path(tmp) / "synthetic.jsonl"
        with source.open("w", encoding="utf-8") as out:
            for extraction in synthetic_extractions(documents):
                out.write(dump_extraction(extraction) + "\n")
        _say(
            f"kg bench load --bulk: EMPTIES THE GRAPH of the managed server; {documents} documents, "
            f"{relations} relationships"
        )
        with connect() as conn:
            driver, database = conn.driver, conn.database
            for batch_size in BULK_BATCH_SIZES:
                _fresh(driver, database)
                _load_ours(driver, database, WARMUP_DOCUMENTS, batch_size)
                _fresh(driver, database)
                _load_ceiling(driver, database, WARMUP_DOCUMENTS, batch_size)
                for name, loader in (("ours", _load_ours), ("ceiling", _load_ceiling)):
                    _fresh(driver, database)
                    seconds = _timed_or_failed(
                        functools.partial(loader, driver, database, documents, batch_size)
                    )
                    label = f"{name}, batch {batch_size}"
                    _say(f"{label:<22}" + (_rate(relations, seconds) if seconds else "failed (above)"))
                    rows.append((label, seconds))
            reset_graph(driver, database)
        loaded = _kg_load(source, [], documents)
        _say(
            f"kg load (transactional, default batch) {_rate(relations, loaded[0])}, "
            f"peak RSS {loaded[1]:.0f} MB"
        )
        with connect() as conn:
            reset_graph(conn.driver, conn.database)
        bulk = _kg_load(source, ["--bulk"], documents)
        _say(f"kg load --bulk {_rate(relations, bulk[0])}, peak RSS {bulk[1]:.0f} MB; {bulk[2]}")
        with connect() as conn:
            reset_graph(conn.driver, conn.database)
    _print_bulk_table(rows, loaded, bulk, relations)


def _print_bulk_table(
    rows: list[tuple[str, float | None]],
    loaded: tuple[float, float, str],
    bulk: tuple[float, float, str],
    relations: int,
) -> None:
    print()
    print(f"{'loader':<24}{'seconds':>10}{'rels/s':>12}")
    for name, seconds in rows:
        if seconds is None:
            print(f"{name:<24}{'failed':>10}")
        else:
            print(f"{name:<24}{seconds:>10.1f}{relations / seconds:>12,.0f}")
    print(f"{'kg load (subprocess)':<24}{loaded[0]:>10.1f}{relations / loaded[0]:>12,.0f}")
    print(f"{'kg load --bulk':<24}{bulk[0]:>10.1f}{relations / bulk[0]:>12,.0f}")
    best_ours = min(seconds or float("inf") for name, seconds in rows if name.startswith("ours"))
    best_ceiling = min(seconds or float("inf") for name, seconds in rows if name.startswith("ceiling"))
    print()
    print(f"bulk / best ours = {best_ours / bulk[0]:.1f}x (goal >= 10); bulk phases: {bulk[2]}")
    print(f"best ours / best ceiling = {best_ceiling / best_ours:.2f} (goal >= 0.9)")
    print(f"peak RSS of the loading process: kg load {loaded[1]:.0f} MB, kg load --bulk {bulk[1]:.0f} MB")
    print("The graph was emptied by this benchmark.")


def _timed_or_failed(action: Callable[[], None]) -> float | None:
    """Seconds of the action, or None when a write failed (a batch too big for the server's memory)."""
    try:
        return _timed(action)
    except (LoadError, Neo4jError) as exc:
        _say(f"failed: {str(exc)[:300]}")
        return None


def _kg_load(source: Path, extra: list[str], documents: int) -> tuple[float, float, str]:
    """Run `kg load` as a user does; (seconds, peak RSS MB of that process, its notes)."""
    command = [sys.executable, "-m", "kg.cli", "load", str(source), *extra]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = [0]
    halt = threading.Event()

    def sample() -> None:
        while not halt.is_set():
            peak[0] = max(peak[0], rss_kb(process.pid))
            halt.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, stderr = process.communicate()
    seconds = time.perf_counter() - started
    halt.set()
    sampler.join()
    if process.returncode != 0 or f"Loaded {documents} documents" not in stderr:
        raise LoadError(f"`kg load {' '.join(extra)}` failed on the benchmark data: {stderr.strip()[-500:]}")
    notes = "; ".join(
        re.sub(r"^Note: ", "", line) for line in stderr.splitlines() if line.startswith("Note:")
    )
    return seconds, peak[0] / 1024, notes


def synthetic_extractions(documents: int) -> Iterator[Extraction]:
    """N extractions with distinct entities, generated lazily so the stream costs no memory."""
    for number in range(documents):
        yield _synthetic(number)


def _synthetic(number: int) -> Extraction:
    doc_key = f"bench-{number:08}"
    entities = []
    for index in range(ENTITIES_PER_DOCUMENT):
        label = ALL_LABELS[(number + index) % len(ALL_LABELS)]
        entity = Entity(
            key=f"bench:{number}:{index}",
            label=label,  # type: ignore[arg-type]
            name=f"Place {number} {index}",
            aliases=[f"Plas {number}-{index}"],
            mentions=1 + index % 3,
        )
        prop = _PROPERTIES.get(label)
        if prop == "start":
            entity.start, entity.date_precision = "2022-09-22", "day"
        elif prop:
            setattr(entity, prop, "AM" if prop == "iso2" else "rayon")
        entities.append(entity)
    relations = []
    for index in range(RELATIONS_PER_DOCUMENT):
        source = index % ENTITIES_PER_DOCUMENT
        target = (source + 1 + index // ENTITIES_PER_DOCUMENT) % ENTITIES_PER_DOCUMENT
        relations.append(
            Relation(
                type=RELATION_TYPES[(number + index) % len(RELATION_TYPES)],  # type: ignore[arg-type]
                source=f"bench:{number}:{source}",
                target=f"bench:{number}:{target}",
                evidence=[
                    f"Place {number} {source} and Place {number} {target} were named together in report "
                    f"{number}, sentence {index}, as the ministry said on Friday."
                ],
                confidence=0.5 + (index % 5) / 10,
                rule="bench",
                date="2022-09-22" if index % 4 == 0 else None,
            )
        )
    text = " ".join(relation.evidence[0] for relation in relations)
    return Extraction(
        document=Document(key=doc_key, title=f"Report {number}", text=text, published="2022-09-23"),
        entities=entities,
        relations=relations,
    )


def _load_ours(driver: Driver, database: str | None, documents: int, batch_size: int) -> None:
    result = load_extractions(
        driver, synthetic_extractions(documents), database=database, batch_size=batch_size
    )
    if result.skipped:
        raise LoadError(f"the benchmark's own data was refused: {result.skipped[0].message}")


def _aggregate_only(documents: int, batch_size: int) -> None:
    """The Python side alone: generate the extractions and build every batch's rows, write nothing."""
    for batch in batches_of(_numbered(documents), batch_size, _refuse):
        batch.rows_by_label(), batch.rows_by_type(set())


def _load_ceiling(driver: Driver, database: str | None, documents: int, batch_size: int) -> None:
    def write(tx: ManagedTransaction, batch: Batch) -> None:
        tx.run(queries.CREATE_DOCUMENTS, rows=list(batch.documents.values())).consume()
        for label, rows in batch.rows_by_label().items():
            tx.run(queries.entity_create_query(label), rows=rows).consume()
        for rel_type, rows in batch.rows_by_type(set()).items():
            tx.run(queries.relation_create_query(rel_type), rows=rows).consume()

    # The same batches, built ahead in a thread as ours are: only the writing differs.
    with driver.session(database=database) as session:
        for batch in read_ahead(batches_of(_numbered(documents), batch_size, _refuse)):
            session.execute_write(write, batch)


def _numbered(documents: int) -> Iterator[InputLine]:
    return (InputLine(extraction) for extraction in synthetic_extractions(documents))


def _refuse(error: LineError) -> None:
    raise LoadError(f"the benchmark's own data was refused: {error.message}")


def _load_naive(driver: Driver, database: str | None, documents: int) -> None:
    with driver.session(database=database) as session:
        for extraction in synthetic_extractions(documents):
            batch = Batch()
            batch.add(0, extraction)
            document = next(iter(batch.documents.values()))
            session.run(queries.NAIVE_DOCUMENT, key=document["key"], props=document["props"]).consume()
            for entity in batch.entities.values():
                row = entity.row()
                count = entity.mentioned.get(document["key"], 0)
                session.run(
                    queries.naive_entity_query(entity.label),
                    key=row["key"],
                    props=row["props"],
                    name=row["name"],
                    aliases=row["aliases"],
                    count=count,
                    document=document["key"],
                    names=list(entity.names),
                ).consume()
            for relation in batch.relations.values():
                row = relation.row()
                row["evidence"] = row["evidence"][:EVIDENCE_CAP]
                row["evidence_docs"] = row["evidence_docs"][:EVIDENCE_CAP]
                session.run(queries.naive_relation_query(relation.type), **row).consume()


def _fresh(driver: Driver, database: str | None) -> None:
    reset_graph(driver, database)
    apply_schema(driver, database)


def _timed(action: Callable[[], None]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def _peak(action: Callable[[], None]) -> int:
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _rate(relations: int, seconds: float) -> str:
    return f"{seconds:8.1f} s  {relations / seconds:10,.0f} relationships/s"


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
