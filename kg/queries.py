"""Every Cypher statement the library sends outside the `cypher/` templates, built in one place.

Values always travel as `$parameters`. Labels and relationship types cannot be parameters in a
planned query, so they are spliced in, but only after checking them against the ontology's
fixed lists (`kg.models.ALL_LABELS`, `kg.models.RELATION_TYPES`): nothing from input text ever
reaches a query string. Each builder is cached, so a label or type always sends the same text and
the server plans it once.
"""

from __future__ import annotations

from functools import cache

from kg.models import ALL_LABELS, EVENT_KINDS, RELATION_TYPES

# --- schema ---------------------------------------------------------------------------------

SCHEMA_STATEMENTS: tuple[str, ...] = (
    "CREATE CONSTRAINT entity_key IF NOT EXISTS FOR (e:Entity) REQUIRE e.key IS UNIQUE",
    "CREATE CONSTRAINT document_key IF NOT EXISTS FOR (d:Document) REQUIRE d.key IS UNIQUE",
    "CREATE CONSTRAINT name_value IF NOT EXISTS FOR (n:Name) REQUIRE n.value IS UNIQUE",
    "CREATE INDEX document_title_norm IF NOT EXISTS FOR (d:Document) ON (d.title_norm)",
    "CREATE INDEX document_published IF NOT EXISTS FOR (d:Document) ON (d.published)",
    "CREATE INDEX entity_name IF NOT EXISTS FOR (e:Entity) ON (e.name)",
    "CREATE INDEX document_url IF NOT EXISTS FOR (d:Document) ON (d.url)",
    "CREATE INDEX document_id IF NOT EXISTS FOR (d:Document) ON (d.id)",
    "CREATE INDEX document_load_order IF NOT EXISTS FOR (d:Document) ON (d.load_order)",
)
"""Constraints and indexes of docs/STORAGE.md; each is a no-op when it already exists."""

AWAIT_INDEXES = "CALL db.awaitIndexes($seconds)"

PING = "RETURN 1"
"""Readiness probe of the managed server (kg.server): Bolt is up, auth works, a database answers."""

# --- reset ----------------------------------------------------------------------------------

# Relationships first, then nodes, each in bounded inner transactions: a single DETACH DELETE
# of a large graph (or of one hub node) would have to hold everything in the heap at once.
DELETE_RELATIONSHIPS = "MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF $rows ROWS"
DELETE_NODES = "MATCH (n) CALL (n) { DELETE n } IN TRANSACTIONS OF $rows ROWS RETURN count(*) AS deleted"

# --- loading --------------------------------------------------------------------------------

MERGE_DOCUMENTS = """
UNWIND $rows AS row
MERGE (d:Document {key: row.key})
ON CREATE SET d.load_order = $after + row.order
SET d += row.props
"""
"""Rows: {key, order, props}; props holds only known (non-null) values, so nothing known is erased.
A new document is numbered after the last one loaded ($after), in batch order (row.order)."""

EXISTING_ENTITY_KEYS = """
UNWIND $keys AS key
MATCH (e:Entity {key: key})
RETURN collect(e.key) AS found
"""


def _checked_label(label: str) -> str:
    if label not in ALL_LABELS:
        raise ValueError(f"label {label!r} is not in the ontology (kg.models.ALL_LABELS)")
    return label


def _checked_type(rel_type: str) -> str:
    if rel_type not in RELATION_TYPES:
        raise ValueError(f"relationship type {rel_type!r} is not in the ontology (kg.models.RELATION_TYPES)")
    return rel_type


def _dedup(expression: str, variable: str) -> str:
    """Cypher for `expression` without repeated items, first occurrence kept (no APOC needed)."""
    keep = f"CASE WHEN {variable} IN acc THEN acc ELSE acc + {variable} END"
    return f"reduce(acc = [], {variable} IN {expression} | {keep})"


