"""Cypher templates: read the files of cypher/, check parameters, run them, format the rows.

A template is one `.cypher` file that runs unchanged in the Neo4j Browser and from `kg query`.
Its comment header declares the purpose, each parameter (type, required or nullable), the
`:param` lines a Browser user pastes, and the returned columns; `load_templates` parses it.
This module imports no NLP model, so `kg query` and `kg templates` start fast.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from kg.errors import TemplateError


def _template_dir() -> Path:
    """The project's own templates: cypher/ of a checkout, else the copy a wheel installs."""
    checkout = Path(__file__).resolve().parent.parent / "cypher"
    installed = Path(sys.prefix) / "share" / "conflict-kg" / "cypher"
    return checkout if checkout.is_dir() or not installed.is_dir() else installed


TEMPLATE_DIR = _template_dir()
"""The project's own templates (cypher/ at the root of the repository)."""

ParamType = Literal["string", "integer", "float", "boolean"]
Format = Literal["table", "json", "csv"]

_HEADER_LINE = re.compile(r"^//\s?(.*)$")
_PURPOSE = re.compile(r"^(?:(?P<name>[A-Za-z_][\w-]*)\s*:\s+)?(?P<purpose>.+)$")
_PARAM = re.compile(
    r"^\s+(?P<name>[A-Za-z_]\w*)\s*:\s*(?P<type>string|integer|float|boolean)"
    r"(?:\s+(?P<min>-?\d+)\.\.(?P<max>-?\d+))?\s*,\s*(?P<need>required|nullable)\s*\.?\s*(?P<doc>.*)$"
)
_BROWSER_PARAM = re.compile(r"^\s*(:params?\s+.+)$")
_BROWSER_ENTRY = re.compile(
    r"\s*(?P<key>[A-Za-z_]\w*)\s*(?::|=>)\s*(?P<value>'(?:[^'\\]|\\.)*'|[^,}]+?)\s*(?:,|}|$)"
)
_CHOICES = re.compile(r"One of:\s*(?P<choices>[^.;(]+)")
_COLUMNS = re.compile(r"^Columns\s*:\s*(?P<columns>.+)$")
_TABLE_CELL_WIDTH = 60


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Param(_Model):
    """One declared template parameter: its type, range and whether it may be null."""

    name: str
    type: ParamType
    required: bool = Field(description="true: must be given and not null; false: null means 'any'")
    minimum: int | None = None
    maximum: int | None = None
    choices: list[str] = Field(default_factory=list, description="'One of: A, B, C' in the header")
    description: str = ""

    @property
    def nullable(self) -> bool:
        """Whether null is an accepted value (it means 'any')."""
        return not self.required

    def describe(self) -> str:
        """The parameter as one short phrase, e.g. 'depth (integer 1..3, required)'."""
        kind: str = self.type
        if self.minimum is not None and self.maximum is not None:
            kind += f" {self.minimum}..{self.maximum}"
        return f"{self.name} ({kind}, {'required' if self.required else 'nullable'})"


class Template(_Model):
    """A parsed template file: header facts plus the Cypher text run as is."""

    name: str
    purpose: str
    params: list[Param] = Field(default_factory=list)
    browser_params: list[str] = Field(
        default_factory=list, description="the ':params {...}' line (or ':param' lines) for the Browser"
    )
    columns: list[str]
    cypher: str
    path: str

    def param(self, name: str) -> Param | None:
        """The declared parameter of that name, if any."""
        return next((p for p in self.params if p.name == name), None)


