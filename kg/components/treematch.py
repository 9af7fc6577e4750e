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

import numpy
from spacy.attrs import HEAD, LEMMA, LOWER
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


def named_words(attrs: dict[str, Any]) -> tuple[str, list[str]] | None:
    """The indexed attribute (LEMMA, else LOWER) a node's attributes name words for, and the words;
    None when they name none."""
    for attr in INDEXED:
        words = attrs.get(attr)
        if isinstance(words, str):
            return attr, [words]
        if isinstance(words, dict) and "IN" in words:
            return attr, list(words["IN"])
    return None


def _not_in(members: frozenset[Any]) -> Callable[[Any], bool]:
    return lambda value: value not in members


def passes(token: Token, checks: list[Check]) -> bool:
    """Whether a token has every attribute a node asks for."""
    for get, test in checks:
        if not test(get(token)):
            return False
    return True


CACHE_LIMIT = 200_000
"""Word forms whose candidate patterns are remembered (cleared when full, so memory stays flat)."""

INVERSE = {"<": ">", ">": "<", "<<": ">>", ">>": "<<", ".": ";", ";": ".", ".*": ";*", ";*": ".*"}
"""Operators whose inverse is exact, so that a pattern may be searched from another of its nodes."""


@dataclass
class _Pattern:
    key: str
    order: int
    anchor: list[Check]
    nodes: list[tuple[int, str, list[Check]]]
    """For each further node, in search order: the search position of the node it hangs on, the
    operator from that node to it, its checks."""
    positions: list[int]
    """For each search position, the node's position in the pattern as written."""
    words: list[frozenset[int]]
    """For each further node that names its words (LEMMA or LOWER), their string hashes: a Doc
    with no token of one of them cannot match the pattern."""


def reroot(pattern: list[dict[str, Any]], root: int) -> list[tuple[int, int, str]] | None:
    """The pattern's edges in search order from node `root`: (from node, to node, operator), with
    edges walked against their direction inverted; None when an edge to invert has no exact inverse."""
    ids = {node["RIGHT_ID"]: i for i, node in enumerate(pattern)}
    edges: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for i, node in enumerate(pattern[1:], start=1):
        left, op = ids[node["LEFT_ID"]], node["REL_OP"]
        edges[left].append((i, op))
        if op in INVERSE:
            edges[i].append((left, INVERSE[op]))
    order: list[tuple[int, int, str]] = []
    placed, frontier = {root}, [root]
    while frontier:
        current = frontier.pop(0)
        for other, op in edges[current]:
            if other not in placed:
                placed.add(other)
                order.append((current, other, op))
                frontier.append(other)
    return order if len(placed) == len(pattern) else None


