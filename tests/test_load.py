"""Loading extractions into Neo4j: idempotence, provenance merging, names, reset, bad input, rollback."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import run_kg

from kg import queries, server
from kg.connection import Connection
from kg.load import Batch, apply_schema, event_caption, load_extractions, reset_graph, write_batch
from kg.models import SCHEMA_VERSION, Document, Entity, Extraction, Relation, dump_extraction

# Sentences of the seed article (Anadolu, 23 Sep 2022) and of a wire report on the same border.
SEED_ACCUSES = (
    "Azerbaijan has accused Armenia of violating a truce and targeting its military positions along the "
    "border, marking the end of a lull in violent clashes that claimed dozens of lives last week."
)
SEED_OCCUPIED = (
    "The clashes were the latest among the two former Soviet republics, who have had tense relations "
    "since 1991, when the Armenian military occupied Nagorno-Karabakh, also known as Upper Karabakh, a "
    "territory internationally recognised as part of Azerbaijan."
)
SEED_FIRED = (
    "Armenian forces fired on Azerbaijani positions \u201cin the directions of Kokhanebi settlement of the "
    "Tovuz region, Keshdak and Barmagbina settlements of the Kalbajar region, and Tazakend settlement of the "
    "Dashkasan region,\u201d the Azerbaijani Defence Ministry said in a statement on Friday."
)
WIRE_ACCUSES = (
    "Azerbaijan's Defence Ministry said Armenian forces had opened fire on Azerbaijani positions near the "
    "Kalbajar district, and accused Yerevan of violating the ceasefire."
)


def state(name: str, iso2: str, aliases: list[str] | None = None, mentions: int = 1) -> Entity:
    return Entity(
        key=f"state:{name.lower()}",
        label="State",
        name=name,
        iso2=iso2,
        aliases=aliases or [],
        mentions=mentions,
    )


def seed_extraction(key: str = "doc-seed", published: str = "2022-09-23") -> Extraction:
    """What the extractor takes from the seed article, in the part the loader cares about."""
    return Extraction(
        document=Document(
            key=key,
            title="Azerbaijan accuses Armenia of breaching truce, firing on border posts",
            text=" ".join([SEED_ACCUSES, SEED_OCCUPIED, SEED_FIRED]),
            published=published,
            source="Anadolu Agency",
            links=["US hosts Armenia, Azerbaijan top diplomats in bid to boost peace"],
        ),
        entities=[
            state("Azerbaijan", "AZ", ["Azerbaijani"], mentions=6),
            state("Armenia", "AM", ["Armenian"], mentions=7),
            Entity(
                key="territory:nagorno-karabakh",
                label="Territory",
                name="Nagorno-Karabakh",
                aliases=["Upper Karabakh"],
            ),
            Entity(
                key="settlement:tovuz:kokhanebi",
                label="Settlement",
                name="Kokhanebi",
                kind="village",
                latitude=41.05,
                longitude=45.5,
            ),
            Entity(key="region:tovuz", label="Region", name="Tovuz", kind="rayon"),
            Entity(
                key="attack:2022-09-22:armenia:azerbaijan",
                label="Attack",
                name="Armenian fire on Azerbaijani positions",
                start="2022-09-22",
                end="2022-09-23",
                date_precision="day",
                weapons=["various caliber weapons"],
            ),
        ],
        relations=[
            Relation(
                type="ACCUSES",
                source="state:azerbaijan",
                target="state:armenia",
                disc="ceasefire violation",
                allegation="ceasefire violation",
                evidence=[SEED_ACCUSES],
                confidence=0.8,
                rule="accuse_of",
            ),
            Relation(
                type="OCCUPIED",
                source="state:armenia",
                target="territory:nagorno-karabakh",
                since="1991",
                evidence=[SEED_OCCUPIED],
                confidence=0.7,
                rule="occupied",
            ),
            Relation(
                type="LOCATED_IN",
                source="settlement:tovuz:kokhanebi",
                target="region:tovuz",
                evidence=[SEED_FIRED],
                confidence=0.9,
                rule="settlement_of_region",
            ),
            Relation(
                type="LOCATION",
                source="attack:2022-09-22:armenia:azerbaijan",
                target="settlement:tovuz:kokhanebi",
                evidence=[SEED_FIRED],
                confidence=0.6,
                rule="fired_on_directions",
            ),
        ],
    )


def wire_extraction() -> Extraction:
    """A second outlet stating the same accusation in another sentence, with another spelling."""
    return Extraction(
        document=Document(key="doc-wire", title="Armenia and Azerbaijan trade blame", text=WIRE_ACCUSES),
        entities=[
            state("Azerbaijan", "AZ", ["Azerbaijani", "Azerbaycan"]),
            state("Armenia", "AM", ["Yerevan"]),
        ],
        relations=[
            Relation(
                type="ACCUSES",
                source="state:azerbaijan",
                target="state:armenia",
                disc="ceasefire violation",
                allegation="ceasefire violation",
                date="2022-09-22",
                evidence=[WIRE_ACCUSES],
                confidence=0.9,
                rule="accused_of",
            )
        ],
    )


def write_jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def summary(stderr: str) -> str:
    """The summary line of `kg load` (its last line), with the seconds it took as N."""
    return re.sub(r" in [0-9.]+s", " in Ns", stderr.strip().splitlines()[-1])


def snapshot(conn: Connection) -> dict[str, Any]:
    """Every node and relationship with its labels/type and properties, in a comparable form."""
    with conn.driver.session(database=conn.database) as session:
        nodes = sorted(
            repr((sorted(r["labels"]), sorted(r["props"].items())))
            for r in session.run("MATCH (n) RETURN labels(n) AS labels, properties(n) AS props")
        )
        rels = sorted(
            repr((r["a"], r["type"], r["b"], sorted(r["props"].items())))
            for r in session.run(
                "MATCH (x)-[r]->(y) RETURN coalesce(x.key, x.value) AS a, type(r) AS type, "
                "coalesce(y.key, y.value) AS b, properties(r) AS props"
            )
        )
    return {"nodes": nodes, "relationships": rels}


def one(conn: Connection, cypher: str, **params: Any) -> Any:
    with conn.driver.session(database=conn.database) as session:
        record = session.run(cypher, **params).single()
    assert record is not None, cypher
    return record[0]


def load(conn: Connection, extractions: list[Extraction], **kwargs: Any) -> Any:
    return load_extractions(conn.driver, extractions, database=conn.database, **kwargs)


# --- end to end through `kg load` ----------------------------------------------------------------


def test_loading_the_same_file_twice_leaves_the_graph_unchanged(
    graph: Connection, kg_env: dict[str, str], tmp_path: Path
) -> None:
    path = write_jsonl(
        tmp_path / "x.jsonl", [dump_extraction(seed_extraction()), dump_extraction(wire_extraction())]
    )
    first = run_kg(["load", str(path), "--silent"], kg_env)
    assert first.returncode == 0, first.stderr
    assert first.stderr == ""
    before = snapshot(graph)
    second = run_kg(["load", str(path), "--silent"], kg_env)
    assert second.returncode == 0, second.stderr
    assert snapshot(graph) == before
    assert one(graph, "MATCH (d:Document) RETURN count(d)") == 2
    assert one(graph, "MATCH (e:Entity) RETURN count(e)") == 6


def test_bad_lines_are_reported_with_their_numbers_and_the_rest_is_loaded(
    graph: Connection, kg_env: dict[str, str], tmp_path: Path
) -> None:
    good = dump_extraction(seed_extraction())
    outside = dump_extraction(wire_extraction()).replace('"label":"State"', '"label":"Weapon"', 1)
    path = write_jsonl(
        tmp_path / "x.jsonl", [good, '{"schema_version": 1, "document": ', "", outside, "[1, 2]"]
    )
    result = run_kg(["load", str(path)], kg_env)
    assert result.returncode == 3
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert [e.split(":")[1].strip() for e in errors] == [f"{path} line 2", f"{path} line 4", f"{path} line 5"]
    assert "not valid JSON" in errors[0]
    assert "invalid extraction at entities.0.label" in errors[1]
    assert "Traceback" not in result.stderr
    assert summary(result.stderr).startswith("Loaded 1 documents: ")
    assert one(graph, "MATCH (d:Document) RETURN collect(d.key)") == ["doc-seed"]


def test_extraction_file_of_another_schema_version_is_rejected_clearly(
    graph: Connection, kg_env: dict[str, str], tmp_path: Path
) -> None:
    line = dump_extraction(seed_extraction()).replace(
        f'"schema_version":{SCHEMA_VERSION}', f'"schema_version":{SCHEMA_VERSION + 1}'
    )
    path = write_jsonl(tmp_path / "old.jsonl", [line])
    result = run_kg(["load", str(path)], kg_env)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        f"Error: {path} line 1: schema_version {SCHEMA_VERSION + 1} is not {SCHEMA_VERSION}: "
        "re-run `kg extract` with this version of kg"
    )
    assert one(graph, "MATCH (n) RETURN count(n)") == 0


def test_load_reads_standard_input(graph: Connection, kg_env: dict[str, str]) -> None:
    result = run_kg(["load", "-"], kg_env, stdin=dump_extraction(seed_extraction()) + "\n")
    assert result.returncode == 0, result.stderr
    assert summary(result.stderr) == "Loaded 1 documents: 6 entities, 4 relations in Ns (1 batches)"
    assert result.stdout == ""
    assert (
        one(graph, "MATCH (:Name {value: 'upper karabakh'})-[:NAME_OF]->(e) RETURN e.name")
        == "Nagorno-Karabakh"
    )


def test_relation_to_an_unknown_entity_in_a_file_is_reported_at_its_line(
    graph: Connection, kg_env: dict[str, str], tmp_path: Path
) -> None:
    dangling = wire_extraction()
    dangling.relations.append(Relation(type="TARGET", source="attack:unknown", target="state:armenia"))
    path = write_jsonl(tmp_path / "x.jsonl", [dump_extraction(seed_extraction()), dump_extraction(dangling)])
    result = run_kg(["load", str(path)], kg_env)
    assert result.returncode == 3
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert errors == [
        f"Error: {path} line 2: document doc-wire: TARGET relation attack:unknown -> state:armenia skipped: "
        "no entity with key attack:unknown in this document or in the graph"
    ]
    assert summary(result.stderr) == (
        "Loaded 2 documents: 8 entities, 5 relations in Ns (1 batches); 1 inputs reported above were skipped"
    )
    assert one(graph, "MATCH ()-[r:ACCUSES]->() RETURN r.sources") == ["doc-seed", "doc-wire"]


def report_extraction(number: int, state_name: str = "Armenia") -> Extraction:
    """A short report of its own (document doc-N) naming one state, with a non-ASCII word in its text."""
    text = f"Report {number}: the café near the border was hit, {state_name} said."
    return Extraction(
        document=Document(key=f"doc-{number}", title=f"Report {number}", text=text),
        entities=[Entity(key="state:armenia", label="State", name=state_name, iso2="AM")],
    )


@pytest.mark.neo4j
def test_line_that_is_not_utf8_is_skipped_at_its_own_number_and_every_other_line_is_loaded(
    graph: Connection, kg_env: dict[str, str], tmp_path: Path
) -> None:
    lines = [dump_extraction(report_extraction(n)).encode("utf-8") for n in range(1, 8)]
    lines[4] = lines[4].replace("café".encode(), b"caf\xe9")  # line 5: one Latin-1 byte
    path = tmp_path / "x.jsonl"
    path.write_bytes(b"".join(line + b"\n" for line in lines))
    # Batches of 2: the bad line sits in the middle of the third batch, as in a long file.
    result = run_kg(["load", str(path), "--batch-size", "2"], kg_env)
    assert result.returncode == 3, result.stderr
    column = lines[4].index(b"\xe9") + 1
    assert result.stderr.splitlines()[0] == (
        f"Error: {path} line 5: not UTF-8 (byte 0xe9 at column {column}): "
        "fix or remove the line (`kg extract` writes UTF-8)"
    )
    assert summary(result.stderr) == (
        "Loaded 6 documents: 6 entities, 0 relations in Ns (3 batches); 1 inputs reported above were skipped"
    )
    keys = one(graph, "MATCH (d:Document) RETURN collect(d.key)")
    assert sorted(keys) == ["doc-1", "doc-2", "doc-3", "doc-4", "doc-6", "doc-7"]


@pytest.mark.neo4j
def test_folder_of_shards_loads_every_jsonl_file_in_name_order(
    graph: Connection, kg_env: dict[str, str], tmp_path: Path
) -> None:
    shards = tmp_path / "shards"
    shards.mkdir()
    # Written last but first by name; the later shard's name for the state is the one that stays.
    write_jsonl(shards / "part-1.jsonl", [dump_extraction(report_extraction(3, "Republic of Armenia"))])
    write_jsonl(shards / "part-0.jsonl", [dump_extraction(report_extraction(n)) for n in (1, 2)])
    (shards / "part-2.jsonl.part").write_text("left over by an interrupted writer\n")
    (shards / "README.txt").write_text("not an extraction file\n")
    result = run_kg(["load", str(shards)], kg_env)
    assert result.returncode == 0, result.stderr
    assert summary(result.stderr) == "Loaded 3 documents: 3 entities, 0 relations in Ns (1 batches)"
    assert sorted(one(graph, "MATCH (d:Document) RETURN collect(d.key)")) == ["doc-1", "doc-2", "doc-3"]
    assert one(graph, "MATCH (e:State) RETURN e.name") == "Republic of Armenia"
    assert one(graph, "MATCH (e:State) RETURN e.aliases") == ["Armenia"]


@pytest.mark.neo4j
@pytest.mark.parametrize("command", ["load", "extract", "build"])
def test_missing_path_is_reported_and_skipped_with_the_same_status_by_every_command(
    kg_env: dict[str, str], tmp_path: Path, command: str
) -> None:
    missing = tmp_path / "nope.jsonl"
    result = run_kg([command, str(missing), "--silent"], kg_env)
    assert result.returncode == 3, result.stderr
    assert result.stderr.splitlines() == [f"Error: {missing}: no such file or folder (check the path)"]


def managed_env(tmp_path: Path) -> dict[str, str]:
    """A user's environment relying on the managed server of a fresh KG_HOME (which nothing starts)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "KG_"))}
    env["KG_HOME"] = str(tmp_path / "home")
    return env