@cache
def entity_merge_query(label: str) -> str:
    """The batched MERGE of entities of one type label with their names and mentions (rows: key,
    name, aliases, weapons, names, mentioned, props); a new entity is written directly, a known one merged."""
    label = _checked_label(label)
    labels = f"Event:{label}" if label in EVENT_KINDS else label
    others = [other for other in ALL_LABELS if other != label]
    if label not in EVENT_KINDS:
        others.append("Event")
    remove = ":".join(f"`{other}`" for other in others)
    # On a match every right-hand side still sees the old values (SET evaluates before it writes),
    # so a replaced name can join the aliases.
    previous = "CASE WHEN e.name IS NULL OR e.name = row.name THEN [] ELSE [e.name] END"
    aliases = _dedup(f"[a IN coalesce(e.aliases, []) + {previous} + row.aliases WHERE a <> row.name]", "a")
    weapons = _dedup("coalesce(e.weapons, []) + row.weapons", "w")
    return f"""
UNWIND $rows AS row
MERGE (e:Entity {{key: row.key}})
ON CREATE SET
    e:{labels},
    e += row.props,
    e.name = row.name,
    e.aliases = row.aliases,
    e.mentions = 0,
    e.weapons = CASE WHEN size(row.weapons) = 0 THEN null ELSE row.weapons END
ON MATCH SET
    e += row.props,
    e.aliases = {aliases},
    e.name = row.name,
    e.weapons = CASE WHEN size(row.weapons) = 0 THEN e.weapons ELSE {weapons} END
WITH e, row
// A key keeps one type label: when a later document types it differently, the latest wins.
FOREACH (_ IN CASE WHEN e:{label} THEN [] ELSE [1] END | REMOVE e:{remove} SET e:{labels})
WITH e, row
// Entity.mentions moves by the change of each pair's count, so it stays the sum of the counts of
// its MENTIONED_IN relationships and reloading a document leaves it alone.
CALL (e, row) {{
    UNWIND row.mentioned AS mentioned
    MATCH (d:Document {{key: mentioned.document}})
    MERGE (e)-[m:MENTIONED_IN]->(d)
    WITH e, m, mentioned, coalesce(m.count, 0) AS previous
    SET m.count = mentioned.count
    WITH e, sum(mentioned.count - previous) AS delta
    SET e.mentions = coalesce(e.mentions, 0) + delta
}}
WITH e, row
UNWIND row.names AS value
MERGE (n:Name {{value: value}})
MERGE (n)-[:NAME_OF]->(e)
"""


@cache
def relation_merge_query(rel_type: str) -> str:
    """The batched MERGE of relationships of one type, merging their provenance (see STORAGE.md)."""
    rel_type = _checked_type(rel_type)
    had = "coalesce(r.evidence, [])"
    fresh = f"[i IN range(0, size(row.evidence) - 1) WHERE NOT row.evidence[i] IN {had}]"
    room = f"CASE WHEN size({had}) >= $cap THEN 0 ELSE $cap - size({had}) END"
    kept = f"{fresh}[0..{room}]"
    # A fact without a discriminator stores no `disc` at all (nothing empty shows in the Browser).
    # MERGE cannot match "no such property", so the relationship is looked up and created when
    # missing; an empty `disc` left by an older version counts as none and is removed. Without
    # MERGE's locks two concurrent loaders could both create it: `kg load` has one writer.
    disc = "CASE WHEN row.disc = '' THEN null ELSE row.disc END"
    return f"""
UNWIND $rows AS row
MATCH (a:Entity {{key: row.source}})
MATCH (b:Entity {{key: row.target}})
OPTIONAL MATCH (a)-[old:{rel_type}]->(b) WHERE coalesce(old.disc, '') = row.disc
FOREACH (_ IN CASE WHEN old IS NULL THEN [1] ELSE [] END |
    CREATE (a)-[r:{rel_type}]->(b)
    SET r.disc = {disc},
        r.sources = row.sources,
        r.evidence = row.evidence[0..$cap],
        r.evidence_docs = row.evidence_docs[0..$cap],
        r.confidence = row.confidence,
        r.rules = row.rules,
        r += row.props
)
FOREACH (r IN CASE WHEN old IS NULL THEN [] ELSE [old] END |
    SET r.disc = {disc},
        r.sources = coalesce(r.sources, []) + [s IN row.sources WHERE NOT s IN coalesce(r.sources, [])],
        r.evidence = coalesce(r.evidence, []) + [i IN {kept} | row.evidence[i]],
        r.evidence_docs = coalesce(r.evidence_docs, []) + [i IN {kept} | row.evidence_docs[i]],
        r.confidence = CASE WHEN r.confidence IS NULL OR row.confidence > r.confidence
                            THEN row.confidence ELSE r.confidence END,
        r.rules = coalesce(r.rules, []) + [x IN row.rules WHERE NOT x IN coalesce(r.rules, [])],
        r += row.props
)
"""