def parse_template(path: Path) -> Template:
    """Parse one template file's header; a malformed header is a TemplateError naming the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise TemplateError(f"template {path} is not UTF-8 text: re-save it as UTF-8") from None
    except OSError as exc:
        raise TemplateError(
            f"cannot read template {path} ({exc.strerror or exc}): give a readable .cypher file"
        ) from None
    header: list[str] = []
    for line in text.splitlines():
        match = _HEADER_LINE.match(line.strip()) if line.strip() else None
        if match is None:
            if header and not line.strip():
                continue
            break
        header.append(match.group(1).rstrip())
    name = path.stem
    if not header:
        raise TemplateError(f"template {path} has no comment header: start it with '// {name}: <purpose>'")
    first = _PURPOSE.match(header[0])
    purpose = first.group("purpose").strip() if first else header[0].strip()
    params: list[Param] = []
    browser: list[str] = []
    columns: list[str] = []
    for line in header[1:]:
        if m := _PARAM.match(line):
            params.append(
                Param(
                    name=m["name"],
                    type=m["type"],  # type: ignore[arg-type]
                    required=m["need"] == "required",
                    minimum=int(m["min"]) if m["min"] is not None else None,
                    maximum=int(m["max"]) if m["max"] is not None else None,
                    choices=_choices(m["doc"]),
                    description=m["doc"].strip(),
                )
            )
        elif m := _BROWSER_PARAM.match(line):
            browser.append(m.group(1).strip())
        elif (m := _COLUMNS.match(line.strip())) and not columns:
            columns = [c.strip() for c in m["columns"].split(",") if c.strip()]
    if not columns:
        raise TemplateError(f"template {path} declares no columns: add a '// Columns: a, b, c' header line")
    declared = {p.name for p in params}
    used = set(re.findall(r"\$([A-Za-z_]\w*)", _strip_comments(text)))
    if undeclared := sorted(used - declared):
        raise TemplateError(
            f"template {path} uses ${', $'.join(undeclared)} without declaring it: "
            "add a '//   name: string, required. ...' line under '// Parameters:'"
        )
    return Template(
        name=name,
        purpose=purpose,
        params=params,
        browser_params=browser,
        columns=columns,
        cypher=text,
        path=str(path),
    )


def parse_browser_params(lines: list[str]) -> dict[str, Any]:
    """The parameters that a header's `:params {k: v, ...}` line (or `:param k => v` lines) sets."""
    values: dict[str, Any] = {}
    for line in lines:
        body = line.split(None, 1)[1] if " " in line else ""
        if line.startswith(":params"):
            body = body.strip().removeprefix("{")
        for entry in _BROWSER_ENTRY.finditer(body):
            values[entry["key"]] = _cypher_literal(entry["value"].strip())
    return values


def _cypher_literal(text: str) -> Any:
    """A Cypher literal of a Browser example: 'string', null, true, false or a number."""
    if text.startswith("'") and text.endswith("'") and len(text) >= 2:
        return re.sub(r"\\(.)", r"\1", text[1:-1])
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise TemplateError(
            f"{text!r} is not a literal a Browser example may use: quote strings with '"
        ) from None


def _strip_comments(cypher: str) -> str:
    """The Cypher without // comment lines and string literals (to find the $parameters it uses)."""
    lines = [line for line in cypher.splitlines() if not line.lstrip().startswith("//")]
    return re.sub(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"", "''", "\n".join(lines))


def load_templates(
    directory: str | Path | None = None, *, warn: Callable[[str], None] | None = None
) -> dict[str, Template]:
    """All usable templates of a folder (default: the project's cypher/), by name.

    A file that cannot be read or parsed is left out, and warn (if given) is told why in one line.
    """
    templates, broken = _scan_templates(directory)
    if warn is not None:
        for error in broken.values():
            warn(f"{error} (skipped it; the other templates work)")
    return templates


def _scan_templates(directory: str | Path | None) -> tuple[dict[str, Template], dict[str, TemplateError]]:
    """The templates of a folder by name, and the error of each file that is not usable."""
    folder = Path(directory) if directory is not None else TEMPLATE_DIR
    if not folder.is_dir():
        raise TemplateError(f"template folder {folder} does not exist: give a folder of .cypher files")
    templates: dict[str, Template] = {}
    broken: dict[str, TemplateError] = {}
    for path in sorted(folder.glob("*.cypher")):
        try:
            templates[path.stem] = parse_template(path)
        except TemplateError as exc:
            broken[path.stem] = exc
    if not templates and not broken:
        raise TemplateError(f"no .cypher templates in {folder}: add files named <template>.cypher")
    return templates, broken


