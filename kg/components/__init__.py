"""Our spaCy components, one module per concern, and the `._` extensions they share.

Data stays on the Doc inside the pipeline, as plain dicts and lists (so docs can cross process
boundaries); `kg.extract` turns it into `kg.models` objects when it leaves the pipeline.
"""

from __future__ import annotations

from spacy.tokens import Doc

DOC_EXTENSIONS: dict[str, object] = {
    "kg_key": None,  # the document key (set before the pipeline runs)
    "kg_published": None,  # ISO publication date or None (set before the pipeline runs)
    "kg_skip": None,  # [[start, end), ...] token ranges that are links, not content ("READ MORE: ...")
    "kg_records": None,  # [[line_start, line_end, date_start, date_end, body_end]] coded-record headers
    "kg_entities": None,  # key -> {"label", "name", "aliases", ...optional properties}
    "kg_mentions": None,  # [{"start", "end", "key"}] in document order
    "kg_relations": None,  # [{"type", "source", "target", "sent": [start, end], "rule", ...}]
    "kg": None,  # the DocGraph (kg.components.records): typed entities, mentions, facts, event mentions
    "kg_frames": None,  # [FrameMatch] (kg.components.frames): the roles every frame filled
}


def register_extensions() -> None:
    """Register the Doc extensions our components read and write (idempotent)."""
    for name, default in DOC_EXTENSIONS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)
