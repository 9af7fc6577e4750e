"""Loading: extractions into Neo4j, idempotently, in batches, with provenance (docs/STORAGE.md).

The stream of extractions is cut into batches. A batch is aggregated in memory (one row per
document, entity and relationship, so a fact stated by two documents of a batch is one row) and
written in one managed write transaction: documents, then entities with their Name nodes and
MENTIONED_IN counts (one prepared `UNWIND $rows ... MERGE` per type label), then relationships
(one per type). A batch is full when the rows of one label or type (or its documents) reach
batch_size, so no query sends more than batch_size rows. The transaction retries transient
errors and rolls back whole on any other, so nothing is half-written. The next batch is read
and aggregated in a thread while the current one is written; at most three batches exist at a
time, so memory stays flat however long the stream is.
"""

from __future__ import annotations

import os
import queue
import re
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from neo4j import Driver, ManagedTransaction, Session
from neo4j.exceptions import DriverError, Neo4jError
from neo4j.spatial import WGS84Point
from pydantic import BaseModel, ConfigDict, Field

from kg import queries
from kg.errors import LoadError, ServerError
from kg.models import (
    ALL_LABELS,
    EVIDENCE_CAP,
    RELATION_TYPES,
    Document,
    Entity,
    Extraction,
    LineError,
    dump_stored_facts,
    read_numbered_extractions,
)
from kg.names import normalise_name

INDEX_WAIT_SECONDS = 300
RESET_ROWS_PER_TRANSACTION = 10_000

# The optional properties each model carries into the graph when known (docs/STORAGE.md).
ENTITY_PROPERTIES = (
    "iso2",
    "iso3",
    "status",
    "portfolio",
    "kind",
    "title",
    "start",
    "end",
    "date_precision",
    "summary",
)
RELATION_PROPERTIES = (
    "allegation",
    "claim",
    "date",
    "since",
    "until",
    "killed",
    "wounded",
    "qualifier",
    "title",
)
DOCUMENT_PROPERTIES = ("title", "url", "published", "source", "author", "id", "path", "text")


class LoadResult(BaseModel):
    """What a load wrote (counts of the input it took) and the input it reported and skipped."""

    model_config = ConfigDict(extra="forbid")

    documents: int = 0
    entities: int = 0
    relations: int = 0
    batches: int = 0
    replaced: int = 0
    skipped: list[LineError] = Field(default_factory=list)


# --- schema and reset -------------------------------------------------------------------------


def apply_schema(driver: Driver, database: str | None = None) -> None:
    """Create the constraints and indexes of docs/STORAGE.md (if missing) and wait until they are online."""
    try:
        with driver.session(database=database) as session:
            for statement in queries.SCHEMA_STATEMENTS:
                session.run(statement).consume()
            session.run(queries.AWAIT_INDEXES, seconds=INDEX_WAIT_SECONDS).consume()
    except Neo4jError as exc:
        raise LoadError(
            f"could not create the graph's constraints and indexes ({_neo4j_message(exc)}): "
            "if the graph holds duplicates from another tool, empty it with `kg reset --yes`"
        ) from None
    except DriverError as exc:
        raise ServerError(f"lost the connection to Neo4j while creating the schema ({exc})") from None


def reset_graph(driver: Driver, database: str | None = None) -> int:
    """Delete every node and relationship in bounded transactions; return how many nodes went."""
    rows = RESET_ROWS_PER_TRANSACTION
    try:
        with driver.session(database=database) as session:
            # CALL { } IN TRANSACTIONS needs an auto-commit transaction: session.run, not execute_write.
            session.run(queries.DELETE_RELATIONSHIPS, rows=rows).consume()
            record = session.run(queries.DELETE_NODES, rows=rows).single()
    except Neo4jError as exc:
        raise LoadError(
            f"could not empty the graph ({_neo4j_message(exc)}); run `kg reset --yes` again"
        ) from None
    except DriverError as exc:
        raise ServerError(f"lost the connection to Neo4j while emptying the graph ({exc})") from None
    return int(record["deleted"]) if record else 0