@pytest.mark.parametrize("command", ["load", "extract"])
def test_empty_file_folder_and_standard_input_are_reported_as_empty_by_load_as_by_extract(
    tmp_path: Path, command: str
) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n  \n")
    folder = tmp_path / "nothing"
    folder.mkdir()
    env = managed_env(tmp_path)
    from_file = run_kg([command, str(empty), "--silent"], env)
    from_stdin = run_kg([command, "-", "--silent"], env, stdin="")
    assert (from_file.returncode, from_stdin.returncode) == (3, 3)
    assert from_file.stderr.splitlines() == [f"Error: {empty}: is empty (nothing to read)"]
    assert from_stdin.stderr.splitlines() == ["Error: -: is empty (nothing to read)"]
    from_folder = run_kg([command, str(folder), "--silent"], env)
    assert from_folder.returncode == 3
    assert from_folder.stderr.startswith(f"Error: {folder}: no ")
    assert "this folder" in from_folder.stderr and len(from_folder.stderr.splitlines()) == 1
    # Nothing to load is no reason to start a server.
    assert server.status(Path(env["KG_HOME"])) is None


def test_load_library_draws_no_progress_of_its_own() -> None:
    code = "import sys, kg.load; print('click' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_reset_empties_the_graph_and_says_how_many_nodes_went(
    graph: Connection, kg_env: dict[str, str]
) -> None:
    load(graph, [seed_extraction()])
    nodes = one(graph, "MATCH (n) RETURN count(n)")
    assert run_kg(["reset"], kg_env).returncode == 1
    assert one(graph, "MATCH (n) RETURN count(n)") == nodes
    result = run_kg(["reset", "--yes"], kg_env)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == f"Deleted {nodes} nodes."
    assert one(graph, "MATCH (n) RETURN count(n)") == 0
    assert one(graph, "MATCH ()-[r]->() RETURN count(r)") == 0


