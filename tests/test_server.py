"""The managed local Neo4j server: one per KG_HOME, started on demand, reachable, private."""

from __future__ import annotations

import os
import re
import shutil
import socket
import stat
import subprocess
import urllib.request
from pathlib import Path

import pytest
from conftest import run_kg

from kg import server
from kg.connection import Connection, Settings

pytestmark = pytest.mark.neo4j


def managed_env(home: Path) -> dict[str, str]:
    """The environment of a user who relies on the managed server of `home`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "KG_"))}
    env["KG_HOME"] = str(home)
    return env


def field(output: str, name: str) -> str:
    """The value of a `Name: value` line of `kg server status`."""
    match = re.search(rf"^{name}:\s+(.+)$", output, re.MULTILINE)
    assert match, f"no {name!r} line in:\n{output}"
    return match.group(1).strip()


def count_markers(info: server.ServerInfo) -> int:
    """How many :Marker nodes the server of `info` holds."""
    with Connection(Settings(uri=info.bolt_uri, password=info.password())) as conn:
        records, _, _ = conn.driver.execute_query("MATCH (m:Marker) RETURN count(m) AS n")
        return int(records[0]["n"])


def test_two_kg_homes_are_two_servers_with_their_own_data(tmp_path: Path) -> None:
    home_a, home_b = tmp_path / "a", tmp_path / "b"
    try:
        # Started by a `kg` process that then exits: the server must outlive it.
        started = run_kg(["server", "start"], managed_env(home_a))
        assert started.returncode == 0, started.stderr
        info_a = server.status(home_a)
        assert info_a is not None
        assert field(started.stdout, "Bolt URI") == info_a.bolt_uri
        info_b = server.start(home_b)

        assert {info_a.bolt_uri, info_a.browser_url}.isdisjoint({info_b.bolt_uri, info_b.browser_url})
        assert info_a.password() != info_b.password()
        with Connection(Settings(uri=info_a.bolt_uri, password=info_a.password())) as conn:
            conn.driver.execute_query("CREATE (:Marker {home: 'a'})")
        assert (count_markers(info_a), count_markers(info_b)) == (1, 0)

        assert server.stop(home_a) is True
        assert server.status(home_a) is None
        assert server.status(home_b) is not None

        # A restart keeps the Bolt port, the password and the data; a recorded port that another
        # program took meanwhile is replaced by a free one.
        with socket.socket() as squatter:
            squatter.bind(("127.0.0.1", int(info_a.browser_url.split(":")[2].split("/")[0])))
            squatter.listen()
            again = server.ensure_running(home_a)
        assert again.bolt_uri == info_a.bolt_uri
        assert again.browser_url != info_a.browser_url
        assert count_markers(again) == 1
    finally:
        server.stop(home_a)
        server.stop(home_b)
    assert server.stop(home_a) is False
    assert server.status(home_b) is None


def test_status_prints_a_browser_url_that_serves_the_browser(kg_env: dict[str, str]) -> None:
    if "KG_HOME" not in kg_env:
        pytest.skip("the session's Neo4j is not the managed server")
    result = run_kg(["server", "status"], kg_env)
    assert result.returncode == 0, result.stderr
    url = field(result.stdout, "Browser URL")
    assert url.startswith("http://127.0.0.1:")
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.status == 200
        assert "Neo4j Browser" in response.read().decode("utf-8", "replace")
    assert field(result.stdout, "Bolt URI").startswith("bolt://127.0.0.1:")


def test_managed_server_tells_the_browser_to_send_no_usage_data(neo4j_conn: Connection) -> None:
    if not neo4j_conn.settings.managed:
        pytest.skip("the session's Neo4j is not the managed server")
    # The Browser reads these through dbms.clientConfig when it connects.
    records, _, _ = neo4j_conn.driver.execute_query("CALL dbms.clientConfig() YIELD name, value RETURN *")
    config = {record["name"]: record["value"] for record in records}
    assert config["client.allow_telemetry"] == "false"
    assert config["browser.remote_content_hostname_whitelist"] == "localhost"
    assert "browser.allow_outgoing_connections" not in config  # absent: the Browser takes it as false
    records, _, _ = neo4j_conn.driver.execute_query(
        "SHOW SETTINGS YIELD name, value WHERE name = 'dbms.usage_report.enabled' RETURN value"
    )
    assert records[0]["value"] == "false"


def test_password_file_is_private_and_named_by_status(kg_env: dict[str, str]) -> None:
    if "KG_HOME" not in kg_env:
        pytest.skip("the session's Neo4j is not the managed server")
    result = run_kg(["server", "status"], kg_env)
    password_file = Path(field(result.stdout, "Password").removeprefix("in ").split(" (")[0])
    assert password_file.parent == Path(kg_env["KG_HOME"]).absolute()
    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
    assert len(password_file.read_text().strip()) >= 16


def test_stale_pid_file_means_not_running(tmp_path: Path) -> None:
    home = tmp_path / "home"
    pid_file = home / "neo4j" / "run" / "kg-server.pid"
    pid_file.parent.mkdir(parents=True)
    # Neither a finished process nor a live unrelated one (this test) is taken for the server.
    for pid in (_finished_pid(), os.getpid()):
        pid_file.write_text(f"{pid}\n")
        status = run_kg(["server", "status"], managed_env(home))
        assert (status.returncode, status.stdout.strip()) == (
            1,
            "not running (start it with `kg server start`)",
        )
        assert not pid_file.exists()
        pid_file.write_text(f"{pid}\n")
        stopped = run_kg(["server", "stop"], managed_env(home))
        assert (stopped.returncode, stopped.stdout.strip()) == (0, "not running")
        assert not pid_file.exists()


def test_server_that_does_not_answer_in_time_is_stopped_and_its_log_named(tmp_path: Path) -> None:
    home = tmp_path / "slow"
    env = managed_env(home) | {"KG_SERVER_START_TIMEOUT": "1"}
    result = run_kg(["server", "start"], env)
    assert result.returncode == 1
    log = server.log_file(home)
    assert result.stderr.strip().splitlines() == [
        f"Error: the Neo4j server did not answer on {_bolt_uri(home)} within 1 s and was stopped: "
        f"see {log} (a slow machine may need KG_SERVER_START_TIMEOUT=600)"
    ]
    assert log.is_file()
    assert server.status(home) is None


def _bolt_uri(home: Path) -> str:
    ports = server.Ports.model_validate_json((home / "server.json").read_text())
    return f"bolt://127.0.0.1:{ports.bolt_port}"


def _finished_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def test_server_that_dies_while_starting_is_one_error_line_naming_its_log(tmp_path: Path) -> None:
    real_java = shutil.which("java")
    if real_java is None:
        pytest.skip("no Java on PATH")
    # A Java that sets the password like the real one but cannot start the server itself.
    tools = tmp_path / "bin"
    tools.mkdir()
    fake = tools / "java"
    fake.write_text(
        "#!/bin/sh\n"
        f'case "$*" in *{server.ENTRY_POINT}*) '
        'echo "Error: Could not create the Java Virtual Machine."; exit 1;; esac\n'
        f'exec {real_java} "$@"\n'
    )
    fake.chmod(0o755)
    home = tmp_path / "home"
    env = managed_env(home) | {"PATH": f"{tools}{os.pathsep}{os.environ['PATH']}"}
    env.pop("JAVA_HOME", None)
    result = run_kg(["server", "start"], env)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Error: the Neo4j server stopped while starting (Error: Could not create the Java Virtual Machine.): "
        f"see {server.log_file(home)}"
    ]
    assert server.status(home) is None
