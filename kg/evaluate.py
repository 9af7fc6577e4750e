"""Evaluation: score the graph against a gold file of questions, as a user experiences it.

A gold file names documents and questions about them. Each document is built into an empty graph
(its own private server unless NEO4J_URI is set, then that graph is emptied first), every question
is asked through a Cypher template, and the answer's column is compared with what a careful reader
of the text expects. Then the document is built a second time and `stats` must not change
(loading is idempotent). The scoring is the reference scorer's, question by question; the summary
adds micro recall and precision per tier and per template (items, not questions, are counted).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kg.connection import Connection, Settings, connect
from kg.errors import InputError, KgError
from kg.models import Extraction, LineError

Match = Literal["exact", "includes", "contains"]
Report = Callable[[str], None]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- the gold file ----------------------------------------------------------------------------


class GoldDocument(_Model):
    """A document to build: its path (relative to the gold file) and publication date."""

    path: str
    published: str | None = None


class GoldQuestion(_Model):
    """One question: a template, its parameters, the column to read and the expected items."""

    id: str
    doc: str
    tier: str = "core"
    template: str
    params: dict[str, Any] = Field(default_factory=dict)
    column: str
    expect: list[Any] = Field(description="strings or numbers; a list item is a set of accepted spellings")
    match: Match


class GoldFile(_Model):
    """A whole gold file: documents by name, and the questions asked about them."""

    documents: dict[str, GoldDocument]
    questions: list[GoldQuestion]


def read_gold(path: str | Path) -> GoldFile:
    """Read and check a gold file; a malformed one is an InputError naming the place to fix."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(
            f"cannot read gold file {path} ({exc.strerror or exc}): give a gold JSON file"
        ) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"gold file {path} is not JSON ({exc}): fix the file") from None
    try:
        gold = GoldFile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "the top level"
        raise InputError(
            f"gold file {path}: {where}: {first['msg']}; see the README's gold file format"
        ) from None
    unknown = sorted({q.doc for q in gold.questions} - set(gold.documents))
    if unknown:
        raise InputError(
            f"gold file {path}: questions name documents {', '.join(unknown)} that are not under "
            f"'documents' (it has {', '.join(gold.documents) or 'none'}): add them or fix the 'doc' fields"
        )
    return gold


# --- scoring ----------------------------------------------------------------------------------