def test_failed_batch_is_rolled_back_whole_and_reported(
    graph: Connection, kg_env: dict[str, str], tmp_path: Path
) -> None:
    # A constraint of the user's own makes the second batch fail half-way through its writes.
    with graph.driver.session(database=graph.database) as session:
        session.run(
            "CREATE CONSTRAINT test_unique_title FOR (d:Document) REQUIRE d.title IS UNIQUE"
        ).consume()
    try:
        clash = wire_extraction()
        clash.document.title = seed_extraction().document.title
        path = write_jsonl(tmp_path / "x.jsonl", [dump_extraction(seed_extraction()), dump_extraction(clash)])
        result = run_kg(["load", str(path), "--batch-size", "1", "--silent"], kg_env)
    finally:
        with graph.driver.session(database=graph.database) as session:
            session.run("DROP CONSTRAINT test_unique_title").consume()
    assert result.returncode == 1
    message = result.stderr.strip()
    assert message.startswith(
        "Error: batch 2 (input lines 2-2, 1 documents from doc-wire) failed and was rolled"
    )
    assert "ConstraintValidationFailed" in message and len(message.splitlines()) == 1
    assert one(graph, "MATCH (d:Document) RETURN collect(d.key)") == ["doc-seed"]
    # Nothing of the failed batch: no new alias, no mention, no evidence from the second document.
    assert one(graph, "MATCH (e:Entity {key: 'state:armenia'}) RETURN e.aliases") == ["Armenian"]
    assert one(graph, "MATCH (e:Entity {key: 'state:armenia'}) RETURN e.mentions") == 7
    assert one(graph, "MATCH ()-[r:ACCUSES]->() RETURN r.sources") == ["doc-seed"]


