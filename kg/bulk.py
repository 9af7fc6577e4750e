"""`kg load --bulk`: the first load of a large input through Neo4j's offline importer.

The transactional loader (kg.load) MERGEs batch after batch into a running server: right for
incremental loads, slow for a first load of tens of millions of relationships. For an empty managed
database, `--bulk` computes the final graph here instead, with the loader's own merge
(`kg.load.Batch`) over the whole input, writes it as neo4j-admin's CSV import files (documents,
entities, Name nodes, MENTIONED_IN, NAME_OF, and the facts with their sources and evidence), stops
the managed server, runs `neo4j-admin database import full` of the same Neo4j, starts the server
and applies the schema. The graph is the one `kg load` of the same input builds (a test compares
them, but for the numbering of `load_order`, whose order is kept), so `kg load` and `kg forget` work
on it as usual afterwards.

The input is read twice: the first pass finds the documents that later versions replace (the same
URL, the same id and source, or the same key extracted differently: kg.load's rules), the second
merges what remains. Entities and relationships are merged in memory (docs/SCALE.md gives the
cost per relationship); documents stream to their file.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from neo4j.spatial import WGS84Point

from kg import queries
from kg.errors import ConfigError, InputError, LoadError
from kg.load import (
    DOCUMENT_PROPERTIES,
    ENTITY_PROPERTIES,
    RELATION_PROPERTIES,
    Batch,
    InputLine,
    LoadResult,
    read_extraction_paths,
    usable,
    version_identities,
)
from kg.models import EVENT_KINDS, EVIDENCE_CAP, Extraction, LineError, dump_stored_facts

DATABASE = "neo4j"
"""The managed server's one database, which the import replaces."""

ARRAY_DELIMITER = "\x1f"
"""Between the items of a list value: the ASCII unit separator, which no article contains."""

_TYPES = {
    "aliases": "string[]",
    "weapons": "string[]",
    "links": "string[]",
    "sources": "string[]",
    "evidence": "string[]",
    "evidence_docs": "string[]",
    "rules": "string[]",
    "mentions": "long",
    "load_order": "long",
    "count": "long",
    "killed": "long",
    "wounded": "long",
    "confidence": "double",
    "location": "point{crs:WGS-84}",
}
"""neo4j-admin types of the properties that are not strings."""

DOCUMENT_COLUMNS = (
    "key:ID(Document)",
    *DOCUMENT_PROPERTIES,
    "title_norm",
    "links",
    "extraction",
    "load_order",
)
ENTITY_COLUMNS = (
    "key:ID(Entity)",
    ":LABEL",
    "name",
    "aliases",
    "weapons",
    "mentions",
    *ENTITY_PROPERTIES,
    "caption",
    "location",
)
RELATION_COLUMNS = (
    ":START_ID(Entity)",
    ":END_ID(Entity)",
    ":TYPE",
    "disc",
    "sources",
    "evidence",
    "evidence_docs",
    "confidence",
    "rules",
    *RELATION_PROPERTIES,
)


def bulk_load(
    paths: list[str],
    *,
    on_skip: Callable[[LineError], None],
    on_note: Callable[[str], None],
) -> LoadResult:
    """`kg load --bulk`: build the empty managed database from extraction files with neo4j-admin."""
    from kg import server

    if os.environ.get("NEO4J_URI"):
        raise ConfigError(
            "kg load --bulk builds the managed server's database offline, and NEO4J_URI names another "
            "server: unset NEO4J_URI, or load there with `kg load` (without --bulk)"
        )
    if "-" in paths:
        raise InputError("kg load --bulk reads its input twice: give files or folders, not - (stdin)")
    result = LoadResult()

    def skip(error: LineError) -> None:
        result.skipped.append(error)
        on_skip(error)

    home = server.kg_home()
    versions = plan_versions(read_extraction_paths(paths), skip)
    if not versions.keep:
        return result  # nothing to load: the server is left alone
    require_empty_graph()  # starts the managed server when needed, which makes KG_HOME private
    with tempfile.TemporaryDirectory(prefix="bulk-", dir=home) as folder:
        started = time.monotonic()
        files = write_import_files(read_extraction_paths(paths), versions, Path(folder), skip, result)
        written = time.monotonic() - started
        on_note(f"wrote the import files in {written:.1f}s; stopping the server for neo4j-admin import")
        seconds = import_files(home, files)
        on_note(
            f"neo4j-admin import took {seconds[0]:.1f}s, stopping and starting the server and the schema "
            f"{seconds[1]:.1f}s"
        )
    result.batches = 1
    return result


