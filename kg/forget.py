"""Retracting documents: after `kg forget`, the graph is the graph of the documents that remain.

Every Document keeps the facts its extraction gave (`extraction`, see docs/STORAGE.md). Forgetting
a document replays the loader's own merge (`kg.load.Batch`) over the stored facts of the documents
that remain, for exactly the entities and relationships the forgotten one touched, in the order they
were loaded, and writes those back whole: sources, evidence and its documents, confidence, rules,
attributes, names, aliases, labels. A relationship no remaining document states is deleted, and so is
an entity no remaining document lists, with the Name nodes nothing else uses; mention counts drop by
the document's share. A document loaded again with the URL (or the id and source) of one already in
the graph, or the same text extracted differently, replaces it the same way, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from neo4j import Driver, ManagedTransaction
from neo4j.exceptions import DriverError, Neo4jError
from pydantic import BaseModel, ConfigDict, Field

from kg import queries
from kg.errors import KgError, LoadError, ServerError
from kg.load import Batch
from kg.models import EVIDENCE_CAP, Document, Entity, Extraction, Relation, parse_stored_facts

RelationId = tuple[str, str, str, str]
"""(type, source key, target key, disc): what identifies a relationship."""


class ForgetResult(BaseModel):
    """What forgetting removed and rewrote, and the references that matched no document."""

    model_config = ConfigDict(extra="forbid")

    documents: list[str] = Field(default_factory=list, description="keys of the documents forgotten")
    relationships_deleted: int = 0
    relationships_updated: int = 0
    entities_deleted: int = 0
    entities_updated: int = 0
    names_deleted: int = 0
    documents_replayed: int = Field(
        default=0, description="remaining documents whose stored facts were replayed"
    )
    not_found: list[str] = Field(default_factory=list)


def forget_documents(driver: Driver, refs: list[str], *, database: str | None = None) -> ForgetResult:
    """`kg forget`: remove the documents with these keys or URLs and all that only they stated, in one
    transaction."""
    from kg.load import apply_schema

    apply_schema(driver, database)

    def work(tx: ManagedTransaction) -> ForgetResult:
        keys, not_found = resolve_documents(tx, refs)
        result = forget_in(tx, keys)
        result.not_found = not_found
        return result

    try:
        with driver.session(database=database) as session:
            return session.execute_write(work)
    except Neo4jError as exc:
        raise LoadError(
            f"forgetting failed and was rolled back, the graph is unchanged: {exc.message}"
        ) from None
    except DriverError as exc:
        raise ServerError(f"lost the connection to Neo4j while forgetting ({exc}); nothing changed") from None


def resolve_documents(tx: ManagedTransaction, refs: list[str]) -> tuple[list[str], list[str]]:
    """The keys of the documents that references (a key or a URL) name, and the references naming none."""
    keys: dict[str, None] = {}
    not_found: list[str] = []
    for record in tx.run(queries.DOCUMENTS_BY_KEY_OR_URL, refs=refs):
        if record["keys"]:
            keys.update(dict.fromkeys(record["keys"]))
        else:
            not_found.append(record["ref"])
    return list(keys), not_found


def replace_earlier_versions(tx: ManagedTransaction, batch: Batch) -> list[str]:
    """Forget the documents in the graph that documents of the batch replace; return their keys."""
    record = tx.run(queries.EARLIER_VERSIONS, rows=list(batch.documents.values())).single()
    keys = list(record["keys"]) if record else []
    if keys:
        forget_in(tx, keys)
    return keys


def forget_in(tx: ManagedTransaction, keys: list[str]) -> ForgetResult:
    """Forget documents by key inside a transaction (see the module docstring for what that means)."""
    result = ForgetResult(documents=list(keys))
    if not keys:
        return result
    gone = set(keys)
    entity_keys: dict[str, None] = {}
    relation_ids: dict[RelationId, None] = {}
    for key, _, text in _stored(tx, keys):
        entities, relations = parse_stored_facts(_facts_of(key, text))
        entity_keys.update(dict.fromkeys(entity.key for entity in entities))
        relation_ids.update(dict.fromkeys(_identity(relation) for relation in relations))

    stated = _relations_stated_by(tx, relation_ids, keys)
    contributors, names = _entity_contributors(tx, list(entity_keys))
    remaining = {key for sources in stated.values() for key in sources}
    remaining.update(key for documents in contributors.values() for key in documents)
    result.documents_replayed = len(remaining - gone)
    replay = _replay(tx, sorted(remaining - gone), set(entity_keys), stated, gone)

    tx.run(queries.DROP_MENTIONS, keys=keys).consume()
    _write_relations(tx, stated, replay, result)
    _write_entities(tx, list(entity_keys), replay, result)
    record = tx.run(queries.DELETE_UNUSED_NAMES, values=sorted(names)).single()
    result.names_deleted = int(record["deleted"]) if record else 0
    tx.run(queries.DELETE_DOCUMENTS, keys=keys).consume()
    return result


def _identity(relation: Relation) -> RelationId:
    return (relation.type, relation.source, relation.target, relation.disc)


def _stored(tx: ManagedTransaction, keys: Iterable[str]) -> list[tuple[str, int, str | None]]:
    """(key, load order, stored facts) of documents, in the order they were loaded."""
    rows = [
        (record["key"], record["load_order"] or 0, record["extraction"])
        for record in tx.run(queries.STORED_EXTRACTIONS, keys=list(keys))
    ]
    return sorted(rows, key=lambda row: (row[1], row[0]))


def _facts_of(key: str, text: str | None) -> str:
    if text is None:
        raise KgError(
            f"document {key} was loaded by an older kg that did not keep its facts, so it cannot be "
            "forgotten or replaced: empty the graph (kg reset --yes) and build it again"
        )
    return text


def _relations_stated_by(
    tx: ManagedTransaction, relation_ids: Iterable[RelationId], keys: list[str]
) -> dict[RelationId, list[str]]:
    """The relationships among relation_ids that the documents `keys` state, with their sources."""
    by_type: dict[str, list[dict[str, str]]] = {}
    for rel_type, source, target, disc in relation_ids:
        by_type.setdefault(rel_type, []).append({"source": source, "target": target, "disc": disc})
    stated: dict[RelationId, list[str]] = {}
    for rel_type, rows in by_type.items():
        for record in tx.run(queries.relations_stated_by_query(rel_type), rows=rows, keys=keys):
            identity = (rel_type, record["source"], record["target"], record["disc"])
            stated[identity] = list(record["sources"])
    return stated


def _entity_contributors(
    tx: ManagedTransaction, entity_keys: list[str]
) -> tuple[dict[str, set[str]], set[str]]:
    """Per entity, the documents that may list it; and the Name values of all of them."""
    contributors: dict[str, set[str]] = {}
    names: set[str] = set()
    for record in tx.run(queries.ENTITY_CONTRIBUTORS, keys=entity_keys):
        contributors[record["key"]] = set(record["documents"])
        names.update(record["names"])
    return contributors, names


def _replay(
    tx: ManagedTransaction,
    documents: list[str],
    entity_keys: set[str],
    stated: dict[RelationId, list[str]],
    gone: set[str],
) -> Batch:
    """The loader's merge of what the remaining documents say about the affected entities and
    relationships, in load order."""
    replay = Batch()
    for key, _, text in _stored(tx, documents):
        # A relationship counts from a document only if it is among its sources: one whose end was
        # missing when the document was loaded was never written for it.
        def keep_relation(item: dict[str, Any], key: str = key) -> bool:
            identity = (item["type"], item["source"], item["target"], item.get("disc", ""))
            return key in stated.get(identity, ())

        entities, relations = parse_stored_facts(
            _facts_of(key, text), lambda item: item["key"] in entity_keys, keep_relation
        )
        if not entities and not relations:
            continue
        for relation in relations:
            relation.sources = [source for source in relation.sources if source not in gone]
        replay.add(0, _partial_extraction(key, entities, relations))
    return replay


def _partial_extraction(key: str, entities: list[Entity], relations: list[Relation]) -> Extraction:
    return Extraction(document=Document(key=key, text=""), entities=entities, relations=relations)


def _write_relations(
    tx: ManagedTransaction, stated: dict[RelationId, list[str]], replay: Batch, result: ForgetResult
) -> None:
    rewrite: dict[str, list[dict[str, Any]]] = {}
    delete: dict[str, list[dict[str, Any]]] = {}
    for identity in stated:
        rel_type, source, target, disc = identity
        ends = {"source": source, "target": target, "disc": disc}
        merged = replay.relations.get(identity)
        if merged is None:
            delete.setdefault(rel_type, []).append(ends)
            continue
        row = merged.row()
        props = {
            **row["props"],
            "disc": disc or None,  # no empty `disc` is stored (see queries.relation_merge_query)
            "sources": row["sources"],
            "evidence": row["evidence"][:EVIDENCE_CAP],
            "evidence_docs": row["evidence_docs"][:EVIDENCE_CAP],
            "confidence": row["confidence"],
            "rules": row["rules"],
        }
        rewrite.setdefault(rel_type, []).append({**ends, "props": props})
    for rel_type, rows in delete.items():
        tx.run(queries.relation_delete_query(rel_type), rows=rows).consume()
        result.relationships_deleted += len(rows)
    for rel_type, rows in rewrite.items():
        tx.run(queries.relation_replace_query(rel_type), rows=rows).consume()
        result.relationships_updated += len(rows)


def _write_entities(
    tx: ManagedTransaction, entity_keys: list[str], replay: Batch, result: ForgetResult
) -> None:
    by_label: dict[str, list[dict[str, Any]]] = {}
    deleted: list[str] = []
    for key in entity_keys:
        merged = replay.entities.get(key)
        if merged is None:
            deleted.append(key)
            continue
        row = merged.row()
        props = {**row["props"], "key": key, "name": row["name"], "aliases": row["aliases"]}
        if row["weapons"]:
            props["weapons"] = row["weapons"]
        by_label.setdefault(merged.label, []).append({"key": key, "props": props, "names": row["names"]})
    if deleted:
        record = tx.run(queries.DELETE_ENTITIES, keys=deleted).single()
        result.entities_deleted = int(record["deleted"]) if record else 0
    for label, rows in by_label.items():
        tx.run(queries.entity_replace_query(label), rows=rows).consume()
        result.entities_updated += len(rows)