# --- storage details through the library ---------------------------------------------------------


def test_same_fact_from_two_documents_is_one_relationship_with_both_sources_and_sentences(
    graph: Connection,
) -> None:
    load(graph, [seed_extraction()])
    load(graph, [wire_extraction()])
    with graph.driver.session(database=graph.database) as session:
        rows = list(
            session.run(
                "MATCH (:State {name: 'Azerbaijan'})-[r:ACCUSES]->(:State {name: 'Armenia'}) RETURN r"
            )
        )
    assert len(rows) == 1
    accuses = rows[0]["r"]
    assert accuses["sources"] == ["doc-seed", "doc-wire"]
    assert accuses["evidence"] == [SEED_ACCUSES, WIRE_ACCUSES]
    assert accuses["evidence_docs"] == ["doc-seed", "doc-wire"]
    assert accuses["confidence"] == 0.9
    assert accuses["rules"] == ["accuse_of", "accused_of"]
    assert accuses["allegation"] == "ceasefire violation"
    assert accuses["date"] == "2022-09-22"


def test_both_documents_in_one_batch_merge_the_same_way_as_in_two(graph: Connection) -> None:
    load(graph, [seed_extraction(), wire_extraction()])
    one_batch = snapshot(graph)
    reset_graph(graph.driver, database=graph.database)
    load(graph, [seed_extraction()])
    load(graph, [wire_extraction()])
    assert snapshot(graph) == one_batch