# --- loading ----------------------------------------------------------------------------------


class InputLine(NamedTuple):
    """One item of the loader's input: an extraction or an unusable line, and where it was read."""

    item: Extraction | LineError
    path: str | None = None
    """The input file (- for stdin); None: not from a file, reports name the document's path or key."""
    line: int = 0
    """Its line in that file; 0: unknown."""


def load_extractions(
    driver: Driver,
    extractions: Iterable[Extraction],
    *,
    database: str | None = None,
    batch_size: int = 500,
    on_batch: Callable[[LoadResult], None] | None = None,
) -> LoadResult:
    """Load a stream of extractions into Neo4j in batches; re-loading the same stream changes nothing."""
    items = (InputLine(extraction) for extraction in extractions)
    return load_batches(driver, items, database=database, batch_size=batch_size, on_batch=on_batch)


def load_batches(
    driver: Driver,
    items: Iterable[InputLine],
    *,
    database: str | None = None,
    batch_size: int = 500,
    on_skip: Callable[[LineError], None] | None = None,
    on_batch: Callable[[LoadResult], None] | None = None,
) -> LoadResult:
    """Load extractions (and report unusable lines) in batches; on_batch sees the counts after each write."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    apply_schema(driver, database)
    result = LoadResult()

    def skip(error: LineError) -> None:
        result.skipped.append(error)
        if on_skip is not None:
            on_skip(error)

    with driver.session(database=database) as session:
        for batch in read_ahead(batches_of(items, batch_size, skip)):
            _flush(session, batch, result, skip)
            if on_batch is not None:
                on_batch(result)
    return result


class Usable(NamedTuple):
    """An extraction the loader takes, with where it was read (a path, else its document) and its line."""

    extraction: Extraction
    where: str
    line: int


def usable(lines: Iterable[InputLine], skip: Callable[[LineError], None]) -> Iterator[Usable]:
    """The extractions the loader would take, with where they were read; the rest go to skip."""
    for item, path, line in lines:
        if isinstance(item, LineError):
            skip(item)
            continue
        where = path if path is not None else where_read(item)
        problem = outside_ontology(item)
        if problem:
            skip(LineError(path=where, line=line, message=problem))
            continue
        yield Usable(item, where, line)


def batches_of(
    items: Iterable[InputLine], batch_size: int, skip: Callable[[LineError], None]
) -> Iterator[Batch]:
    """Cut the stream into full batches, reporting the unusable lines as they come."""
    batch = Batch()
    for item, where, line in usable(items, skip):
        if batch.holds_other_version(item):
            # The earlier version must be written first, for the later one to replace it.
            yield batch
            batch = Batch()
        batch.add(line, item, where)
        if batch.is_full(batch_size):
            yield batch
            batch = Batch()
    if batch.documents:
        yield batch


def read_ahead(batches: Iterator[Batch]) -> Iterator[Batch]:
    """Build the next batch in a thread while the current one is written.

    Reading, validating and aggregating the input is Python work; writing mostly waits on the
    socket, which releases the GIL, so the two overlap. At most one finished batch waits, so
    memory stays flat. An error while reading (a bad schema version) is raised here, in order.
    """
    waiting: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def put(message: tuple[str, Any]) -> bool:
        while not stop.is_set():
            try:
                waiting.put(message, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for batch in batches:
                if not put(("batch", batch)):
                    return
            put(("end", None))
        except BaseException as exc:  # handed to the writing thread, which raises it
            put(("error", exc))

    thread = threading.Thread(target=produce, name="kg-load-read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            kind, value = waiting.get()
            if kind == "end":
                return
            if kind == "error":
                raise value
            yield value
    finally:
        # On a failed write the reader stops at its next batch; it is a daemon, so a reader
        # blocked on standard input cannot keep the process alive.
        stop.set()
        thread.join(timeout=1.0)


# --- batches ----------------------------------------------------------------------------------


@dataclass
class _Relation:
    """One relationship of a batch, merged from every extraction in the batch that states it."""

    type: str
    source: str
    target: str
    disc: str
    sources: dict[str, None] = field(default_factory=dict)
    evidence: dict[str, str] = field(default_factory=dict)
    confidence: float = 0.0
    rules: dict[str, None] = field(default_factory=dict)
    props: dict[str, Any] = field(default_factory=dict)
    origins: list[tuple[int, str, str]] = field(default_factory=list)

    def row(self) -> dict[str, Any]:
        """The query row (parameters) of this relationship."""
        return {
            "source": self.source,
            "target": self.target,
            "disc": self.disc,
            "sources": list(self.sources),
            "evidence": list(self.evidence),
            "evidence_docs": list(self.evidence.values()),
            "confidence": self.confidence,
            "rules": list(self.rules),
            "props": self.props,
        }


@dataclass
class _Entity:
    """One entity of a batch, merged from every extraction in the batch that names it."""

    key: str
    label: str
    name: str
    aliases: dict[str, None] = field(default_factory=dict)
    weapons: dict[str, None] = field(default_factory=dict)
    names: dict[str, None] = field(default_factory=dict)
    props: dict[str, Any] = field(default_factory=dict)
    mentioned: dict[str, int] = field(default_factory=dict)

    def row(self) -> dict[str, Any]:
        """The query row (parameters) of this entity."""
        return {
            "key": self.key,
            "name": self.name,
            "aliases": [alias for alias in self.aliases if alias != self.name],
            "weapons": list(self.weapons),
            "names": list(self.names),
            "mentioned": [
                {"document": doc, "count": count} for doc, count in self.mentioned.items() if count > 0
            ],
            "props": self.props,
        }


class Batch:
    """The rows of a group of extractions, aggregated so that each node and fact is one row.

    Rows are grouped by type label and relationship type, one query per group; the batch is full
    when one group (or the documents) reaches batch_size rows, so every query of its transaction
    sends at most batch_size rows and the whole batch at most batch_size rows per label and type.
    """

    def __init__(self) -> None:
        self.documents: dict[str, dict[str, Any]] = {}
        self.entities: dict[str, _Entity] = {}
        self.relations: dict[tuple[str, str, str, str], _Relation] = {}
        self.lines: list[int] = []
        self.extractions = 0
        self.entity_count = 0
        self.relation_count = 0
        self._group_sizes: dict[str, int] = {}
        self._largest = 0
        self._versions: dict[tuple[str, ...], str] = {}
        self.replaced: list[str] = []
        """Keys of the earlier versions that writing this batch forgot."""

    def is_full(self, batch_size: int) -> bool:
        """Whether the documents, or the rows of one label or relationship type, reached batch_size."""
        return max(len(self.documents), self._largest) >= batch_size

    def _grow(self, group: str) -> None:
        size = self._group_sizes[group] = self._group_sizes.get(group, 0) + 1
        self._largest = max(self._largest, size)

    def add(self, line: int, extraction: Extraction, where: str | None = None) -> None:
        """Merge one extraction's rows into the batch (where, line: its input file and line, for reports)."""
        document = extraction.document
        doc_key = document.key
        props = {name: getattr(document, name) for name in DOCUMENT_PROPERTIES}
        props = {name: value for name, value in props.items() if value is not None}
        if document.title is not None:
            props["title_norm"] = normalise_name(document.title)
        props["links"] = list(document.links)
        props["extraction"] = dump_stored_facts(extraction)
        self.documents[doc_key] = {"key": doc_key, "props": props}
        for identity in version_identities(document):
            self._versions[identity] = doc_key
        self.extractions += 1
        self.lines.append(line)
        self.entity_count += len(extraction.entities)
        self.relation_count += len(extraction.relations)

        counts: dict[str, int] = {}
        places = event_places(extraction)
        for entity in extraction.entities:
            merged = self.entities.get(entity.key)
            if merged is None:
                merged = self.entities[entity.key] = _Entity(entity.key, entity.label, entity.name)
                self._grow(entity.label)
            elif merged.name != entity.name:
                # The latest document names it; the name it had stays findable as an alias.
                merged.aliases[merged.name] = None
            merged.label = entity.label
            merged.name = entity.name
            merged.aliases.update(dict.fromkeys(entity.aliases))
            merged.weapons.update(dict.fromkeys(entity.weapons))
            for surface in (entity.name, *entity.aliases):
                value = normalise_name(surface)
                if value:
                    merged.names[value] = None
            for name in ENTITY_PROPERTIES:
                value = getattr(entity, name)
                if value is not None:
                    merged.props[name] = value
            if entity.is_event:
                merged.props["caption"] = event_caption(entity, places.get(entity.key))
            if entity.latitude is not None and entity.longitude is not None:
                merged.props["location"] = WGS84Point((entity.longitude, entity.latitude))
            counts[entity.key] = counts.get(entity.key, 0) + entity.mentions
        for key, count in counts.items():
            # Set, not added: the same document twice in a batch counts once, as in two batches.
            self.entities[key].mentioned[doc_key] = count

        for relation in extraction.relations:
            identity = (relation.type, relation.source, relation.target, relation.disc)
            merged_rel = self.relations.get(identity)
            if merged_rel is None:
                merged_rel = self.relations[identity] = _Relation(*identity, confidence=relation.confidence)
                self._grow(relation.type)
            merged_rel.sources.update(dict.fromkeys(relation.sources))
            merged_rel.sources[doc_key] = None
            for sentence in relation.evidence:
                merged_rel.evidence.setdefault(sentence, doc_key)
            merged_rel.confidence = max(merged_rel.confidence, relation.confidence)
            if relation.rule:
                merged_rel.rules[relation.rule] = None
            for name in RELATION_PROPERTIES:
                value = getattr(relation, name)
                if value is not None:
                    merged_rel.props[name] = value
            merged_rel.origins.append((line, doc_key, where or where_read(extraction)))

    def holds_other_version(self, extraction: Extraction) -> bool:
        """Whether this batch holds another version of the extraction's document (same URL, or same
        id and source, or the same text extracted differently)."""
        document = extraction.document
        held = self.documents.get(document.key)
        if held is not None and held["props"]["extraction"] != dump_stored_facts(extraction):
            return True
        return any(self._versions.get(i, document.key) != document.key for i in version_identities(document))

    def rows_by_label(self) -> dict[str, list[dict[str, Any]]]:
        """Entity rows grouped by type label, for one prepared query per label."""
        grouped: dict[str, list[dict[str, Any]]] = {}
        for entity in self.entities.values():
            grouped.setdefault(entity.label, []).append(entity.row())
        return grouped

    def outside_keys(self) -> list[str]:
        """Relationship ends that are not entities of this batch: they must already be in the graph."""
        ends = {key for rel in self.relations.values() for key in (rel.source, rel.target)}
        return sorted(ends - self.entities.keys())

    def rows_by_type(self, missing: set[str]) -> dict[str, list[dict[str, Any]]]:
        """Relationship rows grouped by type, leaving out those with an end in `missing`."""
        grouped: dict[str, list[dict[str, Any]]] = {}
        for rel in self.relations.values():
            if rel.source not in missing and rel.target not in missing:
                grouped.setdefault(rel.type, []).append(rel.row())
        return grouped


