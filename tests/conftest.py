"""Fixtures: a real Neo4j for the whole session (testcontainers with Docker, else the managed server)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kg.connection import Connection, Settings

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def docker_engine_answers() -> bool:
    """Whether a Docker engine (not just the client) is reachable."""
    if not shutil.which("docker"):
        return False
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Settings, dict[str, str]]]:
    """Settings for a real server, and the environment a `kg` subprocess needs to reach it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    if os.environ.get("NEO4J_URI"):
        from kg.connection import settings_from_env

        yield settings_from_env(), dict(os.environ)
        return
    if docker_engine_answers():
        from testcontainers.neo4j import Neo4jContainer

        with Neo4jContainer("neo4j:5.26-community") as container:
            settings = Settings(
                uri=container.get_connection_url(), username="neo4j", password=container.password
            )
            env.update(NEO4J_URI=settings.uri, NEO4J_USERNAME="neo4j", NEO4J_PASSWORD=settings.password)
            yield settings, env
        return
    from kg import server

    home = tmp_path_factory.mktemp("kg-home")
    info = server.start(home)
    env["KG_HOME"] = str(home)
    try:
        yield Settings(uri=info.bolt_uri, username=info.username, password=info.password(), managed=True), env
    finally:
        server.stop(home)


@pytest.fixture(scope="session")
def neo4j_conn(neo4j_server: tuple[Settings, dict[str, str]]) -> Iterator[Connection]:
    """One open connection for the session."""
    conn = Connection(neo4j_server[0])
    yield conn
    conn.close()


@pytest.fixture
def graph(neo4j_conn: Connection) -> Connection:
    """The session's connection, with the graph emptied before the test."""
    from kg.load import reset_graph

    reset_graph(neo4j_conn.driver, database=neo4j_conn.database)
    return neo4j_conn


@pytest.fixture
def kg_env(neo4j_server: tuple[Settings, dict[str, str]]) -> dict[str, str]:
    """Environment for running the `kg` command against the session's server."""
    return dict(neo4j_server[1])


def run_kg(
    args: list[str], env: dict[str, str], stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the `kg` CLI in a subprocess, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "kg.cli", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )


@pytest.fixture(scope="session")
def nlp() -> Any:
    """The spaCy pipeline with our components, loaded once for the whole run."""
    from kg.extract import load_nlp

    return load_nlp()
