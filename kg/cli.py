"""The `kg` command line: thin commands over the library, errors as one `Error: ...` line.

Heavy imports (spaCy, the driver) happen inside the commands that need them, so that
`kg query` and `kg templates` start fast.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from typing import Any, Literal, TypeVar

import click

from kg.errors import KgError

F = TypeVar("F", bound=Callable[..., Any])

EXIT_ERROR = 1
EXIT_SKIPPED = 3
"""Exit status when the command finished but some input was reported and skipped."""


def fail_cleanly(func: F) -> F:
    """Turn library errors into `Error: ...` on standard error with exit status 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except KgError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(EXIT_ERROR)
        except KeyboardInterrupt:
            click.echo("Error: interrupted", err=True)
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


def warn(message: str) -> None:
    """A one-line warning on standard error (shown with --silent too; the exit status stays)."""
    click.echo(f"Warning: {message}", err=True)


silent_option = click.option("--silent", is_flag=True, help="No progress bars or progress messages.")


def web_options(func: F) -> F:
    """--feed (repeatable) and --delay, for the commands that read articles."""
    func = click.option(
        "--delay",
        type=click.FloatRange(0),
        default=1.0,
        show_default=True,
        help="Seconds between two requests to the same web site.",
    )(func)
    return click.option(
        "--feed", "feeds", multiple=True, metavar="URL|FILE", help="An RSS/Atom feed: read every item's page."
    )(func)


def engine_options(func: F) -> F:
    """--engine and --scheduler, for the commands that extract."""
    func = click.option(
        "--scheduler",
        metavar="ADDRESS",
        help="With --engine dask: a running Dask scheduler (tcp://host:8786); default a local cluster.",
    )(func)
    return click.option(
        "--engine",
        type=click.Choice(["local", "dask"]),
        default="local",
        show_default=True,
        help="Where extraction runs: local processes, or Dask (pip install 'conflict-kg[dask]').",
    )(func)


def _check_engine(engine: str, scheduler: str | None, out: str | None = None) -> None:
    import os.path

    if scheduler and engine != "dask":
        raise click.UsageError("--scheduler is for --engine dask")
    if out is not None and engine != "dask" and os.path.isdir(out):
        raise click.UsageError(f"--out {out} is a folder: give a file, or --engine dask for shards")


def _require_input(paths: tuple[str, ...], feeds: tuple[str, ...]) -> None:
    if not paths and not feeds:
        raise click.UsageError("give at least one PATH (a file, folder, URL or -) or a --feed")


quiet_anyway = click.option(
    "--silent", is_flag=True, expose_value=False, help="Accepted everywhere; this command shows no progress."
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="conflict-kg")
def cli() -> None:
    """Build a knowledge graph of conflict news in Neo4j and query it with Cypher templates.

    Example:

        kg build examples/articles && kg query attacks --param attacker=Armenia
    """


# --- extraction -----------------------------------------------------------------------


@cli.command()
@click.argument("paths", nargs=-1)
@click.option(
    "--out",
    "out",
    type=click.Path(writable=True),
    help="Write here, not stdout; with --engine dask, a path not ending in .jsonl is a folder of shards.",
)
@click.option("--published", help="Publication date YYYY-MM-DD of a single document.")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True, help="Processes.")
@click.option(
    "--batch-size", type=click.IntRange(1), default=64, show_default=True, help="nlp.pipe batch, a partition."
)
@engine_options
@web_options
@silent_option
@fail_cleanly
def extract(
    paths: tuple[str, ...],
    out: str | None,
    published: str | None,
    workers: int,
    batch_size: int,
    engine: Literal["local", "dask"],
    scheduler: str | None,
    silent: bool,
    feeds: tuple[str, ...],
    delay: float,
) -> None:
    """Extract entities and relations from articles into JSON lines.

    PATH is a text, Markdown or HTML file, a folder of them (recursive), a JSON-lines file of
    documents (id/title/text/published/url/source/author), an http(s):// URL of a web page, or -
    for standard input. --feed reads the page of every item of an RSS/Atom feed (URL or file).

    Example:

        kg extract examples/articles --out extractions.jsonl
        kg extract https://example.org/news/article.html
        kg extract archive.jsonl --engine dask --workers 2 --out shards/
    """
    from kg.pipeline import extract_paths

    _require_input(paths, feeds)
    _check_engine(engine, scheduler, out)
    result = extract_paths(
        list(paths),
        out=out,
        engine=engine,
        scheduler=scheduler,
        published=published,
        workers=workers,
        batch_size=batch_size,
        silent=silent,
        feeds=list(feeds),
        delay=delay,
    )
    if result.skipped:
        sys.exit(EXIT_SKIPPED)


