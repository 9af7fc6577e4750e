"""Forgetting and replacing documents: the graph left is the graph of the documents that remain."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, run_kg
from test_load import (
    SEED_ACCUSES,
    WIRE_ACCUSES,
    load,
    one,
    seed_extraction,
    snapshot,
    wire_extraction,
    write_jsonl,
)

from kg.connection import Connection
from kg.forget import forget_documents
from kg.load import reset_graph
from kg.models import Document, Entity, Extraction, Relation, dump_extraction


def forget(conn: Connection, *refs: str) -> Any:
    return forget_documents(conn.driver, list(refs), database=conn.database)


def without_load_order(shot: dict[str, Any]) -> dict[str, Any]:
    """A snapshot without Document.load_order: the one property that records when a document came."""
    nodes = sorted(re.sub(r"\('load_order', \d+\), ", "", node) for node in shot["nodes"])
    return {"nodes": nodes, "relationships": shot["relationships"]}


def graph_of(conn: Connection, extractions: list[Extraction]) -> dict[str, Any]:
    reset_graph(conn.driver, database=conn.database)
    load(conn, extractions)
    return snapshot(conn)


# --- forgetting, through the library -------------------------------------------------------------


@pytest.mark.neo4j
def test_forgetting_the_second_document_gives_exactly_the_graph_of_the_first_alone(graph: Connection) -> None:
    alone = graph_of(graph, [seed_extraction()])
    both = graph_of(graph, [seed_extraction(), wire_extraction()])
    assert both != alone
    result = forget(graph, "doc-wire")
    assert result.documents == ["doc-wire"] and result.not_found == []
    assert snapshot(graph) == alone


@pytest.mark.neo4j
def test_forgetting_the_first_document_gives_the_graph_of_the_second_alone(graph: Connection) -> None:
    alone = graph_of(graph, [wire_extraction()])
    graph_of(graph, [seed_extraction()])
    load(graph, [wire_extraction()])
    forget(graph, "doc-seed")
    # The wire report was loaded second: only its load number tells the two graphs apart.
    assert without_load_order(snapshot(graph)) == without_load_order(alone)
    assert one(graph, "MATCH (d:Document) RETURN d.load_order") == 2


@pytest.mark.neo4j
def test_a_fact_loses_the_sentence_confidence_rule_and_date_only_the_forgotten_document_gave(
    graph: Connection,
) -> None:
    load(graph, [seed_extraction(), wire_extraction()])
    forget(graph, "doc-wire")
    with graph.driver.session(database=graph.database) as session:
        record = session.run("MATCH ()-[r:ACCUSES]->() RETURN r").single()
    assert record is not None
    accuses = record["r"]
    assert accuses["sources"] == ["doc-seed"]
    assert accuses["evidence"] == [SEED_ACCUSES] and WIRE_ACCUSES not in accuses["evidence"]
    assert accuses["evidence_docs"] == ["doc-seed"]
    assert accuses["confidence"] == 0.8
    assert accuses["rules"] == ["accuse_of"]
    assert accuses["date"] is None


@pytest.mark.neo4j
def test_mentions_drop_by_the_forgotten_documents_share_and_its_names_go(graph: Connection) -> None:
    load(graph, [seed_extraction(), wire_extraction()])
    assert one(graph, "MATCH (e:Entity {key: 'state:armenia'}) RETURN e.mentions") == 8
    forget(graph, "doc-wire")
    assert one(graph, "MATCH (e:Entity {key: 'state:armenia'}) RETURN e.mentions") == 7
    assert one(graph, "MATCH (e:Entity {key: 'state:armenia'}) RETURN e.aliases") == ["Armenian"]
    assert one(graph, "MATCH (n:Name) WHERE n.value IN ['yerevan', 'azerbaycan'] RETURN count(n)") == 0


@pytest.mark.neo4j
def test_an_entity_and_its_names_go_when_no_document_mentions_it_any_more(graph: Connection) -> None:
    load(graph, [seed_extraction(), wire_extraction()])
    result = forget(graph, "doc-seed")
    assert sorted(one(graph, "MATCH (e:Entity) RETURN collect(e.key)")) == [
        "state:armenia",
        "state:azerbaijan",
    ]
    assert one(graph, "MATCH (n:Name) RETURN count(n)") == 5  # azerbaijan(i), azerbaycan, armenia, yerevan
    assert one(graph, "MATCH (n:Name {value: 'kokhanebi'}) RETURN count(n)") == 0
    assert result.entities_deleted == 4
    assert result.relationships_deleted == 3 and result.relationships_updated == 1


@pytest.mark.neo4j
def test_evidence_cut_at_ten_sentences_is_refilled_from_the_remaining_documents(graph: Connection) -> None:
    extractions = []
    for number in range(12):
        extraction = wire_extraction()
        extraction.document.key = f"doc-{number:02}"
        extraction.relations[0].evidence = [f"{WIRE_ACCUSES} (report {number})"]
        extractions.append(extraction)
    load(graph, extractions[:6])
    load(graph, extractions[6:])
    forget(graph, "doc-03", "doc-07")
    kept = [n for n in range(12) if n not in (3, 7)]
    assert one(graph, "MATCH ()-[r:ACCUSES]->() RETURN r.evidence_docs") == [f"doc-{n:02}" for n in kept[:10]]
    assert one(graph, "MATCH ()-[r:ACCUSES]->() RETURN r.evidence") == [
        f"{WIRE_ACCUSES} (report {n})" for n in kept[:10]
    ]
    assert one(graph, "MATCH ()-[r:ACCUSES]->() RETURN r.sources") == [f"doc-{n:02}" for n in kept]


@pytest.mark.neo4j
def test_forgetting_a_middle_document_of_three_gives_the_graph_of_the_other_two(graph: Connection) -> None:
    later = seed_extraction(key="doc-later", published="2022-09-30")
    later.entities[2].label = "Region"  # the latest document types the territory differently
    later.entities[3].name = "Kokhanebi village"
    later.relations[1].since = "1992"
    two = graph_of(graph, [seed_extraction(), later])
    graph_of(graph, [seed_extraction(), wire_extraction(), later])
    forget(graph, "doc-wire")
    assert without_load_order(snapshot(graph)) == without_load_order(two)


@pytest.mark.neo4j
def test_a_reference_that_names_no_document_is_reported_and_the_others_are_forgotten(
    graph: Connection,
) -> None:
    load(graph, [seed_extraction(), wire_extraction()])
    result = forget(graph, "doc-nope", "doc-wire")
    assert result.not_found == ["doc-nope"]
    assert one(graph, "MATCH (d:Document) RETURN collect(d.key)") == ["doc-seed"]


@pytest.mark.neo4j
def test_a_document_loaded_by_an_older_kg_cannot_be_forgotten_and_nothing_changes(graph: Connection) -> None:
    from kg.errors import KgError

    load(graph, [seed_extraction(), wire_extraction()])
    with graph.driver.session(database=graph.database) as session:
        session.run("MATCH (d:Document {key: 'doc-wire'}) REMOVE d.extraction").consume()
    before = snapshot(graph)
    with pytest.raises(KgError, match="loaded by an older kg"):
        forget(graph, "doc-wire")
    assert snapshot(graph) == before


# --- new versions replace old ones ---------------------------------------------------------------


def versioned(text: str, *, key: str, url: str | None = None, id: str | None = None) -> Extraction:
    """A one-sentence report naming a village only this version names."""
    village = text.split()[-1].rstrip(".")
    return Extraction(
        document=Document(
            key=key, title="Shelling near the border", text=text, url=url, id=id, source="Wire"
        ),
        entities=[
            Entity(key="state:armenia", label="State", name="Armenia", mentions=1),
            Entity(key=f"settlement:{village.lower()}", label="Settlement", name=village),
        ],
        relations=[
            Relation(
                type="LOCATED_IN",
                source=f"settlement:{village.lower()}",
                target="state:armenia",
                evidence=[text],
            )
        ],
    )


@pytest.mark.neo4j
def test_a_new_text_at_the_same_url_replaces_the_old_one(graph: Connection) -> None:
    url = "https://news.example.org/shelling"
    third = versioned("Shells fell on Vardenis.", key="doc-v3", url=url)
    alone = graph_of(graph, [third])
    graph_of(graph, [versioned("Shells fell on Sotk.", key="doc-v1", url=url)])
    result = load(graph, [versioned("Shells fell on Jermuk.", key="doc-v2", url=url)])
    assert result.replaced == 1
    load(graph, [third])
    assert snapshot(graph) == alone
    assert one(graph, "MATCH (n) WHERE n.name = 'Sotk' OR n.value = 'sotk' RETURN count(n)") == 0


@pytest.mark.neo4j
def test_versions_in_one_batch_leave_only_the_last(graph: Connection) -> None:
    url = "https://news.example.org/shelling"
    last = versioned("Shells fell on Vardenis.", key="doc-v3", url=url)
    alone = graph_of(graph, [last])
    graph_of(
        graph,
        [
            versioned("Shells fell on Sotk.", key="doc-v1", url=url),
            versioned("Shells fell on Jermuk.", key="doc-v2", url=url),
            last,
        ],
    )
    assert without_load_order(snapshot(graph)) == without_load_order(alone)


@pytest.mark.neo4j
def test_the_same_id_replaces_only_within_the_same_source(graph: Connection) -> None:
    first = versioned("Shells fell on Sotk.", key="doc-v1", id="17")
    other_outlet = versioned("Shells fell on Jermuk.", key="doc-other", id="17")
    other_outlet.document.source = "Another outlet"
    load(graph, [first, other_outlet])
    assert sorted(one(graph, "MATCH (d:Document) RETURN collect(d.key)")) == ["doc-other", "doc-v1"]
    load(graph, [versioned("Shells fell on Vardenis.", key="doc-v2", id="17")])
    assert sorted(one(graph, "MATCH (d:Document) RETURN collect(d.key)")) == ["doc-other", "doc-v2"]


@pytest.mark.neo4j
def test_the_same_text_extracted_differently_replaces_its_earlier_extraction(graph: Connection) -> None:
    before = seed_extraction()
    load(graph, [before, wire_extraction()])
    after = seed_extraction()
    after.relations = after.relations[:1]  # a newer engine finds fewer facts in the same text
    expected = graph_of(graph, [wire_extraction(), after])
    graph_of(graph, [before, wire_extraction()])
    load(graph, [after])
    assert without_load_order(snapshot(graph)) == without_load_order(expected)
    load(graph, [after])  # and loading it once more changes nothing
    assert without_load_order(snapshot(graph)) == without_load_order(expected)


# --- through the command line, with real extraction ----------------------------------------------


def article(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


ARTICLE_A = """Azerbaijan says Armenian fire hit Kalbajar positions

