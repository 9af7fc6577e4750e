"""The managed local Neo4j server of a KG_HOME: provision the jars once, start, stop, report.

Layout of a KG_HOME (default ~/.local/share/conflict-kg):

    password            the generated password of the user `neo4j` (mode 0600)
    server.json         the ports chosen on first start (reused on every start)
    neo4j/              Neo4j's home: conf/neo4j.conf, data/, logs/, run/kg-server.pid
    neo4j/logs/console.log  what the server prints (the first place to look when it fails)

The jars (Neo4j server, launcher and Browser, ~140 MB) are downloaded once per machine with Maven
into ~/.cache/conflict-kg/neo4j-<version>/lib and shared by all KG_HOMEs.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import re
import secrets
import shutil
import signal
import socket
import stat
import string
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from kg.errors import ConfigError, ServerError

NEO4J_VERSION = "5.26.30"
BROWSER_VERSION = "5.24.0"
MIN_JAVA = 17
ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
ADMIN_ENTRY_POINT = "org.neo4j.server.startup.Neo4jAdminBoot"

HEAP_INITIAL = "1g"
HEAP_MAX = "2g"
PAGECACHE = "512m"
START_TIMEOUT_S = 180.0
STOP_TIMEOUT_S = 60.0
MAVEN_TIMEOUT_S = 1800.0

_PASSWORD_ALPHABET = string.ascii_letters + string.digits

# Keep the driver's own log lines (connection refused while the server boots) off stderr.
logging.getLogger("neo4j").addHandler(logging.NullHandler())


class ServerInfo(BaseModel):
    """A running managed server: where to connect and where its password is."""

    model_config = ConfigDict(extra="forbid")

    home: Path
    bolt_uri: str
    browser_url: str
    username: str = "neo4j"
    password_file: Path
    pid: int

    def password(self) -> str:
        """The generated password, read from its 0600 file."""
        try:
            return self.password_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ServerError(
                f"cannot read the password file {self.password_file} ({exc.strerror}): "
                "run kg as the user who started the server"
            ) from None
        except UnicodeDecodeError:
            raise ServerError(password_refused(self.home, "is not text (damaged?)")) from None


class Ports(BaseModel):
    """The two ports of a managed server, recorded in KG_HOME/server.json."""

    model_config = ConfigDict(extra="forbid")

    bolt_port: int
    http_port: int


# --- where things live ------------------------------------------------------------------------


def kg_home(environ: Mapping[str, str] | None = None) -> Path:
    """The KG_HOME folder: $KG_HOME, else a per-user default (~/.local/share/conflict-kg)."""
    env = os.environ if environ is None else environ
    if env.get("KG_HOME"):
        return Path(env["KG_HOME"]).expanduser().absolute()
    data_home = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home).expanduser().absolute() / "conflict-kg"


def cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The per-machine folder holding the Neo4j jars of the pinned version, shared by all KG_HOMEs."""
    env = os.environ if environ is None else environ
    cache_home = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache_home).expanduser().absolute() / "conflict-kg" / f"neo4j-{NEO4J_VERSION}"


def _neo4j_home(home: Path) -> Path:
    return home / "neo4j"


def _pid_file(home: Path) -> Path:
    return _neo4j_home(home) / "run" / "kg-server.pid"


def _state_file(home: Path) -> Path:
    return home / "server.json"


def _password_file(home: Path) -> Path:
    return home / "password"


def log_file(home: Path) -> Path:
    """The file the server of this KG_HOME prints to: the first place to look when it fails."""
    # Not neo4j.log: Neo4j writes that one itself, and console.log also has what the JVM says
    # before Neo4j's logging starts (bad options, missing classes).
    return _neo4j_home(home) / "logs" / "console.log"


# --- the public entry points ------------------------------------------------------------------


def start(home: Path) -> ServerInfo:
    """Provision (first time), start and wait until Bolt answers; return the info of a running one."""
    home = _prepare_home(home)
    with _private_files(), _locked(home / ".server.lock"):
        info = _running_info(home)
        if info is not None:
            # Started by a `kg` that was interrupted while it waited: wait here instead.
            if not _bolt_port_open(info):
                _wait_until_ready(info)
            return info
        java = find_java()
        ports = _choose_ports(home)
        lib = provision()
        _write_conf(home, ports)
        password_file = _ensure_password(home, java, lib)
        pid = _launch(home, java, lib)
        info = _info(home, ports, pid, password_file)
        _wait_until_ready(info)
        return info


