"""extract_documents as other stages use it: streaming, in order, stable keys, no guessed dates."""

from __future__ import annotations

from typing import Any

import pytest

from kg.models import Document, Extraction

pytestmark = pytest.mark.model

REPORT = (
    "Azerbaijan's Defence Ministry said Armenian forces fired on Azerbaijani positions near the village of "
    "Kokhanebi in the Tovuz district late on Thursday night."
)


@pytest.fixture(scope="module")
def extract() -> Any:
    """Extract one text as a Document with a key and an optional publication date."""
    from kg.extract import extract_documents

    def run(
        text: str, key: str = "doc", published: str | None = None, title: str | None = None
    ) -> Extraction:
        return next(extract_documents([Document(key=key, text=text, published=published, title=title)]))

    return run


def test_one_extraction_per_document_in_the_same_order() -> None:
    from kg.extract import extract_documents

    docs = [
        Document(key=f"d{i}", text=f"Armenian units shelled the village of Sotk {i} times.") for i in range(5)
    ]
    out = list(extract_documents(iter(docs), batch_size=2))
    assert [x.document.key for x in out] == ["d0", "d1", "d2", "d3", "d4"]


def test_the_same_village_gets_the_same_key_in_two_documents(extract: Any) -> None:
    one = extract(REPORT, key="a")
    two = extract("Kokhanebi village in the Tovuz district came under fire again.", key="b")
    key = {e.key for e in one.entities if e.name == "Kokhanebi"}
    assert key and key == {e.key for e in two.entities if e.name == "Kokhanebi"}


def test_same_village_name_in_two_regions_stays_two_nodes(extract: Any) -> None:
    text = (
        "Shelling hit Tazakend settlement of the Dashkasan region. "
        "Another Tazakend village in the Kalbajar district was also hit."
    )
    keys = {e.key for e in extract(text).entities if e.name == "Tazakend"}
    assert len(keys) == 2


def test_relative_dates_stay_null_without_a_publication_date(extract: Any) -> None:
    attack = next(e for e in extract(REPORT).entities if e.label == "Attack")
    assert attack.start is None and attack.date_precision is None


def test_relative_dates_resolve_with_a_publication_date(extract: Any) -> None:
    attack = next(e for e in extract(REPORT, published="2022-09-23").entities if e.label == "Attack")
    assert (attack.start, attack.date_precision) == ("2022-09-22", "day")


def test_read_more_lines_are_links_not_facts(extract: Any) -> None:
    text = (
        REPORT
        + "\n\nREAD MORE: US hosts Armenia, Azerbaijan top diplomats in bid to boost peace\n\nMore text."
    )
    extraction = extract(text)
    assert not any(e.label == "Meeting" for e in extraction.entities)
    assert "state:us" not in {e.key for e in extraction.entities}


def test_every_relation_carries_its_sentence_and_document(extract: Any) -> None:
    extraction = extract(REPORT, key="k1")
    assert extraction.relations
    for relation in extraction.relations:
        assert relation.sources == ["k1"]
        assert relation.evidence and relation.evidence[0] in " ".join(REPORT.split())
        assert relation.rule and 0 < relation.confidence <= 1


def test_the_headline_is_read_when_the_body_does_not_repeat_it(extract: Any) -> None:
    extraction = extract(
        "The statement gave no details.", title="Azerbaijan accuses Armenia of breaching truce"
    )
    assert any(r.type == "ACCUSES" and r.target == "state:am" for r in extraction.relations)


def test_uppercase_datelines_name_places(extract: Any) -> None:
    extraction = extract("YEREVAN, November 16. Azerbaijani forces shelled Armenian positions.")
    assert "Yerevan" in {e.name for e in extraction.entities if e.label == "Settlement"}