class TreeMatcher:
    """Add patterns with `add(key, pattern)`; calling it on a Doc gives (key, token indices) per match,
    in the order patterns were added, then by the positions of their nodes, as spaCy's
    DependencyMatcher orders them. A pattern is searched from its node `anchor_id` (default: the
    first) when the edges allow it."""

    def __init__(self, vocab: Vocab, anchor_id: str = "trigger") -> None:
        self._spacy = DependencyMatcher(vocab, validate=True)
        self._strings = vocab.strings
        self._fallback = DependencyMatcher(vocab)
        self._fallback_order: dict[str, int] = {}
        self._ops = self._spacy._ops
        self._anchor_id = anchor_id
        self._by_word: dict[str, dict[str, list[_Pattern]]] = {attr: defaultdict(list) for attr in INDEXED}
        self._unindexed: list[_Pattern] = []
        self._candidate_cache: dict[tuple[int, int], list[_Pattern]] = {}
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
        self._index(compiled, pattern[compiled.positions[0]]["RIGHT_ATTRS"])
        self._candidate_cache.clear()

    def _compile(self, key: str, pattern: list[dict[str, Any]]) -> _Pattern | None:
        checks = [compile_checks(node.get("RIGHT_ATTRS", {})) for node in pattern]
        if any(c is None for c in checks):
            return None
        root = next((i for i, n in enumerate(pattern) if n["RIGHT_ID"] == self._anchor_id), 0)
        edges = reroot(pattern, root) if root else None
        if edges is None:
            root, edges = 0, reroot(pattern, 0) or []
        positions = [root] + [to for _from, to, _op in edges]
        search = {node: position for position, node in enumerate(positions)}
        nodes = [(search[frm], op, checks[to] or []) for frm, to, op in edges]
        words = [self._named_words(pattern[to].get("RIGHT_ATTRS", {})) for _from, to, _op in edges]
        named = [w for w in words if w is not None]
        return _Pattern(key, self._count, checks[root] or [], nodes, positions, named)

    def _named_words(self, attrs: dict[str, Any]) -> frozenset[int] | None:
        """The hashes of the lemmas or lower-case forms a node must have, or None when it names none."""
        named = named_words(attrs)
        return frozenset(self._strings.add(word) for word in named[1]) if named else None

    def _index(self, compiled: _Pattern, attrs: dict[str, Any]) -> None:
        named = named_words(attrs)
        if named is None:
            self._unindexed.append(compiled)
            return
        attr, words = named
        for word in words:
            self._by_word[attr][word].append(compiled)

    def __call__(self, doc: Doc) -> list[tuple[str, list[int]]]:
        """Every match in the Doc: (pattern key, the token index of each of its nodes)."""
        found: list[tuple[int, list[int], str]] = []
        tree: _Tree | None = None
        words = doc.to_array([LEMMA, LOWER]).tolist() if len(doc) else []
        present = {word for pair in words for word in pair}
        viable: dict[tuple[int, int], list[_Pattern]] = {}
        for i, (lemma, lower) in enumerate(words):
            candidates = viable.get((lemma, lower))
            if candidates is None:
                candidates = viable[(lemma, lower)] = [
                    c
                    for c in self._candidates(lemma, lower)
                    if all(not present.isdisjoint(w) for w in c.words)
                ]
            if not candidates:
                continue
            token, tree = doc[i], tree or _Tree(doc, self._ops)
            for compiled in candidates:
                if passes(token, compiled.anchor):
                    for match in self._search(doc, compiled, i, tree):
                        found.append((compiled.order, match, compiled.key))
        for match_id, tokens in self._fallback(doc) if self._fallback_order else ():
            key = doc.vocab.strings[match_id]
            found.append((self._fallback_order[key], tokens, key))
        found.sort(key=lambda item: (item[0], item[1]))
        return [(key, tokens) for _order, tokens, key in found]

    def _candidates(self, lemma: int, lower: int) -> list[_Pattern]:
        """The patterns whose anchor may be a token of this lemma and lower-case form (string hashes)."""
        found = self._candidate_cache.get((lemma, lower))
        if found is None:
            strings = self._strings
            found = list(self._by_word["LEMMA"].get(strings[lemma], ()))
            seen = {id(c) for c in found}
            found += [c for c in self._by_word["LOWER"].get(strings[lower], ()) if id(c) not in seen]
            found += self._unindexed
            if len(self._candidate_cache) > CACHE_LIMIT:
                self._candidate_cache.clear()
            self._candidate_cache[(lemma, lower)] = found
        return found

    def _search(self, doc: Doc, compiled: _Pattern, anchor: int, tree: _Tree) -> Iterator[list[int]]:
        """Every way to fill the pattern's nodes from this anchor (token indices in written order)."""
        assignment = [anchor] + [0] * len(compiled.nodes)

        def extend(position: int) -> Iterator[list[int]]:
            if position > len(compiled.nodes):
                written = [0] * len(assignment)
                for search_position, node in enumerate(compiled.positions):
                    written[node] = assignment[search_position]
                yield written
                return
            left, op, checks = compiled.nodes[position - 1]
            for i in tree.related(assignment[left], op):
                if passes(doc[i], checks):
                    assignment[position] = i
                    yield from extend(position + 1)

        yield from extend(1)


SENTENCE_OPS: dict[str, Callable[[int], tuple[int, int]]] = {
    ".": lambda i: (i + 1, i + 2),
    ";": lambda i: (i - 1, i),
    ".*": lambda i: (i + 1, 1 << 30),
    ";*": lambda i: (0, i),
}
"""The operators on word order within a sentence: the candidate positions before clipping to it."""


class _Tree:
    """One Doc's heads and children, computed once, and the tokens each operator relates (cached)."""

    def __init__(self, doc: Doc, ops: dict[str, Callable[[Doc, int], list[Token]]]) -> None:
        self.doc, self.ops = doc, ops
        offsets = doc.to_array(HEAD).astype(numpy.int64)
        self.heads: list[int] = (numpy.arange(len(doc)) + offsets).tolist()
        self.children: list[list[int]] = [[] for _ in self.heads]
        for i, head in enumerate(self.heads):
            if head != i:
                self.children[head].append(i)
        self.cache: dict[tuple[int, str], list[int]] = {}
        self.bounds: dict[int, tuple[int, int]] = {}

    def related(self, i: int, op: str) -> list[int]:
        """The tokens that stand in relation `op` to token i, in text order."""
        key = (i, op)
        if key not in self.cache:
            self.cache[key] = self._compute(i, op)
        return self.cache[key]

    def _compute(self, i: int, op: str) -> list[int]:
        if op == ">":
            return self.children[i]
        if op == "<":
            return [] if self.heads[i] == i else [self.heads[i]]
        if op == ">>":
            below, stack = [], list(self.children[i])
            while stack:
                j = stack.pop()
                below.append(j)
                stack.extend(self.children[j])
            return sorted(below)
        if op == "<<":
            above = []
            while self.heads[i] != i:
                i = self.heads[i]
                above.append(i)
            return sorted(above)
        if op in SENTENCE_OPS:
            (start, end), (low, high) = self.sentence(i), SENTENCE_OPS[op](i)
            return list(range(max(start, low), min(end, high)))
        return sorted(token.i for token in self.ops[op](self.doc, i))

    def sentence(self, i: int) -> tuple[int, int]:
        """The bounds of the dependency tree token i belongs to (spaCy's DependencyMatcher's sentence)."""
        root = i
        while self.heads[root] != root:
            root = self.heads[root]
        if root not in self.bounds:
            token = self.doc[root]
            self.bounds[root] = (token.left_edge.i, token.right_edge.i + 1)
        return self.bounds[root]