@cli.command()
@click.argument("paths", nargs=-1)
@click.option("--published", help="Publication date YYYY-MM-DD of a single document.")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True, help="Processes.")
@click.option("--batch-size", type=click.IntRange(1), default=500, show_default=True, help="Rows a write.")
@engine_options
@web_options
@silent_option
@fail_cleanly
def build(
    paths: tuple[str, ...],
    published: str | None,
    workers: int,
    batch_size: int,
    engine: Literal["local", "dask"],
    scheduler: str | None,
    silent: bool,
    feeds: tuple[str, ...],
    delay: float,
) -> None:
    """Extract articles (files, folders, URLs, feeds: as `kg extract`) and load them into Neo4j in one go.

    A document with the URL (or JSON-lines `id` and `source`) of one already loaded replaces it.

    Example:

        kg build examples/articles
        kg build article.txt --published 2022-09-23
        kg build --feed https://example.org/news/rss.xml
        kg build archive.jsonl --engine dask --scheduler tcp://scheduler:8786
    """
    from kg.pipeline import build_paths

    _require_input(paths, feeds)
    _check_engine(engine, scheduler)
    result = build_paths(
        list(paths),
        engine=engine,
        scheduler=scheduler,
        published=published,
        workers=workers,
        batch_size=batch_size,
        silent=silent,
        feeds=list(feeds),
        delay=delay,
    )
    if result.skipped:
        sys.exit(EXIT_SKIPPED)


# --- loading --------------------------------------------------------------------------


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--batch-size", type=click.IntRange(1), default=500, show_default=True, help="Rows a write.")
@click.option("--bulk", is_flag=True, help="Build an EMPTY managed database offline with neo4j-admin import.")
@silent_option
@fail_cleanly
def load(paths: tuple[str, ...], batch_size: int, bulk: bool, silent: bool) -> None:
    """Load extraction files (JSON lines from `kg extract`) into Neo4j.

    PATH is an extraction file, a folder of them (its *.jsonl files, in name order), or - for
    standard input. Loading is idempotent: loading the same file twice leaves the graph as it was.
    --bulk (first loads of big inputs, managed server only) stops the server, builds the same
    graph with neo4j-admin's importer and starts it again; it refuses a graph that is not empty.

    Example:

        kg extract examples/articles | kg load -
        kg load shards/
        kg load --bulk shards/
    """
    from kg.pipeline import load_paths

    result = load_paths(list(paths), batch_size=batch_size, silent=silent, bulk=bulk)
    if result.skipped:
        sys.exit(EXIT_SKIPPED)


@cli.command()
@click.option("--yes", is_flag=True, help="Really empty the graph.")
@silent_option
@fail_cleanly
def reset(yes: bool, silent: bool) -> None:
    """Empty the graph (all nodes and relationships; the schema stays).

    Example:

        kg reset --yes
    """
    if not yes:
        click.echo("Error: `kg reset` deletes the whole graph; run `kg reset --yes` to confirm", err=True)
        sys.exit(EXIT_ERROR)
    from kg.connection import connect
    from kg.load import reset_graph

    with connect() as conn:
        deleted = reset_graph(conn.driver, database=conn.database)
    if not silent:
        click.echo(f"Deleted {deleted} nodes.", err=True)


@cli.command()
@click.argument("refs", nargs=-1, required=True, metavar="DOCUMENT_KEY|URL...")
@silent_option
@fail_cleanly
def forget(refs: tuple[str, ...], silent: bool) -> None:
    """Remove documents and everything only they stated, as if they had never been loaded.

    Each relationship loses the document's sources and evidence (and goes when none are left),
    entities no remaining document mentions go, mention counts drop. `kg query documents` lists
    the keys.

    Example:

        kg forget doc:5f1c0a9e2b7d4411
        kg forget https://example.org/news/article.html
    """
    from kg.connection import connect
    from kg.forget import forget_documents

    with connect() as conn:
        result = forget_documents(conn.driver, list(refs), database=conn.database)
    for ref in result.not_found:
        click.echo(
            f"Error: {ref}: no document with this key or URL (kg query documents lists them)", err=True
        )
    if not silent:
        click.echo(
            f"Forgot {len(result.documents)} documents: {result.relationships_deleted} relationships and "
            f"{result.entities_deleted} entities deleted, {result.relationships_updated} relationships and "
            f"{result.entities_updated} entities updated.",
            err=True,
        )
    if result.not_found:
        sys.exit(EXIT_SKIPPED)


# --- querying -------------------------------------------------------------------------


