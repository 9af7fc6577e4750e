"""The pretrained model's attribute ruler and lemmatizer compiled to table look-ups: the same
annotations, faster.

spaCy's `AttributeRuler` runs one `Matcher` of all its patterns over every token (in the English
models: the tag map, one one-token pattern per fine tag, plus word exceptions), which costs as much
as the tagger and the lemmatizer together. Most of its patterns test one token on attributes with
few values (TAG, DEP, IS_SPACE) or on a handful of words (LOWER). `CompiledAttributeRuler` reads
those attributes of every token into a key (a word no pattern names becomes one "other word"),
asks spaCy's own `Matcher` which one-token patterns a key matches the first time it is seen, and
keeps the answer; patterns of several tokens or with operators stay in a `Matcher` of their own.
The attributes are then set in the ruler's order (later patterns win), as the ruler does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy
from spacy.attrs import IDS, LEMMA, MORPH, ORTH, POS
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import AttributeRuler, Lemmatizer
from spacy.tokens import Doc, Token

OTHER = 0
"""The key value of a word no pattern names (no string hashes to 0)."""

CACHE_LIMIT = 200_000
"""Keys kept at most (only keys with raw values of unbounded attributes can grow this far)."""

_Gate = tuple[int, "frozenset[int] | re.Pattern[str]"]
"""A test on the Doc: some token's attribute (an ID) has one of these values, or matches this regex."""

_WORD_ATTRS = frozenset({"ORTH", "LOWER", "NORM", "TEXT", "LEMMA"})
"""Attributes with many values: a test on one of them rules out most documents."""

_SET_PREDICATES = frozenset({"IN", "NOT_IN"})


