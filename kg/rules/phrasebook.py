"""The phrasebook: every frame's examples, read by the whole pipeline and checked against what they
must give. `kg rules check` runs it over ours and `$KG_RULES_DIR`; the test suite runs it too.

An expectation is one line: `TYPE Source -> Target` (a relation), optionally `| prop = value` or
`| prop ~ words` (its property equals / contains), or `prop Event ~ words` (an entity property, e.g.
`weapons Attack ~ mortars`). Sources and targets are canonical names or aliases; an event is named
by its label ("Attack"); a state also stands for its ministries, armed forces and representatives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from kg.models import Document, Entity, Extraction, Relation
from kg.names import normalise_name
from kg.rules import Example, Frame, Rules

_RELATION = re.compile(
    r"^(?P<type>[A-Z_]+)\s+(?P<source>.+?)\s+->\s+(?P<target>.+?)(?:\s*\|\s*(?P<prop>\w+)\s*(?P<op>[=~])\s*(?P<value>.+))?$"
)
_PROPERTY = re.compile(r"^(?P<prop>[a-z_]+)\s+(?P<entity>.+?)\s+(?P<op>[=~])\s+(?P<value>.+)$")
EVENT_LABELS = ("Attack", "Clash", "Ceasefire", "Agreement", "Meeting")


@dataclass(frozen=True)
class ExampleResult:
    """One example of one frame: what went wrong (nothing when it passed)."""

    frame: str
    text: str
    problems: tuple[str, ...]
    fired: bool


class Facts:
    """An extraction read by names: which keys a name stands for, which relations hold."""

    def __init__(self, extraction: Extraction) -> None:
        self.extraction = extraction
        self.by_key = {e.key: e for e in extraction.entities}
        self.members: dict[str, set[str]] = {}
        for rel in extraction.relations:
            if rel.type in ("MINISTRY_OF", "ARMED_FORCE_OF", "REPRESENTS"):
                self.members.setdefault(rel.target, set()).add(rel.source)

    def keys(self, name: str) -> set[str]:
        """Keys an expectation's name stands for (an event label: every event of that label)."""
        if name in EVENT_LABELS:
            return {e.key for e in self.extraction.entities if e.label == name}
        wanted = normalise_name(name)
        found = {
            e.key
            for e in self.extraction.entities
            if wanted in {normalise_name(n) for n in [e.name, *e.aliases]}
        }
        for key in list(found):
            found |= self.members.get(key, set())
            found |= {m2 for m in self.members.get(key, set()) for m2 in self.members.get(m, set())}
        return found

    def relations(self, rtype: str, source: str, target: str) -> list[Relation]:
        """Relations of a type between what two names stand for."""
        sources, targets = self.keys(source), self.keys(target)
        return [
            r
            for r in self.extraction.relations
            if r.type == rtype and r.source in sources and r.target in targets
        ]

    def entities(self, name: str) -> list[Entity]:
        """The entities a name stands for."""
        return [self.by_key[k] for k in self.keys(name) if k in self.by_key]


def _matches(value: Any, op: str, wanted: str) -> bool:
    values = value if isinstance(value, list) else [value]
    for v in values:
        if v is None:
            continue
        text = normalise_name(str(v))
        if (op == "=" and text == normalise_name(wanted)) or (op == "~" and normalise_name(wanted) in text):
            return True
    return False


def holds(facts: Facts, line: str) -> bool:
    """Whether an expectation line holds in an extraction."""
    relation = _RELATION.match(line.strip())
    if relation is not None:
        found = facts.relations(relation["type"], relation["source"], relation["target"])
        if relation["prop"]:
            found = [
                r
                for r in found
                if _matches(getattr(r, relation["prop"], None), relation["op"], relation["value"])
            ]
        return bool(found)
    prop = _PROPERTY.match(line.strip())
    if prop is None:
        raise ValueError(f"expectation {line!r} is neither `TYPE Source -> Target` nor `prop Entity ~ value`")
    return any(
        _matches(getattr(e, prop["prop"], None), prop["op"], prop["value"])
        for e in facts.entities(prop["entity"])
    )


def check_example(nlp: Any, frame: Frame, example: Example) -> ExampleResult:
    """Read one example with the whole pipeline: what it must and must not give, whether its frame fired."""
    from kg.documents import document_key
    from kg.extract import extract_documents

    document = Document(
        key=document_key(None, example.text), text=example.text, published=example.published or "2024-05-10"
    )
    extraction = next(extract_documents([document], nlp=nlp))
    facts = Facts(extraction)
    problems = [p for line in example.expect if (p := _expectation_problem(facts, line, "missing", True))]
    problems += [p for line in example.forbid if (p := _expectation_problem(facts, line, "unwanted", False))]
    if not example.expect and not example.forbid:
        problems.append("the example says nothing it must give: add `expect` or `forbid` lines")
    fired = frame.id in _fired(nlp, example.text)
    if not fired:
        problems.append(f"frame {frame.id} did not match its own example")
    return ExampleResult(frame.id, example.text, tuple(problems), fired)


def _expectation_problem(facts: Facts, line: str, failure: str, wanted: bool) -> str | None:
    """The problem with one `expect` (wanted) or `forbid` line, if any; a malformed line is a problem too."""
    try:
        found = holds(facts, line)
    except ValueError as error:
        return f"malformed line: {error}"
    return None if found == wanted else f"{failure}: {line}"


def _fired(nlp: Any, text: str) -> set[str]:
    from kg.components import register_extensions

    register_extensions()
    doc = nlp(text)
    return {name for match in doc._.kg_frames or () for name in match.frames}


def check_rules(nlp: Any, rules: Rules) -> list[ExampleResult]:
    """Every example of every frame, checked; a frame without an example is a problem of its own."""
    results: list[ExampleResult] = []
    for frame in rules.frames:
        if not frame.examples:
            results.append(ExampleResult(frame.id, "", ("the frame has no example: add one",), False))
        for example in frame.examples:
            results.append(check_example(nlp, frame, example))
    return results


def run_phrasebook() -> tuple[str, bool]:
    """`kg rules check`: every example of every frame in use; the report and whether all passed."""
    from kg.extract import load_nlp
    from kg.rules import load_rules

    results = check_rules(load_nlp(), load_rules())
    failed = [r for r in results if r.problems]
    lines = [f"FAIL {r.frame}: {r.text!r}: {'; '.join(r.problems)}" for r in failed]
    lines.append(f"{len(results) - len(failed)} of {len(results)} examples give what they expect")
    return "\n".join(lines), not failed


def describe_frames() -> str:
    """`kg rules list`: one line per frame (id, family, confidence, examples)."""
    from kg.rules import load_rules

    rules = load_rules()
    rows = [f"{f.id}\t{f.family}\t{f.confidence}\t{len(f.examples)} examples" for f in rules.frames]
    return "\n".join(rows)
