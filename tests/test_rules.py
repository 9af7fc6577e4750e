"""Rules as data: the lexicon and frames load from kg/rules and a user's folder ($KG_RULES_DIR), bad
rule files are one-line errors, and a user's one-line frame is seen end to end in `kg query attacks`
(the README's worked example)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_kg

from kg.errors import ConfigError
from kg.rules import RULES_DIR, read_rules

RAINED_ON = {
    "id": "attack.rained-on",
    "family": "attack",
    "confidence": 0.8,
    "doc": "'X rained shells on Y'",
    "pattern": [
        {"RIGHT_ID": "trigger", "RIGHT_ATTRS": {"LEMMA": "rain", "POS": "VERB"}},
        {"LEFT_ID": "trigger", "REL_OP": ">", "RIGHT_ID": "attacker", "RIGHT_ATTRS": {"DEP": "nsubj"}},
        {
            "LEFT_ID": "trigger",
            "REL_OP": ">>",
            "RIGHT_ID": "_on",
            "RIGHT_ATTRS": {"DEP": "prep", "LOWER": {"IN": ["on", "onto"]}},
        },
        {"LEFT_ID": "_on", "REL_OP": ">", "RIGHT_ID": "target", "RIGHT_ATTRS": {"DEP": "pobj"}},
    ],
    "examples": [
        {
            "text": "Russian forces rained shells on the town of Kupiansk.",
            "expect": ["ATTACKER Attack -> Russia", "LOCATION Attack -> Kupiansk"],
        }
    ],
}


def _user_rules(tmp_path: Path, frames: list[dict[str, object]] | None = None, lexicon: str = "") -> Path:
    folder = tmp_path / "my-rules"
    (folder / "frames").mkdir(parents=True)
    if frames is not None:
        lines = "\n".join(json.dumps(f) for f in frames)
        (folder / "frames" / "mine.jsonl").write_text(lines + "\n", encoding="utf-8")
    if lexicon:
        (folder / "lexicon.toml").write_text(lexicon, encoding="utf-8")
    return folder


def test_user_words_join_our_class_and_remove_takes_ours_out(tmp_path: Path) -> None:
    folder = _user_rules(tmp_path, lexicon='[attack_verb]\nwords = ["pummel"]\nremove = ["raid"]\n')
    lexicon = read_rules([RULES_DIR, folder]).lexicon
    assert "pummel" in lexicon["attack_verb"] and "shell" in lexicon["attack_verb"]
    assert "raid" not in lexicon["attack_verb"]


def test_a_user_frame_joins_ours_and_one_with_our_id_replaces_ours(tmp_path: Path) -> None:
    ours = read_rules([RULES_DIR])
    replaced = dict(RAINED_ON, id="attack.verb.subject")
    rules = read_rules([RULES_DIR, _user_rules(tmp_path, [RAINED_ON, replaced])])
    ids = [f.id for f in rules.frames]
    assert "attack.rained-on" in ids and ids.count("attack.verb.subject") == 1
    assert len(rules.frames) == len(ours.frames) + 1
    assert next(f for f in rules.frames if f.id == "attack.verb.subject").doc == "'X rained shells on Y'"


def test_a_frame_naming_a_word_class_nobody_defined_is_an_error_naming_it(tmp_path: Path) -> None:
    broken = dict(RAINED_ON, pattern=[{"RIGHT_ID": "trigger", "RIGHT_ATTRS": {"LEMMA": "@no_such_class"}}])
    with pytest.raises(ConfigError, match="no word class 'no_such_class'"):
        read_rules([RULES_DIR, _user_rules(tmp_path, [broken])])


def test_a_frame_of_an_unknown_family_is_an_error_listing_the_families(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="family 'gossip' is not one of"):
        read_rules([RULES_DIR, _user_rules(tmp_path, [dict(RAINED_ON, family="gossip")])])


def test_a_frame_without_a_trigger_node_is_refused(tmp_path: Path) -> None:
    untriggered = dict(RAINED_ON, pattern=[{"RIGHT_ID": "verb", "RIGHT_ATTRS": {"LEMMA": "rain"}}])
    with pytest.raises(ConfigError, match="RIGHT_ID 'trigger'"):
        read_rules([RULES_DIR, _user_rules(tmp_path, [untriggered])])


def test_a_broken_rules_file_is_one_error_line_from_the_command_line(tmp_path: Path) -> None:
    folder = _user_rules(tmp_path)
    (folder / "frames" / "mine.jsonl").write_text("not json\n", encoding="utf-8")
    result = run_kg(["rules", "list"], env={"KG_RULES_DIR": str(folder), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"Error: {folder / 'frames' / 'mine.jsonl'} line 1: not valid JSON (Expecting value): fix the line"
    ]


@pytest.mark.neo4j
@pytest.mark.model
def test_the_readme_worked_example_is_seen_in_kg_query_attacks(
    tmp_path: Path, kg_env: dict[str, str]
) -> None:
    article = tmp_path / "kupiansk.txt"
    article.write_text("Russian forces rained shells on the town of Kupiansk on Sunday.\n", encoding="utf-8")
    env = dict(kg_env)
    assert run_kg(["reset", "--yes"], env).returncode == 0
    run_kg(["build", str(article), "--published", "2024-06-10", "--silent"], env)
    before = json.loads(run_kg(["query", "attacks", "-p", "attacker=Russia", "--format", "json"], env).stdout)
    assert before == [], "without the user's frame the sentence gives no attack"

    env["KG_RULES_DIR"] = str(_user_rules(tmp_path, [RAINED_ON]))
    check = run_kg(["rules", "check"], env)
    assert check.returncode == 0, check.stdout + check.stderr
    assert run_kg(["build", str(article), "--published", "2024-06-10", "--silent"], env).returncode == 0
    rows = json.loads(run_kg(["query", "attacks", "-p", "attacker=Russia", "--format", "json"], env).stdout)
    assert [(r["attacker"], r["targets"]) for r in rows] == [("Armed Forces of Russia", ["Kupiansk"])]