def version_identities(document: Document) -> list[tuple[str, ...]]:
    """What makes two texts versions of one document: the same URL, or the same id from the same source."""
    identities: list[tuple[str, ...]] = []
    if document.url:
        identities.append(("url", document.url))
    if document.id:
        identities.append(("id", document.id, document.source or ""))
    return identities


def write_batch(tx: ManagedTransaction, batch: Batch) -> list[str]:
    """Write one batch (the unit of work of a managed transaction); return the unknown end keys."""
    from kg.forget import replace_earlier_versions

    batch.replaced = replace_earlier_versions(tx, batch)
    last = tx.run(queries.LAST_LOAD_ORDER).single()
    rows = [{**row, "order": order} for order, row in enumerate(batch.documents.values(), start=1)]
    tx.run(queries.MERGE_DOCUMENTS, rows=rows, after=(last["last"] if last else None) or 0).consume()
    for label, rows in batch.rows_by_label().items():
        tx.run(queries.entity_merge_query(label), rows=rows).consume()
    outside = batch.outside_keys()
    missing: set[str] = set()
    if outside:
        record = tx.run(queries.EXISTING_ENTITY_KEYS, keys=outside).single()
        missing = set(outside) - set(record["found"] if record else [])
    for rel_type, rows in batch.rows_by_type(missing).items():
        tx.run(queries.relation_merge_query(rel_type), rows=rows, cap=EVIDENCE_CAP).consume()
    return sorted(missing)