def test_facts_with_different_discriminators_stay_two_relationships(graph: Connection) -> None:
    shelling = wire_extraction()
    shelling.document.key = "doc-shelling"
    shelling.relations[0].disc = "shelling of civilians"
    shelling.relations[0].allegation = "shelling of civilians"
    load(graph, [seed_extraction(), shelling])
    allegations = one(graph, "MATCH ()-[r:ACCUSES]->() WITH r ORDER BY r.disc RETURN collect(r.allegation)")
    assert allegations == ["ceasefire violation", "shelling of civilians"]


def test_a_fact_without_a_discriminator_stores_no_empty_disc_and_reloads_as_one(graph: Connection) -> None:
    load(graph, [seed_extraction()])
    load(graph, [seed_extraction(), wire_extraction()])
    assert one(graph, "MATCH ()-[r]->() WHERE r.disc = '' RETURN count(r)") == 0
    located = one(graph, "MATCH ()-[r:LOCATED_IN]->() RETURN count(r)")
    # A graph written by an older version has empty discs: the next load removes them, adding nothing.
    with graph.driver.session(database=graph.database) as session:
        session.run("MATCH ()-[r:LOCATED_IN]->() SET r.disc = ''").consume()
    load(graph, [seed_extraction()])
    assert one(graph, "MATCH ()-[r:LOCATED_IN]->() RETURN count(r)") == located
    assert one(graph, "MATCH ()-[r]->() WHERE r.disc IS NOT NULL RETURN collect(DISTINCT r.disc)") == [
        "ceasefire violation"
    ]


