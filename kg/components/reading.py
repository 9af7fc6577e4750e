"""Reference: what a matched word stands for. The part of reading that is not a pattern.

Frames say which word fills a role; a `Reader` says which entity that word names: the party of a
noun phrase ("Armenian positions" -> Armenia, "the Armed Forces of Azerbaijan", "its troops" ->
the speaker's forces), the places under it, the speaker of a clause ("X said ...", "according to
X", "the statement added" -> the party that spoke last), a count and its qualifier, a weapon's
phrase, the dates a clause gives. It reads the parse locally (a token's children and heads, one
sentence) and keeps only the document-order state reference needs (who spoke last).
"""

from __future__ import annotations

import bisect
import re
from typing import Any

import numpy
from spacy.attrs import LOWER
from spacy.tokens import Doc, Span, Token

from kg.components.bodies import described_body
from kg.components.records import DocGraph
from kg.dates import ResolvedDate, parse_published, resolve_date
from kg.gazetteer import GazEntry, load_gazetteer
from kg.names import normalise_name
from kg.rules import lexicon

PARTY_LABELS = frozenset({"State", "ArmedForce", "Ministry", "Organization", "Person"})
PLACE_LABELS = frozenset({"Settlement", "Region", "Territory", "Site"})
DATELINE_DASHES = frozenset({"-", "\u2013", "\u2014", ":"})
"""What ends a dateline ("BAKU, Nov 17 - ..."): a count is never read across it."""
REPORTER_LABELS = PARTY_LABELS
MODIFIER_DEPS = ("amod", "compound", "poss", "nmod")
CLAUSE_DEPS = ("relcl", "advcl", "ccomp", "acl")


def governing_verb(token: Token, pos: tuple[str, ...] = ("VERB", "AUX")) -> Token | None:
    """The nearest verb above a token (within six steps up the parse), or None."""
    current = token
    for _ in range(6):
        if current.pos_ in pos and current.i != token.i:
            return current
        if current.head.i == current.i:
            return None
        current = current.head
    return None


