"""Subjects the parser lost to a preposition: in "fighting resumed after Russian forces, backed by
artillery, captured Avdiivka" the small model often reads "after Russian forces" as a prepositional
phrase and "captured" as a clause without a subject. When a clause-opening preposition (lexicon class
`clause_preposition`) has as object the words right before such a verb, those words are the verb's
subject and the preposition its marker, as in the parse of the same sentence without the inserted
phrase. Runs right after the parser (before the attribute ruler sets POS, so it reads fine-grained tags),
so every later component reads the mended tree."""

from __future__ import annotations

from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Token

from kg.rules import lexicon

_SUBJECTS = ("nsubj", "nsubjpass", "csubj", "expl")


class ClauseSubjects:
    """Give a subjectless finite clause the object of the clause-opening preposition before it."""

    def __call__(self, doc: Doc) -> Doc:
        """Mend every lost subject of the Doc."""
        lex = lexicon()
        for prep in doc:
            if prep.dep_ == "prep" and lex.has("clause_preposition", prep):
                found = self.lost_clause(prep)
                if found is not None:
                    self.mend(prep, *found)
            elif prep.dep_ == "prep" and prep.i < prep.head.i:
                apposed = self.subject_apposed_to_date(prep, lex)
                if apposed is not None:
                    apposed.head, apposed.dep_ = prep.head, "nsubj"
        return doc

    def subject_apposed_to_date(self, prep: Token, lex: Any) -> Token | None:
        """ "On 14 February 2025, M23, backed by ..., seized X": the name the parser set in apposition to
        the opening date, when the verb the date hangs on has no subject of its own."""
        verb, obj = prep.head, next((c for c in prep.children if c.dep_ == "pobj"), None)
        if obj is None or not verb.tag_.startswith("VB") or prep.i > verb.i:
            return None
        if not lex.has("month_or_day", obj) or any(c.dep_ in _SUBJECTS for c in verb.children):
            return None
        apposed = [c for c in obj.children if c.dep_ == "appos" and c.tag_ in ("NNP", "NNPS", "NN", "NNS")]
        if len(apposed) != 1 or lex.has("month_or_day", apposed[0]) or apposed[0].like_num:
            return None
        return apposed[0]

    def lost_clause(self, prep: Token) -> tuple[Token, Token] | None:
        """The preposition's object and the subjectless verb it is the subject of, if the parse lost it."""
        obj = next((c for c in prep.children if c.dep_ == "pobj"), None)
        if obj is None or obj.tag_ not in ("NN", "NNS", "NNP", "NNPS", "PRP"):
            return None
        end = max(t.i for t in obj.subtree) + 1
        if end >= len(prep.doc) or prep.doc[end - 1].text != ",":
            return None
        verb = prep.doc[end]
        finite = verb.tag_ in ("VBD", "VBZ", "VBP") or any(
            c.dep_ in ("aux", "auxpass") or (c.dep_ == "dobj" and verb.tag_ == "VBN") for c in verb.children
        )
        sibling = verb.head.i == prep.head.i and verb.dep_ in ("advcl", "conj")
        if not (verb.tag_.startswith("VB") and finite and sibling):
            return None
        if any(c.dep_ in _SUBJECTS for c in verb.children) or not self._only_inserted(obj):
            return None
        return obj, verb

    def _only_inserted(self, obj: Token) -> bool:
        """Whether the object carries an inserted phrase: the lost subject's commas come from it."""
        return any(c.dep_ in ("appos", "acl", "relcl") and c.i > obj.i for c in obj.children)

    def mend(self, prep: Token, obj: Token, verb: Token) -> None:
        """Make the object the verb's subject and the preposition the verb's marker."""
        obj.head = verb
        obj.dep_ = "nsubj"
        prep.head = verb
        prep.dep_ = "mark"


@Language.factory(
    "kg_clause_subjects", requires=["token.dep", "token.tag"], assigns=["token.dep", "token.head"]
)
def make_clause_subjects(nlp: Language, name: str) -> ClauseSubjects:
    """Factory: subjects the parser hung on a clause-opening preposition, given back to their verb."""
    return ClauseSubjects()
