"""Extraction on Dask's distributed scheduler: `kg extract` and `kg build` with `--engine dask`.

The client reads the documents and sends them out in partitions (one nlp.pipe batch each), with at
most two partitions per worker thread in flight so memory stays flat. Each worker process loads the
spaCy pipeline once (a per-process cache, filled by its first partition) and extracts a partition
at a time. Results come back in input order, or each worker writes its partition as one JSON-lines
shard named by the partition's index (`part-000042.jsonl`), whole or not at all: a partition the
scheduler runs again after losing a worker replaces its shard, never duplicates it, and `kg load
DIR` reads the shards in name order, which is input order. A document whose extraction fails is
reported like any bad input; a partition that cannot run at all (the worker died on it again and
again) stops the run with one error.

The same code runs on a LocalCluster (`--workers N`) or on any cluster a scheduler address reaches
(`--scheduler tcp://host:8786`: dask-kubernetes, dask-jobqueue, a cloud service); see docs/SCALE.md.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from itertools import chain
from typing import TYPE_CHECKING, Any, NamedTuple

from kg.errors import ConfigError, KgError
from kg.models import Document, LineError

if TYPE_CHECKING:
    from distributed import Client, Future

    from kg.pipeline import ExtractedLine

SHARD_NAME = "part-{index:06d}.jsonl"
"""The shard of partition `index`: zero-padded, so name order is input order."""

CONNECT_TIMEOUT_S = 30
IN_FLIGHT_PER_THREAD = 2
MISSING = "--engine dask needs Dask's distributed scheduler: pip install 'conflict-kg[dask]'"


class PartitionResult(NamedTuple):
    """What a worker did with one partition: its extractions (none when written to a shard), its
    unusable documents, and counts."""

    partition: int
    lines: list[ExtractedLine]
    errors: list[LineError]
    documents: int
    entities: int
    relations: int


# --- on the workers -------------------------------------------------------------------------

_nlp: Any = None
_nlp_lock = threading.Lock()


def worker_nlp() -> Any:
    """The spaCy pipeline of this worker process, loaded by its first partition (never per task)."""
    global _nlp
    with _nlp_lock:
        if _nlp is None:
            from kg.pipeline import load_extraction_nlp

            _nlp = load_extraction_nlp()
        return _nlp


def extract_partition(
    index: int, docs: list[Document], batch_size: int, shard_dir: str | None
) -> PartitionResult:
    """Extract one partition on a worker; with shard_dir, write it there as its shard."""
    from kg.pipeline import ExtractedLine, extract_isolated

    lines: list[ExtractedLine] = []
    errors: list[LineError] = []
    for item in extract_isolated(docs, worker_nlp(), batch_size):
        if isinstance(item, LineError):
            errors.append(item)
        else:
            lines.append(ExtractedLine.of(item))
    entities = sum(line.entities for line in lines)
    relations = sum(line.relations for line in lines)
    result = PartitionResult(index, lines, errors, len(lines), entities, relations)
    if shard_dir is None:
        return result
    write_shard(shard_dir, index, [line.json for line in lines])
    return result._replace(lines=[])


def write_shard(folder: str, index: int, lines: list[str]) -> str:
    """Write one shard whole or not at all (a temporary name, then a rename); return its path."""
    path = os.path.join(folder, SHARD_NAME.format(index=index))
    # Unique per attempt: a retried partition and a straggling first attempt never share a file.
    partial = os.path.join(folder, f".{SHARD_NAME.format(index=index)}.{uuid.uuid4().hex}.part")
    try:
        with open(partial, "w", encoding="utf-8", newline="\n") as stream:
            stream.writelines(line + "\n" for line in lines)
        os.replace(partial, path)
    finally:
        with contextlib.suppress(OSError):
            os.remove(partial)
    return path


# --- on the client --------------------------------------------------------------------------


@contextlib.contextmanager
def dask_client(scheduler: str | None, workers: int) -> Iterator[Client]:
    """A client of the cluster at `scheduler`, or of a LocalCluster of `workers` processes."""
    try:
        import distributed
    except ImportError:
        raise ConfigError(MISSING) from None
    if scheduler:
        try:
            client = distributed.Client(scheduler, timeout=CONNECT_TIMEOUT_S)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ConfigError(
                f"cannot reach the Dask scheduler at {scheduler} ({_first_line(exc)}): "
                "check --scheduler (e.g. tcp://host:8786) and that the scheduler is running"
            ) from None
        with client:
            yield client
        return
    # One thread per process: spaCy is CPU-bound under the GIL, so processes are the parallelism.
    with (
        distributed.LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def extract_partitions(
    partitions: Iterator[list[Document]],
    client: Client,
    *,
    batch_size: int,
    shard_dir: str | None = None,
) -> Iterator[PartitionResult]:
    """Send partitions to the cluster and yield their results in input order (bounded in flight)."""
    from distributed import KilledWorker

    limit = IN_FLIGHT_PER_THREAD * max(1, sum(client.nthreads().values()))
    run = uuid.uuid4().hex[:12]
    pending: deque[Future] = deque()
    try:
        for index, docs in enumerate(partitions):
            key = f"kg-extract-{run}-{index}"
            pending.append(client.submit(extract_partition, index, docs, batch_size, shard_dir, key=key))
            while len(pending) >= limit:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    except KilledWorker as exc:
        raise KgError(
            f"Dask workers died again and again on a partition ({_first_line(exc)}): out of memory, or "
            "the model failed to load there; run with --engine local to see why"
        ) from None
    finally:
        for future in pending:
            future.cancel()


def extract_lines(
    partitions: Iterator[list[Document]],
    *,
    scheduler: str | None,
    workers: int,
    batch_size: int,
    on_skip: Callable[[LineError], None],
) -> Iterator[ExtractedLine]:
    """The engine of `--engine dask` without shards: extractions in input order, bad documents to on_skip."""
    started = _started(partitions)
    if started is None:
        return
    with dask_client(scheduler, workers) as client:
        for result in extract_partitions(started, client, batch_size=batch_size):
            for error in result.errors:
                on_skip(error)
            yield from result.lines


def extract_shards(
    partitions: Iterator[list[Document]],
    folder: str,
    *,
    scheduler: str | None,
    workers: int,
    batch_size: int,
    on_skip: Callable[[LineError], None],
) -> Iterator[PartitionResult]:
    """`--engine dask --out DIR`: each partition written by its worker as a shard of DIR."""
    folder = prepare_shard_folder(folder)
    started = _started(partitions)
    if started is None:
        return
    with dask_client(scheduler, workers) as client:
        for result in extract_partitions(started, client, batch_size=batch_size, shard_dir=folder):
            for error in result.errors:
                on_skip(error)
            yield result


def prepare_shard_folder(folder: str) -> str:
    """Create the shard folder (absolute, so workers find it); refuse one that already holds shards."""
    from kg.load import EXTRACTION_SUFFIX

    folder = os.path.abspath(folder)
    try:
        os.makedirs(folder, exist_ok=True)
        held = [name for name in os.listdir(folder) if name.endswith(EXTRACTION_SUFFIX)]
    except OSError as exc:
        reason = exc.strerror or exc
        raise KgError(f"cannot create the shard folder {folder} ({reason}): choose another --out") from None
    if held:
        raise KgError(
            f"{folder} already holds {len(held)} {EXTRACTION_SUFFIX} files, which `kg load` would read with "
            "the new shards: choose an empty folder for --out"
        )
    return folder


def is_shard_folder(out: str) -> bool:
    """Whether `--out` of `--engine dask` names a folder of shards: anything but a *.jsonl file."""
    from kg.load import EXTRACTION_SUFFIX

    return os.path.isdir(out) or not out.endswith(EXTRACTION_SUFFIX)


def _started(partitions: Iterator[list[Document]]) -> Iterator[list[Document]] | None:
    """The partitions, or None when there are none (no cluster is started for no document)."""
    first = next(partitions, None)
    return None if first is None else chain([first], partitions)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:200]