def test_an_event_gets_a_short_caption_with_its_place_and_date(graph: Connection) -> None:
    load(graph, [seed_extraction()])
    assert one(graph, "MATCH (a:Attack) RETURN a.caption") == "Attack on Kokhanebi 2022-09-22"
    assert one(graph, "MATCH (e:Entity) WHERE e.caption IS NOT NULL RETURN count(e)") == 1  # events only


@pytest.mark.parametrize(
    ("label", "name", "start", "place", "caption"),
    [
        ("Attack", "Attack by Armenia (doc:917ae832ca54f1ac)", None, None, "Attack by Armenia (917ae8)"),
        ("Attack", "Attack by Armenia, 2024-03-05", "2024-03-05", "Aghdam", "Attack on Aghdam 2024-03-05"),
        ("Clash", "Clash: cross - border fighting, 2023-10", "2023-10", None, "Clash 2023-10"),
        ("Ceasefire", "Ceasefire: ceasefire (doc:917ae832ca54f1ac)", None, None, "Ceasefire (917ae8)"),
        (
            "Meeting",
            "Meeting: after two presidents met (doc:45ed4f)",
            None,
            None,
            "Meeting: after two… (45ed4f)",
        ),
        (
            "Meeting",
            "Meeting: peace talks (doc:b3643c0e1929a7b2)",
            None,
            "Almaty",
            "Meeting in Almaty (b3643c)",
        ),
    ],
)
def test_event_captions_are_short_and_tell_events_apart(
    label: str, name: str, start: str | None, place: str | None, caption: str
) -> None:
    event = Entity(key="event:x", label=label, name=name, start=start)  # type: ignore[arg-type]
    assert event_caption(event, place) == caption


def test_aliases_and_names_grow_without_repeats(graph: Connection) -> None:
    load(graph, [seed_extraction(), wire_extraction()])
    load(graph, [wire_extraction(), seed_extraction()])
    assert one(graph, "MATCH (e:Entity {key: 'state:azerbaijan'}) RETURN e.aliases") == [
        "Azerbaijani",
        "Azerbaycan",
    ]
    names = one(graph, "MATCH (n:Name)-[:NAME_OF]->(:Entity {key: 'state:armenia'}) RETURN collect(n.value)")
    assert sorted(names) == ["armenia", "armenian", "yerevan"]
    assert one(graph, "MATCH (n:Name)-[r:NAME_OF]->() RETURN count(r) - count(DISTINCT [n, r])") == 0


def test_mentions_is_the_sum_over_documents_and_reloading_does_not_inflate_it(graph: Connection) -> None:
    load(graph, [seed_extraction(), wire_extraction()])
    load(graph, [seed_extraction()])
    load(graph, [wire_extraction()])
    assert one(graph, "MATCH (e:Entity {key: 'state:armenia'}) RETURN e.mentions") == 7 + 1
    counts = one(
        graph,
        "MATCH (:Entity {key: 'state:armenia'})-[m:MENTIONED_IN]->(d) "
        "WITH m ORDER BY d.key RETURN collect(m.count)",
    )
    assert counts == [7, 1]


def test_same_village_name_in_two_regions_is_two_entities_sharing_one_name(graph: Connection) -> None:
    tazakend = seed_extraction()
    tazakend.entities = [
        Entity(key="settlement:dashkasan:tazakend", label="Settlement", name="Tazakend"),
        Entity(key="settlement:tartar:tazakend", label="Settlement", name="Tazakend"),
    ]
    tazakend.relations = []
    load(graph, [tazakend])
    keys = one(graph, "MATCH (:Name {value: 'tazakend'})-[:NAME_OF]->(e) RETURN collect(e.key)")
    assert sorted(keys) == ["settlement:dashkasan:tazakend", "settlement:tartar:tazakend"]