def _flush(session: Session, batch: Batch, result: LoadResult, skip: Callable[[LineError], None]) -> None:
    number = result.batches + 1
    try:
        missing = set(session.execute_write(write_batch, batch))
    except (Neo4jError, DriverError) as exc:
        lines = [line for line in batch.lines if line]
        where = f"input lines {min(lines)}-{max(lines)}, " if lines else ""
        first = next(iter(batch.documents))
        raise LoadError(
            f"batch {number} ({where}{len(batch.documents)} documents from {first}) failed and was rolled "
            f"back, nothing of it was written: {_neo4j_message(exc)}. Earlier batches are loaded; fix the "
            "cause and load again (loading is idempotent)"
        ) from None
    dangling = 0
    for rel in batch.relations.values():
        absent = [key for key in (rel.source, rel.target) if key in missing]
        if not absent:
            continue
        for line, doc_key, where in rel.origins:
            dangling += 1
            skip(
                LineError(
                    path=where,
                    line=line,
                    message=f"document {doc_key}: {rel.type} relation {rel.source} -> {rel.target} skipped: "
                    f"no entity with key {absent[0]} in this document or in the graph",
                )
            )
    result.batches = number
    result.replaced += len(batch.replaced)
    result.documents += batch.extractions
    result.entities += batch.entity_count
    result.relations += batch.relation_count - dangling


