"""One root exception; the CLI turns any KgError into a one-line `Error: ...` with exit status 1."""


class KgError(Exception):
    """An error the user can fix; its message says what is wrong and what to do."""


class ConfigError(KgError):
    """Missing tool (Java, Maven), bad setting, or unusable KG_HOME."""


class ServerError(KgError):
    """The Neo4j server cannot be reached, started or authenticated against."""


class InputError(KgError):
    """An input file or line is unusable (reported and skipped where possible)."""


class SchemaVersionError(InputError):
    """An extraction file written with another schema version."""


class TemplateError(KgError):
    """Unknown template or parameter, or a missing required parameter."""


class LoadError(KgError):
    """A batch could not be written to Neo4j; it was rolled back whole."""


class FetchError(InputError):
    """A web page or feed could not be fetched (reported as one line; the rest goes on)."""