class CompiledAttributeRuler:
    """An `AttributeRuler`'s patterns and attributes, applied by key look-up (see the module)."""

    def __init__(self, nlp: Language, name: str = "attribute_ruler") -> None:
        self.vocab = nlp.vocab
        self.name = name
        self.compiled = False

    def compile(self, ruler: AttributeRuler) -> None:
        """Take over the patterns of `ruler` (its order, attributes and token indices)."""
        if sets_extensions(ruler):
            raise ValueError("attribute ruler patterns that set extensions cannot be compiled")
        self.attrs: list[dict[int, int]] = [dict(a) for a in ruler.attrs]  # type: ignore[attr-defined]
        self.indices: list[int] = list(ruler.indices)  # type: ignore[attr-defined]
        self.single = Matcher(self.vocab, validate=False)
        self.rest = Matcher(self.vocab, validate=False)
        self.order_of: dict[int, int] = {}
        single_patterns: list[dict] = []
        gates: list[list[_Gate] | None] = []
        for order in range(len(self.attrs)):
            key = self.vocab.strings.add(str(order))
            self.order_of[key] = order
            for pattern in ruler.matcher.get(str(order))[1]:
                if self._keyed(pattern, self.indices[order]):
                    self.single.add(key, [pattern])
                    single_patterns.append(pattern[0])
                else:
                    self.rest.add(key, [pattern])
                    gates.append(self._gates(pattern))
        self.key_attrs: list[int | str]
        self.key_attrs, self.known = self._key_columns(single_patterns)
        self.gates: list[list[_Gate]] | None = None if None in gates else gates  # type: ignore[assignment]
        self.set_attrs: list[int | str] = sorted({attr for attrs in self.attrs for attr in attrs})
        self.column: dict[int | str, int] = {attr: j for j, attr in enumerate(self.set_attrs)}
        self.cache: dict[tuple[int, ...], tuple[tuple[int, ...], tuple[tuple[int, int], ...]]] = {}
        self.searched: dict[str, tuple[set[int], set[int]]] = {}
        self.compiled = True

    def __call__(self, doc: Doc) -> Doc:
        """Set the attributes every pattern gives the tokens of the Doc, as the ruler would."""
        if not self.compiled or not len(doc) or not self.set_attrs:
            return doc
        keys = self._keys(doc)
        extra = self._multi_token_orders(doc)
        values = doc.to_array(self.set_attrs).tolist()
        changed, cache, column = False, self.cache, self.column
        for i, key in enumerate(keys):
            found = cache.get(key) or self._answer(doc, i, key)
            merged = found[1] if i not in extra else self._merged(sorted(found[0] + tuple(extra[i])))
            if merged:
                row, changed = values[i], True
                for attr, value in merged:
                    row[column[attr]] = value
        if changed:
            doc.from_array(self.set_attrs, numpy.array(values, dtype=numpy.uint64))  # type: ignore[arg-type]
        return doc

    def _keyed(self, pattern: list[dict], index: int) -> bool:
        """Whether a pattern is one token tested on named values or flags only (a key decides it)."""
        if len(pattern) != 1 or index not in (0, -1) or "OP" in pattern[0]:
            return False
        return all(
            self._named_values(predicate) is not None or _is_flag(predicate)
            for predicate in pattern[0].values()
        )

    def _key_columns(self, patterns: Iterable[dict]) -> tuple[list[int | str], list[frozenset[int] | None]]:
        """The attributes the one-token patterns read, each with the values they name (None: any)."""
        named: dict[str, set[int] | None] = {}
        for token in patterns:
            for attr, predicate in token.items():
                values = named.setdefault(attr.upper(), set())
                words = None if _is_flag(predicate) else self._named_values(predicate)
                if words is None or values is None:
                    named[attr.upper()] = None
                else:
                    values.update(words)
        attrs = sorted(named)
        ids: list[int | str] = [IDS[attr] for attr in attrs]
        known = [None if named[a] is None else frozenset(named[a]) for a in attrs]  # type: ignore[arg-type]
        return ids, known

    def _named_values(self, predicate: object) -> set[int] | None:
        """Hashes of the strings a predicate names; None when it can match a value it does not name."""
        if isinstance(predicate, str):
            return {self.vocab.strings.add(predicate)}
        if isinstance(predicate, dict) and set(predicate) <= _SET_PREDICATES:
            values = [v for listed in predicate.values() for v in listed]
            if all(isinstance(v, str) for v in values):
                return {self.vocab.strings.add(v) for v in values}
        return None

    def _keys(self, doc: Doc) -> list[tuple[int, ...]]:
        """Per token, the values of the key attributes, with words no pattern names as OTHER."""
        if not self.key_attrs:
            return [()] * len(doc)
        columns = doc.to_array(self.key_attrs).reshape((len(doc), len(self.key_attrs))).T.tolist()
        keyed = [
            column if known is None else [value if value in known else OTHER for value in column]
            for column, known in zip(columns, self.known, strict=True)
        ]
        return list(zip(*keyed, strict=True))

    def _answer(
        self, doc: Doc, i: int, key: tuple[int, ...]
    ) -> tuple[tuple[int, ...], tuple[tuple[int, int], ...]]:
        """For a key not seen yet (token i has it): the one-token patterns it matches, asked of spaCy's
        Matcher, and their attributes merged in order; kept in the cache."""
        matches = self.single(doc[i : i + 1], allow_missing=True)
        orders = tuple(sorted({self.order_of[match_id] for match_id, _, _ in matches}))
        if len(self.cache) >= CACHE_LIMIT:
            self.cache.clear()
        found = self.cache[key] = (orders, self._merged(orders))
        return found

    def _multi_token_orders(self, doc: Doc) -> dict[int, list[int]]:
        """Token index -> the orders of the patterns of several tokens (or with operators) it gets."""
        extra: dict[int, list[int]] = {}
        if not len(self.rest) or not self._may_match_rest(doc):
            return extra
        for match_id, start, end in self.rest(doc, allow_missing=True):
            order = self.order_of[match_id]
            index = self.indices[order]
            target = start + index if index >= 0 else end + index
            if not start <= target < end:
                raise ValueError(f"attribute ruler pattern {order} has token index {index} out of its match")
            extra.setdefault(target, []).append(order)
        return extra

    def _gates(self, pattern: list[dict]) -> list[_Gate] | None:
        """Tests the doc must pass for a pattern to match: per token, one attribute's named values
        or regex, word attributes first; None when some token has no such test (always run)."""
        tests: list[_Gate] = []
        for token in pattern:
            if token.get("OP") in ("?", "*", "!"):
                continue
            test: _Gate | None = None
            for attr in sorted(token, key=lambda a: a.upper() not in _WORD_ATTRS):
                predicate = token[attr]
                words = None if attr == "OP" else self._named_values(predicate)
                if words is not None:
                    test = IDS[attr.upper()], frozenset(words)
                elif isinstance(predicate, dict) and set(predicate) == {"REGEX"}:
                    test = IDS[attr.upper()], re.compile(predicate["REGEX"])
                if test is not None:
                    break
            if test is not None:
                tests.append(test)
        return tests or None

    def _may_match_rest(self, doc: Doc) -> bool:
        """Whether the Doc passes every test of some pattern of several tokens (see `_gates`)."""
        if self.gates is None:
            return True
        values: dict[int, set[int]] = {}
        for tests in self.gates:
            for attr, test in tests:
                if attr not in values:
                    values[attr] = set(doc.to_array(attr).tolist())
                if isinstance(test, frozenset):
                    if values[attr].isdisjoint(test):
                        break
                elif not self._searched(test, values[attr]):
                    break
            else:
                return True
        return False

    def _searched(self, test: re.Pattern[str], values: set[int]) -> bool:
        """Whether a regex gate finds one of these strings (by hash); each string is searched once."""
        hits, seen = self.searched.setdefault(test.pattern, (set(), set()))
        new = values - seen
        if len(seen) >= CACHE_LIMIT:
            hits.clear()
            seen.clear()
        for value in new:
            if test.search(self.vocab.strings[value]):
                hits.add(value)
        seen |= new
        return not hits.isdisjoint(values)

    def _merged(self, orders: Iterable[int]) -> tuple[tuple[int, int], ...]:
        """The attributes the patterns of these orders set, later ones winning."""
        merged: dict[int, int] = {}
        for order in orders:
            merged.update(self.attrs[order])
        return tuple(merged.items())