def require_empty_graph() -> None:
    """Refuse (one line) unless the managed database holds no node at all."""
    from kg.connection import connect

    with connect() as conn:
        records, _, _ = conn.driver.execute_query(queries.ANY_NODE, database_=conn.database)
    if records:
        raise LoadError(
            "the graph is not empty, and kg load --bulk only builds an empty database: load into it with "
            "`kg load`, or empty it first with `kg reset --yes`"
        )


# --- first pass: which documents survive ------------------------------------------------------


@dataclass
class _Held:
    """A document the graph would hold at this point of the input, as far as replacing goes."""

    digest: bytes
    instances: list[int] = field(default_factory=list)
    identity: dict[str, str] = field(default_factory=dict)


@dataclass
class Versions:
    """Per usable extraction of the input, in order: merged (1) or replaced by a later version (0);
    and last (1) for the last merged extraction of each document."""

    keep: bytearray = field(default_factory=bytearray)
    last: bytearray = field(default_factory=bytearray)
    replaced: int = 0
    held: dict[str, _Held] = field(default_factory=dict)
    owners: dict[tuple[str, ...], str] = field(default_factory=dict)

    def add(self, extraction: Extraction) -> None:
        """Follow one extraction as the loader would: forget the versions it replaces, then hold it."""
        number = len(self.keep)
        self.keep.append(1)
        self.last.append(0)
        document = extraction.document
        digest = hashlib.blake2b(dump_stored_facts(extraction).encode(), digest_size=16).digest()
        gone = {
            owner
            for identity in version_identities(document)
            if (owner := self.owners.get(identity, document.key)) != document.key
        }
        held = self.held.get(document.key)
        if held is not None and held.digest != digest:
            gone.add(document.key)
        for key in gone:
            self._forget(key)
        held = self.held.setdefault(document.key, _Held(digest))
        held.instances.append(number)
        self._release(document.key, held)
        for name in ("url", "id", "source"):
            value = getattr(document, name)
            if value is not None:
                held.identity[name] = value  # SET d += props: a known value replaces the old one
        for identity in _identities(held.identity):
            self.owners[identity] = document.key

    def _forget(self, key: str) -> None:
        held = self.held.pop(key)
        self._release(key, held)
        for number in held.instances:
            self.keep[number] = 0
        self.replaced += 1

    def _release(self, key: str, held: _Held) -> None:
        for identity in _identities(held.identity):
            if self.owners.get(identity) == key:
                del self.owners[identity]

    def finish(self) -> None:
        """Mark the last merged extraction of every document; drop what only planning needed."""
        for held in self.held.values():
            self.last[held.instances[-1]] = 1
        self.held.clear()
        self.owners.clear()


def _identities(identity: dict[str, str]) -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = []
    if identity.get("url"):
        found.append(("url", identity["url"]))
    if identity.get("id"):
        found.append(("id", identity["id"], identity.get("source", "")))
    return found


def plan_versions(lines: Iterable[InputLine], skip: Callable[[LineError], None]) -> Versions:
    """First pass: report unusable lines and find which extractions survive to the end of the input."""
    versions = Versions()
    for extraction, _, _ in usable(lines, skip):
        versions.add(extraction)
    versions.finish()
    return versions


# --- second pass: the import files -------------------------------------------------------------