# --- bulk import (kg.bulk) ------------------------------------------------------------------

ANY_NODE = "MATCH (n) RETURN 1 AS found LIMIT 1"
"""Whether the graph holds anything: `kg load --bulk` only builds an empty database."""

BULK_EMPTY_LISTS: tuple[str, ...] = (
    "MATCH (e:Entity) WHERE e.aliases IS NULL CALL (e) { SET e.aliases = [] } IN TRANSACTIONS OF $rows ROWS",
    "MATCH (d:Document) WHERE d.links IS NULL CALL (d) { SET d.links = [] } IN TRANSACTIONS OF $rows ROWS",
    "MATCH ()-[r]->() WHERE r.sources IS NOT NULL AND r.evidence IS NULL "
    "CALL (r) { SET r.evidence = [], r.evidence_docs = [] } IN TRANSACTIONS OF $rows ROWS",
    "MATCH ()-[r]->() WHERE r.sources IS NOT NULL AND r.rules IS NULL "
    "CALL (r) { SET r.rules = [] } IN TRANSACTIONS OF $rows ROWS",
)
"""neo4j-admin stores no empty list: give back the empty lists the transactional loader writes."""

# --- load benchmark -------------------------------------------------------------------------
# The ceiling writes the same rows with plain CREATE (no matching, no merging of provenance);
# the naive loader sends one auto-committed MERGE per row, as tutorials do.

CREATE_DOCUMENTS = """
UNWIND $rows AS row
CREATE (d:Document {key: row.key})
SET d += row.props
"""


@cache
def entity_create_query(label: str) -> str:
    """Benchmark ceiling: CREATE entities of one label, no MERGE and no list merging."""
    label = _checked_label(label)
    labels = f"Event:{label}" if label in EVENT_KINDS else label
    return f"""
UNWIND $rows AS row
CREATE (e:Entity:{labels} {{key: row.key, name: row.name, aliases: row.aliases}})
SET e += row.props, e.mentions = reduce(total = 0, m IN row.mentioned | total + m.count)
WITH e, row
CALL (e, row) {{
    UNWIND row.mentioned AS mentioned
    MATCH (d:Document {{key: mentioned.document}})
    CREATE (e)-[:MENTIONED_IN {{count: mentioned.count}}]->(d)
}}
WITH e, row
UNWIND row.names AS value
CREATE (n:Name {{value: value}})-[:NAME_OF]->(e)
"""


@cache
def relation_create_query(rel_type: str) -> str:
    """Benchmark ceiling: CREATE relationships of one type with their provenance as given."""
    rel_type = _checked_type(rel_type)
    return f"""
UNWIND $rows AS row
MATCH (a:Entity {{key: row.source}})
MATCH (b:Entity {{key: row.target}})
CREATE (a)-[r:{rel_type} {{disc: row.disc}}]->(b)
SET r += row.props, r.sources = row.sources, r.evidence = row.evidence,
    r.evidence_docs = row.evidence_docs, r.confidence = row.confidence, r.rules = row.rules
"""


NAIVE_DOCUMENT = "MERGE (d:Document {key: $key}) SET d += $props"


