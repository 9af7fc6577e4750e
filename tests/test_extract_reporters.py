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


def _best_reporter(nlp: Any, text: str) -> str | None:
    reporters = _reporters(nlp, text)
    return max(sorted(reporters), key=lambda name: reporters[name]) if reporters else None


def test_a_reporter_named_by_its_function_is_the_body_of_that_kind_the_text_names(nlp):
    text = (
        "Indian troops shelled two villages near Kotli, killing three civilians, the army's press service"
        " said. In a statement, the Inter-Services Public Relations (ISPR) called the firing unprovoked."
    )
    assert "Inter-Services Public Relations" in _reporters(nlp, text)


def test_a_reporter_named_by_its_function_is_no_one_when_the_text_names_no_body_of_that_kind(nlp):
    assert (
        _reporters(nlp, "Indian troops shelled two villages near Kotli, the army's press service said.") == {}
    )


def test_the_ministrys_spokesperson_is_the_one_ministry_the_text_names(nlp):
    text = (
        "Russian forces shelled the town of Nikopol, the ministry's spokesperson said. The Ministry of"
        " Defence of Ukraine later said two people were wounded."
    )
    assert "Ministry of Defence of Ukraine" in _reporters(nlp, text)


def test_the_voice_that_states_the_attack_and_its_toll_outranks_a_voice_of_the_toll_only(nlp):
    text = (
        "Azerbaijani forces shelled the village of Sotk on Tuesday, killing two soldiers, the Armenian"
        " Ministry of Defence said. Two soldiers were killed in the shelling, the OSCE said."
    )
    assert _best_reporter(nlp, text) == "Ministry of Defence of Armenia"


def test_a_states_military_as_a_whole_stands_for_the_one_command_of_it_the_text_names(nlp):
    text = (
        "Houthi drones struck a tanker in the Red Sea on Monday, killing two sailors, the US military said."
        " CENTCOM said two sailors were killed in the strike."
    )
    assert _best_reporter(nlp, text) == "United States Central Command"


def test_the_name_a_group_calls_itself_is_the_group_when_its_spokesman_speaks(nlp):
    text = (
        "Houthi military spokesman Yahya Saree said the Yemeni Armed Forces had targeted a British ship"
        " in the Gulf of Aden with missiles."
    )
    attackers = _attackers(nlp, text)
    assert "Houthis" in attackers and "Yemen" not in attackers


def test_the_name_a_group_calls_itself_stays_the_states_when_another_voice_speaks(nlp):
    text = "The Yemeni Armed Forces shelled Houthi positions near Marib, the Yemeni defence ministry said."
    attackers = _attackers(nlp, text)
    assert "Yemen" in attackers and "Houthis" not in attackers


def test_the_name_a_group_called_itself_by_becomes_one_of_its_names(nlp):
    text = (
        "Houthi military spokesman Yahya Saree said the Yemeni Armed Forces had targeted a British ship"
        " in the Gulf of Aden with missiles."
    )
    houthis = next(e for e in extract_text(nlp, text).entities if e.name == "Houthis")
    assert "Yemeni Armed Forces" in houthis.aliases
