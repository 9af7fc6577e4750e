"""Roles -> outputs: what the words a frame matched become, by the family's map in roles.toml."""

from __future__ import annotations

from typing import Any

from kg.components.frames import FrameMatch
from kg.components.reading import Reader
from kg.rules import Family


def as_list(value: Any) -> list[Any]:
    """A filler's result as a list (None -> [], a list stays a list)."""
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def fill_roles(match: FrameMatch, family: Family, reader: Reader) -> dict[str, list[Any]]:
    """Each output of the family's roles (ATTACKER, weapons...) -> the values its words give, no repeats."""
    outputs: dict[str, list[Any]] = {}
    doc = reader.doc
    for role, tokens in match.roles.items():
        for output in family.roles.get(role, ()):
            values = outputs.setdefault(output.output, [])
            for i in sorted(tokens):
                for value in as_list(reader.fill(output.filler, doc[i])):
                    if isinstance(value, str) and (not value or value in values):
                        continue
                    if not any(v is value for v in values):
                        values.append(value)
    return outputs


def fill_properties(match: FrameMatch, family: Family, reader: Reader) -> dict[str, Any]:
    """The family's properties (allegation, claim, title...) from the words of their roles."""
    found: dict[str, Any] = {}
    for name, outputs in family.properties.items():
        for output in outputs:
            token = match.trigger if output.output == "trigger" else match.first(output.output)
            value = reader.fill(output.filler, reader.doc[token]) if token is not None else None
            if value:
                found[name] = value
                break
    return found