def test_stored_properties_follow_the_storage_contract(graph: Connection) -> None:
    load(graph, [seed_extraction()])
    with graph.driver.session(database=graph.database) as session:
        attack = session.run("MATCH (a:Entity:Event:Attack) RETURN a, labels(a) AS labels").single()
        village = session.run("MATCH (v:Settlement) RETURN v.location AS location").single()
        document = session.run("MATCH (d:Document) RETURN d").single()
    assert attack is not None and village is not None and document is not None
    assert sorted(attack["labels"]) == ["Attack", "Entity", "Event"]
    assert attack["a"]["start"] == "2022-09-22" and attack["a"]["date_precision"] == "day"
    assert attack["a"]["weapons"] == ["various caliber weapons"]
    assert (village["location"].latitude, village["location"].longitude) == (41.05, 45.5)
    assert (
        document["d"]["title_norm"] == "azerbaijan accuses armenia of breaching truce, firing on border posts"
    )
    assert document["d"]["published"] == "2022-09-23"
    assert document["d"]["links"] == ["US hosts Armenia, Azerbaijan top diplomats in bid to boost peace"]
    assert one(graph, "MATCH (:Name {value: $v})-[:NAME_OF]->(e) RETURN e.key", v="nagorno karabakh") == (
        "territory:nagorno-karabakh"
    )


def test_evidence_stops_at_ten_sentences_but_sources_keep_growing(graph: Connection) -> None:
    extractions = []
    for number in range(12):
        extraction = wire_extraction()
        extraction.document.key = f"doc-{number:02}"
        extraction.relations[0].evidence = [f"{WIRE_ACCUSES} (report {number})"]
        extractions.append(extraction)
    load(graph, extractions[:5])
    load(graph, extractions[5:], batch_size=3)
    with graph.driver.session(database=graph.database) as session:
        accuses = session.run("MATCH ()-[r:ACCUSES]->() RETURN r").single()
    assert accuses is not None
    relation = accuses["r"]
    assert len(relation["sources"]) == 12
    assert relation["evidence"] == [f"{WIRE_ACCUSES} (report {n})" for n in range(10)]
    assert relation["evidence_docs"] == [f"doc-{n:02}" for n in range(10)]


def test_relation_to_an_unknown_entity_is_reported_and_one_to_a_loaded_entity_is_kept(
    graph: Connection,
) -> None:
    load(graph, [seed_extraction()])
    follow_up = wire_extraction()
    follow_up.document.path = "wire.txt"
    follow_up.relations.append(
        Relation(
            type="LOCATED_IN", source="settlement:tovuz:kokhanebi", target="state:azerbaijan", evidence=["x"]
        )
    )
    follow_up.relations.append(Relation(type="TARGET", source="attack:unknown", target="state:armenia"))
    result = load(graph, [follow_up])
    assert [(e.path, e.message) for e in result.skipped] == [
        (
            "wire.txt",
            "document doc-wire: TARGET relation attack:unknown -> state:armenia skipped: "
            "no entity with key attack:unknown in this document or in the graph",
        )
    ]
    assert result.relations == 2
    assert one(graph, "MATCH (:Settlement)-[r:LOCATED_IN]->(:State) RETURN count(r)") == 1


def test_relabelled_entity_keeps_exactly_one_type_label(graph: Connection) -> None:
    load(graph, [seed_extraction()])
    again = seed_extraction(key="doc-later")
    again.entities[2].label = "Region"
    load(graph, [again])
    labels = one(graph, "MATCH (e:Entity {key: 'territory:nagorno-karabakh'}) RETURN labels(e)")
    assert sorted(labels) == ["Entity", "Region"]