class CsvTable:
    """One CSV file of neo4j-admin's import format: every string quoted, lists joined by the array
    delimiter, no value means no property."""

    def __init__(self, path: Path, columns: Iterable[str]):
        self.path = path
        self.columns = [_typed(column) for column in columns]
        self.names = [column.split(":")[0] or column for column in columns]
        self.known = set(self.names)
        self.stream: IO[str] = path.open("w", encoding="utf-8", newline="\n")
        self.stream.write(",".join(self.columns) + "\n")
        self.multiline = False
        self.rows = 0

    def write(self, values: dict[str, Any], where: str) -> None:
        """Write one row; values are looked up by property name (`:LABEL`, `:TYPE` and ids by column)."""
        if not self.known.issuperset(values):
            raise ValueError(f"{self.path.name} has no column for {sorted(set(values) - self.known)}")
        line = ",".join(_cell(values.get(name), where) for name in self.names)
        self.multiline = self.multiline or "\n" in line or "\r" in line
        self.stream.write(line + "\n")
        self.rows += 1

    def close(self) -> None:
        """Close the file."""
        self.stream.close()


def _typed(column: str) -> str:
    return f"{column}:{_TYPES[column]}" if column in _TYPES else column


def _cell(value: Any, where: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        raise InputError(f"{where}: a true/false value has no column in the import files (please report)")
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, WGS84Point):
        return f'"{{latitude:{value.latitude!r}, longitude:{value.longitude!r}}}"'
    if isinstance(value, list | tuple):
        if any(item == "" or ARRAY_DELIMITER in item for item in value):
            raise InputError(
                f"{where}: a list holds an empty string or the character U+001F, which neo4j-admin's import "
                "cannot keep: load this input with `kg load` (without --bulk)"
            )
        value = ARRAY_DELIMITER.join(value)
    return '"' + str(value).replace('"', '""') + '"'


@dataclass
class ImportFiles:
    """The CSV files of one import, by what they hold."""

    documents: CsvTable
    entities: CsvTable
    names: CsvTable
    mentioned: CsvTable
    name_of: CsvTable
    relations: CsvTable

    def all(self) -> list[CsvTable]:
        """Every file of the import."""
        return [self.documents, self.entities, self.names, self.mentioned, self.name_of, self.relations]


def open_import_files(folder: Path) -> ImportFiles:
    """Create the six CSV files with their headers in folder."""
    return ImportFiles(
        documents=CsvTable(folder / "documents.csv", DOCUMENT_COLUMNS),
        entities=CsvTable(folder / "entities.csv", ENTITY_COLUMNS),
        names=CsvTable(folder / "names.csv", ("value:ID(Name)",)),
        mentioned=CsvTable(folder / "mentioned_in.csv", (":START_ID(Entity)", ":END_ID(Document)", "count")),
        name_of=CsvTable(folder / "name_of.csv", (":START_ID(Name)", ":END_ID(Entity)")),
        relations=CsvTable(folder / "relations.csv", RELATION_COLUMNS),
    )


def write_import_files(
    lines: Iterable[InputLine],
    versions: Versions,
    folder: Path,
    skip: Callable[[LineError], None],
    result: LoadResult,
) -> ImportFiles:
    """Second pass: merge the surviving extractions as the loader does and write the import files."""
    files = open_import_files(folder)
    try:
        batch = Batch()
        pending: dict[str, dict[str, Any]] = {}
        load_order = 0
        for number, (extraction, where, line) in enumerate(usable(lines, _ignore)):
            result.documents += 1
            if not versions.keep[number]:
                continue
            key = extraction.document.key
            batch.add(line, extraction, where)
            props = batch.documents.pop(key)["props"]
            if key not in pending:
                load_order += 1
                pending[key] = {"load_order": load_order}
            pending[key].update(props)
            if versions.last[number]:
                files.documents.write({"key": key, **pending.pop(key)}, where)
        result.replaced = versions.replaced
        result.entities = batch.entity_count
        result.relations = batch.relation_count - _write_graph(batch, files, skip)
    finally:
        for table in files.all():
            table.close()
    return files


def _ignore(error: LineError) -> None:
    """Unusable lines were reported by the first pass."""