def ensure_running(home: Path) -> ServerInfo:
    """The running server of this KG_HOME, started first if needed (used by build/load/query/reset)."""
    return start(home)


def status(home: Path) -> ServerInfo | None:
    """The info of the running server of this KG_HOME, or None (a stale pid file is removed)."""
    home = home.absolute()
    if not home.is_dir():
        return None
    return _running_info(home)


def stop(home: Path) -> bool:
    """Stop the server of this KG_HOME; True if it was running."""
    home = home.absolute()
    if not home.is_dir():
        return False
    with _locked(home / ".server.lock"):
        pid = _read_pid(home)
        if pid is None or not _is_our_server(pid, home):
            _pid_file(home).unlink(missing_ok=True)
            return False
        _terminate(pid, home)
        _pid_file(home).unlink(missing_ok=True)
        return True


def describe(info: ServerInfo) -> str:
    """Human-readable lines: Bolt URI, Browser URL, user, where the password and the log are."""
    return "\n".join(
        [
            f"Bolt URI:     {info.bolt_uri}",
            f"Browser URL:  {info.browser_url}",
            f"Username:     {info.username}",
            f"Password:     in {info.password_file} (readable only by you: cat it)",
            f"Log:          {log_file(info.home)}",
            f"KG_HOME:      {info.home} (pid {info.pid})",
        ]
    )


def password_refused(home: Path, what: str = "was refused by the server") -> str:
    """The message for a password file the managed server of home does not accept: which file, what to do."""
    return (
        f"the password in {_password_file(home)} {what}: put back the password file of this KG_HOME "
        f"(it holds the password set on its first start), or run `kg server stop` and delete "
        f"{_neo4j_home(home)} to start again with an empty graph"
    )


# --- tools: Java and Maven --------------------------------------------------------------------