def get_template(
    name: str, directory: str | Path | None = None, *, warn: Callable[[str], None] | None = None
) -> Template:
    """The template of that name, or a TemplateError (its own, or one listing the ones that exist)."""
    templates, broken = _scan_templates(directory)
    if name in broken:
        raise broken[name]
    if warn is not None:
        for error in broken.values():
            warn(f"{error} (skipped it; the other templates work)")
    if name not in templates:
        choices = ", ".join(sorted(templates)) or "none is usable"
        raise TemplateError(f"unknown template {name!r}: choose one of {choices}")
    return templates[name]


def _choices(doc: str) -> list[str]:
    """The values a 'One of: A, B, C' phrase of a parameter's description allows."""
    found = _CHOICES.search(doc)
    return [c.strip() for c in found["choices"].split(",") if c.strip()] if found else []


def check_params(template: Template, params: dict[str, Any]) -> dict[str, Any]:
    """Validate parameters against the header; returns every declared parameter (left out: null)."""
    known = [p.name for p in template.params]
    unknown = sorted(set(params) - set(known))
    if unknown:
        accepted = ", ".join(known) if known else "none"
        raise TemplateError(
            f"template {template.name!r} has no parameter {', '.join(unknown)}: it accepts {accepted}"
        )
    checked: dict[str, Any] = {}
    for param in template.params:
        value = params.get(param.name)
        if value is None:
            if param.required:
                raise TemplateError(
                    f"template {template.name!r} needs parameter {param.name!r}: "
                    f"add --param {param.name}=VALUE ({param.description or param.type})"
                )
            checked[param.name] = None
            continue
        checked[param.name] = _coerce(template.name, param, value)
    return checked


def _coerce(template: str, param: Param, value: Any) -> Any:
    where = f"parameter {param.name!r} of template {template!r}"
    if param.type == "string":
        # `--param name=1991` arrives as a number: for a string parameter it is the text.
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise TemplateError(f"{where} must be a string, not {json.dumps(value)}")
        text = value if isinstance(value, str) else json.dumps(value)
        if param.choices and text.casefold() not in {c.casefold() for c in param.choices}:
            raise TemplateError(f"{where} must be one of {', '.join(param.choices)}, not {text!r}")
        return text
    if param.type == "boolean":
        if not isinstance(value, bool):
            raise TemplateError(f"{where} must be true or false, not {json.dumps(value)}")
        return value
    number: int | float
    if param.type == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            raise TemplateError(f"{where} must be an integer, not {json.dumps(value)}")
        number = value
    else:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TemplateError(f"{where} must be a number, not {json.dumps(value)}")
        number = float(value)
    low, high = param.minimum, param.maximum
    if (low is not None and number < low) or (high is not None and number > high):
        raise TemplateError(f"{where} must be between {low} and {high}, not {value}")
    return number


def run_template(
    driver: Any, template: Template, params: dict[str, Any], database: str | None = None
) -> list[dict[str, Any]]:
    """Run a template (parameters already checked) in a read transaction; rows as plain values."""
    from neo4j.exceptions import ClientError

    def work(tx: Any) -> list[dict[str, Any]]:
        result = tx.run(template.cypher, params)
        return [{key: to_plain(record[key]) for key in record.keys()} for record in result]

    try:
        with driver.session(database=database, notifications_min_severity="OFF") as session:
            rows: list[dict[str, Any]] = session.execute_read(work)
    except ClientError as exc:
        message = (exc.message or str(exc)).strip().splitlines()[0]
        raise TemplateError(f"template {template.name!r} ({template.path}) failed: {message}") from None
    return rows