def sets_extensions(ruler: AttributeRuler) -> bool:
    """Whether some pattern of the ruler sets `._` extension attributes (those are not compiled)."""
    return any("_" in attrs for attrs in ruler.attrs)  # type: ignore[attr-defined]


def _is_flag(predicate: object) -> bool:
    """A boolean test (IS_SPACE: True): the key keeps the flag's raw value, 0 or 1."""
    return isinstance(predicate, bool)


class CompiledLemmatizer:
    """The model's rule lemmatizer with its answers kept per (word, part of speech, morphology).

    spaCy's `Lemmatizer` already caches a rule lemma by that key, but still walks every token in
    Python to look it up; this reads the keys of the Doc as one array, asks the lemmatizer itself
    only for keys it has not seen, and writes the lemmas back as one array. Tokens that already have
    a lemma keep it, as with the lemmatizer's `overwrite=False`.
    """

    def __init__(self, nlp: Language, name: str = "lemmatizer") -> None:
        self.vocab = nlp.vocab
        self.name = name
        self.lemmatizer: Lemmatizer | None = None
        self.cache: dict[tuple[int, int, int], int] = {}

    def compile(self, lemmatizer: Lemmatizer) -> None:
        """Take over a rule lemmatizer (its tables and its `overwrite` setting)."""
        self.lemmatizer = lemmatizer

    def __call__(self, doc: Doc) -> Doc:
        """Set the lemma of every token that has none, as the lemmatizer would."""
        lemmatizer = self.lemmatizer
        if lemmatizer is None or not len(doc):
            return doc
        rows = doc.to_array([ORTH, POS, MORPH, LEMMA]).tolist()
        lemmas = [row[3] for row in rows]
        for i, (orth, pos, morph, lemma) in enumerate(rows):
            if lemma and not lemmatizer.overwrite:
                continue
            found = self.cache.get((orth, pos, morph))
            if found is None:
                if len(self.cache) >= CACHE_LIMIT:
                    self.cache.clear()
                word = lemmatizer.lemmatize(doc[i])[0]
                found = self.cache[(orth, pos, morph)] = self.vocab.strings.add(word)
            lemmas[i] = found
        doc.from_array([LEMMA], numpy.array(lemmas, dtype=numpy.uint64))  # type: ignore[arg-type]
        return doc

    def rule_lemmatize(self, token: Token) -> list[str]:
        """The lemmatizer's own rule lemmas of one token (for components that lemmatise a part)."""
        if self.lemmatizer is None:
            raise ValueError("the compiled lemmatizer has no lemmatizer yet: call compile() first")
        return self.lemmatizer.rule_lemmatize(token)


def compile_lemmatizer(nlp: Language) -> None:
    """Replace the pipeline's rule `lemmatizer` by its compiled form (same name, same lemmas)."""
    if "lemmatizer" not in nlp.pipe_names:
        return
    lemmatizer = nlp.get_pipe("lemmatizer")
    if not isinstance(lemmatizer, Lemmatizer) or lemmatizer.mode != "rule":
        return
    compiled = nlp.replace_pipe("lemmatizer", "kg_lemmatizer")
    compiled.compile(lemmatizer)  # type: ignore[attr-defined]


@Language.factory("kg_lemmatizer", requires=["token.pos", "token.morph"], assigns=["token.lemma"])
def make_lemmatizer(nlp: Language, name: str) -> CompiledLemmatizer:
    """Factory: a rule lemmatizer compiled from the model's own (see `compile_lemmatizer`)."""
    return CompiledLemmatizer(nlp, name)


def compile_attribute_ruler(nlp: Language) -> None:
    """Replace the pipeline's `attribute_ruler` by its compiled form (same name, same output)."""
    if "attribute_ruler" not in nlp.pipe_names:
        return
    ruler = nlp.get_pipe("attribute_ruler")
    if not isinstance(ruler, AttributeRuler) or sets_extensions(ruler):
        return
    compiled = nlp.replace_pipe("attribute_ruler", "kg_attribute_ruler")
    compiled.compile(ruler)  # type: ignore[attr-defined]


@Language.factory(
    "kg_attribute_ruler",
    requires=["token.tag", "token.dep"],
    assigns=["token.pos", "token.tag", "token.morph", "token.lemma"],
)
def make_attribute_ruler(nlp: Language, name: str) -> CompiledAttributeRuler:
    """Factory: an attribute ruler compiled from the model's own (see `compile_attribute_ruler`)."""
    return CompiledAttributeRuler(nlp, name)
