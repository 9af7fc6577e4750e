"""Shared by the extraction tests: read one short text of our own with the whole pipeline."""

from __future__ import annotations

from typing import Any

from kg.extract import extract_documents
from kg.models import Document, Extraction


def extract_text(nlp: Any, text: str, published: str = "2024-03-15") -> Extraction:
    """The extraction of one text, published on the given day."""
    return next(extract_documents([Document(key="t", text=text, published=published)], nlp=nlp))