def to_plain(value: Any) -> Any:
    """A driver value as JSON-ready data: paths as alternating names and steps, nodes as names."""
    from neo4j.graph import Node, Path, Relationship

    if isinstance(value, Path):
        steps: list[Any] = [_node_name(value.start_node)]
        current = value.start_node
        for rel in value.relationships:
            forward = rel.start_node is not None and rel.start_node.element_id == current.element_id
            other = rel.end_node if forward else rel.start_node
            steps.append(f"-{rel.type}->" if forward else f"<-{rel.type}-")
            steps.append(_node_name(other))
            if other is not None:
                current = other
        return steps
    if isinstance(value, Node):
        return _node_name(value)
    if isinstance(value, Relationship):
        return value.type
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    if hasattr(value, "iso_format"):
        return value.iso_format()
    if hasattr(value, "srid") and hasattr(value, "x"):
        return list(value)
    return value


def _node_name(node: Any) -> Any:
    if node is None:
        return None
    return node.get("name") or node.get("title") or node.get("value") or node.get("key")


def format_rows(columns: list[str], rows: list[dict[str, Any]], fmt: str) -> str:
    """Rows as a JSON array of objects, CSV with a header line, or a plain-text table."""
    # Declared columns first, in order; a user's template may return more.
    ordered = [
        {c: row.get(c) for c in columns} | {k: v for k, v in row.items() if k not in columns} for row in rows
    ]
    names = list(ordered[0]) if ordered else columns
    if fmt == "json":
        return json.dumps(ordered, ensure_ascii=False, indent=2)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(names)
        for row in ordered:
            writer.writerow([_cell(row[c]) for c in names])
        return out.getvalue().rstrip("\n")
    if fmt == "table":
        return _table(names, ordered)
    raise TemplateError(f"unknown format {fmt!r}: use table, json or csv")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list) and all(not isinstance(v, dict | list) for v in value):
        return "; ".join("" if v is None else str(v) for v in value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _table(names: list[str], rows: list[dict[str, Any]]) -> str:
    def clip(text: str) -> str:
        text = " ".join(text.split())
        return text if len(text) <= _TABLE_CELL_WIDTH else text[: _TABLE_CELL_WIDTH - 1] + "…"

    cells = [[clip(_cell(row[c])) for c in names] for row in rows]
    widths = [max([len(n)] + [len(r[i]) for r in cells]) for i, n in enumerate(names)]
    lines = [
        "  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)


def describe_templates(directory: str | None, *, warn: Callable[[str], None] | None = None) -> str:
    """The `kg templates` listing: each template with its parameters and purpose."""
    templates = load_templates(directory, warn=warn)
    if not templates:
        raise TemplateError(f"no usable template in {directory or TEMPLATE_DIR}: fix the files named above")
    blocks = []
    for template in templates.values():
        params = ", ".join(p.describe() for p in template.params) or "no parameters"
        blocks.append(
            f"{template.name}: {template.purpose}\n"
            f"  parameters: {params}\n"
            f"  columns: {', '.join(template.columns)}"
        )
    return "\n\n".join(blocks)


def query_rows(
    name: str,
    params: dict[str, Any],
    *,
    directory: str | None = None,
    warn: Callable[[str], None] | None = None,
) -> tuple[Template, list[dict[str, Any]]]:
    """Check the parameters, connect and run the named template; the template and its rows."""
    from kg.connection import connect

    template = get_template(name, directory, warn=warn)
    checked = check_params(template, params)
    with connect() as conn:
        rows = run_template(conn.driver, template, checked, database=conn.database)
    return template, rows


def run_query_command(
    name: str,
    params: dict[str, Any],
    *,
    fmt: str,
    directory: str | None,
    warn: Callable[[str], None] | None = None,
) -> str:
    """What `kg query` prints: the rows of the named template in the chosen format."""
    template, rows = query_rows(name, params, directory=directory, warn=warn)
    return format_rows(template.columns, rows, fmt)
