"""Typed models that cross stage boundaries: documents, entities, relations, extractions.

The ontology's fixed vocabulary (labels and relationship types) lives here too: the loader
takes labels and relationship types only from these lists, never from input text.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kg.errors import InputError, SchemaVersionError

SCHEMA_VERSION = 1

ENTITY_LABELS: tuple[str, ...] = (
    "State",
    "Ministry",
    "ArmedForce",
    "Organization",
    "Person",
    "Settlement",
    "Region",
    "Territory",
    "Site",
    "Conflict",
)
EVENT_KINDS: tuple[str, ...] = ("Attack", "Clash", "Ceasefire", "Agreement", "Meeting")
ALL_LABELS: tuple[str, ...] = ENTITY_LABELS + EVENT_KINDS

RELATION_TYPES: tuple[str, ...] = (
    "MINISTRY_OF",
    "ARMED_FORCE_OF",
    "LOCATED_IN",
    "RECOGNISED_AS_PART_OF",
    "FORMERLY_PART_OF",
    "OCCUPIED",
    "CAPTURED",
    "ACCUSES",
    "DENIES",
    "REPORTED",
    "ATTACKER",
    "TARGET",
    "ORIGIN",
    "LOCATION",
    "PARTICIPANT",
    "PART_OF",
    "ENDED",
    "VIOLATED",
    "BROKERED_BY",
    "HOSTED_BY",
    "MEDIATED_BY",
    "REPRESENTS",
)

Label = Literal[
    "State",
    "Ministry",
    "ArmedForce",
    "Organization",
    "Person",
    "Settlement",
    "Region",
    "Territory",
    "Site",
    "Conflict",
    "Attack",
    "Clash",
    "Ceasefire",
    "Agreement",
    "Meeting",
]
RelationType = Literal[
    "MINISTRY_OF",
    "ARMED_FORCE_OF",
    "LOCATED_IN",
    "RECOGNISED_AS_PART_OF",
    "FORMERLY_PART_OF",
    "OCCUPIED",
    "CAPTURED",
    "ACCUSES",
    "DENIES",
    "REPORTED",
    "ATTACKER",
    "TARGET",
    "ORIGIN",
    "LOCATION",
    "PARTICIPANT",
    "PART_OF",
    "ENDED",
    "VIOLATED",
    "BROKERED_BY",
    "HOSTED_BY",
    "MEDIATED_BY",
    "REPRESENTS",
]
DatePrecision = Literal["day", "week", "month", "year"]

EVIDENCE_CAP = 10
"""At most this many evidence sentences are kept on one relationship."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Document(_Model):
    """One news article as read from disk, a JSON line, standard input or the web."""

    key: str = Field(description="content-derived identity: reloading the same text is a no-op")
    title: str | None = None
    text: str = Field(description="the article body, page furniture removed")
    published: str | None = Field(default=None, description="ISO date YYYY-MM-DD, or null when unknown")
    url: str | None = Field(default=None, description="where it was published (a web page's canonical URL)")
    source: str | None = Field(default=None, description="the outlet, e.g. 'Anadolu Agency'")
    author: str | None = None
    id: str | None = Field(
        default=None,
        description="its JSON line's `id`: a later text with the same id and `source` replaces it",
    )
    path: str | None = None
    links: list[str] = Field(default_factory=list, description="'READ MORE' headlines: links, not content")


class Entity(_Model):
    """A node: a state, ministry, armed force, place, conflict, event... with its identity."""

    key: str = Field(description="stable identity, the same in every document and run")
    label: Label
    name: str
    aliases: list[str] = Field(default_factory=list)
    mentions: int = Field(default=1, ge=0, description="mentions in this document")
    # Optional per-label properties (see the ontology).
    iso2: str | None = None
    iso3: str | None = None
    status: str | None = None
    portfolio: str | None = None
    kind: str | None = None
    title: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    start: str | None = Field(
        default=None, description="ISO 8601 at its precision: 1991, 2022-09, 2022-09-22"
    )
    end: str | None = None
    date_precision: DatePrecision | None = None
    summary: str | None = None
    weapons: list[str] = Field(default_factory=list, description="for attacks: weapons named by the text")

    @property
    def is_event(self) -> bool:
        """Whether this entity is an event (Attack, Clash, Ceasefire, Agreement, Meeting)."""
        return self.label in EVENT_KINDS


class Relation(_Model):
    """A typed edge between two entity keys, with the provenance of the text that states it."""

    type: RelationType
    source: str = Field(description="key of the entity it starts from")
    target: str = Field(description="key of the entity it points to")
    disc: str = Field(
        default="",
        description="discriminator: two facts with the same ends and type but a different disc "
        "(e.g. two different allegations) stay two relationships",
    )
    sources: list[str] = Field(default_factory=list, description="keys of the documents that state it")
    evidence: list[str] = Field(default_factory=list, description="the sentences that state it")
    confidence: float = Field(default=0.5, ge=0.0, le=1.0)
    rule: str | None = Field(default=None, description="the extraction rule that produced it")
    # Optional per-type properties (see the ontology).
    allegation: str | None = None
    claim: str | None = None
    date: str | None = None
    since: str | None = None
    until: str | None = None
    killed: int | None = None
    wounded: int | None = None
    qualifier: str | None = None
    title: str | None = None