def find_java() -> str:
    """The java executable ($JAVA_HOME/bin/java, else java on PATH), checked to be Java 17 or newer."""
    java_home = os.environ.get("JAVA_HOME")
    java = None
    if java_home and (Path(java_home) / "bin" / "java").is_file():
        java = str(Path(java_home) / "bin" / "java")
    java = java or shutil.which("java")
    if java is None:
        raise ConfigError(
            f"Java {MIN_JAVA} or newer is needed to run the local Neo4j server and was not found: "
            "install a JDK (e.g. `apt install openjdk-17-jdk-headless`) "
            "or set NEO4J_URI to use another server"
        )
    try:
        done = subprocess.run(
            [java, "-version"], capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ConfigError(
            f"cannot run {java} -version ({exc}): fix the Java installation or JAVA_HOME"
        ) from None
    major = java_major_version(done.stderr + done.stdout)
    if major is None or major < MIN_JAVA:
        found = "an unknown version" if major is None else f"Java {major}"
        raise ConfigError(
            f"{java} is {found}, but Neo4j {NEO4J_VERSION} needs Java {MIN_JAVA} or newer: "
            "install a JDK 17 or 21 and put it first on PATH (or set JAVA_HOME)"
        )
    return java


def java_major_version(version_output: str) -> int | None:
    """The major version in `java -version` output ("1.8.0_x" is 8, "17.0.15" is 17), or None."""
    match = re.search(r'version "(\d+)(?:\.(\d+))?', version_output)
    if match is None:
        return None
    major = int(match.group(1))
    if major == 1 and match.group(2):
        return int(match.group(2))
    return major


def provision(environ: Mapping[str, str] | None = None) -> Path:
    """Download the Neo4j jars with Maven into the per-machine cache, once; return the lib folder."""
    cache = cache_dir(environ)
    lib = cache / "lib"
    if _lib_complete(lib):
        return lib
    try:
        cache.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(
            f"cannot create the jar cache {cache} ({exc.strerror}): set XDG_CACHE_HOME"
        ) from None
    # Two `kg` processes on a fresh machine must not download into the same folder at once.
    with _locked(cache / ".provision.lock"):
        if _lib_complete(lib):
            return lib
        mvn = shutil.which("mvn")
        if mvn is None:
            raise ConfigError(
                f"Maven (mvn) is needed once to download the Neo4j {NEO4J_VERSION} jars into {cache} "
                "and was not found: install Maven (e.g. `apt install maven`) or set NEO4J_URI to use "
                "another server"
            )
        print(
            f"Downloading Neo4j {NEO4J_VERSION} (~140 MB, once per machine) with Maven into {lib} ...",
            file=sys.stderr,
        )
        _run_maven(mvn, cache, lib)
    return lib


def _lib_complete(lib: Path) -> bool:
    return (lib / f"neo4j-server-{NEO4J_VERSION}.jar").is_file() and (
        lib / f"neo4j-browser-{BROWSER_VERSION}.jar"
    ).is_file()


def _run_maven(mvn: str, cache: Path, lib: Path) -> None:
    log = cache / "maven.log"
    with tempfile.TemporaryDirectory(prefix="build-", dir=cache) as build_dir:
        build = Path(build_dir)
        pom = build / "pom.xml"
        pom.write_bytes(resources.files("kg").joinpath("neo4j/pom.xml").read_bytes())
        staging = build / "lib"
        command = [
            mvn,
            "--batch-mode",
            "--no-transfer-progress",
            "-f",
            str(pom),
            "package",
            f"-Dlibdir={staging}",
            f"-Dneo4j.version={NEO4J_VERSION}",
            f"-Dbrowser.version={BROWSER_VERSION}",
        ]
        with log.open("w", encoding="utf-8") as out:
            try:
                done = subprocess.run(
                    command,
                    cwd=build,
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    timeout=MAVEN_TIMEOUT_S,
                )
                code: int | str = done.returncode
            except subprocess.TimeoutExpired:
                code = f"no result after {MAVEN_TIMEOUT_S:.0f} s"
            except OSError as exc:
                code = str(exc)
        if code != 0 or not _lib_complete(staging):
            raise ServerError(
                f"Maven could not download the Neo4j {NEO4J_VERSION} jars (exit {code}): see {log}; "
                "check access to Maven Central (or your mirror in ~/.m2/settings.xml) and retry"
            )
        if lib.exists():
            shutil.rmtree(lib)
        # The rename makes the cache appear complete at once, never half-filled.
        staging.rename(lib)


# --- one KG_HOME ------------------------------------------------------------------------------


_HOME_FOLDERS = ("conf", "data", "logs", "plugins", "import", "run")


def _prepare_home(home: Path) -> Path:
    """Create KG_HOME (or take an existing one) and make it private: 0700, nothing open to others."""
    home = home.absolute()
    neo4j_home = _neo4j_home(home)
    try:
        home.mkdir(mode=0o700, parents=True, exist_ok=True)
        _make_private(home)
        for sub in _HOME_FOLDERS:
            (neo4j_home / sub).mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(
            f"cannot use KG_HOME {home} ({exc.strerror}): set KG_HOME to a folder you can write"
        ) from None
    return home


def _make_private(home: Path) -> None:
    """KG_HOME holds the password and the graph: mode 0700, and no group or other bits inside it.

    A folder other users may write into (like /tmp) or that belongs to someone else is refused:
    making it private would lock its other users out, and it cannot keep a password private.
    """
    info = home.stat()
    if info.st_uid != os.getuid():
        raise ConfigError(
            f"KG_HOME {home} belongs to another user, so it cannot keep the server's password private: "
            "set KG_HOME to a folder of your own"
        )
    if info.st_mode & (stat.S_IWOTH | stat.S_ISVTX):
        raise ConfigError(
            f"KG_HOME {home} is a folder other users can write into, so it cannot keep the server's "
            f"password private: set KG_HOME to a folder of its own, e.g. {home / 'conflict-kg'}"
        )
    if stat.S_IMODE(info.st_mode) != 0o700:
        home.chmod(0o700)
    for folder, dirs, files in os.walk(home):
        for name in dirs + files:
            path = os.path.join(folder, name)
            mode = os.lstat(path).st_mode
            # A symlink is left alone: chmod would change what it points to, outside KG_HOME.
            if not stat.S_ISLNK(mode) and mode & 0o077:
                os.chmod(path, stat.S_IMODE(mode) & 0o700)


@contextlib.contextmanager
def _private_files() -> Iterator[None]:
    """Files created meanwhile (by kg, neo4j-admin and the server it launches) are for the user only."""
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _read_pid(home: Path) -> int | None:
    try:
        return int(_pid_file(home).read_text().strip())
    except (OSError, ValueError):
        return None


def _is_our_server(pid: int, home: Path) -> bool:
    """Whether pid is alive and is the Neo4j of this KG_HOME (not a reused pid, not a zombie)."""
    proc = Path("/proc") / str(pid)
    if Path("/proc/self").exists():
        try:
            args = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            return False
        wanted = f"--home-dir={_neo4j_home(home)}".encode()
        return ENTRY_POINT.encode() in args and wanted in args
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _running_info(home: Path) -> ServerInfo | None:
    pid = _read_pid(home)
    if pid is None:
        return None
    if not _is_our_server(pid, home):
        _pid_file(home).unlink(missing_ok=True)
        return None
    ports = _recorded_ports(home)
    if ports is None:
        return None
    return _info(home, ports, pid, _password_file(home))


def _info(home: Path, ports: Ports, pid: int, password_file: Path) -> ServerInfo:
    return ServerInfo(
        home=home,
        bolt_uri=f"bolt://127.0.0.1:{ports.bolt_port}",
        browser_url=f"http://127.0.0.1:{ports.http_port}/browser/",
        password_file=password_file,
        pid=pid,
    )


def _bolt_port_open(info: ServerInfo) -> bool:
    port = int(info.bolt_uri.rsplit(":", 1)[1])
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            return True
    except OSError:
        return False


def _recorded_ports(home: Path) -> Ports | None:
    try:
        return Ports.model_validate_json(_state_file(home).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _port_from_env(name: str) -> int | None:
    value = os.environ.get(name)
    if not value:
        return None
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise ConfigError(f"{name}={value!r} is not a port number: set it to 1..65535 or unset it")
    return int(value)


def _choose_ports(home: Path) -> Ports:
    """KG_BOLT_PORT/KG_HTTP_PORT, else the recorded ports, else free ones; checked free and recorded.

    A recorded port that another program took meanwhile is replaced by a free one (with a note on
    stderr); a port set in KG_BOLT_PORT/KG_HTTP_PORT must be free.
    """
    recorded = _recorded_ports(home)
    pinned = {"Bolt": _port_from_env("KG_BOLT_PORT"), "HTTP": _port_from_env("KG_HTTP_PORT")}
    for what, port in pinned.items():
        if port is not None and not _port_is_free(port):
            variable = f"KG_{what.upper()}_PORT"
            raise ServerError(
                f"port {port} ({what}, {variable}) is in use by another program: stop that program, "
                f"or set {variable} to a free port (or unset it to let kg choose one)"
            )
    previous = {"Bolt": recorded.bolt_port, "HTTP": recorded.http_port} if recorded else {}
    chosen: dict[str, int] = {}
    for what in ("Bolt", "HTTP"):
        port = pinned[what] or previous.get(what)
        if port is not None and (pinned[what] or _port_is_free(port)):
            chosen[what] = port
        elif port is not None:
            print(
                f"Port {port} ({what}) of {home} is taken by another program: using another one.",
                file=sys.stderr,
            )
    free = iter(_free_ports(2 - len(chosen), avoid=set(chosen.values())))
    for what in ("Bolt", "HTTP"):
        if what not in chosen:
            chosen[what] = next(free)
    ports = Ports(bolt_port=chosen["Bolt"], http_port=chosen["HTTP"])
    if ports != recorded:
        _state_file(home).write_text(ports.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return ports


def _free_ports(count: int, avoid: set[int]) -> list[int]:
    sockets: list[socket.socket] = []
    try:
        ports: list[int] = []
        while len(ports) < count:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sockets.append(sock)
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
            if port not in avoid:
                ports.append(port)
        return ports
    finally:
        for sock in sockets:
            sock.close()


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # Java's server sockets reuse addresses, so a port in TIME_WAIT counts as free.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _write_conf(home: Path, ports: Ports) -> None:
    template = string.Template(resources.files("kg").joinpath("neo4j/neo4j.conf").read_text(encoding="utf-8"))
    text = template.substitute(
        neo4j_home=_neo4j_home(home),
        state_file=_state_file(home),
        bolt_port=ports.bolt_port,
        http_port=ports.http_port,
        heap_initial=HEAP_INITIAL,
        heap_max=HEAP_MAX,
        pagecache=PAGECACHE,
    )
    (_neo4j_home(home) / "conf" / "neo4j.conf").write_text(text, encoding="utf-8")


def _conf_values(home: Path, key: str) -> list[str]:
    values = []
    for line in (_neo4j_home(home) / "conf" / "neo4j.conf").read_text(encoding="utf-8").splitlines():
        name, sep, value = line.partition("=")
        if sep and name.strip() == key:
            values.append(value.strip())
    return values


def _ensure_password(home: Path, java: str, lib: Path) -> Path:
    """The password file; before the first start, set its password (generated if new) as Neo4j's."""
    path = _password_file(home)
    first_start = not (_neo4j_home(home) / "data" / "databases" / "system").exists()
    if not first_start:
        if not path.exists():
            raise ServerError(
                f"the password file {path} is missing but the server already has data: restore the "
                f"file, or delete {_neo4j_home(home)} to start with an empty graph"
            )
        if path.stat().st_mode & 0o077:
            path.chmod(0o600)
        return path
    if path.exists():
        path.chmod(0o600)
        password = path.read_text(encoding="utf-8").strip()
    else:
        password = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(32))
    _set_initial_password(home, java, lib, password)
    if not path.exists():
        partial = path.with_name(".password.tmp")
        partial.unlink(missing_ok=True)
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(password + "\n")
        partial.replace(path)
    return path


def _set_initial_password(home: Path, java: str, lib: Path, password: str) -> None:
    """Run `neo4j-admin dbms set-initial-password` without the password on any command line.

    Every local user can read a process's arguments (/proc/PID/cmdline), so neo4j-admin gets its
    arguments from an @-file (expanded by its picocli parser, also in the JVM it starts itself),
    mode 0600 in the private KG_HOME, removed as soon as it is done.
    """
    admin_log = _neo4j_home(home) / "logs" / "neo4j-admin.log"
    fd, argfile = tempfile.mkstemp(prefix=".admin-args-", dir=home)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(f"dbms\nset-initial-password\n{_atfile_argument(password)}\n")
        with admin_log.open("w", encoding="utf-8") as out:
            done = subprocess.run(
                [java, "-cp", f"{lib}/*", ADMIN_ENTRY_POINT, f"@{argfile}"],
                env=_neo4j_env(home),
                cwd=_neo4j_home(home),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=300,
            )
    finally:
        os.unlink(argfile)
    if done.returncode != 0:
        raise ServerError(
            f"neo4j-admin could not set the initial password (exit {done.returncode}): see {admin_log}"
        )


def run_admin(home: Path, arguments: list[str], log: Path) -> int:
    """Run the pinned neo4j-admin with this KG_HOME's conf (the server must be stopped for most
    commands); its output goes to log; return its exit status."""
    home = _prepare_home(home)
    java = find_java()
    lib = provision()
    with _private_files(), log.open("w", encoding="utf-8") as out:
        done = subprocess.run(
            [java, "-cp", f"{lib}/*", ADMIN_ENTRY_POINT, *arguments],
            env=_neo4j_env(home),
            cwd=_neo4j_home(home),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return done.returncode


def remove_database_files(home: Path, database: str) -> None:
    """Delete the store and transaction logs of one database of a stopped server (it starts empty)."""
    data = _neo4j_home(home.absolute()) / "data"
    for folder in (data / "databases" / database, data / "transactions" / database):
        shutil.rmtree(folder, ignore_errors=True)


def _atfile_argument(value: str) -> str:
    """One argument of a picocli @-file: double-quoted with escapes; a leading @ doubled (else a file)."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return '"' + ("@" + escaped if escaped.startswith("@") else escaped) + '"'


def _neo4j_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env["NEO4J_HOME"] = str(_neo4j_home(home))
    env["NEO4J_CONF"] = str(_neo4j_home(home) / "conf")
    return env


def _java_command(home: Path, java: str, lib: Path) -> list[str]:
    """The command Neo4j's own launcher would run: heap from the conf, its JVM options, console mode."""
    heap_initial = _conf_values(home, "server.memory.heap.initial_size")
    heap_max = _conf_values(home, "server.memory.heap.max_size")
    neo4j_home = _neo4j_home(home)
    return [
        java,
        *(f"-Xms{size}" for size in heap_initial[-1:]),
        *(f"-Xmx{size}" for size in heap_max[-1:]),
        "-Dfile.encoding=UTF-8",
        *_conf_values(home, "server.jvm.additional"),
        "-cp",
        f"{lib}/*",
        ENTRY_POINT,
        f"--home-dir={neo4j_home}",
        f"--config-dir={neo4j_home / 'conf'}",
        "--console-mode",
    ]


def _launch(home: Path, java: str, lib: Path) -> int:
    """Start the server detached from this process (it outlives `kg`) and record its pid."""
    log = log_file(home)
    # The shell backgrounds java and exits at once, so the server is nobody's child to reap and
    # keeps running after `kg` (or a test session) exits; a new session keeps Ctrl-C away from it.
    script = 'log=$1; shift; "$@" </dev/null >>"$log" 2>&1 & echo $!'
    done = subprocess.run(
        ["/bin/sh", "-c", script, "sh", str(log), *_java_command(home, java, lib)],
        env=_neo4j_env(home),
        cwd=_neo4j_home(home),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        start_new_session=True,
        timeout=60,
    )
    try:
        pid = int(done.stdout.strip())
    except ValueError:
        raise ServerError(f"could not launch Java ({done.stderr.strip() or 'no pid'}): see {log}") from None
    _pid_file(home).write_text(f"{pid}\n", encoding="utf-8")
    return pid


def _wait_until_ready(info: ServerInfo) -> None:
    """Wait until Bolt answers PING with the password; stop the server and explain if it does not."""
    import neo4j
    from neo4j import exceptions as neo4j_errors

    from kg.queries import PING

    timeout = _start_timeout()
    deadline = time.monotonic() + timeout
    log = log_file(info.home)
    password = info.password()
    while True:
        if not _is_our_server(info.pid, info.home):
            _pid_file(info.home).unlink(missing_ok=True)
            raise ServerError(f"the Neo4j server stopped while starting{_log_hint(log)}: see {log}")
        try:
            with neo4j.GraphDatabase.driver(
                info.bolt_uri, auth=(info.username, password), connection_timeout=2.0
            ) as driver:
                # A plain session: execute_query would retry (and log each retry) on its own.
                with driver.session() as session:
                    session.run(PING).consume()
            return
        except neo4j_errors.AuthError:
            _terminate(info.pid, info.home)
            raise ServerError(password_refused(info.home)) from None
        except (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired, neo4j_errors.TransientError):
            pass  # not listening yet, or the databases are still coming up
        except OSError:
            pass
        if time.monotonic() > deadline:
            _terminate(info.pid, info.home)
            _pid_file(info.home).unlink(missing_ok=True)
            raise ServerError(
                f"the Neo4j server did not answer on {info.bolt_uri} within {timeout:g} s and was stopped: "
                f"see {log} (a slow machine may need KG_SERVER_START_TIMEOUT=600)"
            )
        time.sleep(0.5)


def _start_timeout() -> float:
    value = os.environ.get("KG_SERVER_START_TIMEOUT")
    if not value:
        return START_TIMEOUT_S
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if seconds <= 0:
        raise ConfigError(f"KG_SERVER_START_TIMEOUT={value!r} is not a number of seconds: set e.g. 300")
    return seconds


def _log_hint(log: Path) -> str:
    """The last error line of the server log, shortened, as ' (...)'; empty if there is none."""
    try:
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    for line in reversed(lines):
        if "ERROR" in line or "Exception" in line or "Error:" in line:
            text = line.strip()
            return f" ({text[:200]})"
    return ""


def _terminate(pid: int, home: Path) -> None:
    """SIGTERM (Neo4j shuts down cleanly), then SIGKILL if it is still there after STOP_TIMEOUT_S."""
    for sig, wait in ((signal.SIGTERM, STOP_TIMEOUT_S), (signal.SIGKILL, 10.0)):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if not _is_our_server(pid, home):
                return
            time.sleep(0.2)
