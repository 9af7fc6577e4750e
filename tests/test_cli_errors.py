"""Errors a user can fix come out as one `Error: ...` line with exit status 1, never a traceback."""

from __future__ import annotations

import os
import shutil
import socket
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import run_kg

from kg import server
from kg.connection import Settings


def plain_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A user's environment with no NEO4J_* settings and a fresh KG_HOME."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "KG_"))}
    env.pop("JAVA_HOME", None)
    env["KG_HOME"] = str(tmp_path / "home")
    env.update(extra)
    return env


def one_error_line(result_stderr: str, progress: str | None = None) -> str:
    """The single line of standard error (besides a progress line), an `Error: ...`, no traceback."""
    lines = result_stderr.strip().splitlines()
    lines = [line for line in lines if not (progress and line.startswith(progress))]
    assert len(lines) == 1, result_stderr
    assert lines[0].startswith("Error: ")
    return lines[0]


def bin_dir(tmp_path: Path, **scripts: str) -> Path:
    """A folder of executables: NAME=shell script body, or NAME=@/path for a symlink."""
    folder = tmp_path / "bin"
    folder.mkdir(exist_ok=True)
    for name, body in scripts.items():
        target = folder / name
        if body.startswith("@"):
            target.symlink_to(body[1:])
        else:
            target.write_text(f"#!/bin/sh\n{body}\n")
            target.chmod(0o755)
    return folder


