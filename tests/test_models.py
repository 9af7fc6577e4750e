"""The extraction file format: one JSON line per document, versioned, read as a stream."""

from __future__ import annotations

import io
import json

import pytest

from kg.errors import InputError, SchemaVersionError
from kg.models import (
    SCHEMA_VERSION,
    Document,
    Entity,
    Extraction,
    LineError,
    Relation,
    dump_extraction,
    parse_extraction_line,
    read_extractions,
    read_numbered_extractions,
)

SENTENCE = (
    "Azerbaijan has accused Armenia of violating a truce and targeting its military positions "
    "along the border."
)


def seed_extraction() -> Extraction:
    return Extraction(
        document=Document(
            key="doc-seed", title="Azerbaijan accuses Armenia of breaching truce", text=SENTENCE
        ),
        entities=[
            Entity(key="state:azerbaijan", label="State", name="Azerbaijan", aliases=["Azerbaijani"]),
            Entity(key="state:armenia", label="State", name="Armenia", latitude=40.2, longitude=44.5),
        ],
        relations=[
            Relation(
                type="ACCUSES",
                source="state:azerbaijan",
                target="state:armenia",
                disc="truce violation",
                allegation="truce violation",
                evidence=[SENTENCE],
                confidence=0.8,
            )
        ],
    )


def test_an_extraction_is_one_json_line_that_reads_back_identically() -> None:
    line = dump_extraction(seed_extraction())
    assert "\n" not in line
    assert json.loads(line)["schema_version"] == SCHEMA_VERSION
    assert parse_extraction_line(line) == seed_extraction()


def test_unknown_values_are_left_out_of_the_line() -> None:
    entity = json.loads(dump_extraction(seed_extraction()))["entities"][0]
    assert "iso2" not in entity and "latitude" not in entity


def test_bad_lines_are_reported_with_their_numbers_and_good_lines_still_come_through() -> None:
    good = dump_extraction(seed_extraction())
    stream = io.StringIO(
        "\n".join([good, "{not json", "", "[1]", good.replace('"ACCUSES"', '"BOMBED"'), good])
    )
    items = list(read_extractions(stream, "x.jsonl"))
    assert [type(item).__name__ for item in items] == [
        "Extraction",
        "LineError",
        "LineError",
        "LineError",
        "Extraction",
    ]
    errors = [item for item in items if isinstance(item, LineError)]
    assert [(e.path, e.line) for e in errors] == [("x.jsonl", 2), ("x.jsonl", 4), ("x.jsonl", 5)]
    assert errors[0].message.startswith("not valid JSON")
    assert errors[1].message.startswith("not a JSON object")
    assert errors[2].message.startswith("invalid extraction at relations.0.type")


def test_label_outside_the_ontology_is_an_invalid_line() -> None:
    line = dump_extraction(seed_extraction()).replace('"label":"State"', '"label":"Weapon"', 1)
    with pytest.raises(InputError, match=r"entities\.0\.label"):
        parse_extraction_line(line)


def test_file_of_another_schema_version_is_refused_at_its_first_line() -> None:
    line = dump_extraction(seed_extraction()).replace(
        f'"schema_version":{SCHEMA_VERSION}', f'"schema_version":{SCHEMA_VERSION + 1}'
    )
    with pytest.raises(SchemaVersionError) as raised:
        list(read_extractions(io.StringIO("\n" + line + "\n"), "old.jsonl"))
    assert str(raised.value) == (
        f"old.jsonl line 2: schema_version {SCHEMA_VERSION + 1} is not {SCHEMA_VERSION}: "
        "re-run `kg extract` with this version of kg"
    )


def test_line_without_schema_version_is_refused() -> None:
    data = json.loads(dump_extraction(seed_extraction()))
    del data["schema_version"]
    with pytest.raises(SchemaVersionError, match="schema_version None is not"):
        parse_extraction_line(json.dumps(data))


def test_unknown_fields_are_rejected_rather_than_dropped() -> None:
    data = json.loads(dump_extraction(seed_extraction()))
    data["entities"][0]["population"] = 10_000_000
    with pytest.raises(InputError, match=r"entities\.0\.population"):
        parse_extraction_line(json.dumps(data))


def test_json_error_names_the_column_with_a_single_at() -> None:
    with pytest.raises(InputError) as raised:
        parse_extraction_line('{"schema_version": 1, "document": {"key": "doc-1')
    assert str(raised.value) == "not valid JSON (Unterminated string starting at column 43)"
    with pytest.raises(InputError) as raised:
        parse_extraction_line('{"schema_version": 1,}')
    assert str(raised.value) == (
        "not valid JSON (Expecting property name enclosed in double quotes at column 22)"
    )


def test_line_that_is_not_utf8_is_one_bad_line_and_the_lines_after_it_still_come_through() -> None:
    good = dump_extraction(seed_extraction()).encode("utf-8")
    lines = [good, b'{"schema_version": 1, "note": "caf\xe9"}', good]
    items = list(read_numbered_extractions(iter(line + b"\n" for line in lines), "x.jsonl"))
    assert [(number, type(item).__name__) for number, item in items] == [
        (1, "Extraction"),
        (2, "LineError"),
        (3, "Extraction"),
    ]
    error = items[1][1]
    assert isinstance(error, LineError)
    assert error.message.startswith("not UTF-8 (byte 0xe9 at column 35)")
