"""`--engine dask`: the same extractions as the local engine, on a real two-worker LocalCluster."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, run_kg

from kg.documents import make_document
from kg.models import Document

pytestmark = pytest.mark.model

distributed = pytest.importorskip("distributed")


def plain_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}


def by_key(jsonl: str) -> list[str]:
    """The JSON lines sorted by document key."""
    return sorted(jsonl.splitlines(), key=lambda line: json.loads(line)["document"]["key"])


@pytest.fixture(scope="module")
def local_examples() -> str:
    result = run_kg(["extract", str(EXAMPLES / "articles"), "--silent"], plain_env())
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_two_dask_workers_extract_the_examples_exactly_as_the_local_engine(local_examples: str) -> None:
    args = ["extract", str(EXAMPLES / "articles"), "--engine", "dask", "--workers", "2", "--batch-size", "2"]
    result = run_kg([*args, "--silent"], plain_env())
    assert result.returncode == 0, result.stderr
    assert by_key(result.stdout) == by_key(local_examples)
    # And in input order, as the local engine gives them.
    assert result.stdout == local_examples


def test_dask_out_folder_holds_one_shard_per_partition_in_input_order(
    tmp_path: Path, local_examples: str
) -> None:
    shards = tmp_path / "shards"
    args = ["extract", str(EXAMPLES / "articles"), "--engine", "dask", "--workers", "2"]
    result = run_kg([*args, "--batch-size", "4", "--out", str(shards)], plain_env())
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert "Extracted 15 documents" in result.stderr
    names = sorted(path.name for path in shards.iterdir())
    assert names == ["part-000000.jsonl", "part-000001.jsonl", "part-000002.jsonl", "part-000003.jsonl"]
    together = "".join((shards / name).read_text(encoding="utf-8") for name in names)
    assert together == local_examples
    again = run_kg([*args, "--out", str(shards), "--silent"], plain_env())
    assert again.returncode == 1
    assert again.stderr.splitlines() == [
        f"Error: {shards} already holds 4 .jsonl files, which `kg load` would read with the new shards: "
        "choose an empty folder for --out"
    ]


def test_bad_input_beside_dask_extraction_is_one_line_and_exit_3(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "talks.txt").write_text(
        "Talks in Almaty\n\nThe foreign ministers of Armenia and Azerbaijan met in Almaty on Tuesday.\n",
        encoding="utf-8",
    )
    result = run_kg(["extract", str(tmp_path), "--engine", "dask", "--workers", "1", "--silent"], plain_env())
    assert result.returncode == 3
    assert result.stderr.splitlines() == [f"Error: {tmp_path / 'empty.txt'}: is empty (nothing to read)"]
    titles = [json.loads(line)["document"]["title"] for line in result.stdout.splitlines()]
    assert titles == ["Talks in Almaty"]


def test_scheduler_needs_the_dask_engine_and_an_unreachable_one_is_one_line() -> None:
    usage = run_kg(["extract", str(EXAMPLES / "articles"), "--scheduler", "tcp://127.0.0.1:9"], plain_env())
    assert usage.returncode == 2 and "--scheduler is for --engine dask" in usage.stderr
    args = ["extract", str(EXAMPLES / "articles" / "03-almaty-peace-talks.txt"), "--engine", "dask"]
    unreachable = run_kg([*args, "--scheduler", "tcp://127.0.0.1:9"], plain_env())
    assert unreachable.returncode == 1
    (line,) = unreachable.stderr.splitlines()
    assert line.startswith("Error: cannot reach the Dask scheduler at tcp://127.0.0.1:9 (")


# --- failures on real workers -----------------------------------------------------------


class Sabotage(distributed.WorkerPlugin):  # type: ignore[misc]
    """On each worker: extraction of a text with 'boom' raises; the first worker to write the shard of
    partition 1 dies right after writing it (once, recorded in a marker file)."""

    def __init__(self, marker: str):
        self.marker = marker

    def setup(self, worker: Any) -> None:
        import kg.distributed
        import kg.extract

        real_extract, real_write = kg.extract.extract_documents, kg.distributed.write_shard
        marker = self.marker

        def fragile(docs: list[Document], **kwargs: Any) -> Iterator[Any]:
            for extraction in real_extract(docs, **kwargs):
                if "boom" in extraction.document.text:
                    raise RuntimeError("rule exploded")
                yield extraction

        def write_then_die(folder: str, index: int, lines: list[str]) -> str:
            path = real_write(folder, index, lines)
            if index == 1 and not os.path.exists(marker):
                Path(marker).touch()
                os._exit(1)  # the worker is lost after its shard is written, before it reports
            return path

        kg.extract.extract_documents = fragile
        kg.distributed.write_shard = write_then_die


@pytest.fixture
def sabotaged(tmp_path: Path) -> Iterator[tuple[Any, Path]]:
    marker = tmp_path / "died"
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, dashboard_address=None, silence_logs=50
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        client.register_plugin(Sabotage(str(marker)))
        yield client, marker


def talks(n: int, text: str = "") -> Document:
    body = text or f"The foreign ministers of Armenia and Azerbaijan met in Almaty, round {n}."
    return make_document(title=None, text=body, path=f"{n}.txt")


def test_a_document_failing_on_a_worker_is_reported_and_a_lost_worker_duplicates_nothing(
    tmp_path: Path, sabotaged: tuple[Any, Path]
) -> None:
    from kg.distributed import extract_partitions, prepare_shard_folder

    client, marker = sabotaged
    docs = [talks(n) for n in range(6)]
    docs[4] = talks(4, "The boom of artillery was heard near Tovuz.")
    partitions = iter([docs[0:2], docs[2:4], docs[4:6]])
    folder = prepare_shard_folder(str(tmp_path / "shards"))
    results = list(extract_partitions(partitions, client, batch_size=2, shard_dir=folder))

    assert marker.exists(), "a worker died after writing the shard of partition 1"
    assert [r.partition for r in results] == [0, 1, 2]
    assert [(e.path, e.message.split(";")[0]) for r in results for e in r.errors] == [
        ("4.txt", "extraction failed on this document (RuntimeError: rule exploded)")
    ]
    shards = sorted(Path(folder).iterdir())
    assert [path.name for path in shards] == ["part-000000.jsonl", "part-000001.jsonl", "part-000002.jsonl"]
    lines = [line for path in shards for line in path.read_text(encoding="utf-8").splitlines()]
    paths = [json.loads(line)["document"]["path"] for line in lines]
    assert paths == ["0.txt", "1.txt", "2.txt", "3.txt", "5.txt"]


def test_without_dask_installed_the_engine_is_a_one_line_error(tmp_path: Path) -> None:
    shadow = tmp_path / "shadow"
    shadow.mkdir()
    (shadow / "distributed.py").write_text("raise ImportError('No module named distributed')\n")
    env = {**plain_env(), "PYTHONPATH": str(shadow)}
    args = ["extract", str(EXAMPLES / "articles" / "03-almaty-peace-talks.txt"), "--engine", "dask"]
    result = run_kg(args, env)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "Error: --engine dask needs Dask's distributed scheduler: pip install 'conflict-kg[dask]'"
    ]


@pytest.mark.neo4j
def test_build_on_dask_loads_what_it_extracts(graph: Any, kg_env: dict[str, str]) -> None:
    folder = EXAMPLES / "articles"
    args = [
        "build",
        str(folder / "03-almaty-peace-talks.txt"),
        str(folder / "09-israel-lebanon-ceasefire.txt"),
    ]
    result = run_kg([*args, "--engine", "dask", "--workers", "2", "--silent"], kg_env)
    assert result.returncode == 0, result.stderr
    records, _, _ = graph.driver.execute_query(
        "MATCH (d:Document) RETURN count(d) AS n", database_=graph.database
    )
    assert records[0]["n"] == 2