def fold_answer(value: Any) -> str:
    """An answer item as compared: case and accents folded, hyphens as spaces, no leading 'the'."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFKD", str(value))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = " ".join(text.casefold().replace("-", " ").replace("\u2019", "'").split())
    return text[4:] if text.startswith("the ") else text


def column_values(rows: list[dict[str, Any]], column: str) -> list[Any]:
    """The non-empty values of one column of the rows, lists flattened."""
    values: list[Any] = []
    for row in rows:
        if column not in row:
            raise KeyError(f"column {column!r} not in answer (columns: {sorted(row)})")
        value = row[column]
        values += [v for v in (value if isinstance(value, list) else [value]) if v is not None and v != ""]
    return values


class QuestionResult(_Model):
    """How one question was answered: passed, recall, precision (exact only) and the item counts."""

    id: str
    doc: str
    tier: str
    template: str
    match: Match
    passed: bool
    recall: float
    precision: float | None = Field(description="only `exact` scores precision; null otherwise")
    expected: int = Field(description="expected items")
    found: int = Field(description="expected items that came back")
    returned: int = Field(description="distinct items that came back (`exact` only, else 0)")
    correct: int = Field(description="returned items that were expected (`exact` only, else 0)")
    detail: str = ""
    error: bool = False


def score_answer(question: GoldQuestion, rows: list[dict[str, Any]]) -> QuestionResult:
    """Compare a template's rows with a question's expected items (the reference scorer's rules)."""
    got = sorted({fold_answer(v) for v in column_values(rows, question.column)})
    wanted = [_spellings(item) for item in question.expect]
    if question.match == "contains":
        hits = [any(s in g for s in spellings for g in got) for spellings in wanted]
        counts = {"expected": len(hits), "found": sum(hits), "returned": 0, "correct": 0}
    elif not wanted:
        # Nothing expected: the answer must be empty (for `includes` too, as the reference scorer has it).
        return _result(
            question,
            passed=not got,
            recall=float(not got),
            precision=float(not got),
            counts={"expected": 0, "found": 0, "returned": len(got), "correct": 0},
            detail=f"expected nothing, got {got}" if got else "",
        )
    else:
        hits = [bool(set(spellings) & set(got)) for spellings in wanted]
        counts = {"expected": len(hits), "found": sum(hits), "returned": 0, "correct": 0}
    recall = sum(hits) / len(hits) if hits else 1.0
    missing = [_first(item) for item, hit in zip(question.expect, hits, strict=True) if not hit]
    problems = [f"missing {missing}"] if missing else []
    if question.match != "exact":
        return _result(
            question,
            passed=recall == 1.0,
            recall=recall,
            precision=None,
            counts=counts,
            detail="; ".join(problems),
        )
    allowed = {s for spellings in wanted for s in spellings}
    extra = [g for g in got if g not in allowed]
    if extra:
        problems.append(f"extra {extra}")
    counts |= {"returned": len(got), "correct": len(got) - len(extra)}
    return _result(
        question,
        passed=recall == 1.0 and not extra,
        recall=recall,
        precision=counts["correct"] / len(got) if got else 0.0,
        counts=counts,
        detail="; ".join(problems),
    )


def _result(
    question: GoldQuestion,
    *,
    passed: bool,
    recall: float,
    precision: float | None,
    counts: dict[str, int],
    detail: str,
    error: bool = False,
) -> QuestionResult:
    return QuestionResult(
        id=question.id,
        doc=question.doc,
        tier=question.tier,
        template=question.template,
        match=question.match,
        passed=passed,
        recall=recall,
        precision=precision,
        detail=detail,
        error=error,
        **counts,
    )


def _first(item: Any) -> Any:
    """An expected item as named in a report: its first spelling."""
    if isinstance(item, list):
        return item[0] if item else item
    return item


def _spellings(item: Any) -> list[str]:
    return [fold_answer(s) for s in (item if isinstance(item, list) else [item])]


def failed_question(question: GoldQuestion, problem: str) -> QuestionResult:
    """A question that could not be asked (unknown template, bad parameter, missing column)."""
    counts = {"expected": len(question.expect), "found": 0, "returned": 0, "correct": 0}
    return _result(
        question,
        passed=False,
        recall=0.0,
        precision=None,
        counts=counts,
        detail=f"error: {problem}",
        error=True,
    )


# --- the summary ------------------------------------------------------------------------------


class Tally(_Model):
    """Questions passed and items counted over a group of questions (a tier or a template)."""

    questions: int = 0
    passed: int = 0
    errors: int = 0
    expected: int = 0
    found: int = 0
    returned: int = 0
    correct: int = 0

    @property
    def share_passed(self) -> float:
        """Questions passed / questions (1.0 for no questions)."""
        return self.passed / self.questions if self.questions else 1.0

    @property
    def micro_recall(self) -> float | None:
        """Expected items found / expected items, over every question of the group."""
        return self.found / self.expected if self.expected else None

    @property
    def micro_precision(self) -> float | None:
        """Returned items expected / returned items, over the group's `exact` questions."""
        return self.correct / self.returned if self.returned else None

    def add(self, result: QuestionResult) -> None:
        """Count one question in."""
        self.questions += 1
        self.passed += result.passed
        self.errors += result.error
        self.expected += result.expected
        self.found += result.found
        self.returned += result.returned
        self.correct += result.correct

    def summary(self) -> dict[str, Any]:
        """The tally with its micro recall and precision, for JSON."""
        return self.model_dump() | {
            "share_passed": self.share_passed,
            "micro_recall": self.micro_recall,
            "micro_precision": self.micro_precision,
        }


class DocumentCheck(_Model):
    """Whether building a document a second time left `stats` unchanged."""

    doc: str
    idempotent: bool
    detail: str = ""


class Evaluation(_Model):
    """Everything `kg eval` found: each question, each document's idempotency, the tallies."""

    gold: str
    questions: list[QuestionResult] = Field(default_factory=list)
    documents: list[DocumentCheck] = Field(default_factory=list)

    def by(self, field: Literal["tier", "template"]) -> dict[str, Tally]:
        """Tallies per tier or per template, in sorted order."""
        tallies: dict[str, Tally] = {}
        for result in self.questions:
            tallies.setdefault(getattr(result, field), Tally()).add(result)
        return dict(sorted(tallies.items()))

    @property
    def idempotent(self) -> bool:
        """Whether every document built twice left the graph as it was."""
        return all(check.idempotent for check in self.documents)

    def meets(self, min_core: float) -> bool:
        """Whether the run is good enough: idempotent, and the core share passed at least min_core."""
        core = self.by("tier").get("core", Tally())
        return self.idempotent and core.share_passed >= min_core

    def as_json(self, min_core: float) -> str:
        """The whole evaluation as JSON (for CI)."""
        data = self.model_dump() | {
            "tiers": {k: t.summary() for k, t in self.by("tier").items()},
            "templates": {k: t.summary() for k, t in self.by("template").items()},
            "idempotent": self.idempotent,
            "min_core": min_core,
            "ok": self.meets(min_core),
        }
        return json.dumps(data, ensure_ascii=False, indent=2)

    def as_text(self) -> str:
        """One line per question and per document, then the tables per tier and per template."""
        lines = [_question_line(r) for r in self.questions]
        for check in self.documents:
            verdict = "PASS" if check.idempotent else "FAIL"
            lines.append(
                f"{verdict} {check.doc}: building it twice " + (check.detail or "left stats unchanged")
            )
        for field in ("tier", "template"):
            lines += ["", _tally_table(field, self.by(field))]  # type: ignore[arg-type]
        return "\n".join(lines)


def _question_line(result: QuestionResult) -> str:
    precision = "-" if result.precision is None else f"{result.precision:.2f}"
    verdict = "PASS" if result.passed else "FAIL"
    line = f"{verdict} {result.id} [{result.tier}] recall {result.recall:.2f} precision {precision}"
    return line + (f": {result.detail}" if result.detail else "")


def _tally_table(field: str, tallies: dict[str, Tally]) -> str:
    def share(value: float | None) -> str:
        return "-" if value is None else f"{value:.2f}"

    header = [field, "passed", "micro recall", "micro precision", "errors"]
    rows = [
        [name, f"{t.passed}/{t.questions}", share(t.micro_recall), share(t.micro_precision), str(t.errors)]
        for name, t in tallies.items()
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in [header, *rows]
    )


# --- the run ----------------------------------------------------------------------------------


def evaluate_gold(
    path: str | Path,
    *,
    documents: list[str] | None = None,
    report: Report | None = None,
    settings: Settings | None = None,
) -> Evaluation:
    """Build each document of a gold file into an empty graph and score every question about it.

    Without NEO4J_URI (and without `settings`) a private server in a temporary KG_HOME is started
    and removed afterwards, so the user's own graph is left alone; otherwise that graph is emptied.
    """
    path = Path(path)
    gold = read_gold(path)
    chosen = [name for name in gold.documents if documents is None or name in documents]
    if documents is not None and (unknown := sorted(set(documents) - set(gold.documents))):
        raise InputError(
            f"gold file {path} has no document {', '.join(unknown)}: choose from {', '.join(gold.documents)}"
        )
    say = report or (lambda message: None)
    evaluation = Evaluation(gold=str(path))
    with evaluation_graph(settings) as conn:
        for number, name in enumerate(chosen, start=1):
            document = gold.documents[name]
            source = (path.parent / document.path).resolve()
            say(f"Building {name} ({number}/{len(chosen)}): {source}")
            empty_graph(conn)
            build_into(conn, source, document.published, say)
            for question in (q for q in gold.questions if q.doc == name):
                evaluation.questions.append(ask(conn, question))
            evaluation.documents.append(check_rebuild(conn, name, source, document.published, say))
    return evaluation


@contextlib.contextmanager
def evaluation_graph(settings: Settings | None = None) -> Iterator[Connection]:
    """The graph to evaluate in: the given or NEO4J_* server, else a private throwaway server."""
    if settings is not None or os.environ.get("NEO4J_URI"):
        with connect(settings=settings) as conn:
            yield conn
        return
    from kg import server

    home = Path(tempfile.mkdtemp(prefix="kg-eval-"))
    try:
        info = server.start(home)
        private = Settings(uri=info.bolt_uri, username=info.username, password=info.password(), managed=True)
        with connect(settings=private) as conn:
            yield conn
    finally:
        server.stop(home)
        shutil.rmtree(home, ignore_errors=True)


def empty_graph(conn: Connection) -> None:
    """Delete everything in the graph (the schema stays)."""
    from kg.load import reset_graph

    reset_graph(conn.driver, database=conn.database)


def build_into(conn: Connection, source: Path, published: str | None, report: Report) -> None:
    """Extract the document(s) at source and load them into the graph; unusable input is reported."""
    from kg.documents import read_documents
    from kg.load import load_extractions
    from kg.pipeline import ExtractedLine, extract_stream, format_line_error

    def skipped(error: LineError) -> None:
        report(f"Error: {format_line_error(error)}")

    def models(items: Iterator[Extraction | ExtractedLine]) -> Iterator[Extraction]:
        for item in items:
            yield Extraction.model_validate_json(item.json) if isinstance(item, ExtractedLine) else item

    documents = read_documents([str(source)], published=published, note=lambda m: report(f"Note: {m}"))
    extractions = extract_stream(documents, on_skip=skipped)
    loaded = load_extractions(conn.driver, models(extractions), database=conn.database)
    for error in loaded.skipped:
        skipped(error)


def ask(conn: Connection, question: GoldQuestion) -> QuestionResult:
    """Ask one question through its template and score the answer."""
    from kg.query import check_params, get_template, run_template

    try:
        template = get_template(question.template)
        rows = run_template(conn.driver, template, check_params(template, question.params), conn.database)
        return score_answer(question, rows)
    except KeyError as exc:
        return failed_question(question, str(exc.args[0]))
    except KgError as exc:
        return failed_question(question, str(exc))


def graph_stats(conn: Connection) -> list[tuple[Any, ...]]:
    """The `stats` template's rows, sorted, to compare two states of the graph."""
    from kg.query import get_template, run_template

    rows = run_template(conn.driver, get_template("stats"), {}, conn.database)
    return sorted((row.get("kind"), row.get("type"), row.get("count")) for row in rows)


def check_rebuild(
    conn: Connection, name: str, source: Path, published: str | None, report: Report
) -> DocumentCheck:
    """Build the document again: loading is idempotent when `stats` does not change."""
    before = graph_stats(conn)
    build_into(conn, source, published, report)
    after = graph_stats(conn)
    if before == after:
        return DocumentCheck(doc=name, idempotent=True)
    changed = sorted(set(before) ^ set(after))
    return DocumentCheck(doc=name, idempotent=False, detail=f"changed stats: {changed}")