def subject_of(verb: Token) -> Token | None:
    """The subject of a verb, or of the verb it is conjoined to ("X said ... and accused Y")."""
    subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None and verb.dep_ == "conj":
        subject = next((c for c in verb.head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    return subject


def phrase_text(tokens: list[Token]) -> str:
    """The words of tokens in text order, without quotes and trailing punctuation."""
    words = [t for t in sorted(tokens, key=lambda t: t.i) if not t.is_space and t.text not in {"“", "”", '"'}]
    while words and (words[-1].is_punct or words[-1].dep_ in ("cc", "prep")):
        words.pop()
    while words and words[0].is_punct:
        words.pop(0)
    parts = []
    for t, after in zip(words, [*words[1:], None][: len(words)], strict=True):
        joined = after is not None and after.i == t.i + 1 and not t.whitespace_
        parts.append(t.text if joined else t.text + " ")  # a word left out between two keeps a space
    return " ".join("".join(parts).split())


def sentence_entities(sent: Span) -> list[Span]:
    """The model's entities inside a sentence, as `Span.ents` gives them; the Doc's entities are
    collected once per Doc (our components never change them), not once per sentence asked."""
    doc = sent.doc
    found = doc.user_data.get(_ENTITIES)
    if found is None:
        ents = list(doc.ents)
        found = doc.user_data[_ENTITIES] = (ents, [e.start for e in ents])
    ents, starts = found
    first = bisect.bisect_left(starts, sent.start)
    inside = []
    for ent in ents[first:]:
        if ent.end > sent.end:
            break
        inside.append(ent)
    return inside


def word_positions(doc: Doc, word: str) -> list[int]:
    """The indices of the Doc's tokens of this lower-case form (found once per Doc and word)."""
    found: dict[str, list[int]] = doc.user_data.setdefault(_POSITIONS, {})
    if word not in found:
        lower = doc.to_array(LOWER) if len(doc) else numpy.zeros(0, dtype=numpy.uint64)
        found[word] = numpy.flatnonzero(lower == doc.vocab.strings[word]).tolist()
    return found[word]


_POSITIONS = "kg_word_positions"
_ENTITIES = "kg_model_entities"
"""The Doc's `user_data` key of the model's entities and their starts (see `sentence_entities`)."""


def date_phrases(sent: Span) -> list[tuple[Span, str]]:
    """The sentence's date and time phrases with their text; a bare day the model tagged apart from
    the month after it is read with it ('29' 'and' '30 November 2022', '12 to 14' 'September')."""
    ents = [e for e in sentence_entities(sent) if e.label_ in ("DATE", "TIME", "CARDINAL")]
    phrases: list[tuple[Span, str]] = []
    skip: set[int] = set()
    for n, ent in enumerate(ents):
        if ent.start in skip:
            continue
        after = ents[n + 1] if n + 1 < len(ents) and ents[n + 1].label_ == "DATE" else None
        between = list(ent.doc[ent.end : after.start]) if after is not None else []
        bare_days = all(t.like_num or t.lower_ in ("and", "to", "-", "\u2013") for t in ent)
        joined = len(between) <= 1 and all(t.lower_ in ("and", "to", "-", "\u2013") for t in between)
        if after is not None and bare_days and joined:
            phrases.append((after, ent.doc[ent.start : after.end].text))
            skip.add(after.start)
        elif ent.label_ != "CARDINAL":
            phrases.append((ent, ent.text))
    return phrases


def clause_words(root: Token) -> list[Token]:
    """A phrase without the finite verbs conjoined to it and the clauses hanging on it."""
    dropped: set[int] = set()
    for t in root.subtree:
        if t.i in dropped or t.i == root.i:
            continue
        finite_conj = t.dep_ == "conj" and t.tag_ in ("VBD", "VBZ", "VBP")
        if finite_conj or t.dep_ in ("advcl", "relcl") or (t.dep_ == "cc" and t.head.i == root.i):
            dropped.update(d.i for d in t.subtree)
    return [t for t in root.subtree if t.i not in dropped]


def predicate_words(verb: Token) -> list[Token]:
    """A verb and its objects, without its subject, auxiliaries and the clauses hanging on it."""
    dropped: set[int] = set()
    for child in verb.children:
        if child.dep_ == "prep" and child.lower_ == "according":  # who says it is not what is said
            dropped.update(t.i for t in child.subtree)
        if child.dep_ in (
            "nsubj",
            "nsubjpass",
            "aux",
            "auxpass",
            "mark",
            "advcl",
            "ccomp",
            "conj",
            "cc",
            "punct",
        ):
            dropped.update(t.i for t in child.subtree)
    for t in verb.subtree:
        if t.dep_ in ("relcl", "advcl") and t.i != verb.i and t.i not in dropped:
            dropped.update(d.i for d in t.subtree)
    return [t for t in verb.subtree if t.i not in dropped]


class Reader:
    """Lookups from words to the entities of one Doc, with the reference state of document order."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.graph: DocGraph = doc._.kg
        self.lex = lexicon()
        self.published = parse_published(doc._.kg_published)
        self.at: dict[int, str] = {}
        for mention in self.graph.mentions:
            for i in range(mention.start, mention.end):
                self.at.setdefault(i, mention.key)
        self.last_speaker: str | None = None
        self.named_speakers: dict[str, str] = {}
        self.gazetteer = load_gazetteer()
        self._author: str | None | bool = False
        self._phrases: dict[tuple[int, int], list[tuple[Span, str, ResolvedDate | None]]] = {}

    # --- entities -------------------------------------------------------------------------------

    def key_at(self, token: Token) -> str | None:
        """The entity a token is part of."""
        return self.at.get(token.i)

    def label(self, key: str | None) -> str | None:
        """The label of an entity key."""
        return self.graph.label(key)

    def is_party(self, key: str | None) -> bool:
        """Whether a key is a party (state, force, ministry, organisation, person)."""
        return self.label(key) in PARTY_LABELS

    def is_place(self, key: str | None) -> bool:
        """Whether a key is a place below a state (settlement, region, territory, site)."""
        return self.label(key) in PLACE_LABELS

    def state(self, key: str | None) -> str | None:
        """The state a party belongs to (itself for a state)."""
        return self.graph.state(key)

    def side(self, key: str | None) -> str | None:
        """A party's side: its state, or itself when it belongs to none (an armed group)."""
        return self.graph.side(key)

    def place_state(self, key: str | None) -> str | None:
        """The state a place lies in (itself for a state)."""
        return self.graph.place_state(key)

    # --- parties -------------------------------------------------------------------------------------

    def antecedent(self, token: Token) -> Token:
        """What a relative pronoun stands for ('clashes that claimed lives': 'that' is the clashes)."""
        if (
            self.lex.has("relative_pronoun", token)
            and token.head.dep_ in ("relcl", "acl")
            and token.head.head.i != token.head.i
        ):
            return token.head.head
        return token

    @staticmethod
    def _place_antecedent(pronoun: Token, antecedent: Token) -> bool:
        """Whether a relative pronoun stands for a place named after a preposition ("the consulate in
        Damascus, which killed ..."): the city, not its government, so no capital's state."""
        return pronoun.i != antecedent.i and antecedent.dep_ == "pobj" and antecedent.head.pos_ == "ADP"

    def recent_conflict(self, token: Token) -> str | None:
        """The named conflict a demonstrative phrase points back to ('that bout of fighting')."""
        noun = token.head.head if token.dep_ == "pobj" and token.head.dep_ == "prep" else token
        if not any(self.lex.has("demonstrative", c) for c in (*noun.children, *token.children)):
            return None
        before = [m for m in self.graph.mentions if m.start < token.i and m.start >= token.i - 80]
        conflicts = [m.key for m in before if self.label(m.key) == "Conflict"]
        return conflicts[-1] if conflicts else None

    def party(self, token: Token) -> str | None:
        """The party a noun phrase headed by token names: itself, a modifier ("Armenian units"), an
        of-phrase ("the army of X"), a by-phrase ("a statement by X"), a capital standing for its state
        ("Baku denied"), or a pronoun's referent."""
        pronoun, token = token, self.antecedent(token)
        if token.pos_ == "ADP":  # "launched by X": the by-phrase's object
            obj = next((c for c in token.children if c.dep_ == "pobj"), None)
            return self.party(obj) if obj is not None else None
        key = self.key_at(token)
        if self.is_party(key):
            return key
        capital = self.capital_state(token) if not self._place_antecedent(pronoun, token) else None
        if capital is not None:
            return capital
        if self.lex.has("enemy_noun", token) and not any(c.dep_ in MODIFIER_DEPS for c in token.children):
            return self.opponent(token)
        for child in token.children:
            if child.dep_ in MODIFIER_DEPS and child.i < token.i and self.is_party(self.key_at(child)):
                return self.key_at(child)
        leader = self._leader(token)
        if leader is not None:
            return leader
        if self._enemy_modified(token):
            return self.opponent(token)  # "enemy positions", "the aggressor side"
        holder = self._holder(token)
        if holder is not None:
            return holder
        for child in token.children:
            if child.dep_ == "prep" and child.lower_ in ("of", "by"):
                for obj in child.children:
                    if obj.dep_ == "pobj" and self.is_party(self.key_at(obj)):
                        return self.key_at(obj)
                    if obj.dep_ == "pobj" and (self.lex.has("enemy_noun", obj) or self._enemy_modified(obj)):
                        return self.opponent(obj)  # "soldiers of the aggressor side"
        return self.pronoun(token) or self.named_group(token)

    def _holder(self, token: Token) -> str | None:
        """'areas of Yemen controlled by the Houthis': the side that holds the area, not its state."""
        for child in token.children:
            if child.dep_ == "acl" and self.lex.has("holder_participle", child):
                for agent in (c for c in child.children if c.dep_ == "agent"):
                    obj = next((o for o in agent.children if o.dep_ == "pobj"), None)
                    if obj is not None and self.is_party(self.key_at(obj)):
                        return self.key_at(obj)
        return None

    def _enemy_modified(self, token: Token) -> bool:
        """'enemy positions', 'the aggressor side': a noun whose party word is a word for the other side."""
        return any(
            c.dep_ in MODIFIER_DEPS and c.i < token.i and self.lex.has("enemy_noun", c)
            for c in token.children
        )

    def _leader(self, token: Token) -> str | None:
        """The party of an 'X-led' modifier: 'the Saudi-led aggression', 'the US-led strikes'."""
        for child in token.children:
            if child.dep_ in ("amod", "compound") and child.lemma_ == "lead" and child.i < token.i:
                for word in child.children:
                    key = self.key_at(word)
                    if word.dep_ in ("npadvmod", "compound", "amod", "nmod") and self.is_party(key):
                        return key
        return None

    def named_group(self, token: Token) -> str | None:
        """'the group', 'the rebels', 'the militia' with nothing to say which: the armed group of no
        state named last before it (within a few sentences)."""
        if not self.lex.has("group_noun", token) or not any(
            c.dep_ == "det" and c.lower_ == "the" for c in token.children
        ):
            return None
        if any(c.dep_ in ("prep", *MODIFIER_DEPS) for c in token.children):
            return None  # "the group of soldiers", "the Wagner group": the phrase says which
        before = [m for m in self.graph.mentions if token.i - 150 < m.start < token.i]
        forces = [m for m in before if self.label(m.key) == "ArmedForce"]
        last = max(forces, key=lambda m: m.start, default=None)
        if last is None:
            return self._only_group_before(token)
        return last.key if self.state(last.key) is None else None

    def _only_group_before(self, token: Token) -> str | None:
        """The one armed group of no state the document named before a word, when it named one only."""
        groups = {
            m.key
            for m in self.graph.mentions
            if m.start < token.i and self.label(m.key) == "ArmedForce" and self.state(m.key) is None
        }
        return next(iter(groups)) if len(groups) == 1 else None

    def parties(self, token: Token) -> list[str]:
        """The parties of a noun phrase and of the phrases conjoined to it ("Armenia and Azerbaijan")."""
        found: list[str] = []
        for noun in (token, *token.conjuncts):
            for key in (self.party(noun), *self._conjoined_modifiers(noun)):
                if key is not None and key not in found:
                    found.append(key)
        return found

    def targets(self, token: Token) -> list[str]:
        """The parties an attack's object names, but not a weapon system's name ("fired Grad rockets at
        X": Grad names the rockets, not a party they hit)."""
        systems = {self.key_at(c) for c in token.subtree if self.lex.has("weapon_system", c)}
        for noun in (token, *token.conjuncts):
            self.world_place(noun)  # "struck Tabriz", "shelling on Chaman": named places, not parties
        return [key for key in self.parties(token) if key not in systems]

    # --- places the world gazetteer knows ------------------------------------------------------------

    def world_place(self, token: Token) -> str | None:
        """A name the recogniser left as an organisation of no gazetteer, or as a settlement it could
        not place ('the town of Chaman'), read where a frame wants a place ('shelling on Chaman',
        'struck Tabriz'): the settlement of that name the world gazetteer knows, when the name has one
        clear match. Its mention is recast to the settlement."""
        if token.is_upper and len(token) > 1:
            return None  # "YANGON, November 20": a dateline, not a place the report tells of
        old = self.at.get(token.i)
        if old is None:
            return self._unnamed_world_place(token)
        if not self._may_be_a_place(old):
            return None  # also a mention already recast: it names a placed settlement now
        mention = next((m for m in self.graph.mentions if m.key == old and m.start <= token.i < m.end), None)
        if mention is None:
            return None
        name = self.graph.entities[old].name
        place = self._place_named(name, besides=old)
        if place is None:
            entry = self.clear_settlement(name)
            if entry is None:
                return None
            self._add_world_place(entry, self.doc[mention.start : mention.end])
            place = entry.key
        for other in self.graph.mentions:  # every mention of the entity, not only this one
            if other.key == old:
                for i in range(other.start, other.end):
                    self.at[i] = place
                self.graph.recast[other.start] = place
        return place

    def _place_named(self, name: str, besides: str) -> str | None:
        """A place of the report already called this name ('Arauca department' then 'in Arauca')."""
        wanted = normalise_name(name)
        for key, record in self.graph.entities.items():
            if key != besides and self.is_place(key) and "@" in key:
                if wanted in {normalise_name(n) for n in (record.name, *record.aliases)}:
                    return key
        return None

    def _may_be_a_place(self, key: str) -> bool:
        """An entity the recogniser typed from the name alone: an organisation or a person of no
        gazetteer and no title ('targeted Ras Tanura'), or a settlement it could not place."""
        record = self.graph.entities.get(key)
        if record is None or self.gazetteer.get(key) is not None:
            return False
        if record.label == "Settlement":
            return "@" not in key  # "the town of Chaman"
        if record.label == "Person":
            return not record.props.get("title") and not self.gazetteer.persons_named(record.name)
        return record.label == "Organization"

    def _unnamed_world_place(self, token: Token) -> str | None:
        """A proper noun no recogniser took ('struck Tabriz'): a settlement when the world gazetteer
        knows the name (with its compounds: 'Khamis Mushait') clearly."""
        if token.pos_ != "PROPN" or token.dep_ == "compound" or not token.is_title:
            return None
        start = min([token.i, *(c.i for c in token.lefts if c.dep_ == "compound" and c.pos_ == "PROPN")])
        if any(i in self.at for i in range(start, token.i + 1)):
            return None
        span = self.doc[start : token.i + 1]
        entry = self.clear_settlement(span.text)
        if entry is None:
            return None
        self._add_world_place(entry, span)
        self.graph.mention(span.start, span.end, entry.key)
        for i in range(span.start, span.end):
            self.at[i] = entry.key
        return entry.key

    def clear_settlement(self, name: str) -> GazEntry | None:
        """The settlement a bare name means: the one in a state the report names, else the only one of
        that very name (not an alternate spelling), else one that outnumbers the next ten to one."""
        states = {k for k, r in self.graph.entities.items() if r.label == "State"}
        return self.gazetteer.clear_place(name, states, "Settlement")

    def _add_world_place(self, entry: GazEntry, span: Span) -> None:
        """The settlement (named as the text writes it, unless the text also writes its GeoNames name), in
        the nearest of its containers that the report names, else in its state (as the recogniser links
        places)."""
        written = span.text[4:] if span.text.lower().startswith("the ") else span.text
        name = written if normalise_name(written) == normalise_name(entry.name) else entry.name
        if name != written and not self._names_elsewhere(entry.name):
            forms = {normalise_name(n) for n in entry.aliases}
            name = written if normalise_name(written) in forms else name  # "Nu'eima", not "An Nuway'imah"
        record = self.graph.entity(
            entry.key, entry.label, name, latitude=entry.latitude, longitude=entry.longitude
        )
        for alias in (entry.name, *entry.aliases):
            record.add_alias(alias)
        container = entry.container
        for _ in range(4):
            if not container:
                return
            if container.startswith("state:") or container in self.graph.entities:
                if container not in self.graph.entities:
                    state = self.gazetteer.get(container)
                    self.graph.entity(container, "State", state.name if state else container)
                self.graph.relate("LOCATED_IN", entry.key, container, span.sent, "gazetteer-container", 0.7)
                return
            parent = self.gazetteer.world.place(container)
            container = parent.container if parent is not None else None

    def _names_elsewhere(self, name: str) -> bool:
        """Whether the text writes this name somewhere, accents aside ("Spin Boldak" for "Spīn Bōldak")."""
        pattern = rf"(?<!\w){re.escape(normalise_name(name))}(?!\w)"
        return re.search(pattern, normalise_name(self.doc.text)) is not None

    def _conjoined_modifiers(self, noun: Token) -> list[str]:
        """'Georgian and Russian delegations': the parties of modifiers conjoined to a party modifier."""
        keys = []
        for child in noun.children:
            if child.dep_ in MODIFIER_DEPS and child.i < noun.i and self.is_party(self.key_at(child)):
                keys += [self.key_at(c) for c in child.conjuncts if self.is_party(self.key_at(c))]
        return [k for k in keys if k is not None]

    def opponent(self, token: Token) -> str | None:
        """Whom 'the enemy' names: the side the document is most about that is not the voice's."""
        voice = self.voice(token)
        own = self.side(voice) if voice else None
        if own is None:
            return None
        counts: dict[str, int] = {}
        for mention in self.graph.mentions:
            side = self.side(mention.key) if self.is_party(mention.key) else None
            if side and side != own and self.label(side) in ("State", "ArmedForce"):
                counts[side] = counts.get(side, 0) + 1
        return max(counts, key=lambda k: counts[k]) if counts else None

    def capital_state(self, token: Token) -> str | None:
        """The state a capital city stands for when it acts or speaks ("Baku denied", "accused Yerevan")."""
        key = self.key_at(token)
        state = self.gazetteer.capitals.get(key) if key else None
        if state is None and self.label(key) == "Settlement":
            record = self.graph.entities[key]  # type: ignore[index]
            known = self.gazetteer.world_settlements(record.name)
            state = known[0].state if known and known[0].capital else None
        if state is None:
            return None
        entry = self.gazetteer.get(state)
        name = entry.name if entry else state
        record = self.graph.entity(
            state,
            "State",
            name,
            iso2=entry.iso2 if entry else None,
            iso3=entry.iso3 if entry else None,
            status=entry.status if entry else None,
        )
        for alias in (*(entry.aliases if entry else ()), *self.gazetteer.demonyms_of(state)):
            record.add_alias(alias)
        mention = next((m for m in self.graph.mentions if m.start <= token.i < m.end), None)
        if mention is not None:
            self.graph.recast[mention.start] = state
        return state

    def pronoun(self, token: Token) -> str | None:
        """What "it"/"they"/"its troops" stand for: the party that is the subject of the clause the
        possessive is in ("Baku repeated its accusations"); "we"/"our" and a singular "it" said by a
        party: the speaker; "they" said by a singular speaker: the party last named as a subject."""
        word = token if self.lex.has("party_pronoun", token) else None
        word = word or next((c for c in token.children if self.lex.has("possessive_pronoun", c)), None)
        whose = next((c for c in token.children if c.lower_ == "whose"), None)
        if whose is not None:
            owner = self._whose(whose)
            return self._as_force(owner, whose, token) if owner else None  # "X, whose forces occupy Y"
        if word is None:
            return None
        if word is not token or word.dep_ == "poss":
            owner = self._clause_subject(word)
            if owner is not None:
                return self._as_force(owner, word, token)
        speaker = self.voice(token)
        plural = self.lex.has("plural_pronoun", word)
        group = self.label(speaker) in ("ArmedForce", "Organization")
        if speaker is None or (plural and not group and not self._plural_speaker(token)):
            earlier = self.previous_subject(token, exclude=self.side(speaker) if speaker else None)
            return self._as_force(earlier, word, token) if earlier else None
        return self._as_force(speaker, word, token)

    def _whose(self, whose: Token) -> str | None:
        """The party a 'whose' points back to: the noun phrase right before it."""
        i = whose.i - 1
        while i >= whose.sent.start and self.doc[i].is_punct:
            i -= 1
        if i < whose.sent.start:
            return None
        before = self.doc[i]
        key = self.key_at(before)
        return key if self.is_party(key) else self.party(before.head if before.dep_ == "pobj" else before)

    def force_or_state(self, state: str) -> str:
        """A state's armed forces when the document names them, else the state."""
        return self._force_of(state) or state

    def _as_force(self, party: str, word: Token, token: Token) -> str:
        """'its troops' of a state are its armed forces; otherwise the party's side."""
        if word is not token and self.lex.has("force_name_noun", token):
            force = self._force_of(party)
            if force is not None:
                return force
        return self.state(party) or party

    def _plural_speaker(self, token: Token) -> bool:
        for head in token.ancestors:
            if head.pos_ == "VERB" and self.lex.has("speech_verb", head):
                subject = subject_of(head)
                return subject is not None and subject.tag_ in ("NNS", "NNPS")
        return False

    def previous_person(self, token: Token, sentences: int = 2) -> str | None:
        """The person last named before a word, in its sentence or the few before it ('he', 'she')."""
        start = token.sent.start
        for _ in range(sentences):
            if start == 0:
                break
            start = self.doc[start - 1].sent.start
        named = [
            (m.start, m.key)
            for m in self.graph.mentions
            if start <= m.start and m.end <= token.i and self.label(m.key) == "Person"
        ]
        return max(named)[1] if named else None

    def previous_subject(self, token: Token, exclude: str | None = None) -> str | None:
        """The party last named as the subject of a verb before a word (within a few sentences)."""
        for i in range(token.i - 1, max(token.i - 120, -1), -1):
            t = self.doc[i]
            if t.dep_ not in ("nsubj", "nsubjpass") or self.lex.has("party_pronoun", t):
                continue
            key = self.key_at(t) if self.is_party(self.key_at(t)) else self._party_near(t)
            if key is not None and (exclude is None or self.side(key) != exclude):
                return key
        return None

    def _clause_subject(self, word: Token) -> str | None:
        """The party that is the subject of the nearest verb above a word, named before it."""
        verb = governing_verb(word, ("VERB",))
        subject = subject_of(verb) if verb is not None else None
        if subject is None or subject.i > word.i or subject.i == word.i:
            return None
        key = self.key_at(subject)
        if self.is_party(key):
            return key
        return self.capital_state(subject) or self._party_near(subject)

    def _force_of(self, party: str) -> str | None:
        state = self.state(party)
        for key, record in self.graph.entities.items():
            if record.label == "ArmedForce" and self.state(key) == state and key != state:
                return key
        return None

    # --- who speaks ----------------------------------------------------------------------------------

    def speaker(self, verb: Token) -> str | None:
        """Who says what verb says: its subject's party, "a statement by X", a named unit that spoke
        before, or the party that spoke last ("it said", "the statement added")."""
        subject = subject_of(verb)
        if subject is None or not self._may_speak(subject):
            subject = self._attribution_before(verb) or subject
        if subject is None:
            return None
        subject = self._past_dateline(subject, verb)
        party = self.key_at(subject) if self.is_party(self.key_at(subject)) else None
        party = party or self.capital_state(subject) or self._party_near(subject)
        if party is None and subject.pos_ == "PROPN":
            party = self.named_speakers.get(self._unit_name(subject))
        party = party or described_body(self, subject)  # "the military's media wing said"
        if party is None and self.lex.has("speaker_word", subject):
            party = self._governing_subject(verb) if self.lex.has("speaking_pronoun", subject) else None
            party = party or self.last_speaker or self.author
        party = party or self.local_authority(subject)
        if self.label(party) == "Person":
            self.represents_locally(party, subject)  # type: ignore[arg-type]
        if party is not None and self.label(party) in REPORTER_LABELS:
            if subject.pos_ == "PROPN":
                self.named_speakers.setdefault(self._unit_name(subject), party)
            self.last_speaker = party
            return party
        return None

    def _past_dateline(self, subject: Token, verb: Token) -> Token:
        """'Kinshasa/Goma, 8 December 2022 - The findings ... confirm': the dateline's place is parsed as
        a second subject (or as the subject, the speaker in apposition); the one after the dash speaks."""
        later = [c for c in verb.children if c.dep_ == "nsubj" and subject.i < c.i < verb.i]
        later += [c for c in subject.children if c.dep_ == "appos" and c.pos_ == "NOUN" and c.i < verb.i]
        if later and any(t.text in DATELINE_DASHES for t in self.doc[subject.i : later[0].i]):
            return later[0]
        return subject

    def represents_locally(self, person: str, token: Token) -> None:
        """'regional governor Oleh Syniehubov said': a person of no known state whose phrase names a
        local office represents the state that office's places lie in."""
        if self.state(person) is None:
            state = self.local_authority(token)
            if state is not None:
                self.graph.relate("REPRESENTS", person, state, token.sent, "local-office", 0.7)

    def header_voice(self) -> str | None:
        """A post that opens by naming who speaks ('Bahram Sarmast, Governor of X Province, speaking in
        Y:'): that person, when one of the first two lines (a headline may come first) ends with a colon."""
        for line in list(self.doc.sents)[:2]:
            if not line.text.rstrip().endswith(":"):
                continue
            for mention in self.graph.mentions:
                if line.start <= mention.start < line.end and self.label(mention.key) == "Person":
                    self.represents_locally(mention.key, self.doc[mention.end - 1])
                    return mention.key
        return None

    def local_authority(self, subject: Token) -> str | None:
        """'the head of the regional military administration said', 'the provincial governor said':
        a local office speaks for the one state the places of its sentence (or, failing that, of the
        report so far) lie in."""
        if subject.pos_ not in ("NOUN", "PROPN") or not any(
            self.lex.has("local_office", t) for t in subject.subtree
        ):
            return None
        sent = subject.sent
        for mention in [m for m in self.graph.mentions if m.start < sent.end]:
            if self.label(mention.key) == "Settlement":
                self.world_place(self.doc[mention.start])  # "the city of Sumy": which state's city
        for start, end in ((sent.start, sent.end), (0, sent.end)):
            keys = {self.at.get(m.start, m.key) for m in self.graph.mentions if start <= m.start < end}
            places = {k for k in keys if self.is_place(k)}
            states = {self.place_state(p) for p in places} - {None}
            if states:
                return states.pop() if len(states) == 1 else None
        return None

    def _may_speak(self, subject: Token) -> bool:
        return (
            subject.pos_ == "PROPN"
            or self.is_party(self.key_at(subject))
            or self.lex.has("speaker_word", subject)
        )

    def _attribution_before(self, verb: Token) -> Token | None:
        """'..., Armenia's Defence Ministry said.' parsed without a subject: the noun right before the
        speech verb, when it names a party."""
        if verb.i == 0 or not self.lex.has("speech_verb", verb):
            return None
        before = self.doc[verb.i - 1]
        key = self.key_at(before)
        return before if before.pos_ in ("NOUN", "PROPN") and self.is_party(key) else None

    def _party_near(self, noun: Token) -> str | None:
        for child in noun.children:
            if child.dep_ in MODIFIER_DEPS and child.i < noun.i and self.is_party(self.key_at(child)):
                return self.key_at(child)
            if child.dep_ == "prep" and child.lower_ in ("of", "by", "for"):
                for obj in child.children:
                    key = self.key_at(obj)
                    if obj.dep_ == "pobj" and self.is_party(key):
                        return key
                    if obj.dep_ == "pobj":
                        inner = self._party_near(obj)
                        if inner is not None:
                            return inner
            if child.dep_ == "appos" and self.is_party(self.key_at(child)):
                return self.key_at(child)
            if child.dep_ == "acl":  # "the findings of an investigation conducted by the UN mission"
                key = self._agent_party(child)
                if key is not None:
                    return key
        return None

    def _agent_party(self, participle: Token) -> str | None:
        """The party of a participle's by-phrase, or of its bracketed short name ('conducted by the
        Joint Human Rights Office (UNJHRO) and the mission (MONUSCO)')."""
        for agent in (c for c in participle.children if c.dep_ == "agent"):
            for obj in (o for o in agent.children if o.dep_ == "pobj"):
                for noun in (obj, *obj.conjuncts):
                    named = [noun, *(c for c in noun.children if c.dep_ == "appos")]
                    key = next((self.key_at(n) for n in named if self.is_party(self.key_at(n))), None)
                    if key is not None:
                        return key
        return None

    def _unit_name(self, subject: Token) -> str:
        words = [t.lower_ for t in subject.children if t.dep_ == "compound" and t.i < subject.i]
        return " ".join([*words, subject.lower_])

    def _governing_subject(self, verb: Token) -> str | None:
        head = verb
        for _ in range(6):
            if head.head.i == head.i:
                return None
            head = head.head
            subject = next((c for c in head.children if c.dep_ == "nsubj"), None)
            key = self.key_at(subject) if subject is not None else None
            if self.label(key) in REPORTER_LABELS:
                return key
        return None

    def voice(self, token: Token, set_in: bool = False) -> str | None:
        """Who says the clause a word is in: the speaker of a speech verb above it, or "according to X"
        (with `set_in`, also the speaker of a speech verb set into the sentence: "X, he said, was Y")."""
        head = token
        for _ in range(8):
            if head.head.i == head.i:
                break
            head = head.head
            voiced = self.lex.has("speech_verb", head) or self.lex.has("stance_verb", head)
            if head.pos_ == "VERB" and voiced and head.i != token.i:
                speaker = self.speaker(head)
                if speaker is not None:
                    return speaker
            if self._heads_a_statement(head):
                author = self._party_near(head) or self._issuer(head)
                if author is not None:
                    return author
        inserted = self.inserted_speaker(token) if set_in else None
        return self.according_to(token.sent) or inserted or self.author

    def inserted_speaker(self, token: Token) -> str | None:
        """'That claim, he said, was ...': the speaker of a speech verb set into the main clause."""
        root = token.sent.root
        for child in root.children:
            if child.dep_ == "parataxis" and child.pos_ == "VERB" and self.lex.has("speech_verb", child):
                return self.speaker(child)
        return None

    def _issuer(self, statement: Token) -> str | None:
        """Who issued a statement: 'the ministry issued a statement on ...'."""
        verb = statement.head if statement.dep_ in ("dobj", "pobj") else None
        if verb is not None and verb.dep_ == "prep":
            verb = verb.head
        return self.speaker(verb) if verb is not None and verb.pos_ == "VERB" else None

    @property
    def author(self) -> str | None:
        """Whose statement the document is ("Statement of the Ministry of Defence of X", "X press release
        on ...", "Official channel of X"): the voice of what it says unattributed."""
        if self._author is False:
            self._author = None
            for sent in list(self.doc.sents)[:2]:
                for t in sent:
                    if self._heads_a_statement(t):
                        party = self._party_near(t)
                        if party is not None and self.label(party) in REPORTER_LABELS:
                            self._author = party
                            return party
            self._author = self.header_voice()
        return self._author if isinstance(self._author, str) else None

    def _heads_a_statement(self, token: Token) -> bool:
        """A statement noun that names the document ("Statement of the Ministry ...", "X's post on
        Telegram said"), not one a clause acts on ("targeting Indian posts")."""
        if token.pos_ not in ("NOUN", "PROPN") or not self.lex.has("statement_noun", token):
            return False
        head = token.head.head if token.dep_ == "pobj" else token.head
        return (
            head.i == token.i
            or head.pos_ != "VERB"
            or self.lex.has("speech_verb", head)
            or self.lex.has("issue_verb", head)
        )

    def according_to(self, sent: Span) -> str | None:
        """The party a sentence is attributed to with "according to X"."""
        for t in sent:
            if t.lower_ == "according" and t.i + 1 < sent.end and self.doc[t.i + 1].lower_ == "to":
                obj = next((c for c in self.doc[t.i + 1].children if c.dep_ == "pobj"), None)
                if obj is None:
                    return None
                party = self.party(obj) or self._party_near(obj)
                if party is None and self.lex.has("speaker_word", obj):
                    party = self.last_speaker
                return party if self.label(party) in REPORTER_LABELS else None
        return None

    # --- places, words, numbers -------------------------------------------------------------------

    def places(self, tokens: list[Token]) -> list[str]:
        """Place keys named among tokens, most specific only, in order, no repeats."""
        keys: list[str] = []
        for token in tokens:
            key = self.world_place(token) or self.key_at(token)
            if self.is_place(key) and key not in keys:
                keys.append(key)  # type: ignore[arg-type]
        return [k for k in keys if not any(self.graph.inside(o, k) for o in keys if o != k)]

    def places_under(self, token: Token) -> list[str]:
        """The places a phrase names, not those of the clauses hanging on it; a state named by its name
        ("strikes in Yemen"), not by a demonym ("Yemeni positions"), when it names no finer place."""
        words = [t for t in clause_words(token) if not self._reference_point(t)]
        found = self.places(words)
        if found:
            return found
        if self.lex.has("settlement_kind", token) or self.lex.has("region_kind", token):
            return self.places_of_kind_before(token)
        states: list[str] = []
        for t in words:
            key = self.key_at(t)
            named = t.pos_ == "PROPN" and not self.gazetteer.demonym_state(t.text)
            modifier = t.dep_ in ("amod", "compound", "poss") and t.head.pos_ == "NOUN"
            if self.label(key) == "State" and named and not modifier and key not in states:
                states.append(key)  # type: ignore[arg-type]
        return states

    def _reference_point(self, word: Token) -> bool:
        """Whether a word names a landmark a direction measures from ('a base southwest of Doha', 'five
        kilometres south-east of Bunagana'): the place meant is outside it (lexicon:
        reference_direction); 'in the east of X' is a part of X."""
        while word.dep_ in ("compound", "flat", "conj") and word.head.i != word.i:
            word = word.head
        if word.dep_ != "pobj" or word.head.lower_ != "of":
            return False
        direction = word.head.head
        return self.lex.has("reference_direction", direction) and not any(
            c.dep_ in ("det", "poss") for c in direction.children
        )

    def taken_places(self, token: Token) -> list[str]:
        """The places a capture or an occupation takes: those its phrase names at its head ('Talish',
        'the town of Katana', 'Kavumu airport'), not the landmarks its prepositions name ('a base near
        Baidoa', 'positions in Tartar', 'the outskirts of Bakhmut')."""
        words = [t for t in clause_words(token) if not self._under_landmark(t, token)]
        found = self.places(words) + self.de_facto_states(words)
        named_kind = self.lex.has("settlement_kind", token) or self.lex.has("region_kind", token)
        return found or (self.places_of_kind_before(token) if named_kind else [])

    def is_de_facto_state(self, key: str | None) -> bool:
        """Whether a key is a de facto state (a territory another state claims: Abkhazia, Artsakh)."""
        record = self.graph.entities.get(key) if key else None
        return record is not None and record.label == "State" and record.props.get("status") == "de facto"

    def de_facto_states(self, tokens: list[Token]) -> list[str]:
        """The de facto states tokens name by name ('occupied Abkhazia'), not by a demonym."""
        keys: list[str] = []
        for token in tokens:
            key = self.key_at(token)
            named = token.pos_ == "PROPN" and not self.gazetteer.demonym_state(token.text)
            if named and self.is_de_facto_state(key) and key not in keys:
                keys.append(key)  # type: ignore[arg-type]
        return keys

    def _under_landmark(self, word: Token, root: Token) -> bool:
        """Whether a word hangs on a preposition that places its phrase beside another place, rather
        than on 'of' after a place kind ('the villages of A and B') or a part that stands for the whole
        ('the centre of X')."""
        while word.i != root.i:
            head = word.head
            of_whole = word.lower_ == "of" and (
                self._kind_word(head) or self.lex.has("taken_whole_part", head)
            )
            if word.dep_ == "prep" and not of_whole:
                return True
            if word.i == head.i:
                return False
            word = head
        return False

    def _kind_word(self, token: Token) -> bool:
        return any(self.lex.has(kind, token) for kind in ("settlement_kind", "region_kind", "site_kind"))

    def stations(self, token: Token) -> list[str]:
        """Where a side's phrase says it is: 'units stationed in X', 'troops in Y' (not the phrases
        the parser hung beside it)."""
        words: list[Token] = []
        for child in token.children:
            if child.dep_ == "prep" and self.lex.has("place_preposition", child):
                words += clause_words(child)
            elif child.dep_ in ("acl", "relcl") and self.lex.has("stationed_verb", child):
                words += clause_words(child)
            elif child.dep_ == "prep" and child.lower_ == "of":
                words += [w for o in child.children for w in self._station_words(o)]
        return self.places(words)

    def _station_words(self, noun: Token) -> list[Token]:
        return [
            w
            for c in noun.children
            if c.dep_ in ("acl", "relcl") and self.lex.has("stationed_verb", c)
            for w in clause_words(c)
        ]

    def places_of_kind_before(self, noun: Token) -> list[str]:
        """'both settlements', 'the two villages', 'the district': the places of that kind the text named
        last (in this sentence or the one before), as many as the noun says."""
        if not any(c.dep_ in ("det", "nummod", "predet") for c in noun.children):
            return []
        label = "Settlement" if self.lex.has("settlement_kind", noun) else "Region"
        start = noun.sent.start
        previous = self.doc[start - 1].sent.start if start > 0 else start
        found: list[str] = []
        for mention in sorted(self.graph.mentions, key=lambda m: -m.start):
            if mention.start >= noun.i or mention.start < previous:
                continue
            if self.label(mention.key) == label and mention.key not in found:
                found.append(mention.key)
        plural = noun.tag_ == "NNS"
        wanted = next((self._value(c) for c in noun.children if c.like_num or c.lower_ == "both"), None)
        wanted = wanted or (len(found) if plural else 1)
        kind = self.lex.value("settlement_kind", noun.lower_)
        same = [k for k in found if kind and self.graph.entities[k].props.get("kind") == kind]
        if len(same) >= wanted:
            found = same  # "the Talish and Seysulan settlements ... the city of Naftalan; both settlements"
        return list(reversed(found[:wanted])) if (plural or len(found) >= 1) else []

    def count(self, token: Token) -> tuple[int | None, str | None]:
        """The number a noun is counted with ("More than 200 soldiers" -> 200, "more than")."""
        for child in token.children:
            if child.dep_ == "nummod" or (child.like_num and child.i < token.i):
                return self._value(child), self._qualifier(child)
        for t in reversed(self.doc[token.left_edge.i : token.i]):
            if t.text in DATELINE_DASHES:
                break  # "BAKU, Nov 17 - Seven servicemen": the dateline's number is not a count
            if t.like_num and t.ent_type_ not in ("DATE", "TIME", "ORDINAL") and self._value(t) is not None:
                return self._value(t), self._qualifier(t)  # "Seven Azerbaijani servicemen", misparsed
        if token.like_num:
            return self._value(token), self._qualifier(token)
        if token.tag_ in ("NN", "NNP") and any(
            self.lex.has("indefinite_one", c) for c in token.children if c.i < token.i
        ):
            return 1, None  # "An Azerbaijani soldier was killed"
        return None, None

    def _value(self, token: Token) -> int | None:
        text = token.text.replace(",", "")
        if text.isdigit():
            return int(text)
        value = self.lex.value("number_word", token.lower_)
        if value is None:
            return None
        tens = self.doc[token.i - 2] if token.i >= 2 and self.doc[token.i - 1].text == "-" else None
        if tens is not None and tens.head.i == token.i and 0 < int(value) < 10:
            more = self.lex.value("number_word", tens.lower_)  # "Twenty-six": the tens before the unit
            if more is not None and int(more) % 10 == 0 and 20 <= int(more) <= 90:
                return int(more) + int(value)
        return int(value)

    def _qualifier(self, number: Token) -> str | None:
        words = [t.lower_ for t in self.doc[max(number.i - 3, 0) : number.i]]
        for size in (3, 2, 1):
            if len(words) >= size:
                qualifier = self.lex.value("qualifier", " ".join(words[-size:]))
                if qualifier is not None:
                    return str(qualifier)
        return None

    def weapons(self, token: Token) -> list[str]:
        """The weapons a phrase names, with those conjoined to it ("mortars and artillery"), or those it
        counts ("batches of ballistic missiles and drones")."""
        if self.lex.has("quantity_noun", token) or token.like_num:
            counted = next(
                (o for p in token.children if p.lower_ == "of" for o in p.children if o.dep_ == "pobj"), None
            )
            if counted is not None:
                token = counted
        found = []
        listed = [token, *token.conjuncts]
        listed += [
            a for n in list(listed) for c in n.children if c.dep_ == "appos" for a in (c, *c.conjuncts)
        ]
        for noun in listed:  # "ballistic missiles, winged missiles and drones" (an apposition list)
            if self.lex.has("weapon_noun", noun) or self.lex.has("weapon_fire_modifier", noun):
                for phrase in self.shared_head_weapons(noun) or [self.weapon(noun)]:
                    if phrase not in found:
                        found.append(phrase)
        return found

    def shared_head_weapons(self, noun: Token) -> list[str]:
        """Weapons that share one head noun: 'artillery and mortar rounds' (artillery rounds, mortar
        rounds), 'ballistic and winged missiles' (ballistic missiles, winged missiles)."""
        for child in noun.lefts:
            if child.dep_ in ("amod", "compound", "nmod") and child.conjuncts:
                kinds = [child, *child.conjuncts]
                if all(k.i < noun.i and k.is_alpha and not self.key_at(k) for k in kinds):
                    return [f"{k.text} {noun.text}" for k in kinds]
        return []

    def weapon(self, token: Token) -> str:
        """A weapon's phrase: the noun with its modifiers ("large-calibre weapons", "kamikaze drones");
        a fire named for its weapon keeps the fire ("sniper fire")."""
        if token.dep_ in ("compound", "amod", "nmod") and self.lex.has("fire_noun", token.head):
            return " ".join(self.doc[token.left_edge.i : token.head.i + 1].text.split())  # "small-arms fire"
        left = token.i
        for child in token.lefts:
            if child.dep_ in ("amod", "compound", "nmod", "npadvmod") or child.text == "-":
                if self.lex.has("not_a_weapon_modifier", child):
                    continue
                if self.key_at(child) and not self.lex.has("weapon_system", child):
                    continue
                named = self.lex.has("weapon_system", child)
                if not any(
                    t.dep_ == "cc" or (self.key_at(t) and not named) or t.like_num for t in child.subtree
                ):
                    left = min(left, child.left_edge.i)
        return " ".join(self.doc[left : token.i + 1].text.split())

    # --- dates --------------------------------------------------------------------------------------

    def dates(
        self, sent: Span, verbs: set[int] | None = None, speech: bool = False
    ) -> tuple[list[ResolvedDate], list[ResolvedDate]]:
        """Start and end dates a sentence gives; not those on speech verbs ("said on Friday") unless
        `speech`; only those on `verbs` when given."""
        starts: list[ResolvedDate] = []
        ends: list[ResolvedDate] = []
        for ent, _text, resolved in self.sentence_dates(sent):
            governor = governing_verb(ent.root)
            reported = governor is not None and self.lex.has("report_verb", governor)
            if reported != speech or (verbs is not None and governor is not None and governor.i not in verbs):
                continue
            prep = self._preposition(ent.root)
            if verbs is not None and prep is not None and self._dates_another_noun(prep, verbs):
                continue  # "only days after the mini-summit of 23 November": the summit's date
            if resolved is not None:
                (ends if prep and self.lex.has("end_preposition", prep) else starts).append(resolved)
        return starts, ends

    def _dates_another_noun(self, prep: Token, verbs: set[int]) -> bool:
        """Whether a date's "of" hangs on a noun that is not the event's ("the summit of 23 November"),
        nor a span of time ("during the night of 1 to 2 April")."""
        noun = prep.head
        if prep.lower_ != "of" or noun.pos_ not in ("NOUN", "PROPN") or noun.i in verbs:
            return False
        return not self.lex.has("time_noun", noun)

    def sentence_dates(self, sent: Span) -> list[tuple[Span, str, ResolvedDate | None]]:
        """The sentence's date phrases with their text and the date each resolves to (read once)."""
        span = (sent.start, sent.end)
        if span not in self._phrases:
            self._phrases[span] = [
                (ent, text, resolve_date(text, self.published)) for ent, text in date_phrases(sent)
            ]
        return self._phrases[span]

    def _preposition(self, token: Token) -> Token | None:
        current = token
        for _ in range(4):
            if current.dep_ == "prep":
                return current
            if current.head.i == current.i:
                return None
            current = current.head
        return None

    def statement_date(self, verb: Token) -> str | None:
        """When something was said: a date on the verb, else the publication date."""
        for ent in sentence_entities(verb.sent):
            governor = governing_verb(ent.root) if ent.label_ == "DATE" else None
            if governor is not None and governor.i == verb.i:
                resolved = resolve_date(ent.text, self.published)
                if resolved:
                    return resolved.start
        return self.published.isoformat() if self.published else None

    def sentence_of(self, i: int) -> Span:
        """The sentence token i is in."""
        return self.doc[i].sent

    def fill(self, filler: str, token: Token) -> Any:
        """Read a role's token with one of the fillers of kg/rules (`party`, `places`, `text`...)."""
        if filler == "party":
            return self.party(token)
        if filler == "parties":
            return self.parties(token)
        if filler == "targets":
            return self.targets(token)
        if filler in ("places", "place"):
            return self.places_under(token)
        if filler == "taken":
            return self.taken_places(token)
        if filler == "stations":
            return self.stations(token)
        if filler == "text":
            return phrase_text(clause_words(token))
        if filler == "predicate":
            return phrase_text(predicate_words(token))
        if filler == "count":
            return self.count(token)
        if filler == "weapon":
            return self.weapons(token)
        if filler == "token":
            return token
        return self.key_at(token)