def _write_graph(batch: Batch, files: ImportFiles, skip: Callable[[LineError], None]) -> int:
    """Write the merged entities, names, mentions and facts; return how many facts had a missing end."""
    names: set[str] = set()
    for key, entity in batch.entities.items():
        row = entity.row()
        label = (
            ["Entity", "Event", entity.label] if batch_is_event(entity.label) else ["Entity", entity.label]
        )
        values = {**row["props"], "key": key, ":LABEL": label, "name": row["name"]}
        values.update(aliases=row["aliases"], weapons=row["weapons"] or None)
        values["mentions"] = sum(mention["count"] for mention in row["mentioned"])
        files.entities.write(values, key)
        for mention in row["mentioned"]:
            ends = {":START_ID(Entity)": key, ":END_ID(Document)": mention["document"]}
            files.mentioned.write({**ends, "count": mention["count"]}, key)
        for value in row["names"]:
            if value not in names:
                names.add(value)
                files.names.write({"value": value}, key)
            files.name_of.write({":START_ID(Name)": value, ":END_ID(Entity)": key}, key)
    dangling = 0
    for rel in batch.relations.values():
        absent = [key for key in (rel.source, rel.target) if key not in batch.entities]
        if absent:
            for line, doc_key, where in rel.origins:
                dangling += 1
                message = (
                    f"document {doc_key}: {rel.type} relation {rel.source} -> {rel.target} skipped: "
                    f"no entity with key {absent[0]} in this document or in the graph"
                )
                skip(LineError(path=where, line=line, message=message))
            continue
        row = rel.row()
        values = {**row["props"], ":START_ID(Entity)": rel.source, ":END_ID(Entity)": rel.target}
        values.update({":TYPE": rel.type, "disc": rel.disc or None, "sources": row["sources"]})
        values.update(
            evidence=row["evidence"][:EVIDENCE_CAP], evidence_docs=row["evidence_docs"][:EVIDENCE_CAP]
        )
        values.update(confidence=row["confidence"], rules=row["rules"])
        files.relations.write(values, f"{rel.type} {rel.source} -> {rel.target}")
    return dangling


def batch_is_event(label: str) -> bool:
    """Whether a type label is an event kind (its nodes carry the Event label too)."""
    return label in EVENT_KINDS


# --- the import -----------------------------------------------------------------------------


def import_arguments(files: ImportFiles, report: Path) -> list[str]:
    """The arguments of `neo4j-admin database import full` for these files."""
    multiline = [str(table.path) for table in files.all() if table.multiline]
    arguments = [
        "database",
        "import",
        "full",
        DATABASE,
        "--overwrite-destination=true",
        f"--array-delimiter=U+{ord(ARRAY_DELIMITER):04X}",
        f"--report-file={report}",
        f"--nodes=Document={files.documents.path}",
        f"--nodes={files.entities.path}",
        f"--nodes=Name={files.names.path}",
        f"--relationships=MENTIONED_IN={files.mentioned.path}",
        f"--relationships=NAME_OF={files.name_of.path}",
        f"--relationships={files.relations.path}",
    ]
    if multiline:
        arguments += ["--multiline-fields-format=v2", f"--multiline-fields={','.join(multiline)}"]
    return arguments


def import_files(home: Path, files: ImportFiles) -> tuple[float, float]:
    """Stop the managed server, import the files into its database, start it and apply the schema;
    return the seconds of the import and of the rest."""
    from kg import server
    from kg.connection import connect
    from kg.load import apply_schema

    log = server.log_file(home).with_name("neo4j-admin-import.log")
    started = time.monotonic()
    server.stop(home)
    report = log.with_name("neo4j-admin-import.report")
    importing = time.monotonic()
    status = server.run_admin(home, import_arguments(files, report), log)
    imported = time.monotonic()
    if status != 0:
        # The database was empty: remove what the failed import left, so the server starts with an empty one.
        server.remove_database_files(home, DATABASE)
        server.start(home)
        raise LoadError(f"neo4j-admin import failed (exit {status}), the graph is still empty: see {log}")
    server.start(home)
    with connect() as conn:
        apply_schema(conn.driver, conn.database)
        with conn.driver.session(database=conn.database) as session:
            for statement in queries.BULK_EMPTY_LISTS:
                session.run(statement, rows=10_000).consume()
    return imported - importing, time.monotonic() - imported + importing - started