class Extraction(_Model):
    """Everything extracted from one document: one JSON line of an extraction file."""

    schema_version: int = SCHEMA_VERSION
    document: Document
    entities: list[Entity] = Field(default_factory=list)
    relations: list[Relation] = Field(default_factory=list)


class LineError(_Model):
    """A line of an input file that could not be used, with why."""

    path: str
    line: int
    message: str


def dump_extraction(extraction: Extraction) -> str:
    """Serialise one extraction as a single JSON line (no trailing newline)."""
    return extraction.model_dump_json(exclude_none=True)


_STORED = {"schema_version", "entities", "relations"}


def dump_stored_facts(extraction: Extraction) -> str:
    """An extraction's entities and relations as JSON, as kept on its Document (`kg forget` replays them)."""
    return extraction.model_dump_json(include=_STORED, exclude_none=True)


def parse_stored_facts(
    text: str,
    keep_entity: Callable[[dict[str, Any]], bool] | None = None,
    keep_relation: Callable[[dict[str, Any]], bool] | None = None,
) -> tuple[list[Entity], list[Relation]]:
    """The entities and relations a Document's stored facts hold (see dump_stored_facts), optionally
    only those the filters keep (they see the raw JSON objects, so the others are never validated)."""
    data = json.loads(text)
    if data.get("schema_version") != SCHEMA_VERSION:
        raise SchemaVersionError(
            f"a document's stored facts have schema_version {data.get('schema_version')!r}, not "
            f"{SCHEMA_VERSION}: load its articles again with this version of kg"
        )
    entities = [
        Entity.model_validate(item)
        for item in data.get("entities", [])
        if keep_entity is None or keep_entity(item)
    ]
    relations = [
        Relation.model_validate(item)
        for item in data.get("relations", [])
        if keep_relation is None or keep_relation(item)
    ]
    return entities, relations


def parse_extraction_line(line: str) -> Extraction:
    """Parse one JSON line into an Extraction, rejecting other schema versions clearly."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON ({describe_json_error(exc)})") from None
    if not isinstance(data, dict):
        raise InputError("not a JSON object: each line must be one extraction object")
    version = data.get("schema_version")
    if version != SCHEMA_VERSION:
        raise SchemaVersionError(
            f"schema_version {version!r} is not {SCHEMA_VERSION}: re-run `kg extract` with this version of kg"
        )
    try:
        return Extraction.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InputError(f"invalid extraction at {where}: {first['msg']}") from None


def describe_json_error(exc: json.JSONDecodeError, *, with_line: bool = False) -> str:
    """Python's JSON error as 'Expecting value at column 3', never 'starting at at column 3'."""
    where = f"line {exc.lineno} column {exc.colno}" if with_line else f"column {exc.colno}"
    return f"{exc.msg} {where}" if exc.msg.endswith(" at") else f"{exc.msg} at {where}"


def read_extractions(stream: Iterable[bytes | str], path: str = "-") -> Iterator[Extraction | LineError]:
    """Stream extractions from a JSON-lines file, yielding a LineError for each unusable line."""
    for _, item in read_numbered_extractions(stream, path):
        yield item


def read_numbered_extractions(
    lines: Iterable[bytes | str], path: str = "-"
) -> Iterator[tuple[int, Extraction | LineError]]:
    """(line number, extraction or unusable line) for each non-blank line of a JSON-lines file.

    Lines read as bytes are decoded one by one, so a line that is not UTF-8 is one unusable line,
    not the end of the file.
    """
    for number, line in enumerate(lines, start=1):
        if number == 1:
            line = (
                line.removeprefix(b"\xef\xbb\xbf") if isinstance(line, bytes) else line.removeprefix("\ufeff")
            )
        if not line.strip():
            continue
        try:
            text = line.decode("utf-8") if isinstance(line, bytes) else line
        except UnicodeDecodeError as exc:
            message = (
                f"not UTF-8 (byte 0x{line[exc.start]:02x} at column {exc.start + 1}): "
                "fix or remove the line (`kg extract` writes UTF-8)"
            )
            yield number, LineError(path=path, line=number, message=message)
            continue
        try:
            yield number, parse_extraction_line(text)
        except SchemaVersionError as exc:
            # A file of another version is wrong as a whole: stop at its first line.
            raise SchemaVersionError(f"{path} line {number}: {exc}") from None
        except InputError as exc:
            yield number, LineError(path=path, line=number, message=str(exc))


def open_text(path: str | Path) -> IO[str]:
    """Open a text file for reading as UTF-8 (used for extraction files)."""
    return open(path, encoding="utf-8")
