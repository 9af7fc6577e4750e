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


@pytest.mark.parametrize("frame", FRAMES, ids=[f.id for f in FRAMES])
def test_every_frame_has_an_example(frame: Any) -> None:
    assert frame.examples, f"frame {frame.id} has no example: add one to its [[frame.example]]"


@pytest.mark.parametrize(
    ("frame", "example"), EXAMPLES, ids=[f"{f.id}:{i}" for f in FRAMES for i, _ in enumerate(f.examples)]
)
def test_every_example_gives_what_it_expects(nlp: Any, frame: Any, example: Any) -> None:
    result = check_example(nlp, frame, example)
    assert not result.problems, f"{frame.id}: {example.text!r}: " + "; ".join(result.problems)


def test_a_malformed_expectation_line_is_a_problem_of_its_example_not_a_crash(nlp: Any) -> None:
    frame = FRAMES[0]
    example = frame.examples[0].model_copy(update={"expect": ["ATTACKED Armenia", *frame.examples[0].expect]})
    result = check_example(nlp, frame, example)
    assert any(p.startswith("malformed line:") and "ATTACKED Armenia" in p for p in result.problems)
    assert not any(p.startswith("missing:") for p in result.problems)
