"""A faster DependencyMatcher for many patterns: the same pattern syntax and the same relation
operators, searched from each pattern's anchor outwards instead of over every combination of
candidate tokens.

spaCy's DependencyMatcher runs one token Matcher pattern per node of every pattern over every token
(hundreds of set look-ups per token) and then tries the cartesian product of the candidates of a
pattern's nodes. Frames are anchored on a trigger word of a word class, so almost every token is
ruled out by one dictionary look-up on its lemma; from a trigger the search follows each node's
relation (children, head, subtree...) and checks only the tokens it reaches. Patterns that use
attributes this module does not compile (REGEX, comparisons, custom `_` attributes, OP) are handed
to a spaCy DependencyMatcher of their own, so every valid pattern still matches as spaCy matches it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from spacy.matcher import DependencyMatcher
from spacy.tokens import Doc, Token
from spacy.vocab import Vocab

Check = tuple[Callable[[Token], Any], Callable[[Any], bool]]

GETTERS: dict[str, Callable[[Token], Any]] = {
    "ORTH": attrgetter("text"),
    "TEXT": attrgetter("text"),
    "LOWER": attrgetter("lower_"),
    "LEMMA": attrgetter("lemma_"),
    "POS": attrgetter("pos_"),
    "TAG": attrgetter("tag_"),
    "DEP": attrgetter("dep_"),
    "ENT_TYPE": attrgetter("ent_type_"),
    "SHAPE": attrgetter("shape_"),
    "NORM": attrgetter("norm_"),
    "LIKE_NUM": attrgetter("like_num"),
    "IS_ALPHA": attrgetter("is_alpha"),
    "IS_DIGIT": attrgetter("is_digit"),
    "IS_PUNCT": attrgetter("is_punct"),
    "IS_TITLE": attrgetter("is_title"),
    "IS_UPPER": attrgetter("is_upper"),
    "IS_LOWER": attrgetter("is_lower"),
    "IS_STOP": attrgetter("is_stop"),
}
INDEXED = ("LEMMA", "LOWER")
"""Anchor attributes whose words index the patterns: a token is tried only by the patterns whose
anchor lists its lemma or lower-case form."""


def compile_checks(attrs: dict[str, Any]) -> list[Check] | None:
    """One node's attributes as (getter, test) pairs, or None when one of them is not compiled here."""
    checks: list[Check] = []
    for key, value in attrs.items():
        getter = GETTERS.get(key)
        if getter is None:
            return None
        if isinstance(value, dict):
            if not set(value) <= {"IN", "NOT_IN"}:
                return None
            for op, words in value.items():
                members = frozenset(words)
                checks.append((getter, members.__contains__ if op == "IN" else _not_in(members)))
        elif isinstance(value, (str, bool, int)):
            checks.append((getter, value.__eq__))
        else:
            return None
    return checks


def _not_in(members: frozenset[Any]) -> Callable[[Any], bool]:
    return lambda value: value not in members


def passes(token: Token, checks: list[Check]) -> bool:
    """Whether a token has every attribute a node asks for."""
    return all(test(get(token)) for get, test in checks)


@dataclass
class _Pattern:
    key: str
    order: int
    nodes: list[tuple[int, str, list[Check]]]
    """For each node after the anchor: the index of its LEFT_ID node, the operator, its checks."""
    anchor: list[Check]


class TreeMatcher:
    """Add patterns with `add(key, pattern)`; calling it on a Doc gives (key, token indices) per match,
    in the order patterns were added, then by anchor position, like spaCy's DependencyMatcher."""

    def __init__(self, vocab: Vocab) -> None:
        self._spacy = DependencyMatcher(vocab, validate=True)
        self._fallback = DependencyMatcher(vocab)
        self._fallback_order: dict[str, int] = {}
        self._ops = self._spacy._ops
        self._by_word: dict[str, dict[str, list[_Pattern]]] = {attr: defaultdict(list) for attr in INDEXED}
        self._unindexed: list[_Pattern] = []
        self._count = 0

    def add(self, key: str, pattern: list[dict[str, Any]]) -> None:
        """Add one pattern (spaCy's DependencyMatcher syntax); raises ValueError when it is invalid."""
        self._spacy.add(key, [pattern])  # spaCy validates the pattern (and its operators) for us
        self._count += 1
        compiled = self._compile(key, pattern)
        if compiled is None:
            self._fallback.add(key, [pattern])
            self._fallback_order[key] = self._count
            return
        self._index(compiled, pattern[0]["RIGHT_ATTRS"])

    def _compile(self, key: str, pattern: list[dict[str, Any]]) -> _Pattern | None:
        ids = {node["RIGHT_ID"]: i for i, node in enumerate(pattern)}
        anchor = compile_checks(pattern[0]["RIGHT_ATTRS"])
        if anchor is None:
            return None
        nodes = []
        for node in pattern[1:]:
            checks = compile_checks(node.get("RIGHT_ATTRS", {}))
            if checks is None:
                return None
            nodes.append((ids[node["LEFT_ID"]], node["REL_OP"], checks))
        return _Pattern(key, self._count, nodes, anchor)

    def _index(self, compiled: _Pattern, attrs: dict[str, Any]) -> None:
        for attr in INDEXED:
            words = attrs.get(attr)
            if isinstance(words, str):
                words = {"IN": [words]}
            if isinstance(words, dict) and "IN" in words:
                for word in words["IN"]:
                    self._by_word[attr][word].append(compiled)
                return
        self._unindexed.append(compiled)

    def __call__(self, doc: Doc) -> list[tuple[str, list[int]]]:
        """Every match in the Doc: (pattern key, the token index of each of its nodes)."""
        found: list[tuple[int, int, int, str, list[int]]] = []
        cache: dict[tuple[int, str], list[int]] = {}
        for token in doc:
            for compiled in self._candidates(token):
                if passes(token, compiled.anchor):
                    for n, match in enumerate(self._search(doc, compiled, token.i, cache)):
                        found.append((compiled.order, token.i, n, compiled.key, match))
        for match_id, tokens in self._fallback(doc) if self._fallback_order else ():
            key = doc.vocab.strings[match_id]
            found.append((self._fallback_order[key], tokens[0], len(found), key, tokens))
        found.sort(key=lambda item: item[:3])
        return [(key, tokens) for _order, _anchor, _n, key, tokens in found]

    def _candidates(self, token: Token) -> Iterator[_Pattern]:
        seen: set[int] = set()
        for attr, value in (("LEMMA", token.lemma_), ("LOWER", token.lower_)):
            for compiled in self._by_word[attr].get(value, ()):
                if id(compiled) not in seen:
                    seen.add(id(compiled))
                    yield compiled
        yield from self._unindexed

    def _search(
        self, doc: Doc, compiled: _Pattern, anchor: int, cache: dict[tuple[int, str], list[int]]
    ) -> Iterator[list[int]]:
        """Every way to fill the pattern's nodes from this anchor, depth first in token order."""
        assignment = [anchor] + [0] * len(compiled.nodes)

        def extend(position: int) -> Iterator[list[int]]:
            if position > len(compiled.nodes):
                yield list(assignment)
                return
            left, op, checks = compiled.nodes[position - 1]
            for i in self._related(doc, assignment[left], op, cache):
                if passes(doc[i], checks):
                    assignment[position] = i
                    yield from extend(position + 1)

        yield from extend(1)

    def _related(self, doc: Doc, i: int, op: str, cache: dict[tuple[int, str], list[int]]) -> list[int]:
        key = (i, op)
        if key not in cache:
            cache[key] = sorted(token.i for token in self._ops[op](doc, i))
        return cache[key]