@cache
def naive_entity_query(label: str) -> str:
    """Benchmark naive loader: one MERGE per entity, its name nodes and its mention."""
    label = _checked_label(label)
    labels = f"Event:{label}" if label in EVENT_KINDS else label
    return f"""
MERGE (e:Entity {{key: $key}})
SET e:{labels}, e += $props, e.name = $name, e.aliases = $aliases, e.mentions = $count
WITH e
MATCH (d:Document {{key: $document}})
MERGE (e)-[m:MENTIONED_IN]->(d) SET m.count = $count
WITH e
UNWIND $names AS value
MERGE (n:Name {{value: value}})
MERGE (n)-[:NAME_OF]->(e)
"""


@cache
def naive_relation_query(rel_type: str) -> str:
    """Benchmark naive loader: one MERGE per relationship, as the tutorials write it."""
    rel_type = _checked_type(rel_type)
    return f"""
MERGE (a:Entity {{key: $source}})
MERGE (b:Entity {{key: $target}})
MERGE (a)-[r:{rel_type} {{disc: $disc}}]->(b)
SET r += $props, r.sources = $sources, r.evidence = $evidence, r.evidence_docs = $evidence_docs,
    r.confidence = $confidence, r.rules = $rules
"""


# --- forgetting documents (kg.forget) -------------------------------------------------------
# A forgotten document takes away what it stated: the loader's merge is replayed over the
# documents that remain (their stored extractions) for exactly the entities and relationships it
# touched, and those are written back whole, or deleted when no document states them any more.

LAST_LOAD_ORDER = """
MATCH (d:Document) WHERE d.load_order IS NOT NULL
RETURN d.load_order AS last ORDER BY d.load_order DESC LIMIT 1
"""
"""The highest Document.load_order (index-backed); a batch numbers its new documents after it."""

DOCUMENTS_BY_KEY_OR_URL = """
UNWIND $refs AS ref
CALL (ref) {
    CALL (ref) {
        MATCH (d:Document {key: ref}) RETURN d
        UNION
        MATCH (d:Document {url: ref}) RETURN d
    }
    RETURN collect(d.key) AS keys
}
RETURN ref, keys
"""

EARLIER_VERSIONS = """
UNWIND $rows AS row
CALL (row) {
    MATCH (d:Document {key: row.key}) WHERE d.extraction <> row.props.extraction RETURN d
    UNION
    MATCH (d:Document {url: row.props.url}) WHERE d.key <> row.key RETURN d
    UNION
    MATCH (d:Document {id: row.props.id})
    WHERE d.key <> row.key AND coalesce(d.source, '') = coalesce(row.props.source, '')
    RETURN d
}
RETURN collect(DISTINCT d.key) AS keys
"""
"""Documents a batch replaces: another text with the same URL, or the same id from the same source,
or the same text extracted differently (a newer engine)."""

STORED_EXTRACTIONS = """
UNWIND $keys AS key
MATCH (d:Document {key: key})
RETURN d.key AS key, d.load_order AS load_order, d.extraction AS extraction
"""

ENTITY_CONTRIBUTORS = """
UNWIND $keys AS key
MATCH (e:Entity {key: key})
CALL (e) {
    OPTIONAL MATCH (e)-[:MENTIONED_IN]->(d:Document)
    RETURN collect(d.key) AS mentioned
}
CALL (e) {
    OPTIONAL MATCH (e)-[r]-(:Entity)
    UNWIND coalesce(r.sources, []) AS source
    RETURN collect(DISTINCT source) AS stating
}
OPTIONAL MATCH (n:Name)-[:NAME_OF]->(e)
RETURN e.key AS key, mentioned + stating AS documents, collect(n.value) AS names
"""
"""Per entity: the documents that may list it (those mentioning it, and those stating one of its
relationships: an event is listed with no mention of its own), and its Name values."""

DROP_MENTIONS = """
MATCH (e:Entity)-[m:MENTIONED_IN]->(d:Document)
WHERE d.key IN $keys
SET e.mentions = e.mentions - m.count
DELETE m
"""

DELETE_ENTITIES = """
UNWIND $keys AS key
MATCH (e:Entity {key: key})
DETACH DELETE e
RETURN count(*) AS deleted
"""

