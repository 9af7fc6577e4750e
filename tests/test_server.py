"""The managed local Neo4j server: one per KG_HOME, started on demand, reachable, private."""

from __future__ import annotations

import os
import re
import shutil
import socket
import stat
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
from conftest import run_kg

from kg import server
from kg.connection import Connection, Settings
from kg.errors import ServerError

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


# --- a first start in a KG_HOME that already exists, with loose modes -----------------------------

# A password a user put in KG_HOME/password before the first start, with every character an
# argument file could misread (a leading @, quotes, a space, #, a backslash, a non-ASCII letter).
SEEDED_PASSWORD = "@kg-Secret 9Zq7\"x'y#\\z\u00e9"


class FirstStart(NamedTuple):
    home: Path
    result: subprocess.CompletedProcess[str]
    command_lines: set[bytes]
    """Every process command line seen on the machine while `kg server start` ran."""


def command_lines_while(action: threading.Event, seen: set[bytes]) -> None:
    """Collect the command line of every process, over and over, until action is set."""
    while not action.is_set():
        for pid in os.listdir("/proc"):
            if pid.isdigit():
                try:
                    seen.add((Path("/proc") / pid / "cmdline").read_bytes())
                except OSError:
                    pass
        time.sleep(0.005)


@pytest.fixture(scope="module")
def first_start(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FirstStart]:
    """`kg server start` in a KG_HOME made beforehand with mode 0755, a 0644 password file in it
    and a log left from an earlier run, while every process's command line is recorded."""
    home = tmp_path_factory.mktemp("existing") / "home"
    logs = home / "neo4j" / "logs"
    logs.mkdir(parents=True)
    (logs / "console.log").write_text("an earlier run\n")
    (home / "password").write_text(SEEDED_PASSWORD + "\n", encoding="utf-8")
    for path, mode in ((home, 0o755), (home / "neo4j", 0o755), (logs, 0o755), (logs / "console.log", 0o644)):
        path.chmod(mode)
    (home / "password").chmod(0o644)
    seen: set[bytes] = set()
    done = threading.Event()
    watcher = threading.Thread(target=command_lines_while, args=(done, seen), daemon=True)
    watcher.start()
    try:
        result = run_kg(["server", "start"], managed_env(home))
        info = server.status(home)
        if info is not None:  # the running server's own command line too
            seen.add((Path("/proc") / str(info.pid) / "cmdline").read_bytes())
        done.set()
        watcher.join()
        yield FirstStart(home, result, seen)
    finally:
        done.set()
        server.stop(home)


def test_first_start_puts_the_password_on_no_command_line(first_start: FirstStart) -> None:
    assert first_start.result.returncode == 0, first_start.result.stderr
    lines = first_start.command_lines
    # The recording did see neo4j-admin (both of its JVMs) and the server, so it could have seen it.
    assert any(server.ADMIN_ENTRY_POINT.encode() in line for line in lines)
    assert any(b"org.neo4j.cli.AdminTool" in line for line in lines)
    assert any(
        server.ENTRY_POINT.encode() in line and str(first_start.home).encode() in line for line in lines
    )
    secret = SEEDED_PASSWORD.encode("utf-8")
    assert [line for line in lines if secret in line or b"9Zq7" in line] == []
    # neo4j-admin got the password exactly, odd characters and all, and its argument file is gone.
    info = server.status(first_start.home)
    assert info is not None and info.password() == SEEDED_PASSWORD
    with Connection(Settings(uri=info.bolt_uri, password=SEEDED_PASSWORD)) as conn:
        records, _, _ = conn.driver.execute_query("RETURN 1 AS one")
        assert records[0]["one"] == 1
    assert list(first_start.home.glob(".admin-args-*")) == []


def test_existing_kg_home_is_made_private_with_everything_in_it(first_start: FirstStart) -> None:
    assert first_start.result.returncode == 0, first_start.result.stderr
    home = first_start.home
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    open_to_others = []
    count = 0
    for folder, dirs, files in os.walk(home):
        for name in dirs + files:
            path = Path(folder) / name
            mode = path.lstat().st_mode
            count += 1
            if not stat.S_ISLNK(mode) and mode & 0o077:
                open_to_others.append(f"{oct(stat.S_IMODE(mode))} {path.relative_to(home)}")
    assert open_to_others == []
    # What the server wrote is checked too: its store, its logs, the auth file of neo4j-admin.
    assert count > 50
    assert (home / "neo4j" / "data" / "databases" / "neo4j").is_dir()
    assert stat.S_IMODE((home / "password").stat().st_mode) == 0o600


# --- a password file that does not fit the server -------------------------------------------------


@pytest.mark.parametrize(
    ("content", "what"),
    [(b"not-the-password\n", "was refused by the server"), (b"\xff\xfe\x00\x9c", "is not text (damaged?)")],
    ids=["wrong", "not-text"],
)
def test_password_file_the_server_refuses_is_named_with_what_to_do(
    kg_env: dict[str, str], content: bytes, what: str
) -> None:
    if "KG_HOME" not in kg_env:
        pytest.skip("the session's Neo4j is not the managed server")
    home = Path(kg_env["KG_HOME"])
    password_file = home / "password"
    right = password_file.read_bytes()
    try:
        password_file.write_bytes(content)
        result = run_kg(["query", "stats"], kg_env)
    finally:
        password_file.write_bytes(right)
        wait_until_the_password_is_accepted(home)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"Error: the password in {password_file} {what}: put back the password file of this KG_HOME (it "
        f"holds the password set on its first start), or run `kg server stop` and delete {home / 'neo4j'} "
        "to start again with an empty graph"
    ]
    assert "NEO4J_" not in result.stderr


def wait_until_the_password_is_accepted(home: Path) -> None:
    """Neo4j refuses even the right password for a few seconds after failed attempts."""
    info = server.status(home)
    assert info is not None
    deadline = time.monotonic() + 30
    while True:
        try:
            with Connection(Settings(uri=info.bolt_uri, password=info.password())) as conn:
                conn.driver.execute_query("RETURN 1")
            return
        except ServerError:
            if time.monotonic() > deadline:
                raise
            time.sleep(1)
