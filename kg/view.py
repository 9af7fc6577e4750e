"""Pictures: a template's answer drawn as one self-contained HTML page (neo4j-viz).

Templates return names and rows, so the picture is the subgraph behind them: the entities the rows
name (or the nodes and paths they return), with the relationships among them. Nodes and
relationships take the colours, sizes and captions of cypher/style.grass, the style the Browser
uses, and every property, a relationship's evidence sentences first, shows in the page's details
panel when the element is clicked.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from kg import queries
from kg.errors import InputError, KgError, TemplateError
from kg.models import ALL_LABELS

MAX_NODES = 1000
"""More than this is no picture anyone can read: narrow the template's parameters."""

_RULE = re.compile(r'(?P<selector>(?:node|relationship)(?:\.[\w`]+)?)\s*\{(?P<body>(?:[^{}"]|"[^"]*")*)\}')
_DECLARATION = re.compile(r'(?P<name>[\w-]+)\s*:\s*(?P<value>"[^"]*"|[^;"]+?)\s*;')
_PROPERTY = re.compile(r"\{(\w+)\}")
_HIDDEN_PROPERTIES = ("text", "title_norm")
"""Node properties left out of the page (a document's whole text, the folded title)."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- the style --------------------------------------------------------------------------------


class StyleRule(_Model):
    """One rule of a .grass style: `node`, `node.Label`, `relationship` or `relationship.TYPE`."""

    selector: str
    declarations: dict[str, str]


class GraphStyle(_Model):
    """A Neo4j Browser style (.grass): later rules that match override earlier ones, as in the Browser."""

    rules: list[StyleRule] = Field(default_factory=list)

    def for_node(self, labels: list[str]) -> dict[str, str]:
        """The declarations that apply to a node with these labels."""
        return self._matching("node", set(labels))

    def for_relationship(self, rel_type: str) -> dict[str, str]:
        """The declarations that apply to a relationship of this type."""
        return self._matching("relationship", {rel_type})

    def styled_labels(self) -> set[str]:
        """The labels that have a `node.Label` rule of their own."""
        return {r.selector.split(".", 1)[1] for r in self.rules if r.selector.startswith("node.")}

    def _matching(self, kind: str, classes: set[str]) -> dict[str, str]:
        merged: dict[str, str] = {}
        for rule in self.rules:
            base, _, name = rule.selector.partition(".")
            if base == kind and (not name or name.strip("`") in classes):
                merged |= rule.declarations
        return merged


def read_style(path: str | Path) -> GraphStyle:
    """Parse a .grass file (the Browser's style sheet)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(
            f"cannot read the style {path} ({exc.strerror or exc}): reinstall conflict-kg"
        ) from None
    rules = [
        StyleRule(
            selector=match["selector"],
            declarations={
                d["name"]: d["value"].strip().strip('"') for d in _DECLARATION.finditer(match["body"])
            },
        )
        for match in _RULE.finditer(text)
    ]
    return GraphStyle(rules=rules)


def style_path(directory: str | Path | None = None) -> Path:
    """The style.grass of a template folder, else the project's own."""
    from kg.query import TEMPLATE_DIR

    own = Path(directory) / "style.grass" if directory is not None else None
    return own if own is not None and own.is_file() else TEMPLATE_DIR / "style.grass"


def caption_of(template: str, properties: dict[str, Any], fallback: str) -> str:
    """A Browser caption template ('{name}', '<type>') filled from the properties."""
    if template == "<type>":
        return fallback
    filled = _PROPERTY.sub(lambda m: _caption_text(properties.get(m.group(1))), template).strip()
    return filled or fallback


def _caption_text(value: Any) -> str:
    return "" if value is None else str(value)


def _pixels(value: str | None, default: float) -> float:
    if value is None:
        return default
    try:
        return float(value.removesuffix("px"))
    except ValueError:
        return default


# --- the answer's subgraph --------------------------------------------------------------------


class PictureNode(_Model):
    """A node to draw: its id, labels and displayable properties."""

    id: str
    labels: list[str]
    properties: dict[str, Any]

    @property
    def label(self) -> str:
        """The label it is styled and listed by: its ontology label, else its first one."""
        specific = [label for label in self.labels if label in ALL_LABELS]
        return specific[-1] if specific else (self.labels[0] if self.labels else "")


class PictureRelationship(_Model):
    """A relationship to draw between two drawn nodes, with its properties (evidence first)."""

    id: str
    type: str
    start: str
    end: str
    properties: dict[str, Any]


class Picture(_Model):
    """The subgraph behind a template's answer."""

    template: str
    params: dict[str, Any]
    rows: int
    nodes: list[PictureNode] = Field(default_factory=list)
    relationships: list[PictureRelationship] = Field(default_factory=list)


def answer_picture(
    driver: Any, template: Any, params: dict[str, Any], database: str | None = None, limit: int = MAX_NODES
) -> Picture:
    """Run a template (parameters already checked) and fetch the nodes and relationships behind its rows."""
    from neo4j.exceptions import ClientError

    def work(tx: Any) -> Picture:
        names: set[str] = set()
        ids: set[str] = set()
        rows = 0
        for record in tx.run(template.cypher, params):
            rows += 1
            for value in record.values():
                _collect(value, names, ids)
        picture = Picture(template=template.name, params=params, rows=rows)
        found = [
            r["node"]
            for r in tx.run(queries.ANSWER_NODES, names=sorted(names), ids=sorted(ids), limit=limit + 1)
        ]
        if not any("Entity" in node.labels for node in found):
            found += [
                r["node"] for r in tx.run(queries.DOCUMENTS_TITLED, titles=sorted(names), limit=limit + 1)
            ]
        if len(found) > limit:
            raise TemplateError(
                f"the answer of template {template.name!r} names more than {limit} nodes: too many to draw; "
                "narrow its parameters"
            )
        picture.nodes = [_picture_node(node) for node in found if "Name" not in node.labels]
        node_ids = [node.id for node in picture.nodes]
        picture.relationships = [
            _picture_relationship(r["r"]) for r in tx.run(queries.RELATIONSHIPS_AMONG, ids=node_ids)
        ]
        return picture

    try:
        with driver.session(database=database, notifications_min_severity="OFF") as session:
            picture: Picture = session.execute_read(work)
    except ClientError as exc:
        message = (exc.message or str(exc)).strip().splitlines()[0]
        raise TemplateError(f"template {template.name!r} ({template.path}) failed: {message}") from None
    return picture


