"""`kg load --bulk`: neo4j-admin's import builds the graph the transactional loader builds.

These tests run their own managed server in a temporary KG_HOME (the import stops and starts it),
whatever server the rest of the session uses.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, run_kg

from kg.connection import Connection, Settings
from kg.documents import make_document
from kg.models import Entity, Extraction, Relation, dump_extraction

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def private_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The environment of `kg` for a managed server of our own (stopped at the end)."""
    from kg import server

    home = tmp_path_factory.mktemp("bulk-home")
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env["KG_HOME"] = str(home)
    try:
        yield env
    finally:
        server.stop(home)


def kg(args: list[str], env: dict[str, str], expect: int = 0) -> str:
    result = run_kg(args, env)
    assert result.returncode == expect, result.stderr
    return result.stderr


def snapshot(env: dict[str, str]) -> dict[str, Any]:
    """Every node (labels, properties) and relationship (type, ends, properties) of the graph, sorted;
    load_order only as the order of the documents it gives."""
    from kg import server

    info = server.status(Path(env["KG_HOME"]))
    assert info is not None
    settings = Settings(uri=info.bolt_uri, username=info.username, password=info.password())
    with Connection(settings) as conn:

        def rows(query: str) -> list[Any]:
            return [record.data() for record in conn.driver.execute_query(query)[0]]

        nodes = rows("MATCH (n) RETURN labels(n) AS labels, properties(n) AS props ORDER BY n.key, n.value")
        rels = rows(
            "MATCH (a)-[r]->(b) RETURN type(r) AS type, coalesce(a.key, a.value) AS start, b.key AS end, "
            "properties(r) AS props"
        )
        order = rows("MATCH (d:Document) RETURN d.key AS key ORDER BY d.load_order")
    for node in nodes:
        node["labels"] = sorted(node["labels"])
        node["props"].pop("load_order", None)
        if "location" in node["props"]:
            point = node["props"]["location"]
            node["props"]["location"] = (point.srid, point.x, point.y)
    return {
        "nodes": nodes,
        "relationships": sorted(rels, key=lambda r: json.dumps(r, sort_keys=True)),
        "document_order": [row["key"] for row in order],
    }


