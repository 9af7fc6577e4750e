"""Lemmas of hyphenated words from their last part: the rule lemmatizer reads "co-chaired" as one
unknown word and strips only the "d" ("co-chaire"); the lemma of "chaired" is "chair", so the
word's lemma is "co-chair" and patterns written for "co-chair" match it."""

from __future__ import annotations

import functools

from spacy.language import Language
from spacy.tokens import Doc, Token


class HyphenLemmas:
    """Re-lemmatise hyphenated words by their last part, with the pipeline's own lemmatizer."""

    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp

    def __call__(self, doc: Doc) -> Doc:
        """Fix the lemma of every hyphenated verb or noun of the Doc."""
        for token in doc:
            if "-" in token.text[1:-1] and token.pos_ in ("VERB", "NOUN"):
                token.lemma_ = self.lemma(token)
        return doc

    def lemma(self, token: Token) -> str:
        """The word's lemma: its parts before the last hyphen, then the lemma of the last part."""
        head, _, last = token.text.rpartition("-")
        return f"{head.lower()}-{self._part_lemma(last.lower(), token.pos_, token.tag_)}"

    @functools.lru_cache(maxsize=4096)  # noqa: B019  (one instance per pipeline)
    def _part_lemma(self, word: str, pos: str, tag: str) -> str:
        lemmatizer = self.nlp.get_pipe("lemmatizer")
        part = Doc(self.nlp.vocab, words=[word], pos=[pos], tags=[tag])
        return str(lemmatizer.rule_lemmatize(part[0])[0])  # type: ignore[attr-defined]


@Language.factory("kg_hyphen_lemmas", requires=["token.lemma", "token.pos"], assigns=["token.lemma"])
def make_hyphen_lemmas(nlp: Language, name: str) -> HyphenLemmas:
    """Factory: hyphenated words lemmatised by their last part, right after the lemmatizer."""
    return HyphenLemmas(nlp)
