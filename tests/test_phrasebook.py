"""The phrasebook: every frame of kg/rules is run on each of its own examples through the whole
pipeline, and must give the relations the example lists (and none it forbids). A frame without an
example fails, and so does an example its own frame does not match."""

from __future__ import annotations

from typing import Any

import pytest

from kg.rules import load_rules
from kg.rules.phrasebook import check_example

pytestmark = pytest.mark.model

FRAMES = load_rules().frames
EXAMPLES = [(frame, example) for frame in FRAMES for example in frame.examples]


@pytest.fixture(scope="module")
def nlp() -> Any:
    """The pipeline with the frames engine, loaded once for the module."""
    from kg.extract import load_nlp

    return load_nlp()


@pytest.mark.parametrize("frame", FRAMES, ids=[f.id for f in FRAMES])
def test_every_frame_has_an_example(frame: Any) -> None:
    assert frame.examples, f"frame {frame.id} has no example: add one to its [[frame.example]]"


@pytest.mark.parametrize(
    ("frame", "example"), EXAMPLES, ids=[f"{f.id}:{i}" for f in FRAMES for i, _ in enumerate(f.examples)]
)
def test_every_example_gives_what_it_expects(nlp: Any, frame: Any, example: Any) -> None:
    result = check_example(nlp, frame, example)
    assert not result.problems, f"{frame.id}: {example.text!r}: " + "; ".join(result.problems)