@pytest.fixture
def free_port() -> Iterator[int]:
    """A port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    yield port


def real_java() -> str:
    java = shutil.which("java")
    if java is None:
        pytest.skip("no Java on PATH")
    return str(Path(java).resolve())


def test_reset_without_yes_refuses_and_starts_nothing(tmp_path: Path) -> None:
    env = plain_env(tmp_path)
    result = run_kg(["reset"], env)
    assert result.returncode == 1
    assert "kg reset --yes" in one_error_line(result.stderr)
    assert server.status(Path(env["KG_HOME"])) is None


@pytest.mark.neo4j
def test_wrong_password_is_one_error_line(
    neo4j_server: tuple[Settings, dict[str, str]], tmp_path: Path
) -> None:
    settings = neo4j_server[0]
    env = plain_env(tmp_path, NEO4J_URI=settings.uri, NEO4J_USERNAME=settings.username)
    env["NEO4J_PASSWORD"] = settings.password + "-wrong"
    result = run_kg(["reset", "--yes"], env)
    assert result.returncode == 1
    assert one_error_line(result.stderr) == (
        f"Error: Neo4j at {settings.uri} refused the username or password: "
        "check NEO4J_USERNAME/NEO4J_PASSWORD"
    )


@pytest.mark.parametrize("scheme", ["bolt", "neo4j+s"])
def test_unreachable_server_is_one_error_line(tmp_path: Path, free_port: int, scheme: str) -> None:
    uri = f"{scheme}://127.0.0.1:{free_port}"
    result = run_kg(["reset", "--yes"], plain_env(tmp_path, NEO4J_URI=uri, NEO4J_PASSWORD="whatever1"))
    assert result.returncode == 1
    line = one_error_line(result.stderr)
    assert line.startswith(f"Error: cannot reach Neo4j at {uri} (")
    assert line.endswith("is the server running and NEO4J_URI right?")


def test_uri_without_password_is_one_error_line(tmp_path: Path) -> None:
    result = run_kg(["reset", "--yes"], plain_env(tmp_path, NEO4J_URI="bolt://127.0.0.1:7687"))
    assert result.returncode == 1
    assert "NEO4J_PASSWORD is not" in one_error_line(result.stderr)


def test_missing_java_is_one_error_line(tmp_path: Path) -> None:
    env = plain_env(tmp_path, PATH=str(bin_dir(tmp_path)))
    result = run_kg(["server", "start"], env)
    assert result.returncode == 1
    assert one_error_line(result.stderr).startswith(
        "Error: Java 17 or newer is needed to run the local Neo4j server and was not found: install a JDK"
    )


@pytest.mark.parametrize(
    ("version_line", "major"),
    [('openjdk version "11.0.22" 2024-01-16', 11), ('java version "1.8.0_392"', 8)],
)
def test_java_older_than_17_is_one_error_line(tmp_path: Path, version_line: str, major: int) -> None:
    java = bin_dir(tmp_path, java=f"echo '{version_line}' >&2")
    result = run_kg(["server", "start"], plain_env(tmp_path, PATH=str(java)))
    assert result.returncode == 1
    line = one_error_line(result.stderr)
    assert f"{java / 'java'} is Java {major}, but Neo4j {server.NEO4J_VERSION} needs Java 17 or newer" in line


def test_missing_maven_is_one_error_line(tmp_path: Path) -> None:
    tools = bin_dir(tmp_path, java=f"@{real_java()}")
    env = plain_env(tmp_path, PATH=str(tools), XDG_CACHE_HOME=str(tmp_path / "cache"))
    result = run_kg(["server", "start"], env)
    assert result.returncode == 1
    assert "Maven (mvn) is needed once to download the Neo4j" in one_error_line(result.stderr)


def test_failing_maven_names_its_log(tmp_path: Path) -> None:
    tools = bin_dir(
        tmp_path, java=f"@{real_java()}", mvn="echo '[ERROR] Could not resolve dependencies'; exit 1"
    )
    cache = tmp_path / "cache"
    result = run_kg(["server", "start"], plain_env(tmp_path, PATH=str(tools), XDG_CACHE_HOME=str(cache)))
    assert result.returncode == 1
    log = cache / "conflict-kg" / f"neo4j-{server.NEO4J_VERSION}" / "maven.log"
    assert f"(exit 1): see {log};" in one_error_line(result.stderr, progress="Downloading Neo4j")
    assert "Could not resolve dependencies" in log.read_text()
    assert not (log.parent / "lib").exists()


def test_port_in_use_is_one_error_line(tmp_path: Path) -> None:
    real_java()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_kg(["server", "start"], plain_env(tmp_path, KG_BOLT_PORT=str(port)))
    assert result.returncode == 1
    assert one_error_line(result.stderr).startswith(
        f"Error: port {port} (Bolt, KG_BOLT_PORT) is in use by another program: stop that program"
    )


def test_every_command_accepts_silent() -> None:
    """`--silent` works on every command, as the CLI contract says."""
    from click.testing import CliRunner

    from kg.cli import cli

    runner = CliRunner()
    for args in (["reset"], ["query", "stats"], ["templates"], ["server", "status"], ["bench", "load"]):
        result = runner.invoke(cli, [*args, "--silent", "--help"])
        assert result.exit_code == 0, (args, result.output)
        assert "--silent" in result.output


def test_kg_home_others_can_write_into_or_that_is_not_ours_is_refused(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    result = run_kg(["server", "start"], plain_env(tmp_path, KG_HOME=str(shared)))
    assert result.returncode == 1
    assert one_error_line(result.stderr) == (
        f"Error: KG_HOME {shared} is a folder other users can write into, so it cannot keep the server's "
        f"password private: set KG_HOME to a folder of its own, e.g. {shared / 'conflict-kg'}"
    )
    assert stat.S_IMODE(shared.stat().st_mode) == 0o1777
    if os.getuid() == 0:
        foreign = tmp_path / "foreign"
        foreign.mkdir()
        os.chown(foreign, 65534, 65534)
    else:
        foreign = Path("/")
    result = run_kg(["server", "start"], plain_env(tmp_path, KG_HOME=str(foreign)))
    assert result.returncode == 1
    assert one_error_line(result.stderr) == (
        f"Error: KG_HOME {foreign} belongs to another user, so it cannot keep the server's password "
        "private: set KG_HOME to a folder of your own"
    )