Azerbaijan's Defence Ministry said on Friday that Armenian units had fired on its
positions in the Kalbajar region overnight.

The ministry said the fire came from the village of Sotk in Armenia's Gegharkunik province.
"""

ARTICLE_B = """Armenia denies Azerbaijani claims of border fire

Armenia's Defence Ministry denied on Saturday that its forces had opened fire on
Azerbaijani positions near Kalbajar.

The ministry accused Azerbaijan of shelling the village of Jermuk in Armenia's Vayots Dzor province.
"""


@pytest.mark.neo4j
@pytest.mark.model
def test_kg_forget_after_building_two_articles_leaves_the_graph_of_the_first_alone(
    graph: Connection, kg_env: dict[str, str], tmp_path: Path
) -> None:
    a = article(tmp_path / "a.txt", ARTICLE_A)
    b = article(tmp_path / "b.txt", ARTICLE_B)
    assert run_kg(["build", a, "--silent"], kg_env).returncode == 0
    alone = snapshot(graph)
    reset_graph(graph.driver, database=graph.database)
    assert run_kg(["build", a, b, "--silent"], kg_env).returncode == 0
    assert one(graph, "MATCH (e:Entity {key: 'ministry:defence:am'}) RETURN count(e)") == 1  # only B names it
    key_b = one(graph, "MATCH (d:Document {path: $path}) RETURN d.key", path=b)
    result = run_kg(["forget", key_b], kg_env)
    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith("Forgot 1 documents: ")
    assert snapshot(graph) == alone


@pytest.mark.neo4j
@pytest.mark.model
def test_forgetting_one_example_article_gives_the_graph_built_without_it(
    graph: Connection, kg_env: dict[str, str], tmp_path: Path
) -> None:
    articles = sorted((EXAMPLES / "articles").glob("*.txt"))
    dropped = articles[1]  # the wire report: shares its states, ministries and places with others
    assert run_kg(["build", *map(str, articles), "--silent"], kg_env).returncode == 0
    key = one(graph, "MATCH (d:Document {path: $path}) RETURN d.key", path=str(dropped))
    assert run_kg(["forget", key, "--silent"], kg_env).returncode == 0
    after = snapshot(graph)
    reset_graph(graph.driver, database=graph.database)
    assert run_kg(["build", *(str(p) for p in articles if p != dropped), "--silent"], kg_env).returncode == 0
    assert without_load_order(after) == without_load_order(snapshot(graph))


@pytest.mark.neo4j
@pytest.mark.model
def test_rebuilding_a_json_lines_id_twice_leaves_no_trace_of_the_first_text(
    graph: Connection, kg_env: dict[str, str], tmp_path: Path
) -> None:
    first = ARTICLE_A.split("\n\n", 1)[1]
    second = first.replace("Sotk", "Jermuk").replace("Gegharkunik", "Vayots Dzor")
    third = first.replace("Kalbajar region", "Lachin district").replace("Sotk", "Vardenis")

    def line(text: str) -> str:
        return json.dumps({"id": "wire-1", "source": "Wire", "title": "Border fire", "text": text})

    latest = write_jsonl(tmp_path / "v3.jsonl", [line(third)])
    assert run_kg(["build", str(latest), "--silent"], kg_env).returncode == 0
    alone = snapshot(graph)
    reset_graph(graph.driver, database=graph.database)
    for number, text in enumerate((first, second, third), start=1):
        version = write_jsonl(tmp_path / f"v{number}.jsonl", [line(text)])
        result = run_kg(["build", str(version), "--silent"], kg_env)
        assert result.returncode == 0, result.stderr
    assert snapshot(graph) == alone
    everything = json.dumps(snapshot(graph))
    for only_earlier in ("Sotk", "sotk", "Kalbajar", "kalbajar", "Jermuk", "jermuk", "Vayots", "vayots"):
        assert only_earlier not in everything


@pytest.mark.neo4j
def test_kg_forget_by_url_and_an_unknown_reference(
    graph: Connection, kg_env: dict[str, str], tmp_path: Path
) -> None:
    url = "https://news.example.org/shelling"
    path = write_jsonl(
        tmp_path / "x.jsonl",
        [
            dump_extraction(versioned("Shells fell on Sotk.", key="doc-v1", url=url)),
            dump_extraction(seed_extraction()),
        ],
    )
    assert run_kg(["load", str(path), "--silent"], kg_env).returncode == 0
    result = run_kg(["forget", url, "doc:0000000000000000"], kg_env)
    assert result.returncode == 3
    assert result.stderr.splitlines()[0] == (
        "Error: doc:0000000000000000: no document with this key or URL (kg query documents lists them)"
    )
    assert "Forgot 1 documents" in result.stderr and "Traceback" not in result.stderr
    assert one(graph, "MATCH (d:Document) RETURN collect(d.key)") == ["doc-seed"]
    assert one(graph, "MATCH (e:Settlement {name: 'Sotk'}) RETURN count(e)") == 0


@pytest.mark.neo4j
def test_kg_load_says_how_many_earlier_versions_it_replaced(
    graph: Connection, kg_env: dict[str, str], tmp_path: Path
) -> None:
    url = "https://news.example.org/shelling"
    first = write_jsonl(
        tmp_path / "v1.jsonl", [dump_extraction(versioned("Shells fell on Sotk.", key="v1", url=url))]
    )
    second = write_jsonl(
        tmp_path / "v2.jsonl", [dump_extraction(versioned("Shells fell on Jermuk.", key="v2", url=url))]
    )
    assert run_kg(["load", str(first)], kg_env).returncode == 0
    result = run_kg(["load", str(second)], kg_env)
    assert result.returncode == 0, result.stderr
    assert "1 earlier versions (same URL, or same id and source) were replaced" in result.stderr
    assert one(graph, "MATCH (d:Document) RETURN collect(d.key)") == ["v2"]