DELETE_UNUSED_NAMES = """
UNWIND $values AS value
MATCH (n:Name {value: value})
WHERE NOT (n)-[:NAME_OF]->()
DELETE n
RETURN count(n) AS deleted
"""

DELETE_DOCUMENTS = """
UNWIND $keys AS key
MATCH (d:Document {key: key})
DETACH DELETE d
"""


@cache
def relations_stated_by_query(rel_type: str) -> str:
    """The relationships of one type among (source, target, disc) rows that one of $keys states, with
    their sources."""
    rel_type = _checked_type(rel_type)
    return f"""
UNWIND $rows AS row
MATCH (a:Entity {{key: row.source}})
MATCH (b:Entity {{key: row.target}})
MATCH (a)-[r:{rel_type}]->(b)
WHERE coalesce(r.disc, '') = row.disc AND any(source IN r.sources WHERE source IN $keys)
RETURN row.source AS source, row.target AS target, row.disc AS disc, r.sources AS sources
"""


@cache
def relation_replace_query(rel_type: str) -> str:
    """Write relationships of one type back whole (rows: source, target, disc, props = every property)."""
    rel_type = _checked_type(rel_type)
    return f"""
UNWIND $rows AS row
MATCH (a:Entity {{key: row.source}})
MATCH (b:Entity {{key: row.target}})
MATCH (a)-[r:{rel_type}]->(b)
WHERE coalesce(r.disc, '') = row.disc
SET r = row.props
"""


@cache
def relation_delete_query(rel_type: str) -> str:
    """Delete relationships of one type (rows: source, target, disc)."""
    rel_type = _checked_type(rel_type)
    return f"""
UNWIND $rows AS row
MATCH (a:Entity {{key: row.source}})
MATCH (b:Entity {{key: row.target}})
MATCH (a)-[r:{rel_type}]->(b)
WHERE coalesce(r.disc, '') = row.disc
DELETE r
"""


@cache
def entity_replace_query(label: str) -> str:
    """Write entities of one type label back whole (rows: key, props = every property but mentions,
    names), keeping their mentions and linking exactly their Name nodes."""
    label = _checked_label(label)
    labels = f"Event:{label}" if label in EVENT_KINDS else label
    others = [other for other in ALL_LABELS if other != label]
    if label not in EVENT_KINDS:
        others.append("Event")
    remove = ":".join(f"`{other}`" for other in others)
    return f"""
UNWIND $rows AS row
MATCH (e:Entity {{key: row.key}})
WITH e, row, e.mentions AS mentions
SET e = row.props, e.mentions = mentions
REMOVE e:{remove}
SET e:{labels}
WITH e, row
CALL (e, row) {{
    MATCH (n:Name)-[x:NAME_OF]->(e)
    WHERE NOT n.value IN row.names
    DELETE x
}}
CALL (e, row) {{
    UNWIND row.names AS value
    MERGE (n:Name {{value: value}})
    MERGE (n)-[:NAME_OF]->(e)
}}
"""


# --- pictures (kg view) ---------------------------------------------------------------------
# A template returns names and rows; the picture is the subgraph behind them: the entities the
# rows name (or the graph elements they return), and the relationships among those entities.

ANSWER_NODES = """
CALL () {
    UNWIND $names AS name
    MATCH (e:Entity {name: name})
    RETURN e AS node
    UNION
    UNWIND $ids AS id
    MATCH (n)
    WHERE elementId(n) = id
    RETURN n AS node
}
RETURN DISTINCT node
LIMIT $limit
"""
"""The entities named in an answer (the Entity.name index) and the nodes it returned itself."""

DOCUMENTS_TITLED = """
MATCH (d:Document)
WHERE d.title IN $titles
RETURN d AS node
LIMIT $limit
"""
"""The documents an answer names by title (for answers about documents only)."""

RELATIONSHIPS_AMONG = """
UNWIND $ids AS id
MATCH (a)
WHERE elementId(a) = id
MATCH (a)-[r]->(b)
WHERE elementId(b) IN $ids AND type(r) <> 'NAME_OF'
RETURN r
"""
"""Every relationship between two of the given nodes (Name nodes' NAME_OF left out)."""
