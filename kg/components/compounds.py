"""Multi-word nouns of the lexicon's `compound_word` class ("grenade launchers", "small arms") merged
into one token before the model reads the Doc: the small model otherwise parses "grenade" as a verb
and loses the weapon and everything hanging on it."""

from __future__ import annotations

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.util import filter_spans

from kg.rules import lexicon


class CompoundWords:
    """Merge every occurrence of a compound word of the lexicon into one token."""

    def __init__(self, nlp: Language) -> None:
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.matcher.add("COMPOUND", [nlp.make_doc(w) for w in sorted(lexicon()["compound_word"])])

    def __call__(self, doc: Doc) -> Doc:
        """Merge the compound words found in the Doc."""
        spans = filter_spans([doc[s:e] for _m, s, e in self.matcher(doc)])
        if spans:
            with doc.retokenize() as retokenizer:
                for span in spans:
                    retokenizer.merge(span)
        return doc


@Language.factory("kg_compounds", assigns=["token.text"])
def make_compounds(nlp: Language, name: str) -> CompoundWords:
    """Factory: multi-word nouns as one token, before the tagger and parser."""
    return CompoundWords(nlp)