def _parse_params(pairs: tuple[str, ...]) -> dict[str, Any]:
    """Turn KEY=VALUE pairs into parameters; a VALUE that parses as JSON is used as such."""
    params: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise click.UsageError(f"--param {pair!r} is not KEY=VALUE")
        try:
            params[key] = json.loads(value)
        except json.JSONDecodeError:
            params[key] = value
    return params


@cli.command()
@click.argument("name")
@click.option("--param", "-p", "pairs", multiple=True, help="KEY=VALUE (JSON values are parsed).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default=None, help="Output.")
@click.option("--templates", "directory", type=click.Path(file_okay=False), help="Your own template folder.")
@quiet_anyway
@fail_cleanly
def query(name: str, pairs: tuple[str, ...], fmt: str | None, directory: str | None) -> None:
    """Run a Cypher template and print its rows (a table on a terminal, else JSON).

    Example:

        kg query attacks --param attacker=Armenia --format json
    """
    from kg.query import run_query_command

    params = _parse_params(pairs)
    if fmt is None:
        fmt = "table" if sys.stdout.isatty() else "json"
    click.echo(run_query_command(name, params, fmt=fmt, directory=directory, warn=warn))


@cli.command()
@click.option("--templates", "directory", type=click.Path(file_okay=False), help="Your own template folder.")
@quiet_anyway
@fail_cleanly
def templates(directory: str | None) -> None:
    """List the Cypher templates with their parameters and purpose.

    Example:

        kg templates
    """
    from kg.query import describe_templates

    click.echo(describe_templates(directory, warn=warn))


@cli.command()
@click.argument("name")
@click.option("--param", "-p", "pairs", multiple=True, help="KEY=VALUE (JSON values are parsed).")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="The HTML file to write.")
@click.option("--templates", "directory", type=click.Path(file_okay=False), help="Your own template folder.")
@silent_option
@fail_cleanly
def view(name: str, pairs: tuple[str, ...], out: str, directory: str | None, silent: bool) -> None:
    """Draw a template's answer (its nodes and relationships) as one self-contained HTML page.

    Colours and captions are those of cypher/style.grass; click a relationship to read
    its evidence. The page needs no server and no network: open it or send it.

    Example:

        kg view attacks -p attacker=Armenia --out attacks.html
        kg view neighbourhood -p name=Sotk -p depth=2 --out sotk.html
    """
    from kg.view import write_view

    result = write_view(name, _parse_params(pairs), out, directory=directory)
    if not silent:
        click.echo(
            f"Drew {result.nodes} nodes and {result.relationships} relationships "
            f"({result.rows} row{'s' if result.rows != 1 else ''}) to {result.path}",
            err=True,
        )


# --- evaluation -----------------------------------------------------------------------


@cli.command("eval")
@click.argument("gold", type=click.Path(dir_okay=False))
@click.option("--doc", "docs", multiple=True, help="Only this document of the gold file (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option(
    "--min-core",
    type=click.FloatRange(0.0, 1.0),
    default=0.0,
    show_default=True,
    help="Exit 1 when the share of core questions passed is below this.",
)
@silent_option
@fail_cleanly
def evaluate(gold: str, docs: tuple[str, ...], fmt: str, min_core: float, silent: bool) -> None:
    """Score extraction and templates against a gold file of questions (see the README).

    Each document is built into an empty graph: a private server in a temporary KG_HOME,
    or, with NEO4J_URI set, that server's graph, which is EMPTIED first. Exit 1 when the
    core share passed is below --min-core or building a document twice changed the graph.

    Example:

        kg eval examples/gold/russia-ukraine.gold.json --min-core 0.9
        kg eval my-conflict.gold.json --doc report-1 --format json
    """
    from kg.evaluate import evaluate_gold

    def report(message: str) -> None:
        if not silent or message.startswith("Error:"):
            click.echo(message, err=True)

    result = evaluate_gold(gold, documents=list(docs) or None, report=report)
    click.echo(result.as_json(min_core) if fmt == "json" else result.as_text())
    if not result.meets(min_core):
        sys.exit(EXIT_ERROR)


# --- rules -----------------------------------------------------------------------------


@cli.group()
def rules() -> None:
    """The extraction rules: the lexicon and frames of kg/rules plus those of $KG_RULES_DIR.

    Example:

        KG_RULES_DIR=my-rules kg rules check
    """


@rules.command("list")
@quiet_anyway
@fail_cleanly
def rules_list() -> None:
    """List every frame in use: its id, family, confidence and how many examples it has.

    Example:

        kg rules list | grep attack.
    """
    from kg.rules.phrasebook import describe_frames

    click.echo(describe_frames())