def _collect(value: Any, names: set[str], ids: set[str]) -> None:
    """Gather the strings and the graph elements of a returned value (lists and maps included)."""
    from neo4j.graph import Node, Path, Relationship

    if isinstance(value, str):
        names.add(value)
    elif isinstance(value, Node):
        ids.add(value.element_id)
    elif isinstance(value, Relationship):
        ids.update(node.element_id for node in value.nodes if node is not None)
    elif isinstance(value, Path):
        ids.update(node.element_id for node in value.nodes)
    elif isinstance(value, list):
        for item in value:
            _collect(item, names, ids)
    elif isinstance(value, dict):
        for item in value.values():
            _collect(item, names, ids)


def _picture_node(node: Any) -> PictureNode:
    from kg.query import to_plain

    shown = {k: to_plain(v) for k, v in node.items() if k not in _HIDDEN_PROPERTIES}
    ordered = {k: shown.pop(k) for k in ("name", "title", "key") if k in shown} | dict(sorted(shown.items()))
    return PictureNode(id=node.element_id, labels=sorted(node.labels), properties=ordered)


def _picture_relationship(rel: Any) -> PictureRelationship:
    from kg.query import to_plain

    shown = {k: to_plain(v) for k, v in rel.items()}
    ordered = {k: shown.pop(k) for k in ("evidence", "sources", "confidence") if k in shown}
    return PictureRelationship(
        id=rel.element_id,
        type=rel.type,
        start=rel.start_node.element_id,
        end=rel.end_node.element_id,
        properties=ordered | dict(sorted(shown.items())),
    )


# --- the page ---------------------------------------------------------------------------------


def render_page(picture: Picture, style: GraphStyle) -> str:
    """The picture as one self-contained HTML page, styled like the Browser."""
    from neo4j_viz import Node, Relationship, VisualizationGraph

    nodes = []
    legend: dict[Any, Any] = {}
    for node in picture.nodes:
        rule = style.for_node(node.labels)
        fallback = str(
            node.properties.get("name") or node.properties.get("title") or node.properties.get("key")
        )
        color = rule.get("color", "#A5ABB6")
        legend.setdefault(node.label, color)
        nodes.append(
            Node.model_validate(
                {
                    "id": node.id,
                    "caption": caption_of(rule.get("caption", "{name}"), node.properties, fallback),
                    "color": color,
                    "size": _pixels(rule.get("diameter"), 50) / 2,
                    "properties": {"labels": ":".join(node.labels)} | node.properties,
                }
            )
        )
    relationships = []
    for rel in picture.relationships:
        rule = style.for_relationship(rel.type)
        relationships.append(
            Relationship.model_validate(
                {
                    "id": rel.id,
                    "source": rel.start,
                    "target": rel.end,
                    "caption": caption_of(rule.get("caption", "<type>"), rel.properties, rel.type),
                    "color": rule.get("color", "#A5ABB6"),
                    "width": _pixels(rule.get("shaft-width"), 1),
                    "properties": {"type": rel.type} | rel.properties,
                }
            )
        )
    graph = VisualizationGraph(nodes=nodes, relationships=relationships)
    graph.set_legend(nodes=dict(sorted(legend.items())))
    page: str = graph.render(
        width="100%", height="100vh", theme="light", max_allowed_nodes=MAX_NODES, on_dangling="error"
    ).data
    return page.replace("<title>neo4j-viz</title>", f"<title>{html.escape(_page_title(picture))}</title>", 1)


def _page_title(picture: Picture) -> str:
    given = ", ".join(f"{k}={v}" for k, v in picture.params.items() if v is not None)
    return f"kg view {picture.template}" + (f" ({given})" if given else "")


class ViewResult(_Model):
    """What `kg view` wrote."""

    path: str
    rows: int
    nodes: int
    relationships: int


def write_view(
    name: str, params: dict[str, Any], out: str | Path, *, directory: str | None = None
) -> ViewResult:
    """`kg view`: run the named template and write the picture of its answer to an HTML file."""
    from kg.connection import connect
    from kg.query import check_params, get_template

    template = get_template(name, directory)
    checked = check_params(template, params)
    style = read_style(style_path(directory))
    with connect() as conn:
        picture = answer_picture(conn.driver, template, checked, database=conn.database)
    if not picture.nodes:
        raise KgError(
            f"the answer of template {name!r} ({picture.rows} rows) names no node of the graph: nothing to "
            f"draw; check the parameters with `kg query {name}`"
        )
    page = render_page(picture, style)
    target = Path(out)
    try:
        target.write_text(page, encoding="utf-8")
    except OSError as exc:
        raise KgError(f"cannot write {target} ({exc.strerror or exc}): choose another --out path") from None
    return ViewResult(
        path=str(target),
        rows=picture.rows,
        nodes=len(picture.nodes),
        relationships=len(picture.relationships),
    )
