"""`kg query` and `kg templates` as a user runs them: output formats, errors, own templates, start-up."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, run_kg

from kg.connection import Connection

FIXTURE = Path(__file__).resolve().parent / "data" / "extractions.jsonl"


@pytest.fixture
def loaded(graph: Connection, kg_env: dict[str, str]) -> dict[str, str]:
    """The emptied graph with the hand-written extractions loaded through `kg load`."""
    result = run_kg(["load", str(FIXTURE), "--silent"], kg_env)
    assert result.returncode == 0, result.stderr
    return kg_env


def test_json_output_is_exactly_an_array_of_row_objects(loaded: dict[str, str]) -> None:
    result = run_kg(["query", "places_in", "--param", "place=Kalbajar", "--format", "json"], loaded)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows == [
        {
            "name": "Barmagbina",
            "label": "Settlement",
            "parent": "Kalbajar",
            "path": ["Barmagbina", "Kalbajar"],
        },
        {"name": "Keshdak", "label": "Settlement", "parent": "Kalbajar", "path": ["Keshdak", "Kalbajar"]},
    ]


def test_json_is_the_default_when_stdout_is_not_a_terminal(loaded: dict[str, str]) -> None:
    result = run_kg(["query", "casualties", "-p", "party=Armenia"], loaded)
    assert result.returncode == 0, result.stderr
    (row,) = json.loads(result.stdout)
    assert (row["killed"], row["qualifier"]) == (200, "more than")


def test_csv_has_a_header_of_the_columns_in_order(loaded: dict[str, str]) -> None:
    result = run_kg(["query", "attacks", "-p", "attacker=Armenia", "--format", "csv"], loaded)
    assert result.returncode == 0, result.stderr
    header, row = list(csv.reader(io.StringIO(result.stdout)))
    assert header == [
        "event",
        "attacker",
        "target",
        "origins",
        "targets",
        "weapons",
        "start",
        "end",
        "reported_by",
        "document",
        "evidence",
    ]
    assert row[3] == "Chinarli; Gunashli; Yukhari Shorzha; Zarkand"


def test_table_lines_up_the_columns(loaded: dict[str, str]) -> None:
    result = run_kg(
        ["query", "territory_status", "-p", "territory=Upper Karabakh", "--format", "table"], loaded
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["territory", "relation", "other", "since", "document"]
    assert lines[-1] == "(2 rows)"


def test_json_parameter_values_are_used_as_json(loaded: dict[str, str]) -> None:
    result = run_kg(
        ["query", "neighbourhood", "-p", "name=Tovuz", "-p", "depth=1", "--format", "json"], loaded
    )
    assert result.returncode == 0, result.stderr
    assert ["Tovuz", "-LOCATED_IN->", "Azerbaijan"] in [row["path"] for row in json.loads(result.stdout)]


def test_unknown_template_is_an_error_listing_the_templates(kg_env: dict[str, str]) -> None:
    result = run_kg(["query", "attack", "--format", "json"], kg_env)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith("Error: unknown template 'attack': choose one of accusations, attacks,")
    assert "Traceback" not in result.stderr


def test_unknown_parameter_is_an_error_listing_the_accepted_ones(kg_env: dict[str, str]) -> None:
    result = run_kg(["query", "places_in", "-p", "region=Tovuz"], kg_env)
    assert result.returncode == 1
    assert result.stderr.strip() == "Error: template 'places_in' has no parameter region: it accepts place"


def test_missing_required_parameter_is_an_error_naming_it(kg_env: dict[str, str]) -> None:
    result = run_kg(["query", "neighbourhood", "-p", "name=Tovuz"], kg_env)
    assert result.returncode == 1
    assert result.stderr.startswith("Error: template 'neighbourhood' needs parameter 'depth'")


def test_depth_out_of_range_is_an_error(kg_env: dict[str, str]) -> None:
    result = run_kg(["query", "neighbourhood", "-p", "name=Tovuz", "-p", "depth=7"], kg_env)
    assert result.returncode == 1
    assert "must be between 1 and 3, not 7" in result.stderr


def test_misspelt_label_is_an_error_listing_the_labels(kg_env: dict[str, str]) -> None:
    result = run_kg(["query", "entities", "--param", "label=Setlement", "--format", "json"], kg_env)
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Settlement" in result.stderr and "'Setlement'" in result.stderr
    assert "Traceback" not in result.stderr


def test_label_is_matched_in_any_case(loaded: dict[str, str]) -> None:
    lower = run_kg(["query", "entities", "--param", "label=settlement", "--format", "json"], loaded)
    exact = run_kg(["query", "entities", "--param", "label=Settlement", "--format", "json"], loaded)
    assert lower.returncode == 0 and json.loads(lower.stdout) == json.loads(exact.stdout) != []


def test_malformed_param_is_a_usage_error(kg_env: dict[str, str]) -> None:
    result = run_kg(["query", "entity", "-p", "Tovuz"], kg_env)
    assert result.returncode == 2


def test_templates_lists_every_template_with_parameters_and_purpose(kg_env: dict[str, str]) -> None:
    result = run_kg(["templates"], kg_env)
    assert result.returncode == 0, result.stderr
    names = [line.split(":")[0] for line in result.stdout.splitlines() if line and not line.startswith(" ")]
    assert names == sorted(p.stem for p in (ROOT / "cypher").glob("*.cypher"))
    assert "  parameters: name (string, required), depth (integer 1..3, required)" in result.stdout


def test_own_template_folder_runs_the_same_way(loaded: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "regions_of.cypher").write_text(
        "// regions_of: The regions directly in a state, by exact canonical name.\n"
        "//\n"
        "// Parameters:\n"
        "//   state: string, required. The state's canonical name.\n"
        "//\n"
        "// In the Neo4j Browser, paste first:\n"
        "//   :param state => 'Armenia'\n"
        "//\n"
        "// Columns: region\n"
        "MATCH (r:Region)-[:LOCATED_IN]->(:State {name: $state})\n"
        "RETURN r.name AS region ORDER BY region\n",
        encoding="utf-8",
    )
    listing = run_kg(["templates", "--templates", str(tmp_path)], loaded)
    assert listing.stdout.startswith("regions_of: The regions directly in a state")
    result = run_kg(
        ["query", "regions_of", "--templates", str(tmp_path), "-p", "state=Armenia", "--format", "json"],
        loaded,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [{"region": "Basarkechar"}, {"region": "Tovuzgala"}]


def test_broken_own_template_is_an_error_not_a_traceback(loaded: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "broken.cypher").write_text("// broken: Not Cypher.\n// Columns: x\nMATCH (n RETURN n AS x\n")
    result = run_kg(["query", "broken", "--templates", str(tmp_path)], loaded)
    assert result.returncode == 1
    assert result.stderr.startswith("Error: template 'broken'") and "Traceback" not in result.stderr


def test_stats_are_unchanged_after_loading_the_same_file_again(loaded: dict[str, str]) -> None:
    before = run_kg(["query", "stats", "--format", "json"], loaded)
    again = run_kg(["load", str(FIXTURE), "--silent"], loaded)
    after = run_kg(["query", "stats", "--format", "json"], loaded)
    assert again.returncode == 0, again.stderr
    assert json.loads(before.stdout) == json.loads(after.stdout) != []


def test_query_and_templates_do_not_import_spacy() -> None:
    code = "import sys, kg.query, kg.cli; print('spacy' in sys.modules or 'thinc' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.strip() == "False"


# Questions any reader of examples/articles can answer (Armenia and Azerbaijan appear in four of them).
BUILT_EXAMPLES = {
    "entity": ["name=Armenian"],
    "entities": ["label=State"],
    "places_in": ["place=Armenia"],
    "accusations": [],
    "attacks": [],
    "casualties": [],
    "conflicts_between": ["a=Armenia", "b=Azerbaijan"],
    "mediation": [],
    "territory_status": ["territory=Upper Karabakh"],
    "timeline": ["name=Armenia"],
    "neighbourhood": ["name=Armenia", "depth=1"],
    "provenance": ["name=Armenia"],
    "documents": ["name=Azerbaijan"],
    "stats": [],
}


@pytest.mark.model
def test_every_template_answers_on_the_built_example_articles_also_with_its_browser_example(
    graph: Connection, kg_env: dict[str, str]
) -> None:
    from kg.query import load_templates, parse_browser_params, run_template

    build = run_kg(["build", str(ROOT / "examples" / "articles"), "--silent"], kg_env)
    assert build.returncode == 0, build.stderr
    templates = load_templates()
    assert set(BUILT_EXAMPLES) == set(templates)
    for name, pairs in BUILT_EXAMPLES.items():
        args = [arg for pair in pairs for arg in ("-p", pair)]
        result = run_kg(["query", name, *args, "--format", "json"], kg_env)
        assert result.returncode == 0, (name, result.stderr)
        rows = json.loads(result.stdout)
        assert rows, name
        assert all(list(row) == templates[name].columns for row in rows), name
    # What `make run` builds answers the example each header gives Browser users.
    for name, template in templates.items():
        example = parse_browser_params(template.browser_params)
        assert run_template(graph.driver, template, example, graph.database), (name, example)
    before = run_kg(["query", "stats", "--format", "json"], kg_env).stdout
    again = run_kg(["build", str(ROOT / "examples" / "articles"), "--silent"], kg_env)
    assert again.returncode == 0, again.stderr
    assert json.loads(run_kg(["query", "stats", "--format", "json"], kg_env).stdout) == json.loads(before)


def write_unusable_templates(folder: Path) -> None:
    """Three template files in a folder: one good, one not UTF-8, one a folder named like a template."""
    (folder / "answer.cypher").write_text("// answer: The answer.\n//\n// Columns: n\nRETURN 42 AS n\n")
    (folder / "latin.cypher").write_bytes(b"// latin: Caf\xe9 names.\n// Columns: n\nRETURN 1 AS n\n")
    (folder / "drafts.cypher").mkdir()


def test_unreadable_template_files_are_skipped_with_one_warning_each(tmp_path: Path) -> None:
    write_unusable_templates(tmp_path)
    result = run_kg(["templates", "--templates", str(tmp_path)], {**os.environ})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("answer: The answer.")
    assert result.stderr.splitlines() == [
        f"Warning: cannot read template {tmp_path / 'drafts.cypher'} (Is a directory): give a readable "
        ".cypher file (skipped it; the other templates work)",
        f"Warning: template {tmp_path / 'latin.cypher'} is not UTF-8 text: re-save it as UTF-8 "
        "(skipped it; the other templates work)",
    ]
    # Asking for a skipped template by name gives its own reason, not "unknown template".
    asked = run_kg(["query", "latin", "--templates", str(tmp_path)], {**os.environ})
    assert asked.returncode == 1
    assert asked.stderr.splitlines() == [
        f"Error: template {tmp_path / 'latin.cypher'} is not UTF-8 text: re-save it as UTF-8"
    ]


@pytest.mark.neo4j
def test_query_runs_from_a_folder_holding_an_unreadable_template(
    kg_env: dict[str, str], tmp_path: Path
) -> None:
    write_unusable_templates(tmp_path)
    result = run_kg(["query", "answer", "--templates", str(tmp_path), "--format", "json"], kg_env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [{"n": 42}]
    warnings = result.stderr.splitlines()
    assert [line.startswith("Warning: ") for line in warnings] == [True, True]
    assert "drafts.cypher" in warnings[0] and "latin.cypher" in warnings[1]