@rules.command("check")
@quiet_anyway
@fail_cleanly
def rules_check() -> None:
    """Run every frame on its own examples (the phrasebook); exit 1 if one does not give what it expects.

    Example:

        KG_RULES_DIR=my-rules kg rules check
    """
    from kg.rules.phrasebook import run_phrasebook

    report, ok = run_phrasebook()
    click.echo(report)
    if not ok:
        sys.exit(EXIT_ERROR)


# --- the local server -----------------------------------------------------------------


@cli.group()
def server() -> None:
    """Manage the local Neo4j server of the current KG_HOME.

    Example:

        kg server start && kg server status
    """


@server.command("start")
@quiet_anyway
@fail_cleanly
def server_start() -> None:
    """Provision (first time) and start the local Neo4j server; wait until Bolt answers."""
    from kg.server import describe, kg_home, start

    click.echo(describe(start(kg_home())))


@server.command("stop")
@quiet_anyway
@fail_cleanly
def server_stop() -> None:
    """Stop the local Neo4j server of this KG_HOME."""
    from kg.server import kg_home, stop

    click.echo("stopped" if stop(kg_home()) else "not running")


@server.command("status")
@quiet_anyway
@fail_cleanly
def server_status() -> None:
    """Print the Bolt URI, the Browser URL and where the password is."""
    from kg.server import describe, kg_home, status

    info = status(kg_home())
    if info is None:
        click.echo("not running (start it with `kg server start`)")
        sys.exit(EXIT_ERROR)
    click.echo(describe(info))


# --- benchmarks -----------------------------------------------------------------------


@cli.group()
def bench() -> None:
    """Benchmarks that print figures (load, extract, query).

    Example:

        kg bench load --documents 1000
    """


@bench.command("load")
@click.option("--documents", type=click.IntRange(1), default=10_000, show_default=True)
@click.option("--batch-size", type=click.IntRange(1), default=500, show_default=True)
@click.option(
    "--bulk", is_flag=True, help="Compare kg load --bulk with ours and the ceiling at 500/2000/10000."
)
@quiet_anyway
@fail_cleanly
def bench_load(documents: int, batch_size: int, bulk: bool) -> None:
    """Compare our loader with a raw UNWIND CREATE ceiling and a naive per-row MERGE (or, with
    --bulk, with neo4j-admin's import through `kg load --bulk`: managed server only).

    WARNING: empties the graph of the configured server (several times) and leaves it empty.

    Example:

        kg bench load --documents 1000
        kg bench load --bulk --documents 10000
    """
    from kg.benchmarks.load import run, run_bulk

    if bulk:
        run_bulk(documents=documents)
    else:
        run(documents=documents, batch_size=batch_size)


@bench.command("extract")
@click.argument("paths", nargs=-1)
@click.option("--documents", type=click.IntRange(1), default=500, show_default=True)
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True)
@click.option(
    "--workers", type=click.IntRange(1, 64), default=2, show_default=True, help="With --engine dask."
)
@quiet_anyway
@fail_cleanly
def bench_extract(paths: tuple[str, ...], documents: int, engine: str, workers: int) -> None:
    """Compare `kg extract` throughput with bare nlp.pipe, with 1 and 2 workers (or, with --engine
    dask, 1 local worker against a Dask LocalCluster of 1 to --workers workers).

    Example:

        kg bench extract examples/articles --documents 200
        kg bench extract --engine dask --workers 2 --documents 400
    """
    if engine == "dask":
        from kg.benchmarks.extract import run_engines

        run_engines(list(paths), documents=documents, workers=workers)
        return
    from kg.benchmarks.extract import run

    run(list(paths), documents=documents)


@bench.command("query")
@click.option("--documents", type=click.IntRange(1), default=10_000, show_default=True)
@click.option("--repeat", type=click.IntRange(1), default=50, show_default=True)
@quiet_anyway
@fail_cleanly
def bench_query(documents: int, repeat: int) -> None:
    """p50 and p95 latency of each template on a graph of synthetic documents."""
    from kg.benchmarks.query import run

    run(documents=documents, repeat=repeat)


@bench.command("forget")
@click.option("--documents", type=click.IntRange(1), default=10_000, show_default=True)
@click.option("--samples", type=click.IntRange(1), default=3, show_default=True)
@quiet_anyway
@fail_cleanly
def bench_forget(documents: int, samples: int) -> None:
    """Time `kg forget` of busy and quiet documents, and a replacement, on a synthetic graph.

    WARNING: empties the graph of the configured server.

    Example:

        kg bench forget --documents 2000
    """
    from kg.benchmarks.forget import run

    run(documents=documents, samples=samples)


def main() -> None:
    """Entry point of the `kg` console script."""
    cli()


if __name__ == "__main__":
    main()