_CAPTION_LENGTH = 24
_DOC_SUFFIX = re.compile(r"\s*\(doc:[^)]*\)\s*$")
_DOC_TAG = re.compile(r"\(doc:([0-9a-z-]+)[^)]*\)\s*$")
_PLACE_WORD = {"Attack": "on", "Clash": "at"}


def event_caption(entity: Entity, place: str | None = None) -> str:
    """A short caption that tells events apart in a picture: 'Attack on Sotk 2022-09-13', 'Clash 2023-10'.

    The kind and the place it happened (its first LOCATION) when there is one, else the name without
    its document suffix or date ('Attack by Armenia'; a 'Kind: trigger' name keeps only the kind
    when there is a date); then the date when known, else the first characters of the document key
    ('Ceasefire (917ae8)'), so that undated events of two documents look different.
    """
    if place:
        short = f"{entity.label} {_PLACE_WORD.get(entity.label, 'in')} {_clip(place, _CAPTION_LENGTH - 10)}"
    else:
        short = _DOC_SUFFIX.sub("", entity.name)
        if entity.start and short.endswith(f", {entity.start}"):
            short = short[: -len(entity.start) - 2]
        kind, colon, trigger = short.partition(": ")
        bare = colon and (entity.start or trigger.casefold() == kind.casefold())
        short = _clip(kind if bare else short, _CAPTION_LENGTH)
    if entity.start:
        return f"{short} {entity.start}"
    tag = _DOC_TAG.search(entity.name)
    return f"{short} ({tag.group(1)[:6]})" if tag else short  # undated: which document's event


