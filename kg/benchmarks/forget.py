"""`kg bench forget`: how long `kg forget` takes on a graph of synthetic documents.

The graph is the one `kg bench query` builds (real state names, busy conflict pairs whose states,
ministries and armed forces recur in most documents). Forgetting a document replays the stored facts
of every remaining document that shares an entity or a relationship with it, so its cost grows with
how common its entities are: the figures are for documents of the busiest and the quietest conflict
pairs, forgotten one at a time, and for a re-load that replaces a document with a new text. The
configured server is emptied before the build.
"""

from __future__ import annotations

import random
import sys
import time

from kg.benchmarks.query import SEED, World, synthetic_extractions
from kg.models import Extraction


def run(documents: int, samples: int) -> None:
    """Build N synthetic documents, then time forgetting `samples` busy and quiet ones and one replacement."""
    from kg.connection import connect
    from kg.forget import forget_documents
    from kg.load import load_extractions, reset_graph

    rng = random.Random(SEED)
    world = World(rng)
    extractions = list(synthetic_extractions(documents, world, rng))
    with connect() as conn:
        driver, database = conn.driver, conn.database
        where = conn.settings.uri + (f" database {database}" if database else "")
        _say(f"kg bench forget: EMPTIES THE GRAPH at {where}, then loads {documents} synthetic documents.")
        reset_graph(driver, database)
        started = time.perf_counter()
        load_extractions(driver, extractions, database=database)
        _say(f"loaded in {time.perf_counter() - started:.1f} s")

        by_busyness = _by_busyness(extractions)
        quiet, busy = by_busyness[:samples], by_busyness[-samples:]
        print(f"{'document':<20}{'kind':<7}{'ms':>9}{'replayed':>10}{'rels -/~':>12}{'entities -/~':>14}")
        for kind, chosen in (("busy", busy), ("quiet", quiet)):
            for extraction in chosen:
                begin = time.perf_counter()
                result = forget_documents(driver, [extraction.document.key], database=database)
                elapsed = (time.perf_counter() - begin) * 1000
                rels = f"{result.relationships_deleted}/{result.relationships_updated}"
                ents = f"{result.entities_deleted}/{result.entities_updated}"
                print(
                    f"{extraction.document.key:<20}{kind:<7}{elapsed:>9.0f}{result.documents_replayed:>10}"
                    f"{rels:>12}{ents:>14}"
                )

        replaced = busy[0].model_copy(deep=True)
        load_extractions(driver, [replaced], database=database)
        replaced.document.url = "https://example.org/synthetic"
        load_extractions(driver, [replaced], database=database)
        newer = replaced.model_copy(deep=True)
        newer.document.key = replaced.document.key + "-v2"
        newer.document.text += " Updated."
        begin = time.perf_counter()
        load_extractions(driver, [newer], database=database)
        elapsed = (time.perf_counter() - begin) * 1000
        print(f"re-loading a busy document with a new text (replaces it): {elapsed:.0f} ms")


def _by_busyness(extractions: list[Extraction]) -> list[Extraction]:
    """Documents from the quietest to the busiest: by how many documents name the same states."""
    counts: dict[str, int] = {}
    for extraction in extractions:
        for entity in extraction.entities:
            if entity.label == "State":
                counts[entity.key] = counts.get(entity.key, 0) + 1

    def busyness(extraction: Extraction) -> int:
        return sum(counts[entity.key] for entity in extraction.entities if entity.label == "State")

    return sorted(extractions, key=busyness)


def _say(message: str) -> None:
    print(message, file=sys.stderr)