def stats(env: dict[str, str]) -> Any:
    result = run_kg(["query", "stats", "--format", "json"], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def article(title: str, text: str, **fields: Any) -> Any:
    return make_document(title=title, text=text, path=f"{title}.txt", **fields)


def tricky_extractions() -> list[Extraction]:
    """What the merge must get right: renames, relabels, versions, duplicates, the evidence cap,
    quotes, commas, newlines, points, counts, empty lists and a relationship with a missing end."""
    village = Entity(key="settlement:sotk", label="Settlement", name="Sotk", latitude=40.2, longitude=45.93)
    armenia = Entity(
        key="state:am", label="State", name="Armenia", iso2="AM", aliases=["Republic of Armenia"]
    )
    azerbaijan = Entity(key="state:az", label="State", name="Azerbaijan", iso2="AZ")
    docs: list[Extraction] = []
    for n in range(14):
        doc = article(f"Report {n}", f'Shelling "near" Sotk, day {n};\n\nthe ministry said, again.')
        attack = Entity(
            key=f"attack:{n % 3}",
            label="Attack",
            name=f"Attack on Sotk {n % 3}",
            weapons=["drones"] * (n % 2),
        )
        renamed = village.model_copy(update={"name": "Sotq" if n % 4 == 1 else "Sotk", "mentions": 1 + n % 3})
        relabelled = azerbaijan.model_copy(update={"label": "State" if n != 7 else "Region"})
        relations = [
            Relation(
                type="ATTACKER",
                source=attack.key,
                target="state:az",
                sources=[doc.key],
                evidence=[f'Azerbaijani "forces", it said,\nfired on day {n}.'] if n != 5 else [],
                confidence=0.5 + n / 100,
                rule=f"attack.rule{n % 2}" if n != 5 else None,
            ),
            Relation(
                type="TARGET",
                source=attack.key,
                target="settlement:sotk",
                sources=[doc.key],
                evidence=[f"Sotk was hit on day {n}."],
                killed=n if n % 3 == 0 else None,
            ),
            Relation(
                type="ACCUSES",
                source="state:am",
                target="state:az",
                disc=f"violating the ceasefire {n % 2}",
                allegation=f"violating the ceasefire {n % 2}",
                sources=[doc.key],
                evidence=[f"Armenia accused Azerbaijan, day {n}."],
            ),
        ]
        entities = [attack, renamed, armenia, relabelled]
        docs.append(Extraction(document=doc, entities=entities, relations=relations))
    # A later text with the URL of an earlier one replaces it, and one with the same id and source.
    first = article("Wire 1", "Armenia and Azerbaijan traded fire.", url="https://news.example.org/wire")
    second = article(
        "Wire 2", "Armenia and Azerbaijan traded fire again.", url="https://news.example.org/wire"
    )
    by_id = [article(f"Feed {n}", f"Feed item text {n}.", id="item-7", source="Feed") for n in (1, 2)]
    for doc in (first, second, *by_id):
        ceasefire = Entity(key=f"ceasefire:{doc.title}", label="Ceasefire", name=f"Ceasefire {doc.title}")
        relation = Relation(type="PARTICIPANT", source=ceasefire.key, target="state:am", evidence=[doc.text])
        docs.append(Extraction(document=doc, entities=[ceasefire, armenia], relations=[relation]))
    docs.insert(9, docs[2])  # the same document again
    lost = article("Dangling", "A fact about someone unknown.")
    dangling = Relation(type="LOCATION", source="state:am", target="settlement:nowhere", evidence=[lost.text])
    docs.append(Extraction(document=lost, entities=[armenia], relations=[dangling]))
    return docs


def write_jsonl(path: Path, extractions: list[Extraction]) -> Path:
    path.write_text("".join(dump_extraction(e) + "\n" for e in extractions), encoding="utf-8")
    return path


def assert_bulk_equals_transactional(source: Path, env: dict[str, str], expect: int) -> str:
    """Load source transactionally (small batches) and with --bulk, compare; return the bulk's stderr."""
    kg(["reset", "--yes", "--silent"], env)
    kg(["load", str(source), "--batch-size", "2", "--silent"], env, expect)
    transactional, transactional_stats = snapshot(env), stats(env)

    refused = kg(["load", "--bulk", str(source)], env, expect=1)
    assert refused.splitlines() == [
        "Error: the graph is not empty, and kg load --bulk only builds an empty database: load into it with "
        "`kg load`, or empty it first with `kg reset --yes`"
    ]

    kg(["reset", "--yes", "--silent"], env)
    reported = kg(["load", "--bulk", str(source), "--silent"], env, expect)
    bulk = snapshot(env)
    assert stats(env) == transactional_stats
    assert bulk["nodes"] == transactional["nodes"]
    assert bulk["relationships"] == transactional["relationships"]
    assert bulk["document_order"] == transactional["document_order"]

    kg(["load", str(source), "--silent"], env, expect)
    again = snapshot(env)
    # Not the order of the documents: loading the input again replaces its replaced versions again.
    assert (again["nodes"], again["relationships"]) == (bulk["nodes"], bulk["relationships"])
    return reported


def test_bulk_import_builds_the_transactional_graph_of_tricky_input(
    tmp_path: Path, private_server: dict[str, str]
) -> None:
    extractions = tricky_extractions()
    source = write_jsonl(tmp_path / "tricky.jsonl", extractions)
    reported = assert_bulk_equals_transactional(source, private_server, expect=3)  # 3: the dangling fact
    assert reported.splitlines() == [
        f"Error: {source} line {len(extractions)}: document {extractions[-1].document.key}: "
        "LOCATION relation state:am -> settlement:nowhere skipped: no entity with key settlement:nowhere "
        "in this document or in the graph"
    ]


@pytest.mark.model
def test_bulk_import_of_the_example_shards_equals_loading_them(
    tmp_path: Path, private_server: dict[str, str]
) -> None:
    shards = tmp_path / "shards"
    shards.mkdir()
    result = run_kg(["extract", str(EXAMPLES / "articles"), "--silent"], private_server)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines(keepends=True)
    for index in range(0, len(lines), 4):
        (shards / f"part-{index // 4:06d}.jsonl").write_text(
            "".join(lines[index : index + 4]), encoding="utf-8"
        )
    assert_bulk_equals_transactional(shards, private_server, expect=0)


def test_bulk_refuses_a_remote_server_and_standard_input(
    tmp_path: Path, private_server: dict[str, str]
) -> None:
    source = write_jsonl(tmp_path / "one.jsonl", tricky_extractions()[:1])
    remote = {**private_server, "NEO4J_URI": "bolt://db.example.org:7687", "NEO4J_PASSWORD": "x"}
    assert kg(["load", "--bulk", str(source)], remote, expect=1).splitlines() == [
        "Error: kg load --bulk builds the managed server's database offline, and NEO4J_URI names another "
        "server: unset NEO4J_URI, or load there with `kg load` (without --bulk)"
    ]
    assert kg(["load", "--bulk", "-"], private_server, expect=1).splitlines() == [
        "Error: kg load --bulk reads its input twice: give files or folders, not - (stdin)"
    ]
    missing = kg(["load", "--bulk", str(tmp_path / "nothing.jsonl")], private_server, expect=3)
    assert (
        missing.splitlines()[0]
        == f"Error: {tmp_path / 'nothing.jsonl'}: no such file or folder (check the path)"
    )
