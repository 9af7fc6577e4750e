"""Prepositions the parser lost from a coordination: in "launched an assault on positions at A, and at
B" the small model often hangs the second "at" on the verb as its conjunct, and in "strikes on the
capital X and on a market in Y" it leaves "and" on the first "on" and hangs the second one on a later
verb. Either way the repeated preposition is the conjunct of the first one, as in the parse of the
same phrase without the inserted words; the mend makes it so, and every later component (the frames
read the objects of conjoined prepositions) reads the mended tree. Runs right after the parser (it
reads fine-grained tags)."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Token


class ConjoinedPrepositions:
    """Hang a repeated preposition the parse lost from a coordination on the first one."""

    def __call__(self, doc: Doc) -> Doc:
        """Mend every lost conjoined preposition of the Doc."""
        for word in doc:
            if word.tag_ != "IN":
                continue
            first = self.verb_conjunct(word) if word.dep_ == "conj" else self.stranded_cc(word)
            if first is not None and first.i not in {t.i for t in word.subtree}:
                self.mend(word, first)
        return doc

    def verb_conjunct(self, prep: Token) -> Token | None:
        """ "at A, and at B" read as a conjunct of the verb: the verb's nearest earlier same preposition."""
        verb = prep.head
        if not verb.tag_.startswith("VB"):
            return None
        earlier = [c for c in verb.children if c.dep_ == "prep" and c.i < prep.i and c.lower_ == prep.lower_]
        return earlier[-1] if earlier else None

    def stranded_cc(self, prep: Token) -> Token | None:
        """ "on X and on Y" with "and" left on the first "on" and the second hung elsewhere: the first."""
        if prep.dep_ != "prep" or prep.i < 2:
            return None
        cc = prep.doc[prep.i - 1]
        first = cc.head
        if cc.dep_ != "cc" or first.dep_ != "prep" or first.lower_ != prep.lower_ or prep.head.i == first.i:
            return None
        if first.right_edge.i != cc.i or any(c.dep_ == "conj" for c in first.children):
            return None
        return first

    def mend(self, prep: Token, first: Token) -> None:
        """Make the preposition the conjunct of the first one, and the 'and' before it theirs."""
        cc = prep.doc[prep.i - 1]
        if cc.dep_ == "cc" and cc.head.i == prep.head.i:
            cc.head = first
        prep.head = first
        prep.dep_ = "conj"


@Language.factory(
    "kg_conjoined_prepositions", requires=["token.dep", "token.tag"], assigns=["token.dep", "token.head"]
)
def make_conjoined_prepositions(nlp: Language, name: str) -> ConjoinedPrepositions:
    """Factory: repeated prepositions the parser lost from a coordination, hung on the first one."""
    return ConjoinedPrepositions()
