"""Who attacked and who reports it: agents shared by conjoined passives, the voice of an attack.

Each text here is our own, written to pin one rule; none is copied from a real article.
"""

from __future__ import annotations

from typing import Any

import pytest
from reading import extract_text

pytestmark = pytest.mark.model


def _attackers(nlp: Any, text: str) -> set[str]:
    ex = extract_text(nlp, text)
    names = {e.key: e.name for e in ex.entities}
    return {names[r.target] for r in ex.relations if r.type == "ATTACKER"}


def _reporters(nlp: Any, text: str) -> dict[str, float]:
    ex = extract_text(nlp, text)
    names = {e.key: e.name for e in ex.entities}
    return {names[r.source]: r.confidence for r in ex.relations if r.type == "REPORTED"}


@pytest.mark.parametrize(
    "text, attacker",
    [
        ("One shepherd was shot dead and another was kidnapped by Russian soldiers.", "Russia"),
        ("Two barns near Berd were shelled and set on fire by Azerbaijani troops.", "Azerbaijan"),
    ],
)
def test_a_passive_attack_verb_shares_the_agent_of_its_conjoined_hostile_passive(nlp, text, attacker):
    assert attacker in _attackers(nlp, text)


def test_the_agent_of_a_conjoined_passive_that_is_not_hostile_is_not_the_attacker(nlp):
    text = "A farmer was shot in the arm and was driven to a clinic by Ukrainian medics."
    assert "Ukraine" not in _attackers(nlp, text)
