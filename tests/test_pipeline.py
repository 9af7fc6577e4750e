"""`kg extract` and `kg build` as a user runs them: JSON lines out, bad input reported, workers in order."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import EXAMPLES, run_kg

from kg.connection import Connection
from kg.models import Document, Extraction, LineError, parse_extraction_line

SEED = Path("/work/shared/seeds/seed-article.txt")

pytestmark = pytest.mark.model

GOOD = {
    "a.txt": "Border shelling\n\nArmenian forces fired on Azerbaijani positions near Tovuz, AFP said.\n",
    "b.txt": "Talks in Almaty\n\nThe foreign ministers of Armenia and Azerbaijan met in Almaty on Tuesday.\n",
}


def plain_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}


def write(folder: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder


def extractions(stdout: str) -> list[Extraction]:
    return [parse_extraction_line(line) for line in stdout.splitlines()]


def test_extract_stdout_is_only_json_lines_one_per_document(tmp_path: Path) -> None:
    folder = write(tmp_path, GOOD)
    result = run_kg(["extract", str(folder)], plain_env())
    assert result.returncode == 0, result.stderr
    lines = extractions(result.stdout)
    assert [e.document.title for e in lines] == ["Border shelling", "Talks in Almaty"]
    assert all(e.entities for e in lines)
    assert "Extracted 2 documents" in result.stderr


def test_extract_out_file_and_silent_leave_stdout_and_stderr_empty(tmp_path: Path) -> None:
    folder = write(tmp_path / "in", GOOD)
    out = tmp_path / "x.jsonl"
    result = run_kg(["extract", str(folder), "--out", str(out), "--silent"], plain_env())
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert len(extractions(out.read_text(encoding="utf-8"))) == 2


def test_extract_seed_article_drops_furniture_and_keeps_links() -> None:
    result = run_kg(["extract", str(SEED), "--published", "2022-09-23", "--silent"], plain_env())
    assert result.returncode == 0, result.stderr
    (extraction,) = extractions(result.stdout)
    doc = extraction.document
    assert doc.published == "2022-09-23"
    assert "AA Archive" not in doc.text and "Loading" not in doc.text and "Route 6" not in doc.text
    assert len(doc.links) == 2
    evidence = [sentence for relation in extraction.relations for sentence in relation.evidence]
    assert not any("READ MORE" in sentence or "Loading" in sentence for sentence in evidence)


def test_bad_inputs_are_reported_one_line_each_and_the_rest_extracted(tmp_path: Path) -> None:
    folder = write(
        tmp_path / "in",
        {
            **GOOD,
            "c_empty.txt": "",
            "d_binary.txt": b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00",
            "e_docs.jsonl": json.dumps({"text": "Russia brokered a truce between Armenia and Azerbaijan."})
            + "\n{not json\n"
            + json.dumps({"title": "no text"})
            + "\n",
            "f_latin.txt": "Caf\u00e9 talks\n\nThe ministers met at a caf\u00e9 in Geneva.\n".encode(
                "cp1252"
            ),
        },
    )
    empty_folder = tmp_path / "nothing"
    empty_folder.mkdir()
    result = run_kg(
        ["extract", str(folder), str(tmp_path / "missing.txt"), str(empty_folder), "--silent"], plain_env()
    )
    assert result.returncode == 3, result.stderr
    assert len(extractions(result.stdout)) == 4
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert errors == [
        f"Error: {folder / 'c_empty.txt'}: is empty (nothing to read)",
        f"Error: {folder / 'd_binary.txt'}: looks binary (it contains NUL bytes): "
        "give a text, .md or .jsonl file",
        f"Error: {folder / 'e_docs.jsonl'} line 2: not valid JSON "
        "(Expecting property name enclosed in double quotes at column 2): fix or remove it",
        f"Error: {folder / 'e_docs.jsonl'} line 3: "
        "no `text` field (each line needs the article text in `text`)",
        f"Error: {tmp_path / 'missing.txt'}: no such file or folder (check the path)",
        f"Error: {empty_folder}: no readable files in this folder (put articles in "
        ".txt/.md/.text/.html/.htm/.jsonl/.ndjson files)",
    ]
    assert f"Note: {folder / 'f_latin.txt'}: not UTF-8, read as cp1252" in result.stderr


def test_enormous_file_is_refused_saying_the_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("The shelling went on. " * 300_000, encoding="utf-8")
    result = run_kg(["extract", str(big), str(SEED), "--silent"], plain_env())
    assert result.returncode == 3
    assert len(extractions(result.stdout)) == 1
    assert f"Error: {big}: larger than the 5 MB limit for one article" in result.stderr


def test_stdin_text_and_stdin_json_lines(tmp_path: Path) -> None:
    text = run_kg(["extract", "-", "--silent"], plain_env(), stdin=GOOD["a.txt"])
    assert [e.document.title for e in extractions(text.stdout)] == ["Border shelling"]
    lines = "".join(json.dumps({"title": name, "text": body}) + "\n" for name, body in GOOD.items())
    jsonl = run_kg(["extract", "-", "--silent"], plain_env(), stdin=lines)
    assert [e.document.title for e in extractions(jsonl.stdout)] == ["a.txt", "b.txt"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--published", "2022-31-12"], "Error: --published '2022-31-12' is not a date YYYY-MM-DD"),
        (["--published", "2022-09-23"], "Error: --published applies to a single document"),
    ],
)
def test_published_is_validated_and_only_for_one_document(
    tmp_path: Path, args: list[str], message: str
) -> None:
    folder = write(tmp_path, GOOD)
    result = run_kg(["extract", str(folder), *args], plain_env())
    assert result.returncode == 1
    assert result.stderr.startswith(message) and len(result.stderr.splitlines()) == 1
    assert result.stdout == ""


def test_two_workers_give_the_same_output_in_the_same_order(tmp_path: Path) -> None:
    corpus = sorted(p for p in (EXAMPLES / "articles").iterdir() if p.suffix == ".txt")[:6]
    folder = tmp_path / "in"
    folder.mkdir()
    for path in corpus:
        (folder / path.name).write_bytes(path.read_bytes())
    outputs = []
    for workers in ("1", "2"):
        out = tmp_path / f"w{workers}.jsonl"
        args = [
            "extract",
            str(folder),
            "--workers",
            workers,
            "--batch-size",
            "2",
            "--out",
            str(out),
            "--silent",
        ]
        result = run_kg(args, plain_env())
        assert result.returncode == 0, result.stderr
        outputs.append(out.read_text(encoding="utf-8"))
    assert outputs[0] == outputs[1]
    assert [e.document.path for e in extractions(outputs[1])] == [str(folder / p.name) for p in corpus]


def test_document_that_crashes_extraction_is_reported_and_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    import kg.extract
    from kg.documents import make_document
    from kg.pipeline import extract_stream

    real = kg.extract.extract_documents

    def fragile(docs, **kwargs):  # type: ignore[no-untyped-def]
        for extraction in real(docs, **kwargs):
            if "boom" in extraction.document.text:
                raise RuntimeError("rule exploded")
            yield extraction

    monkeypatch.setattr(kg.extract, "extract_documents", fragile)
    docs: list[Document | LineError] = [
        make_document(title=None, text=f"Armenia and Azerbaijan held talks, round {n}.", path=f"{n}.txt")
        for n in range(3)
    ]
    docs.insert(1, make_document(title=None, text="The boom of artillery was heard.", path="bad.txt"))
    skipped: list[LineError] = []
    out = list(extract_stream(docs, on_skip=skipped.append))
    assert [e.document.path for e in out] == ["0.txt", "1.txt", "2.txt"]
    assert [(e.path, e.message.split(";")[0]) for e in skipped] == [
        ("bad.txt", "extraction failed on this document (RuntimeError: rule exploded)")
    ]


@pytest.mark.neo4j
def test_build_loads_the_good_documents_and_reports_the_bad(
    tmp_path: Path, graph: Connection, kg_env: dict[str, str]
) -> None:
    folder = write(tmp_path, {**GOOD, "c_empty.txt": ""})
    result = run_kg(["build", str(folder), "--silent"], kg_env)
    assert result.returncode == 3, result.stderr
    assert result.stderr.splitlines() == [f"Error: {folder / 'c_empty.txt'}: is empty (nothing to read)"]
    records, _, _ = graph.driver.execute_query(
        "MATCH (d:Document) RETURN d.title AS title ORDER BY title", database_=graph.database
    )
    assert [r["title"] for r in records] == ["Border shelling", "Talks in Almaty"]
    again = run_kg(
        ["build", str(folder / "a.txt"), str(folder / "b.txt"), "--workers", "2", "--silent"], kg_env
    )
    assert again.returncode == 0, again.stderr
    records, _, _ = graph.driver.execute_query(
        "MATCH (d:Document) RETURN count(d) AS n", database_=graph.database
    )
    assert records[0]["n"] == 2