def test_schema_has_the_constraints_and_indexes_of_the_storage_contract(graph: Connection) -> None:
    apply_schema(graph.driver, graph.database)
    apply_schema(graph.driver, graph.database)
    with graph.driver.session(database=graph.database) as session:
        unique = {
            (r["labelsOrTypes"][0], r["properties"][0])
            for r in session.run("SHOW CONSTRAINTS YIELD labelsOrTypes, properties, type")
            if r["type"] == "UNIQUENESS"
        }
        indexed = {
            (r["labelsOrTypes"][0], r["properties"][0])
            for r in session.run("SHOW INDEXES YIELD labelsOrTypes, properties, type, state")
            if r["type"] == "RANGE" and r["state"] == "ONLINE"
        }
    assert {("Entity", "key"), ("Document", "key"), ("Name", "value")} <= unique
    assert {("Document", "title_norm"), ("Document", "published"), ("Entity", "name")} <= indexed


# --- the queries themselves (a fake transaction records what is sent) ----------------------------


class RecordingTransaction:
    """Stands in for a managed transaction: records (query, parameters) and returns no rows."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []

    def run(self, query: str, **params: Any) -> RecordingTransaction:
        self.sent.append((query, params))
        return self

    def consume(self) -> None:
        return None

    def single(self) -> dict[str, list[str] | None]:
        return {"found": [], "keys": [], "last": None}


def test_a_batch_sends_one_prepared_query_per_label_and_type_with_rows_as_parameters() -> None:
    batch = Batch()
    batch.add(1, seed_extraction())
    batch.add(2, wire_extraction())
    tx = RecordingTransaction()
    assert write_batch(tx, batch) == []  # type: ignore[arg-type]
    sent = dict(tx.sent)
    assert list(sent) == [
        queries.EARLIER_VERSIONS,
        queries.LAST_LOAD_ORDER,
        queries.MERGE_DOCUMENTS,
        queries.entity_merge_query("State"),
        queries.entity_merge_query("Territory"),
        queries.entity_merge_query("Settlement"),
        queries.entity_merge_query("Region"),
        queries.entity_merge_query("Attack"),
        queries.relation_merge_query("ACCUSES"),
        queries.relation_merge_query("OCCUPIED"),
        queries.relation_merge_query("LOCATED_IN"),
        queries.relation_merge_query("LOCATION"),
    ]
    assert sent[queries.relation_merge_query("ACCUSES")] == {
        "cap": 10,
        "rows": [
            {
                "source": "state:azerbaijan",
                "target": "state:armenia",
                "disc": "ceasefire violation",
                "sources": ["doc-seed", "doc-wire"],
                "evidence": [SEED_ACCUSES, WIRE_ACCUSES],
                "evidence_docs": ["doc-seed", "doc-wire"],
                "confidence": 0.9,
                "rules": ["accuse_of", "accused_of"],
                "props": {"allegation": "ceasefire violation", "date": "2022-09-22"},
            }
        ],
    }
    states = sent[queries.entity_merge_query("State")]["rows"]
    assert [(row["key"], row["aliases"]) for row in states] == [
        ("state:azerbaijan", ["Azerbaijani", "Azerbaycan"]),
        ("state:armenia", ["Armenian", "Yerevan"]),
    ]
    assert [row["mentioned"] for row in states] == [
        [{"document": "doc-seed", "count": 6}, {"document": "doc-wire", "count": 1}],
        [{"document": "doc-seed", "count": 7}, {"document": "doc-wire", "count": 1}],
    ]
    assert all("$" not in str(row) for row in states)


def test_labels_and_types_outside_the_ontology_never_reach_a_query() -> None:
    with pytest.raises(ValueError, match="not in the ontology"):
        queries.entity_merge_query("Weapon")
    with pytest.raises(ValueError, match="not in the ontology"):
        queries.relation_merge_query("FUNDS`]->() DETACH DELETE (x")


def test_unvalidated_label_outside_the_ontology_is_skipped_not_written(graph: Connection) -> None:
    rogue = seed_extraction()
    rogue.entities.append(Entity.model_construct(key="weapon:drone", label="Weapon", name="drone"))  # type: ignore[arg-type]
    result = load(graph, [rogue, wire_extraction()])
    assert len(result.skipped) == 1 and "label 'Weapon' is not in the ontology" in result.skipped[0].message
    assert one(graph, "MATCH (d:Document) RETURN collect(d.key)") == ["doc-wire"]
