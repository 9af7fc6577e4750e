"""Which Neo4j to talk to: NEO4J_* settings, or the managed local server of KG_HOME."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

from pydantic import BaseModel, ConfigDict

from kg.errors import ServerError

# The driver logs some failures (e.g. "Unable to retrieve routing information") before raising;
# without a handler Python prints them to stderr, doubling our one-line `Error: ...`.
logging.getLogger("neo4j").addHandler(logging.NullHandler())


class Settings(BaseModel):
    """Where and how to connect; `managed` is true for the local server of KG_HOME."""

    model_config = ConfigDict(extra="forbid")

    uri: str
    username: str = "neo4j"
    password: str
    database: str | None = None
    managed: bool = False
    home: Path | None = None
    """The KG_HOME of the managed server (its password file is named when the password is refused)."""


def settings_from_env(environ: Mapping[str, str] | None = None, *, start_server: bool = True) -> Settings:
    """Read NEO4J_URI/USERNAME/PASSWORD/DATABASE; without NEO4J_URI use (and start) the local server."""
    env = os.environ if environ is None else environ
    uri = env.get("NEO4J_URI")
    if uri:
        password = env.get("NEO4J_PASSWORD")
        if password is None:
            raise ServerError("NEO4J_URI is set but NEO4J_PASSWORD is not: export the server's password")
        return Settings(
            uri=uri,
            username=env.get("NEO4J_USERNAME", "neo4j"),
            password=password,
            database=env.get("NEO4J_DATABASE") or None,
        )
    from kg import server

    home = server.kg_home(env)
    info = server.ensure_running(home) if start_server else server.status(home)
    if info is None:
        raise ServerError("the local Neo4j server is not running: start it with `kg server start`")
    return Settings(
        uri=info.bolt_uri, username=info.username, password=info.password(), managed=True, home=home
    )


class Connection:
    """An open driver plus the database to use; close it (or use `with`) when done."""

    def __init__(self, settings: Settings):
        import neo4j
        from neo4j import exceptions as neo4j_errors

        self.settings = settings
        self.database = settings.database
        try:
            auth = (settings.username, settings.password)
            self.driver = neo4j.GraphDatabase.driver(settings.uri, auth=auth)
            self.driver.verify_connectivity()
        except neo4j_errors.AuthError:
            raise ServerError(_refused(settings)) from None
        except (neo4j_errors.ServiceUnavailable, OSError) as exc:
            raise ServerError(
                f"cannot reach Neo4j at {settings.uri} ({_first_line(exc)}): "
                "is the server running and NEO4J_URI right?"
            ) from None
        except (neo4j_errors.ConfigurationError, ValueError) as exc:
            raise ServerError(f"bad Neo4j URI {settings.uri!r}: {_first_line(exc)}") from None

    def close(self) -> None:
        """Close the driver."""
        self.driver.close()

    def __enter__(self) -> Connection:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def connect(*, start_server: bool = True, settings: Settings | None = None) -> Connection:
    """Open a connection to the configured server (starting the local one when needed)."""
    return Connection(settings or settings_from_env(start_server=start_server))


def _refused(settings: Settings) -> str:
    """Why the server refused us, naming what the user set: the password file or NEO4J_*."""
    if settings.managed and settings.home is not None:
        from kg.server import password_refused

        return password_refused(settings.home)
    return f"Neo4j at {settings.uri} refused the username or password: check NEO4J_USERNAME/NEO4J_PASSWORD"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]