def event_places(extraction: Extraction) -> dict[str, str]:
    """Event key -> the name of the first place its extraction says it happened (LOCATION)."""
    names = {entity.key: entity.name for entity in extraction.entities}
    places: dict[str, str] = {}
    for relation in extraction.relations:
        if relation.type == "LOCATION" and relation.target in names:
            places.setdefault(relation.source, names[relation.target])
    return places


def _clip(text: str, length: int) -> str:
    if len(text) <= length:
        return text
    cut = text[:length]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ,:") + "…"


def outside_ontology(extraction: Extraction) -> str | None:
    """Why an extraction cannot be loaded as it is (labels and types are checked again here because
    models built with model_construct skip validation), or None."""
    for entity in extraction.entities:
        if entity.label not in ALL_LABELS:
            return (
                f"entity {entity.key}: label {entity.label!r} is not in the ontology; "
                "use one of kg.models.ALL_LABELS"
            )
    for relation in extraction.relations:
        if relation.type not in RELATION_TYPES:
            return (
                f"relation {relation.source} -> {relation.target}: type {relation.type!r} is not in the "
                "ontology; use one of kg.models.RELATION_TYPES"
            )
    return None


def where_read(extraction: Extraction) -> str:
    """How reports name an extraction read from no file: its document's path, else its key."""
    return extraction.document.path or extraction.document.key


def _neo4j_message(exc: Exception) -> str:
    if isinstance(exc, Neo4jError):
        text = f"{exc.code}: {exc.message}" if exc.code else str(exc)
    else:
        text = str(exc) or type(exc).__name__
    return text.strip().splitlines()[0] if text.strip() else type(exc).__name__


# --- input ----------------------------------------------------------------------------------

EXTRACTION_SUFFIX = ".jsonl"
"""A folder given to `kg load` is read as the extraction files (shards) with this suffix in it."""


def read_extraction_paths(paths: Iterable[str]) -> Iterator[InputLine]:
    """The lines of extraction files: a file, a folder (its *.jsonl files in name order) or - for stdin.

    A path that does not exist, an empty file or folder, and each unusable line come out as a
    LineError (reported and skipped by the loader); a file of another schema version stops the read.
    """
    for path in paths:
        if path == "-":
            yield from _read_extraction_lines(sys.stdin.buffer, "-")
        elif os.path.isdir(path):
            yield from _read_extraction_folder(Path(path), path)
        elif os.path.exists(path):
            yield from _read_extraction_file(path)
        else:
            yield InputLine(
                LineError(path=path, line=0, message="no such file or folder (check the path)"), path
            )


def _read_extraction_folder(folder: Path, name: str) -> Iterator[InputLine]:
    try:
        shards = sorted(
            entry.name
            for entry in os.scandir(folder)
            if entry.name.endswith(EXTRACTION_SUFFIX) and not entry.name.startswith(".") and entry.is_file()
        )
    except OSError as exc:
        message = f"cannot read this folder ({exc.strerror or exc}): check its permissions"
        yield InputLine(LineError(path=name, line=0, message=message), name)
        return
    if not shards:
        message = f"no {EXTRACTION_SUFFIX} files in this folder (give the files `kg extract` wrote)"
        yield InputLine(LineError(path=name, line=0, message=message), name)
    for shard in shards:
        yield from _read_extraction_file(os.path.join(name, shard))


def _read_extraction_file(path: str) -> Iterator[InputLine]:
    try:
        stream = open(path, "rb")  # bytes: each line is decoded on its own
    except OSError as exc:
        message = f"cannot read it ({exc.strerror or exc}): check its permissions"
        yield InputLine(LineError(path=path, line=0, message=message), path)
        return
    with stream:
        yield from _read_extraction_lines(stream, path)


def _read_extraction_lines(lines: Iterable[bytes], path: str) -> Iterator[InputLine]:
    empty = True
    for number, item in read_numbered_extractions(lines, path):
        empty = False
        yield InputLine(item, path, number)
    if empty:
        yield InputLine(LineError(path=path, line=0, message="is empty (nothing to read)"), path)
