"""Entities: typed, keyed mentions of states, ministries, armed forces, places, organisations, conflicts.

The pretrained NER mistypes this genre (villages as PERSON, districts as ORG, "Azerbaijani" as
PERSON), so types come first from the text's own structure ("X settlement of the Y region",
"the villages of A, B and C in the D district", "Armenian units", "Azerbaijan's Defence Ministry"),
then from the gazetteers; the model's labels are used only for organisations and persons.

Typing choices the ontology leaves open:
- A state's own body named with its state ("Tajikistan's State Committee for National Security",
  "the Border Service of Kyrgyzstan") is a Ministry (the ontology's "ministry or equivalent body"), keyed
  by its state and linked MINISTRY_OF it, so that same-named bodies of two states stay two nodes and can
  report and accuse like a ministry. Unowned, it stays an Organization.
- A capital city that speaks or acts ("Baku denied", "brokered by Moscow", "accused Yerevan of") is its
  State; elsewhere ("talks in Baku", datelines) it is a Settlement.
- "The disputed X region", or a "region" the gazetteer knows as a Territory (Karabakh), is a Territory.
- A "sector" (of the front, of a district) is a Region of kind sector.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as default
from typing import Any

import numpy
from spacy.attrs import ORTH
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from kg.components import register_extensions
from kg.components.model_spans import (
    entity_words,
    is_name_token,
    is_person_name,
    is_weapon_code,
    name_bounds,
    place_kind,
    short_forms,
    surname,
    title_before,
    title_text,
)
from kg.components.records import graph_from_dicts
from kg.gazetteer import GazEntry, Gazetteer, load_gazetteer
from kg.names import normalise_name, slug
from kg.resolve import (
    armed_force_key,
    armed_force_name,
    conflict_key,
    ministry_key,
    ministry_name,
    organisation_key,
    person_key,
    place_key,
    portfolio_of,
)
from kg.rules import lexicon

_LEX = lexicon()
"""Every word list below is a class of kg/rules/en/lexicon.toml (entity_*)."""

SETTLEMENT_KINDS: dict[str, str] = dict(_LEX.values("entity_settlement_kind"))
REGION_KINDS: dict[str, str] = dict(_LEX.values("entity_region_kind"))
ARMED_FORCE_NOUNS: frozenset[str] = _LEX["entity_force_noun"]
ARMED_FORCE_MODIFIERS: frozenset[str] = _LEX["entity_force_modifier"]
PORTFOLIO_WORDS: frozenset[str] = _LEX["entity_portfolio_word"]
NOT_A_NAME: frozenset[str] = _LEX["entity_not_a_name"]
STATE_BODY_NOUNS: frozenset[str] = _LEX["entity_state_body_noun"]
EXTRA_BODY_NOUNS: frozenset[str] = _LEX["entity_extra_body_noun"]
DISPUTED_WORDS: frozenset[str] = _LEX["entity_disputed_word"]
PLACE_PREFIXES: frozenset[str] = _LEX["place_prefix"]
COMPASS_PARTS: frozenset[str] = _LEX["entity_compass_part"]
PROPER_REGION_KINDS: frozenset[str] = _LEX["entity_proper_region_kind"]
AREA_KINDS: frozenset[str] = _LEX["entity_area_kind"]
VARIANT_WORDS: frozenset[str] = _LEX["entity_variant_word"]
PROVINCE_KINDS: frozenset[str] = _LEX["entity_province_kind"]
DISTRICT_KINDS: frozenset[str] = _LEX["entity_district_kind"]
CAPITAL_ADJECTIVES: dict[str, str] = dict(_LEX.values("entity_capital_adjective"))
WORLD_PLACE_FLOOR = 100_000
"""The population a GeoNames place needs to be read from its name alone outside the states named."""
SITE_TOWN_FLOOR = 10_000
"""A site's name is no alias of it where a GeoNames town of at least this many people has that name."""
NOT_AN_ORG: frozenset[str] = _LEX["entity_not_an_org"]
PERSON_TITLE_NOUNS: frozenset[str] = _LEX["entity_person_title_noun"]
NOT_AN_ORG_ALONE: frozenset[str] = _LEX["entity_not_an_org_alone"]
GENERIC_ORG_WORDS = (
    NOT_AN_ORG | ARMED_FORCE_NOUNS | ARMED_FORCE_MODIFIERS | PORTFOLIO_WORDS | _LEX["entity_generic_org_word"]
)
"""A model ORG span of these words alone ("Government Forces", "the Joint Task Force") names no one."""

MODEL_LABELS = ("ORG", "PERSON", "GPE", "LOC", "FAC", "NORP")
"""The model's labels read here (NORP only to find a name already known)."""
CONNECTORS: frozenset[str] = _LEX["entity_name_connector"]
COUNTRY_NOUNS: frozenset[str] = _LEX["entity_country_noun"]
ALIAS_CUES: frozenset[str] = _LEX["entity_alias_cue"]
ARMED_GROUP_NOUNS: dict[str, str] = dict(_LEX.values("entity_armed_group_noun"))
HOME_GOVERNMENT_WORDS: frozenset[str] = _LEX["entity_home_government_word"]
APPOSED_TITLE_NOUNS: frozenset[str] = _LEX["entity_apposed_title_noun"]
FORCE_HEADS: frozenset[str] = _LEX["entity_force_head"]
"""Words inside a place's name: "the Gulf of Aden", "the Strait of Hormuz"."""
FORCE_PERIOD = re.compile(r"\s?\((?:\d{4})?[-–](?:\d{4})?\)")
"""The years a force is named for, as conflict databases write them: "(2018-)", "(2000-2019)"."""


def trimmed(ent: Span) -> Span:
    """A model span without the white space the model let it run into."""
    a, b = ent.start, ent.end
    while a < b and ent.doc[a].is_space:
        a += 1
    while b > a and ent.doc[b - 1].is_space:
        b -= 1
    return Span(ent.doc, a, b, label=ent.label_)


@dataclass
class _Sink:
    """What the recogniser has found so far in one Doc, and the functions that add to it."""

    entities: dict[str, dict[str, Any]]
    mentions: list[dict[str, Any]]
    relations: list[dict[str, Any]]
    claimed: bytearray
    known_names: dict[str, str]
    add_entity: Callable[..., None]
    add_mention: Callable[[int, int, str], None]
    relate: Callable[..., None]
    add_state: Callable[..., str]
    add_ministry: Callable[[str, str, str], None]
    person_forms: dict[str, str] = default(default_factory=dict)
    """Normalised short forms of the persons' names -> the person ("" when two persons share one)."""
    first_mention: dict[str, int] = default(default_factory=dict)
    acronyms: dict[str, str] = default(default_factory=dict)


ANAPHORS: dict[str, str] = dict(_LEX.values("entity_anaphor"))
"""Definite descriptions ("the village") and the label of what they point back to."""
MONTH_AND_DAY_NAMES: frozenset[str] = _LEX["entity_month_or_day"]
STATE_VOICE_VERBS: frozenset[str] = _LEX["entity_state_voice_verb"]
STATE_AGENT_VERBS: frozenset[str] = _LEX["entity_state_agent_verb"]
STATE_OBJECT_VERBS: frozenset[str] = _LEX["entity_state_object_verb"]
STATE_VOICE_NOUNS: frozenset[str] = _LEX["entity_state_voice_noun"]


def speaks_for_state(token: Token) -> bool:
    """Whether a capital named at token stands for its state: the subject of a speech or stance verb, the
    agent of a brokering, the one accused, the owner of a statement."""
    while token.dep_ == "conj" and token.head is not token:
        token = token.head  # "Baku and Yerevan have held talks"
    head = token.head
    if token.dep_ == "nsubj" and head.lemma_ in STATE_VOICE_VERBS:
        return True
    if token.dep_ == "nsubjpass" and head.lemma_ in STATE_OBJECT_VERBS:
        return True  # "Moscow was accused of ..."
    if token.dep_ == "pobj" and head.lower_ == "by" and head.head.lemma_ in STATE_AGENT_VERBS:
        return True
    if token.dep_ == "dobj" and head.lemma_ in STATE_OBJECT_VERBS:
        return True
    return token.dep_ == "poss" and head.lemma_ in STATE_VOICE_NOUNS


def merge_unscoped_places(
    entities: dict[str, dict[str, Any]], mentions: list[dict[str, Any]], relations: list[dict[str, Any]]
) -> None:
    """A place named once without its container ("the Nakyal sector") and once with it ("Nakyal sector of
    Kotli district") in one document is one place: the unscoped key joins the only scoped one."""
    scoped: dict[tuple[str, str], list[str]] = {}
    for key, entity in entities.items():
        if "@" in key and entity["label"] in ("Settlement", "Region"):
            scoped.setdefault((entity["label"], key.split("@", 1)[0]), []).append(key)
    moved: dict[str, str] = {}
    for key, entity in entities.items():
        targets = scoped.get((entity["label"], key))
        if "@" not in key and targets and len(targets) == 1:
            moved[key] = targets[0]
    for old, new in moved.items():
        entity = entities.pop(old)
        for alias in (entity["name"], *entity["aliases"]):
            if alias != entities[new]["name"] and alias not in entities[new]["aliases"]:
                entities[new]["aliases"].append(alias)
    if not moved:
        return
    for mention in mentions:
        mention["key"] = moved.get(mention["key"], mention["key"])
    for rel in relations:
        rel["source"] = moved.get(rel["source"], rel["source"])
        rel["target"] = moved.get(rel["target"], rel["target"])


def model_entities(doc: Doc, titled: list[Span] | None = None) -> list[Span]:
    """The model's entities; a given name and a surname it split in two ("Oleksandr", "Prokudin") joined."""
    ents: list[Span] = []
    for ent in doc.ents:
        last = ents[-1] if ents else None
        if (
            last is not None
            and ent.label_ == "PERSON"
            and last.label_ == "PERSON"
            and last.end == ent.start
            and len(last) == 1
            and len(ent) == 1
        ):
            ents[-1] = Span(doc, last.start, ent.end, label="PERSON")
            continue
        ents.append(ent)
    # "spokesman Dmytro Lykhovy said": two proper nouns after a title are a person the model missed;
    # so are two or more the text gives an age ("Nodar Zhvania, 34,"), whatever the model took them for.
    aged = aged_names(doc)
    for name in [*(titled or ()), *aged]:
        covering = [e for e in ents if e.start < name.end and name.start < e.end]
        inside = all(name.start <= e.start and e.end <= name.end for e in covering)
        if inside and (name in aged or all(e.label_ == "PERSON" for e in covering)):
            ents = [e for e in ents if e not in covering]
            ents.append(Span(doc, name.start, name.end, label="PERSON"))
    return ents


def aged_names(doc: Doc) -> list[Span]:
    """Capitalised names of two to four words followed by an age between commas ("X Y, 58,")."""
    names: list[Span] = []
    if len(doc) < 5:
        return names
    commas = numpy.flatnonzero(doc.to_array(ORTH)[2 : len(doc) - 2] == doc.vocab.strings[","]) + 2
    for i in commas.tolist():
        age, after = doc[i + 1], doc[i + 2]
        if doc[i].text != "," or not age.text.isdigit() or not 0 < int(age.text) < 110 or not after.is_punct:
            continue
        j = i
        while (
            j > max(0, i - 4) and doc[j - 1].is_alpha and doc[j - 1].is_title and not doc[j - 1].is_sent_start
        ):
            j -= 1
        if i - j >= 2:
            names.append(Span(doc, j, i, label="PERSON"))
    return names


def known_names_of(entities: dict[str, dict[str, Any]]) -> set[str]:
    """Every name and alias of the entities found so far."""
    return {form for entity in entities.values() for form in (entity["name"], *entity["aliases"])}


class EntityRecognizer:
    """Find typed, keyed entity mentions; results go to doc._.kg_mentions and doc._.kg_entities."""

    def __init__(self, nlp: Language, gazetteer: Gazetteer) -> None:
        register_extensions()
        self.gaz = gazetteer
        self._state_idx: dict[int, str] = {}
        self._skip_doc: Doc | None = None  # the Doc whose link ranges `_skip` holds
        self._skip: list[list[int]] | tuple[()] = ()
        self.lex = entity_words()
        self.portfolio = frozenset(PORTFOLIO_WORDS)
        self.place_nouns = frozenset(self.lex.site_nouns) | frozenset(self.lex.area_nouns)
        self.body_nouns = STATE_BODY_NOUNS | EXTRA_BODY_NOUNS
        self.rules_lexicon = lexicon()
        self.names = PhraseMatcher(nlp.vocab, attr="ORTH")
        by_key: dict[str, list[Doc]] = {}
        for form, key in gazetteer.surface_forms():
            by_key.setdefault(key, []).append(nlp.make_doc(form))
            if len(form) > 3 and form.upper() != form:
                # Datelines: "YEREVAN, November 16."
                by_key[key].append(nlp.make_doc(form.upper()))
            if headline_case(form) != form:
                by_key[key].append(nlp.make_doc(headline_case(form)))  # "Fano Militia", "Houthi Movement"
        for demonym, state in gazetteer.demonyms.items():
            by_key.setdefault(f"DEMONYM|{state}", []).append(nlp.make_doc(demonym))
        for key, patterns in by_key.items():
            self.names.add(key, patterns)
        self.conflicts = PhraseMatcher(nlp.vocab, attr="LOWER")
        for form, key in gazetteer.conflict_forms():
            self.conflicts.add(key, [nlp.make_doc(form)])
        self.words = Matcher(nlp.vocab)
        self.words.add("PLACE_KIND", [[{"LOWER": {"IN": sorted(SETTLEMENT_KINDS) + sorted(REGION_KINDS)}}]])
        self.words.add("MINISTRY", [[{"LOWER": {"IN": ["ministry", "ministries"]}}]])
        self.words.add("ANAPHOR", [[{"LOWER": "the"}, {"LOWER": {"IN": sorted(ANAPHORS)}}]])
        self.words.add("WAR", [[{"LOWER": {"IN": ["war", "conflict", "fighting", "hostilities"]}}]])
        self.words.add(
            "TITLED_NAME",
            [
                [
                    {"LOWER": {"IN": sorted(PERSON_TITLE_NOUNS | set(self.lex.ranks))}},
                    {"IS_TITLE": True, "IS_ALPHA": True, "POS": "PROPN"},
                    {"IS_TITLE": True, "IS_ALPHA": True, "POS": "PROPN"},
                ]
            ],
        )
        self.words.add(
            "OPERATION",
            [[{"ORTH": {"IN": sorted(self.lex.operation)}}, {"IS_TITLE": True, "OP": "+"}]],
            greedy="LONGEST",
        )
        self.words.add(
            "AFTER_PREPOSITION",
            [
                [
                    {"LOWER": {"IN": ["in", "near", "around", "outside", "from", "at", "into"]}},
                    {
                        "IS_TITLE": True,
                        "POS": "PROPN",
                        "ENT_TYPE": {"IN": ["", "GPE", "LOC", "PERSON", "FAC"]},
                    },
                    {"IS_TITLE": True, "POS": "PROPN", "OP": "?"},
                ]
            ],
            greedy="LONGEST",
        )

    # --- helpers -------------------------------------------------------------------------

    def _skipped(self, doc: Doc, i: int) -> bool:
        if doc is not self._skip_doc:
            self._skip_doc, self._skip = doc, doc._.kg_skip or ()
        return any(a <= i < b for a, b in self._skip)

    def _is_name(self, doc: Doc, i: int, claimed: bytearray) -> bool:
        token = doc[i]
        return (
            (
                not claimed[i]
                and (token.is_title or token.is_upper or (token.text[:1].isupper() and token.is_alpha))
                and token.is_alpha
                and token.lower_ not in NOT_A_NAME
                and token.lower_ not in SETTLEMENT_KINDS
                and token.lower_ not in REGION_KINDS
                and self.gaz.demonym_state(token.text) is None
                and i not in self._state_idx
            )
            or (
                token.text == "-"
                and 0 < i < len(doc) - 1
                and not token.whitespace_
                and (doc[i - 1].is_title or self._particle_before_hyphen(doc, i - 1))
            )
            or (self._particle_before_hyphen(doc, i) and not claimed[i])
            or (transliterated_name(token) and not claimed[i] and i not in self._state_idx)  # "Nu'eima"
        )

    def _particle_before_hyphen(self, doc: Doc, i: int) -> bool:
        """ "al-Fura", "ad-Dawr": a lower-case name particle joined by a hyphen to a capitalised word."""
        return (
            doc[i].lower_ in self.lex.particles
            and doc[i].is_alpha
            and i + 2 < len(doc)
            and doc[i + 1].text == "-"
            and not doc[i].whitespace_
            and not doc[i + 1].whitespace_
            and doc[i + 2].is_title
        )

    def _names_before(self, doc: Doc, i: int, claimed: bytearray, floor: int) -> list[tuple[int, int]]:
        """Name groups listed right before token i ("Keshdak and Barmagbina" settlements)."""
        groups: list[tuple[int, int]] = []
        j = i - 1
        while j >= floor:
            end = j + 1
            while j >= floor and self._is_name(doc, j, claimed):
                j -= 1
            if j + 1 == end:
                break
            start = j + 1
            if doc[start].text == "-":
                break
            groups.append((start, end))
            # Continue over list separators only when another name precedes them.
            k = j
            while k >= floor and (doc[k].text in {",", "and", "&"} or doc[k].is_space):
                k -= 1
            if k == j or k < floor or not self._is_name(doc, k, claimed):
                break
            j = k
        groups.reverse()
        return groups

    def _names_after(
        self, doc: Doc, i: int, claimed: bytearray, ceiling: int
    ) -> tuple[list[tuple[int, int]], int]:
        """Name groups listed from token i ("of A, B and C"), and the index after the list."""
        groups: list[tuple[int, int]] = []
        j = i
        while j < ceiling:
            start = j
            while j < ceiling and self._is_name(doc, j, claimed):
                j += 1
            if j == start:
                break
            groups.append((start, j))
            k = j
            while k < ceiling and (doc[k].text in {",", "and", "&"} or doc[k].is_space):
                k += 1
            if k == j or k >= ceiling or not self._is_name(doc, k, claimed):
                break
            j = k
        return groups, (groups[-1][1] if groups else i)

    # --- main ------------------------------------------------------------------------------

    def __call__(self, doc: Doc) -> Doc:
        """Find and key every entity mention in the document."""
        run = _EntityPass(self, doc)
        run.find_gazetteer_names()
        run.find_named_sites()
        run.find_apostrophe_places()
        run.find_ministries()
        run.find_armed_forces()
        run.find_named_groups()
        run.find_place_kinds()
        run.find_places_before_regions()
        run.find_containers()
        run.type_found()
        run.resolve_found()
        run.find_compound_regions()
        run.find_remaining_gazetteer()
        run.find_spelling_variants()
        run.find_operations()
        run.find_after_preposition()
        run.keep_model_entities()
        run.alias_sites_by_their_names()
        run.link_containers()
        run.link_named_containers()
        run.link_districts_by_seat()
        run.link_division_capitals()
        run.link_record_locations()
        run.link_listed_places()
        run.find_anaphors()
        run.find_home_government()
        run.find_conflicts()
        return run.finish()

    # --- what the model finds ---------------------------------------------------------------

    def _person(self, doc: Doc, ent: Span, sink: _Sink) -> None:
        """A model PERSON: its name without title or rank, one node for the full name and the later
        short forms ("Turki al-Maliki" ... "al-Maliki"), the title before it on the person."""
        self._surname_over_group(ent, sink)
        a, b = name_bounds(ent, self.lex, self.portfolio, sink.claimed)
        if a >= b or any(sink.claimed[i] for i in range(a, b)):
            return
        span = doc[a:b]
        norm = normalise_name(span.text)
        known = sink.known_names.get(norm) or sink.person_forms.get(norm)
        if known:
            sink.add_mention(a, b, known)
            return
        if not is_person_name(span, self.lex) or self.gaz.demonym_state(span.text):
            return
        words = [t for t in span if t.lower_ not in self.lex.particles]
        if len(words) > 1 and any(self._place_word(t.text) for t in words):
            return  # "Nakyal Kotli": places the model took for a name
        ta, tb = title_before(doc, a, self.lex, self.portfolio)
        if len(words) == 1 and not self._lone_name_is_person(span, ta < tb):
            return
        name = span.text
        key = person_key(name)
        sink.add_entity(key, "Person", name, surname(span, self.lex) if len(words) > 1 else None)
        sink.add_mention(a, b, key)
        sink.known_names[norm] = key
        sink.known_names.setdefault(normalise_name(words[-1].text), key)
        sink.first_mention.setdefault(key, a)
        for form in (norm, *short_forms(span, self.lex)):
            other = sink.person_forms.get(form, key)
            lone = other in sink.entities and " " not in sink.entities[other]["name"]
            sink.person_forms[form] = key if other == key or (lone and len(words) > 1) else ""
        if ta < tb:
            self._titled(doc, key, doc[ta:tb], ent.sent, sink)

    def _surname_over_group(self, ent: Span, sink: _Sink) -> None:
        """A surname that is also a group's name ("... Kayikwamba Wagner" and the Wagner Group), at the end
        of a person's name the model found, is the person's: the group's mention there is let go."""
        ending = (m for m in reversed(sink.mentions) if m["start"] < ent.end and m["end"] >= ent.end)
        last = next(ending, None)
        if last is None or last["end"] != ent.end or last["start"] <= ent.start:
            return
        if sink.entities[last["key"]]["label"] not in ("Organization", "ArmedForce"):
            return
        if not is_person_name(ent.doc[ent.start : ent.end], self.lex) or sink.claimed[ent.start]:
            return
        sink.mentions.remove(last)
        for i in range(last["start"], last["end"]):
            sink.claimed[i] = 0
        if not any(m["key"] == last["key"] for m in sink.mentions):
            sink.entities.pop(last["key"])

    def _titled(self, doc: Doc, key: str, title_span: Span, sent: Span, sink: _Sink) -> None:
        """The title before a person's name, and whom it makes them represent ("Foreign Minister X")."""
        title = title_text(list(title_span), self.lex)
        sink.entities[key].setdefault("title", title)
        k = title_span.start - 1
        if k >= 0 and doc[k].text in {"'s", "’s"}:
            k -= 1
        owner = self._state_idx.get(k) if k >= 0 else None
        represented = owner
        words = title.split()
        portfolio_words = [w for w in words if w in PORTFOLIO_WORDS and w != "and"]
        if owner and "minister" in words and portfolio_words:
            portfolio = portfolio_of(" ".join(portfolio_words))
            represented = ministry_key(portfolio, owner)
            sink.add_state(owner)
            sink.add_ministry(represented, portfolio, owner)
            sink.relate("MINISTRY_OF", represented, owner, sent, "minister-of-state", 0.8)
        if represented:
            if owner:
                sink.add_state(owner)
            sink.relations.append(
                {
                    "type": "REPRESENTS",
                    "source": key,
                    "target": represented,
                    "sent": [sent.start, sent.end],
                    "rule": "title-before-name",
                    "confidence": 0.8,
                    "title": title,
                }
            )

    def _place_word(self, word: str) -> bool:
        """Whether a word is a place, a state or a demonym the gazetteers know."""
        if self.gaz.demonym_state(word):
            return True
        return any(e.label in ("Settlement", "Region", "Territory", "State") for e in self.gaz.lookup(word))

    def _lone_name_is_person(self, span: Span, titled: bool) -> bool:
        """A single word the model takes for a person is one when a title stands before it ("Secretary
        Pompeo"), the persons gazetteer knows it, or it says something ("Haniyeh said"); a lone capitalised
        word is otherwise as often a village, a people or a headline's word."""
        if self.gaz.lookup(span.text):
            return False
        if titled or self.gaz.persons_named(span.text):
            return True
        root = span.root
        return root.dep_ == "nsubj" and self.rules_lexicon.has("speech_verb", root.head)

    def _surnames_first(self, sink: _Sink) -> None:
        """A surname named before the full name ("Haniyeh ... Ismail Haniyeh") is that person too."""
        for key, entity in list(sink.entities.items()):
            if entity["label"] != "Person" or " " in entity["name"] or "-" in entity["name"]:
                continue
            full = sink.person_forms.get(normalise_name(entity["name"]))
            if not full or full == key:
                continue
            sink.entities.pop(key)
            sink.entities[full].setdefault("title", entity.get("title"))
            for mention in sink.mentions:
                if mention["key"] == key:
                    mention["key"] = full
            for relation in sink.relations:
                if relation["source"] == key:
                    relation["source"] = full

    def _organisation(self, doc: Doc, ent: Span, text: str, tokens: list[Token], sink: _Sink) -> None:
        """A model ORG: an organisation, a named armed formation ("Joint Task Force Omega"), a dateline's
        town ("BAMAKO,"); never a weapon's code ("VBIED") or a word of a ministry or a title alone."""
        if is_weapon_code(ent, self.lex) or len(text) < 2:
            return
        if len(tokens) == 1 and not tokens[0].is_upper and tokens[0].is_lower:
            return
        if self._dateline(doc, ent):
            self._settlement(doc, ent, text.title(), sink)
            return
        lower = {t.lower_ for t in tokens}
        if lower & NOT_AN_ORG_ALONE or all(t.lower_ in GENERIC_ORG_WORDS or not t.is_alpha for t in tokens):
            return
        label = (
            "ArmedForce"
            if lower & (ARMED_FORCE_NOUNS | set(ARMED_GROUP_NOUNS) | {"command"})
            else "Organization"
        )
        kinds = {ARMED_GROUP_NOUNS[w] for w in lower if ARMED_GROUP_NOUNS.get(w)}
        key = organisation_key(text)
        sink.add_entity(key, label, text, kind=kinds.pop() if len(kinds) == 1 else None)
        sink.add_mention(ent.start, ent.end, key)
        sink.known_names[normalise_name(text)] = key

    def _dateline(self, doc: Doc, ent: Span) -> bool:
        """An upper-case name opening a paragraph, before a comma: the dateline's town ("YANGON, May 2")."""
        if not all(t.is_upper or not t.is_alpha for t in ent) or ent.end >= len(doc):
            return False
        opens = ent.start == 0 or "\n" in doc[ent.start - 1].text_with_ws or doc[ent.start - 1].is_space
        return opens and doc[ent.end].text in {",", "—", "–", "-"}

    def _settlement(self, doc: Doc, ent: Span, name: str, sink: _Sink) -> None:
        """A town the gazetteer does not know ("Samarkand, Uzbekistan": with the state it is in)."""
        container = None
        if (
            ent.end + 1 < len(doc)
            and doc[ent.end].text == ","
            and (ent.end + 1) in self._state_idx
            and not subject_after_comma(doc, ent.end + 1)
        ):
            container = self._state_idx[ent.end + 1]
            sink.add_state(container)
        key = place_key("Settlement", name, container)
        sink.add_entity(key, "Settlement", name)
        sink.add_mention(ent.start, ent.end, key)
        sink.known_names[normalise_name(name)] = key
        if container:
            sink.relate("LOCATED_IN", key, container, ent.sent, "town-comma-state", 0.75)

    def _place(
        self,
        doc: Doc,
        ent: Span,
        text: str,
        tokens: list[Token],
        sink: _Sink,
        chains: list[tuple[GazEntry, Span]],
    ) -> None:
        """A model GPE, LOC or FAC: a known place, a site by its head noun ("Tabqa Dam"), a division
        ("Rakhine State"), an area ("the Euphrates valley"), else a town (GPE) or an area (LOC)."""
        entries = [e for e in self.gaz.lookup(text) if e.label in ("Settlement", "Region", "Territory")]
        if entries:
            entry = entries[0]
            sink.add_entity(entry.key, entry.label, text, entry.name, kind=entry.kind)
            sink.add_mention(ent.start, ent.end, entry.key)
            chains.append((entry, ent.sent))
            return
        span = doc[tokens[0].i : tokens[-1].i + 1]
        typed = place_kind(span, self.lex)
        words = [t for t in span if not (typed and t.lower_ in self.place_nouns)]  # "Euphrates valley"
        if not words or not all(
            is_name_token(t, self.lex) or not t.is_alpha or t.lower_ in CONNECTORS for t in words
        ):
            return
        if len(span) == 1 and (span[0].lower_ in self.lex.ranks or span[0].lower_ in self.lex.title):
            return  # "Brig. Gen. X": a rank the model took for a place
        if words[0].lower_ in self.lex.particles or words[-1].lower_ in self.lex.particles | CONNECTORS:
            return
        name = text.title() if text.isupper() else text
        if typed is None and ent.label_ in ("GPE", "LOC") and self._world_place(ent, name, sink, chains):
            return
        if typed is None and ent.label_ == "GPE":
            self._settlement(doc, ent, name, sink)
            return
        if typed is None and ent.label_ == "FAC" and len(span) == 1:
            return  # a lone word the model calls a facility ("Genocide") names none
        label, kind = typed or (("Site", "facility") if ent.label_ == "FAC" else ("Region", "area"))
        key = place_key(label, name, None)
        sink.add_entity(key, label, name, kind=kind)
        sink.add_mention(ent.start, ent.end, key)
        sink.known_names[normalise_name(name)] = key

    def _world_place(
        self,
        ent: Span,
        name: str,
        sink: _Sink,
        chains: list[tuple[GazEntry, Span]],
        lookup: str | None = None,
        named_state: bool = False,
        label: str | None = None,
    ) -> bool:
        """A place the model found and our rows do not know: the GeoNames settlement or first-level
        region of that name in a state the report names, else a clear one of at least a large town's
        population ("Tabriz", "Khuzestan"); never a lone compass word ("East"). With named_state, only
        one of that very name in a state the report names; label keeps one kind of place."""
        if len(ent) == 1 and ent[0].lower_ in PLACE_PREFIXES:
            return False
        states = {k for k, e in sink.entities.items() if e["label"] == "State"} | set(
            self._state_idx.values()
        )
        entry = self.gaz.clear_place(lookup or name, states, label, floor=WORLD_PLACE_FLOOR)
        if entry is None:
            return False
        if named_state and (
            entry.state not in states or normalise_name(entry.name) != normalise_name(lookup or name)
        ):
            return False
        written = name  # as the text writes it ("Gondar"); GeoNames' name is an alias ("Gonder")
        sink.add_entity(entry.key, entry.label, written, kind=entry.kind)
        for alias in (entry.name, *entry.aliases):
            sink.add_entity(entry.key, entry.label, written, alias)
        if entry.latitude is not None:
            sink.add_entity(
                entry.key, entry.label, written, latitude=entry.latitude, longitude=entry.longitude
            )
        sink.add_mention(ent.start, ent.end, entry.key)
        sink.known_names[normalise_name(name)] = entry.key
        chains.append((entry, ent.sent))
        return True

    def _acronyms(self, doc: Doc, sink: _Sink) -> None:
        """ "The Arakan Army (AA)": an acronym in brackets after a name is that entity's, here and after."""
        for mention in list(sink.mentions):
            end = mention["end"]
            if end + 2 >= len(doc) or doc[end].text != "(":
                continue
            close = next((i for i in range(end + 1, min(end + 6, len(doc))) if doc[i].text == ")"), None)
            if close is None or close == end + 1 or any(sink.claimed[i] for i in range(end + 1, close)):
                continue
            inner = doc[end + 1 : close]
            letters = inner.text.replace("-", "").replace("/", "").replace("&", "")
            if not letters.isalnum() or not any(c.isupper() for c in letters) or len(letters) > 12:
                continue
            if any(t.whitespace_ for t in inner[:-1]):
                continue
            key = mention["key"]
            if sink.entities[key]["label"] not in ACRONYM_LABELS:
                continue
            sink.add_entity(key, sink.entities[key]["label"], sink.entities[key]["name"], inner.text)
            sink.add_mention(inner.start, inner.end, key)
            sink.known_names[normalise_name(inner.text)] = key
            sink.acronyms[inner.text] = key

    def _later_names(self, doc: Doc, sink: _Sink) -> None:
        """A person's surname ("Dembele said") and an acronym the text defined, where the model tagged
        nothing: the entity named earlier in the document."""
        forms = {f: k for f, k in sink.person_forms.items() if k}
        if not forms and not sink.acronyms:
            return
        for token in doc:
            i = token.i
            if sink.claimed[i] or not (token.is_title or token.is_upper) or self._skipped(doc, i):
                continue
            key = sink.acronyms.get(token.text)
            end = i + 1
            if key is None and token.pos_ == "PROPN":
                if i + 2 < len(doc) and doc[i + 1].text == "-" and not token.whitespace_:
                    end = i + 3
                    key = forms.get(normalise_name(doc[i:end].text))
                if key is None:
                    end = i + 1
                    key = forms.get(normalise_name(token.text))
                if key is not None and sink.first_mention.get(key, len(doc)) > i:
                    key = None
            if key is not None and not any(sink.claimed[j] for j in range(i, end)):
                sink.add_mention(i, end, key)

    def _kind_from_previous(
        self, doc: Doc, found: list[dict[str, Any]], place_at: dict[int, dict[str, Any]]
    ) -> None:
        """Shelled "border villages in the D district", then "the villages of A, B and C":
        the definite, named villages take the region the previous sentence gave the same unnamed,
        plural kind word. Places the gazetteer knows keep its containers."""
        used = {item["kind_i"] for item in found}
        anchors: dict[tuple[int, str], list[dict[str, Any]]] = {}  # (sentence start, word)
        for item in found:
            sent = item["sent"]
            if item["label"] != "Settlement" or sent.start == 0:
                continue
            previous = doc[sent.start - 1].sent
            word = doc[item["kind_i"]].lower_
            if (sent.start, word) in anchors:
                continue
            regions: list[dict[str, Any]] = []
            for t in previous:
                if t.lower_ != word or t.i in used or t.tag_ != "NNS" or t.i + 1 >= previous.end:
                    continue
                k = t.i + 1
                if doc[k].lower_ not in {"in", "of"}:
                    continue
                k += 1
                if k < previous.end and doc[k].lower_ == "the":
                    k += 1
                if k in place_at and place_at[k]["label"] == "Region":
                    regions.append(place_at[k])
            anchors[(sent.start, word)] = regions
        for item in found:
            if item["label"] != "Settlement" or item["container_item"] is not None:
                continue
            if item["container_state"] or item["container_gaz"]:
                continue
            i = item["kind_i"]
            if i <= item["sent"].start or doc[i - 1].lower_ != "the" or doc[i].tag_ != "NNS":
                continue
            if any(self.gaz.lookup(doc[s:e].text) for s, e in item["groups"]):
                continue
            regions = anchors.get((item["sent"].start, doc[i].lower_), [])
            if len(regions) == 1 and len(regions[0]["groups"]) == 1:
                item["container_item"] = regions[0]

    def _region_from_context(
        self, doc: Doc, found: list[dict[str, Any]], state_spans: dict[int, tuple[int, int, str, bool]]
    ) -> None:
        """Settlements the text names without a container get the one region their context names:
        a fronted phrase ("In the neighbouring X region, ... the town of Y") or, when their own sentence
        names no region or state, the previous sentence's only region ("The X region came under fire.
        The village of Y was hit"). Places the gazetteer knows keep its containers."""
        regions_by_sent: dict[int, list[dict[str, Any]]] = {}
        for item in found:
            if item["label"] == "Region" and item["kind"] not in ("sector", "area"):
                regions_by_sent.setdefault(item["sent"].start, []).append(item)
        if not regions_by_sent:
            return
        previous_sent: dict[int, Span] = {}
        last: Span | None = None
        for sent in doc.sents:
            if last is not None:
                previous_sent[sent.start] = last
            last = sent
        for item in found:
            if not self._placeable_by_context(item) or item.get("peopled"):
                continue  # "the Ossetian villages of A and B": not the Georgian district named before
            if item["container_state"] or item["container_gaz"]:
                continue
            if any(self.gaz.lookup(doc[s:e].text) for s, e in item["groups"]):
                continue
            sent = item["sent"]
            first = item["groups"][0][0]
            own = [r for r in regions_by_sent.get(sent.start, []) if r["groups"][0][0] < first]
            opener = doc[sent.start]
            if opener.lower_ == "in" and opener.dep_ == "prep" and own:
                phrase_end = opener.right_edge.i
                fronted = [r for r in own if r["kind_i"] <= phrase_end]
                if len(fronted) == 1 and phrase_end < first:
                    item["container_item"] = fronted[0]
                continue
            if [r for r in regions_by_sent.get(sent.start, []) if r is not item] or any(
                not state_spans[s][3] for s in state_spans if sent.start <= s < sent.end
            ):
                continue
            before = previous_sent.get(sent.start)
            candidates = regions_by_sent.get(before.start, []) if before is not None else []
            if not candidates and before is not None and item["label"] == "Region":
                before = previous_sent.get(before.start)  # a district: the province of the sentence before
                candidates = regions_by_sent.get(before.start, []) if before is not None else []
            if item["label"] == "Region":
                candidates = [c for c in candidates if c["kind"] in PROVINCE_KINDS]
            if len(candidates) == 1 and len(candidates[0]["groups"]) == 1:
                item["container_item"] = candidates[0]

    def _placeable_by_context(self, item: dict[str, Any]) -> bool:
        """A settlement, or a district ("Argun district"), named with no container of its own."""
        if item["container_item"] is not None:
            return False
        return item["label"] == "Settlement" or (item["label"] == "Region" and item["kind"] in DISTRICT_KINDS)

    # --- gazetteer structure -----------------------------------------------------------------

    def _state_of(self, entry: GazEntry) -> str | None:
        seen = 0
        current: GazEntry | None = entry
        while current is not None and seen < 6:
            if current.label == "State":
                return current.key
            if current.source == "geonames" and current.state:
                return current.state
            if current.container is None:
                return None
            if current.container.startswith("state:"):
                return current.container
            current = self.gaz.get(current.container)
            seen += 1
        return None

    def _container_entry(self, key: str) -> GazEntry | None:
        """A container by key: our row, else the GeoNames region or settlement."""
        entry = self.gaz.get(key)
        if entry is None and key.startswith(("region:", "settlement:")):
            return self.gaz.world.place(key)
        return entry

    def _in_state(self, entry: GazEntry, container: str) -> bool:
        return container.startswith("state:") and self._state_of(entry) == container

    def _gazetteer_chain(
        self,
        entry: GazEntry,
        sent: Span,
        relate: Any,
        add_state: Any,
        add_entity: Any,
        entities: dict[str, dict[str, Any]],
    ) -> None:
        """LOCATED_IN from a gazetteer place to its nearest container named in the text, else its state."""
        if not entry.container:
            return
        current = self._container_entry(entry.container)
        target = entry.container
        while current is not None and current.label != "State" and current.key not in entities:
            if current.container is None:
                break
            target = current.container
            current = self._container_entry(current.container)
        if target.startswith("state:"):
            add_state(target)
        elif target not in entities:
            return
        relate("LOCATED_IN", entry.key, target, sent, "gazetteer-container", 0.7)


class _EntityPass:
    """One document's pass of the recogniser: what it has found so far, and the steps that find more."""

    def __init__(self, rec: EntityRecognizer, doc: Doc) -> None:
        self.rec = rec
        self.doc = doc
        self.gaz = rec.gaz
        rec._state_idx = {}
        self.state_tokens: dict[int, str] = rec._state_idx  # token index -> state key, states and demonyms
        self.entities: dict[str, dict[str, Any]] = {}
        self.mentions: list[dict[str, Any]] = []
        self.claimed = bytearray(len(doc))
        self.relations: list[dict[str, Any]] = doc._.kg_relations if doc._.kg_relations is not None else []
        self.name_hits: dict[tuple[int, int], list[str]] = {}
        self.kept: list[Span] = []
        self.gaz_place_at: dict[int, list[str]] = {}  # start of a gazetteer place name -> its keys
        self.state_spans: dict[int, tuple[int, int, str, bool]] = {}  # start -> (start, end, state, demonym)
        self.gaz_tokens: set[int] = set()
        self.last_ministry: str | None = None
        self.place_aliases: list[tuple[Span, str]] = []
        self.site_names: list[tuple[str, str]] = []  # a site's key and its proper name ("Nevatim")
        self.word_hits: list[tuple[int, int, int]] = []
        self.found: list[dict[str, Any]] = []  # {"groups", "label", "kind", "kind_i", "sent"}
        self.place_at: dict[int, dict[str, Any]] = {}
        self.mentioned_states: set[str] = set()
        self.resolved: dict[int, str] = {}  # id(item) -> key, per group start
        self.chains: list[tuple[GazEntry, Span]] = []
        self.compound_regions: list[tuple[int, int, GazEntry]] = []

    # --- adding to what is found ----------------------------------------------------------

    def add_entity(self, key: str, label: str, name: str, alias: str | None = None, **props: Any) -> None:
        """Add an entity (or fill its missing properties), and the alias it is named by."""
        entity = self.entities.get(key)
        if entity is None:
            entity = {"label": label, "name": name, "aliases": []}
            self.entities[key] = entity
        for field, value in props.items():
            if value is not None and entity.get(field) is None:
                entity[field] = value
        if alias and alias != entity["name"] and alias not in entity["aliases"]:
            entity["aliases"].append(alias)

    def add_mention(self, start: int, end: int, key: str) -> None:
        """Claim tokens start..end as a mention of the entity key."""
        for i in range(start, end):
            self.claimed[i] = 1
        self.mentions.append({"start": start, "end": end, "key": key})

    def relate(self, rtype: str, source: str, target: str, sent: Span, rule: str, confidence: float) -> None:
        """Add a relation found in the sentence sent."""
        self.relations.append(
            {
                "type": rtype,
                "source": source,
                "target": target,
                "sent": [sent.start, sent.end],
                "rule": rule,
                "confidence": confidence,
            }
        )

    def add_state(self, key: str, alias: str | None = None) -> str:
        """Add the State key with its gazetteer names and demonyms; return the key."""
        entry = self.gaz.get(key)
        if entry is None:
            self.add_entity(key, "State", key.split(":", 1)[1].replace("-", " ").title(), alias)
            return key
        self.add_entity(
            key, "State", entry.name, alias, iso2=entry.iso2, iso3=entry.iso3, status=entry.status
        )
        for form in (*entry.aliases, *self.gaz.demonyms_of(key)):
            self.add_entity(key, "State", entry.name, form)
        return key

    def state_name(self, key: str) -> str:
        """The name of the State key."""
        entry = self.gaz.get(key)
        return entry.name if entry else key.split(":", 1)[1]

    def add_armed_force(self, key: str, state: str) -> None:
        """Add the state's armed force with the demonym names it goes by."""
        name = armed_force_name(self.state_name(state))
        self.add_entity(key, "ArmedForce", name, kind="state")
        for demonym in self.gaz.demonyms_of(state)[:1]:
            for noun in ("Armed Forces", "military", "army", "forces", "troops"):
                self.add_entity(key, "ArmedForce", name, f"{demonym} {noun}")

    def add_ministry(self, key: str, portfolio: str, state: str) -> None:
        """Add the state's ministry of portfolio with the spellings it goes by."""
        state_name = self.state_name(state)
        name = ministry_name(portfolio, state_name)
        self.add_entity(key, "Ministry", name, portfolio=portfolio)
        spellings = [portfolio.title()]
        if portfolio == "defence":
            spellings.append("Defense")
        for word in spellings:
            owners = [f"{state_name}'s", *self.gaz.demonyms_of(state)[:1]]
            for owner in owners:
                self.add_entity(key, "Ministry", name, f"{owner} {word} Ministry")
            self.add_entity(key, "Ministry", name, f"{word} Ministry of {state_name}")
            self.add_entity(key, "Ministry", name, f"Ministry of {word} of {state_name}")
            for demonym in self.gaz.demonyms_of(state)[:1]:
                self.add_entity(key, "Ministry", name, f"{demonym} Ministry of {word}")

    # --- 1. gazetteer names -----------------------------------------------------------------

    def find_gazetteer_names(self) -> None:
        """Gazetteer names and demonyms (where they are, not yet claimed)."""
        doc, gaz = self.doc, self.gaz
        for match_id, start, end in self.rec.names(doc):
            if self.rec._skipped(doc, start):
                continue
            self.name_hits.setdefault((start, end), []).append(doc.vocab.strings[match_id])
        self.kept = filter_spans([doc[s:e] for s, e in self.name_hits])
        self.gaz_tokens = {i for span in self.kept for i in range(span.start, span.end)}
        for span in self.kept:
            keys = self.name_hits[(span.start, span.end)]
            state: str | None = next((k.split("|", 1)[1] for k in keys if k.startswith("DEMONYM|")), None)
            demonym = state is not None
            if state is None:
                state = next((k for k in keys if gaz.get(k) and gaz.entries[k].label == "State"), None)
            if state and not demonym and self._compound_region(span):
                continue
            if state:
                for i in range(span.start, span.end):
                    self.state_tokens[i] = state
                self.state_spans[span.start] = (span.start, span.end, state, demonym)
            else:
                places = [
                    k for k in keys if k in gaz.entries and gaz.entries[k].label in ("Region", "Territory")
                ]
                if places:
                    self.gaz_place_at[span.start] = places

    def _compound_region(self, span: Span) -> bool:
        """ "East Azerbaijan", "West Azerbaijan": a compass word and a state's name that together name a
        first-level region (of another state) are that region, not the state."""
        start = span.start - 1
        if start < 0 or not self.doc[start].is_title or self.doc[start].lower_ not in PLACE_PREFIXES:
            return False
        name = self.doc[start : span.end].text
        entry = next(
            (e for e in self.gaz.world_regions(name) if normalise_name(e.name) == normalise_name(name)), None
        )
        if entry is None:
            return False
        self.compound_regions.append((start, span.end, entry))
        return True

    def find_compound_regions(self) -> None:
        """The compound region names no kind word typed ("the Governor of East Azerbaijan")."""
        for start, end, entry in self.compound_regions:
            if any(self.claimed[i] for i in range(start, end)):
                continue
            name = self.doc[start:end].text
            self.add_entity(entry.key, "Region", name, entry.name, kind=entry.kind)
            self.add_mention(start, end, entry.key)
            self.chains.append((entry, self.doc[start].sent))

    # --- 2. ministries ----------------------------------------------------------------------

    def find_ministries(self) -> None:
        """Ministries: "Azerbaijan's Defence Ministry", "Ministry of Defence of Armenia", "the ministry"."""
        doc = self.doc
        self.word_hits = self.rec.words(doc)
        ministry_hits = [(s, e) for m, s, e in self.word_hits if doc.vocab.strings[m] == "MINISTRY"]
        for start, _end in ministry_hits:
            if self.rec._skipped(doc, start):
                continue
            self._ministry_at(start)

    def _ministry_at(self, start: int) -> None:
        doc = self.doc
        sent = doc[start].sent
        words, left, state = self._ministry_owner_before(start, sent)
        right = start + 1
        if not words and right < sent.end and doc[right].lower_ == "of":
            words, right, state = self._ministry_of_after(right, sent, words, state)
        portfolio = portfolio_of(" ".join(words)) if words else None
        last_ministry = self.last_ministry
        if state is None:
            # "the ministry", "the Defence Ministry": the ministry last named (of that portfolio).
            if last_ministry and (portfolio is None or last_ministry.split(":")[1] == slug(portfolio)):
                self.add_mention(left, right, last_ministry)
                if portfolio and self._proper_ministry(left, right):
                    entity = self.entities[last_ministry]
                    self.add_entity(last_ministry, "Ministry", entity["name"], self._surface(left, right))
                return
            # "the Ministry of Internal Affairs" by its proper name alone: the government last named.
            if not (last_ministry and portfolio and self._proper_ministry(left, right)):
                return
            state = "state:" + last_ministry.rsplit(":", 1)[1]
        if portfolio is None:
            return
        key = ministry_key(portfolio, state)
        self.add_state(state)
        surface = self._surface(left, right)
        self.add_ministry(key, portfolio, state)
        self.add_entity(key, "Ministry", ministry_name(portfolio, self.state_name(state)), surface)
        self.add_mention(left, right, key)
        self.relate("MINISTRY_OF", key, state, sent, "ministry-of-state", 0.95)
        self.last_ministry = key

    def _surface(self, left: int, right: int) -> str:
        """The text of a span without a leading "the"."""
        surface = self.doc[left:right].text
        return surface[4:] if surface.lower().startswith("the ") else surface

    def _proper_ministry(self, left: int, right: int) -> bool:
        """Whether a ministry is named by its proper name ("the Ministry of Internal Affairs")."""
        words = [t for t in self.doc[left:right] if t.lower_ not in {"the", "of", "and", "'s"}]
        return all(t.text[:1].isupper() for t in words)

    def _ministry_owner_before(self, start: int, sent: Span) -> tuple[list[str], int, str | None]:
        doc, state_tokens = self.doc, self.state_tokens
        words: list[str] = []
        j = start - 1
        while j >= sent.start and doc[j].lower_ in PORTFOLIO_WORDS:
            words.insert(0, doc[j].text)
            j -= 1
        left = j + 1
        state = None
        if j >= sent.start and doc[j].text in {"'s", "’s", "'"}:
            j -= 1
        if j >= sent.start and doc[j].lower_ in COUNTRY_NOUNS and j + 1 < start:
            earlier = [state_tokens[x] for x in range(sent.start, j) if x in state_tokens]
            if earlier:
                state = earlier[-1]
                left = j - 1 if j > sent.start and doc[j - 1].lower_ == "the" else j
        elif j >= sent.start and j in state_tokens:
            state = state_tokens[j]
            k = j
            while k - 1 >= sent.start and state_tokens.get(k - 1) == state:
                k -= 1
            left = k
        return words, left, state

    def _ministry_of_after(
        self, right: int, sent: Span, words: list[str], state: str | None
    ) -> tuple[list[str], int, str | None]:
        doc, state_tokens = self.doc, self.state_tokens
        k = right + 1
        portfolio_words: list[str] = []
        while k < sent.end and doc[k].lower_ in PORTFOLIO_WORDS:
            portfolio_words.append(doc[k].text)
            k += 1
        if portfolio_words and portfolio_words[-1].lower() == "and":
            portfolio_words.pop()
            k -= 1
        if portfolio_words:
            words = portfolio_words
            right = k
            # "of Iran", "of the Islamic Republic of Iran"
            at = k + 2 if k + 2 < sent.end and doc[k + 1].lower_ == "the" else k + 1
            if at < sent.end and doc[k].lower_ == "of" and at in state_tokens:
                state = state_tokens[at]
                right = at + 1
                while right < sent.end and state_tokens.get(right) == state:
                    right += 1
        return words, right, state

    # --- 3. armed forces --------------------------------------------------------------------

    def find_armed_forces(self) -> None:
        """Armed forces: "Armenian units", "the Azerbaijani military", "Armed Forces of Armenia"."""
        for s, e, state, _demonym in sorted(self.state_spans.values()):
            if self.claimed[s]:
                continue
            self._armed_force_at(s, e, state)

    def _armed_force_at(self, s: int, e: int, state: str) -> None:
        doc = self.doc
        sent = doc[s].sent
        k = e
        if k < sent.end and doc[k].text in {"'s", "’s"}:
            k += 1
        head = None
        for j in range(k, min(k + 4, sent.end)):
            word = doc[j].lower_
            if word in ARMED_FORCE_NOUNS and word != "armed":
                head = j
            elif word not in ARMED_FORCE_MODIFIERS and not (
                head is None and (doc[j].is_upper or doc[j].like_num or doc[j].text == "-")
            ):
                # Model names may stand between: "Thai F-16 jets"
                break
        if head is not None:
            key = armed_force_key(state)
            self.add_state(state)
            self.add_armed_force(key, state)
            self.add_mention(s, head + 1, key)
            self.relate("ARMED_FORCE_OF", key, state, sent, "armed-force-of-state", 0.9)
            if doc[head].lower_ in FORCE_HEADS:
                name = armed_force_name(self.state_name(state))
                self.add_entity(key, "ArmedForce", name, doc[s : head + 1].text)
            return
        # "Armed Forces of Armenia", "the army of Azerbaijan"
        if s >= 2 and doc[s - 1].lower_ == "of" and doc[s - 2].lower_ in FORCE_HEADS:
            left = s - 2
            if left > sent.start and doc[left - 1].lower_ in {"armed", "military"}:
                left -= 1
            right = self._period_after(e, sent)
            key = armed_force_key(state)
            self.add_state(state)
            self.add_armed_force(key, state)
            name = armed_force_name(self.state_name(state))
            self.add_entity(key, "ArmedForce", name, doc[left:e].text)
            self.add_entity(key, "ArmedForce", name, doc[left:right].text)
            self.add_mention(left, right, key)
            self.relate("ARMED_FORCE_OF", key, state, sent, "armed-force-of-state", 0.9)

    def _period_after(self, end: int, sent: Span) -> int:
        """The end of a force's name with the years it is named for: "Military Forces of Ethiopia (2018-)"."""
        text = self.doc.text[self.doc[end - 1].idx + len(self.doc[end - 1].text) : sent.end_char]
        found = FORCE_PERIOD.match(text)
        if not found:
            return end
        span = self.doc.char_span(
            self.doc[end].idx, self.doc[end - 1].idx + len(self.doc[end - 1].text) + found.end()
        )
        return span.end if span is not None else end

    def find_named_groups(self) -> None:
        """Militias the data does not know, named before the word: "the Kodo militia", "Nyatura militias"."""
        doc = self.doc
        for i, token in enumerate(doc):
            if ARMED_GROUP_NOUNS.get(token.lower_) != "non-state" or not token.is_lower or self.claimed[i]:
                continue
            j = i
            while (
                j > max(token.sent.start, i - 3)
                and doc[j - 1].pos_ == "PROPN"
                and doc[j - 1].text[:1].isupper()
            ):
                j -= 1
            if j == i or any(self.claimed[k] or k in self.gaz_tokens for k in range(j, i)):
                continue
            words = doc[j:i]
            if any(t.lower_ in NOT_A_NAME or self.rec._place_word(t.text) for t in words):
                continue
            if self._big_place(words.text):
                continue  # "a Goma militia": a city's militia, not a group's name
            name = f"{doc[j:i].text} militia"
            key = organisation_key(name)
            self.add_entity(key, "ArmedForce", name, doc[j : i + 1].text, kind="non-state")
            self.add_mention(j, i + 1, key)

    def _big_place(self, name: str) -> bool:
        """Whether a city or region of the world of at least WORLD_PLACE_FLOOR people has this very name."""
        wanted = normalise_name(name)
        found = [*self.gaz.world_settlements(name), *self.gaz.world_regions(name)]
        return any(
            normalise_name(e.name) == wanted and (e.population or 0) >= WORLD_PLACE_FLOOR for e in found
        )

    # --- 4. places typed by the text --------------------------------------------------------

    def find_place_kinds(self) -> None:
        """Places typed by the text: "X settlement of the Y region", "the villages of A and B"."""
        doc = self.doc
        kind_hits = sorted(s for m, s, e in self.word_hits if doc.vocab.strings[m] == "PLACE_KIND")
        for i in kind_hits:
            if self.claimed[i] or self.rec._skipped(doc, i):
                continue
            self._place_kind_at(i)

    def _place_kind_at(self, i: int) -> None:
        doc, claimed, state_tokens = self.doc, self.claimed, self.state_tokens
        sent = doc[i].sent
        word = doc[i].lower_
        label = "Settlement" if word in SETTLEMENT_KINDS else "Region"
        kind = SETTLEMENT_KINDS.get(word) or REGION_KINDS[word]
        groups = self.rec._names_before(doc, i, claimed, sent.start)
        placed: list[tuple[int, int]] = []
        named_after = self._kind_of_named(i, groups)
        named_in = self._region_named_at(groups[0][0]) if named_after is not None else None
        if named_after is not None:
            groups = []  # "the West Bank village of Nu'eima": the name after "of" is the village
        if groups and doc[i].tag_ in ("NN", "NNP") and all(t.lower_ != "and" for t in doc[groups[0][0] : i]):
            # "Ergneti, Gori Municipality": one name for one kind word, and the name before it lies there
            placed, groups = groups[-2:-1], groups[-1:]
        after = i + 1
        demonym_state = None
        if named_after is not None:
            groups, after = named_after
        elif not groups and i + 1 < sent.end and doc[i + 1].lower_ == "of" and i > sent.start:
            # "the northern Israeli towns of A and B": adjectives and a demonym may stand between.
            b = i - 1
            while b > sent.start and (doc[b].pos_ == "ADJ" or b in state_tokens) and not claimed[b]:
                if b in state_tokens and self.state_spans.get(b, (0, 0, "", False))[3]:
                    demonym_state = state_tokens[b]
                b -= 1
            if doc[b].lower_ in {"the", "a"}:
                groups, after = self.rec._names_after(doc, i + 2, claimed, sent.end)
                # "the town of X district"? then X names the district, not a town.
                if not groups or (after < sent.end and doc[after].lower_ in REGION_KINDS):
                    groups, after = [], i + 1
        if not groups:
            groups = self._apposed_name(i)
        if word in PROPER_REGION_KINDS:
            groups = [g for g in groups if self._proper_name(*g)]
        if word in AREA_KINDS and not self._area_of_region(i, groups):
            return
        if not groups:
            return
        disputed = any(c.dep_ == "amod" and c.lower_ in DISPUTED_WORDS for c in doc[i].children)
        self.found.append(
            {
                "groups": groups,
                "label": label,
                "kind": kind,
                "kind_i": i,
                "after": after,
                "sent": sent,
                "demonym_state": demonym_state,
                "disputed": disputed and kind == "region",
                "container_gaz": named_in,
                "peopled": named_after is not None and named_in is None,  # "the Ossetian villages of"
            }
        )
        if (
            placed
            and label == "Region"
            and placed[0][1] + 1 == groups[0][0]
            and doc[placed[0][1]].text == ","
            and not any(k in self.gaz_tokens for k in range(*placed[0]))
        ):
            self.found.append(
                {
                    "groups": placed,
                    "label": "Settlement",
                    "kind": None,
                    "kind_i": placed[0][1],
                    "after": placed[0][1],
                    "sent": sent,
                    "demonym_state": None,
                    "disputed": False,
                }  # fmt: skip
            )

    def _region_named_at(self, start: int) -> str | None:
        """The region or territory a gazetteer name at token start names ("Donetsk": the oblast)."""
        keys = self.gaz_place_at.get(start, [])
        return next(
            (
                k
                for k in keys
                if k in self.gaz.entries and self.gaz.entries[k].label in ("Region", "Territory")
            ),
            None,
        )

    def _kind_of_named(
        self, i: int, before: list[tuple[int, int]]
    ) -> tuple[list[tuple[int, int]], int] | None:
        """ "the West Bank village of Nu'eima", "the Donetsk town of Toretsk": a known place's name (or a
        people's adjective: "the Ossetian villages of A and B") before a settlement kind word and "of"
        names where the settlements lie or whose they are; the names after "of" are the settlements (and
        the index after them)."""
        doc, sent = self.doc, self.doc[i].sent
        if len(before) != 1 or before[0][1] != i or doc[i].lower_ not in SETTLEMENT_KINDS:
            return None
        start = before[0][0]
        if (
            start - 1 < sent.start
            or doc[start - 1].lower_ != "the"
            or i + 2 >= sent.end
            or doc[i + 1].lower_ != "of"
        ):
            return None
        adjectives = all(doc[k].tag_ == "JJ" for k in range(start, i))  # "the Ossetian villages of A, B"
        if not adjectives and not any(k in self.gaz_tokens for k in range(start, i)):
            return None
        groups, after = self.rec._names_after(doc, i + 2, self.claimed, sent.end)
        if groups or self.claimed[i + 2]:
            return groups, after  # the settlement after "of" may be known already ("of Nu'eima")
        return None

    def _area_of_region(self, i: int, groups: list[tuple[int, int]]) -> bool:
        """ "the Marghi area of Barmal district": one proper name before a loose kind word, a part of the
        region typed right after "of"."""
        doc, sent = self.doc, self.doc[i].sent
        if len(groups) != 1 or groups[0][1] != i:
            return False
        if not all(t.pos_ == "PROPN" and t.i not in self.gaz_tokens for t in doc[groups[0][0] : i]):
            return False  # the model may call the name a group here ("the Belet area"): the structure rules
        if groups[0][0] - 1 < sent.start or doc[groups[0][0] - 1].lower_ != "the":
            return False
        if i + 2 >= sent.end or doc[i + 1].lower_ != "of":
            return False
        k = i + 3 if doc[i + 2].lower_ == "the" else i + 2
        region = k
        while region < sent.end and self.rec._is_name(doc, region, self.claimed):
            region += 1
        return (
            region > k
            and region < sent.end
            and doc[region].lower_ in REGION_KINDS
            and doc[region].lower_ not in AREA_KINDS
        )

    def _proper_name(self, start: int, end: int) -> bool:
        """A name of proper nouns that no gazetteer row claims and the model does not call a group."""
        return all(
            t.pos_ == "PROPN" and t.i not in self.gaz_tokens and t.ent_type_ not in ("ORG", "NORP")
            for t in self.doc[start:end]
        )

    def _apposed_name(self, i: int) -> list[tuple[int, int]]:
        """ "Verishen, a village of Syunik province", "Rubavu, a district of Rwanda's Western Province":
        the name a place-kind phrase is in apposition to."""
        doc, sent = self.doc, self.doc[i].sent
        b = i - 1
        while b > sent.start and doc[b].pos_ in ("ADJ", "NOUN") and doc[b].is_lower:
            b -= 1  # "a small border town"
        if b - 2 < sent.start or doc[b].lower_ not in ("a", "an") or doc[b - 1].text != ",":
            return []
        groups = self.rec._names_before(doc, b - 1, self.claimed, sent.start)[-1:]
        if doc[i].dep_ in ("compound", "amod"):
            return []  # "Ali Karimi, a town councillor": the kind word names no place here
        if not groups or any(doc[k].ent_type_ in ("ORG", "NORP") for k in range(*groups[0])):
            return []
        return groups

    def find_places_before_regions(self) -> None:
        """ "Nikopol and Marhanets in the Dnipropetrovsk oblast": places listed before a region."""
        doc, found, place_at = self.doc, self.found, self.place_at
        # Containers named right after: "of the Tovuz region", "in the D district", "of Azerbaijan".
        for item in found:
            for g in item["groups"]:
                place_at[g[0]] = item
        for item in list(found):
            if item["label"] != "Region" or item["groups"][-1][1] != item["kind_i"]:
                continue
            sent = item["sent"]
            b = item["groups"][0][0] - 1
            if b > sent.start and doc[b].lower_ == "the":
                b -= 1
            if b > sent.start and doc[b].text in {"'s", "’s"} and (b - 1) in self.state_tokens:
                state = self.state_tokens[b - 1]  # "... and Sisian in Armenia's Syunik province"
                b -= 1
                while b > sent.start and self.state_tokens.get(b - 1) == state:
                    b -= 1
                b -= 1
            if b > sent.start and doc[b].lower_ in {"in", "of"}:
                # "at A and B, in the X territory": a comma may stand between the places and "in".
                last = b - 1 if doc[b].lower_ == "in" and doc[b - 1].text == "," else b
                before = self.rec._names_before(doc, last, self.claimed, sent.start)
                before = self._conjoined_names_before(before) + before
                if any(self.rec.rules_lexicon.has("state_body_noun", doc[g[1] - 1]) for g in before):
                    continue  # "the Information and Culture Department of X district": a body, no places
                groups = [
                    g
                    for g in self._unofficial_names(before)
                    if g[0] not in place_at
                    and not any(i in self.gaz_tokens for i in range(*g))
                    and not self._spelling_variant_at(g[0])
                ]
                if groups:
                    extra = {
                        "groups": groups,
                        "label": "Settlement",
                        "kind": None,
                        "kind_i": b - 1,
                        "after": b,
                    }
                    extra["sent"] = sent
                    found.append(extra)
                    for g in groups:
                        place_at[g[0]] = extra

    def _conjoined_names_before(self, groups: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """ "at A (, near X,) and at B and C, in the R territory": the name after each earlier
        preposition the one before the listed names is conjoined to lies in R too."""
        if not groups:
            return []
        doc = self.doc
        obj = doc[groups[0][1] - 1]
        prep = obj.head
        if obj.dep_ != "pobj" or prep.dep_ != "conj" or prep.head.lower_ != prep.lower_:
            return []
        names: list[tuple[int, int]] = []
        for first in (
            p for p in (prep.head, *prep.head.conjuncts) if p.i < prep.i and p.lower_ == prep.lower_
        ):
            head = next((c for c in first.children if c.dep_ == "pobj"), None)
            if head is None or head.tag_ != "NNP" or not self.rec._is_name(doc, head.i, self.claimed):
                continue
            start = min([head.i, *(c.i for c in head.lefts if c.dep_ == "compound" and c.tag_ == "NNP")])
            names.append((start, head.i + 1))
        return sorted(names)

    def _spelling_variant_at(self, start: int) -> bool:
        """Whether a name at start is brought in as another spelling ("also spelt X", "known as X")."""
        doc = self.doc
        before = [t.lower_ for t in doc[max(start - 4, 0) : start]]
        return bool(before) and (before[-1] in VARIANT_WORDS or (before[-1] == "as" and "known" in before))

    def _unofficial_names(self, groups: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """The name groups before a title are a person's ("X, Governor of Y Province"), not places; a
        list ending in a title names none."""
        doc, lex = self.doc, self.rec.lex
        titles = [
            n
            for n, (s, e) in enumerate(groups)
            if any(t.lower_ in lex.title or t.lower_ in PERSON_TITLE_NOUNS for t in doc[s:e])
        ]
        return groups[titles[-1] + 1 :] if titles else groups

    def find_containers(self) -> None:
        """The container each typed place is named with: a region, a state or a gazetteer place."""
        found, state_tokens = self.found, self.state_tokens
        index = 0
        while index < len(found):
            item = found[index]
            index += 1
            k = item["after"]
            sent = item["sent"]
            item["container_item"] = None
            item["container_state"] = None
            item.setdefault("container_gaz", None)
            self._container_after(item, k, sent)
            doc = self.doc
            first = item["groups"][0][0]
            b = first - 1
            if b > sent.start and doc[b].lower_ == "the":
                b -= 1
            if b > sent.start and doc[b].text in {"'s", "’s"} and (b - 1) in state_tokens:
                item["container_state"] = state_tokens[b - 1]
            if (
                item["container_item"] is None
                and item["container_state"] is None
                and not item["container_gaz"]
            ):
                item["container_state"] = item.get("demonym_state")

    def _container_after(self, item: dict[str, Any], k: int, sent: Span) -> None:
        doc, place_at, state_tokens = self.doc, self.place_at, self.state_tokens
        if k + 1 < sent.end and doc[k].text == "," and self._typed_region_at(k + 1, item):
            item["container_item"] = place_at[k + 1]  # "Bure town, West Gojjam zone, Amhara region"
            return
        if k + 1 < sent.end and doc[k].text == "," and doc[k + 1].lower_ == "in":
            k += 1  # "the villages of A and B, in the X territory"
        if not (k < sent.end and doc[k].lower_ in {"of", "in"}):
            return
        k += 1
        if k < sent.end and doc[k].lower_ == "the":
            k += 1
            while k + 1 < sent.end and doc[k].is_lower and doc[k].pos_ in ("ADJ", "VERB"):
                k += 1  # "in the occupied X district", "in the northern X province"
        if k + 1 < sent.end and doc[k].lower_ in COMPASS_PARTS and doc[k + 1].lower_ == "of":
            k += 2  # "a town in the east of Galgaduud region"
            if k < sent.end and doc[k].lower_ == "the":
                k += 1
        if k in place_at and place_at[k] is not item and place_at[k]["label"] == "Region":
            if item["label"] == "Settlement" or place_at[k]["kind"] != item["kind"]:
                item["container_item"] = place_at[k]
                self._places_listed_after_region(item, place_at[k], sent)
        elif k in state_tokens:
            item["container_state"] = state_tokens[k]
            m = k
            while m < sent.end and state_tokens.get(m) == state_tokens[k]:
                m += 1
            if m + 1 < sent.end and doc[m].text in {"'s", "’s"} and (m + 1) in place_at:
                if place_at[m + 1] is not item and place_at[m + 1]["label"] == "Region":
                    item["container_item"] = place_at[m + 1]
                    item["container_state"] = None
        elif k in self.gaz_place_at:
            item["container_gaz"] = self.gaz_place_at[k][0]

    def _typed_region_at(self, k: int, item: dict[str, Any]) -> bool:
        """A region typed by its own kind word starts at token k ("..., West Gojjam zone"), of another
        kind than the item's."""
        region = self.place_at.get(k)
        return (
            region is not None
            and region is not item
            and region["label"] == "Region"
            and len(region["groups"]) == 1
            and region["groups"][0][1] == region["kind_i"]
            and (item["label"] == "Settlement" or region["kind"] != item["kind"])
        )

    def _places_listed_after_region(self, item: dict[str, Any], region: dict[str, Any], sent: Span) -> None:
        # "... in the Kupwara district and Kerni in the Poonch district"
        doc, place_at = self.doc, self.place_at
        m = region["kind_i"] + 1
        while m < sent.end and doc[m].text in {",", "and"}:
            m += 1
        if m > region["kind_i"] + 1 and m not in place_at:
            groups, end = self.rec._names_after(doc, m, self.claimed, sent.end)
            if groups and end < sent.end and doc[end].lower_ in {"in", "of"}:
                extra = dict(item, groups=groups, after=end, kind_i=end - 1)
                extra.pop("keys", None)
                self.found.append(extra)
                for g in groups:
                    place_at[g[0]] = extra

    def type_found(self) -> None:
        """Kinds and regions the context gives the typed places; the states the text mentions."""
        self.rec._kind_from_previous(self.doc, self.found, self.place_at)
        self.rec._region_from_context(self.doc, self.found, self.state_spans)
        self.mentioned_states = set(self.state_tokens.values())

    def pick(self, candidates: list[GazEntry], container: str | None) -> GazEntry | None:
        """The candidate in the container, else one of a mentioned state, else the first."""
        if not candidates:
            return None
        if container:
            for c in candidates:
                if (
                    c.container == container
                    or c.key.endswith("@" + container)
                    or self.rec._in_state(c, container)
                ):
                    return c
            return None
        for c in candidates:
            if self.rec._state_of(c) in self.mentioned_states:
                return c
        return candidates[0]

    def resolve_found(self) -> None:
        """Key the typed places: regions first, then the rest."""
        for item in self.found:
            if item["label"] == "Region":
                self.resolve_item(item)
        for item in self.found:
            self.resolve_item(item)

    def resolve_item(self, item: dict[str, Any]) -> None:
        """Key one typed place item (its container first) and mention its names."""
        if "keys" in item:
            return
        item["keys"] = []
        container = self._item_container(item)
        for start, end in item["groups"]:
            self._resolve_group(item, start, end, container)
        # The kind word itself belongs to the mention of a single place ("Tovuz region").
        if len(item["groups"]) == 1:
            start, end = item["groups"][0]
            if end == item["kind_i"]:
                self.mentions[-1]["end"] = item["kind_i"] + 1
                self.claimed[item["kind_i"]] = 1

    def _item_container(self, item: dict[str, Any]) -> str | None:
        container = None
        if item["container_item"] is not None:
            self.resolve_item(item["container_item"])
            keys = item["container_item"]["keys"]
            container = keys[-1] if keys else None
        elif item["container_state"]:
            container = item["container_state"]
            self.add_state(container)
        elif item["container_gaz"]:
            container = item["container_gaz"]
            container_entry = self.gaz.entries[container]
            self.add_entity(container, container_entry.label, container_entry.name, kind=container_entry.kind)
            self.chains.append((container_entry, item["sent"]))
        return container

    def _add_kind_alias(self, key: str, label: str, item: dict[str, Any], end: int) -> None:
        """A division named with its kind word after it ("the Tskhinvali region", "Kherson oblast") is
        also found by that whole name."""
        if label in ("Region", "Territory") and item.get("kind_i") == end and end < len(self.doc):
            kind_word = self.doc[end]
            entity = self.entities[key]
            alias = f"{entity['name']} {kind_word.text}"
            known = {a.lower() for a in entity["aliases"]}
            if kind_word.is_lower and kind_word.is_alpha and alias.lower() not in known:
                self.add_entity(key, label, entity["name"], alias)

    def _resolve_group(self, item: dict[str, Any], start: int, end: int, container: str | None) -> None:
        gaz = self.gaz
        surface = self.doc[start:end].text
        label = item["label"]
        kind_word = self.doc[item["kind_i"]]
        if (
            label == "Region"
            and end == item["kind_i"]
            and surface.lower() in PLACE_PREFIXES
            and kind_word.is_title
        ):
            surface = self.doc[
                start : end + 1
            ].text  # "Rwanda's Western Province": the kind word is in the name
        if label == "Region" and item["kind"] == "region":
            # "the Karabakh region", "the disputed Kashmir region": areas, not divisions.
            territories = gaz.lookup(surface, "Territory")
            if territories or item.get("disputed"):
                label = "Territory"
        if label == "Settlement" and end == item["kind_i"] and item["kind"] in ("village", "settlement"):
            if self._village_of_region(item, start, end, surface):
                return
        entry = self.pick(gaz.lookup(surface, label), container)
        if entry is None and label == "Territory":
            entry = next(iter(gaz.lookup(surface, "Territory")), None)
        if entry is None and label == "Region" and item["kind"] not in ("sector", "area"):
            entry = self._world_region(surface, container)
        if entry is not None:
            key = entry.key
            self.add_entity(key, label, surface, entry.name, kind=item["kind"])
            for alias in entry.aliases:
                self.add_entity(key, label, surface, alias)
            if entry.latitude is not None:
                self.add_entity(key, label, surface, latitude=entry.latitude, longitude=entry.longitude)
        else:
            key = place_key(label, surface, container)
            self.add_entity(key, label, surface, kind=item["kind"])
            if label == "Settlement":
                self._settlement_known_worldwide(key, surface, container, item["sent"])
        self._add_kind_alias(key, label, item, end)
        self.add_mention(start, end, key)
        self.resolved[start] = key
        item["keys"].append(key)
        if container:
            self.relate("LOCATED_IN", key, container, item["sent"], "place-kind-container", 0.9)
        elif entry is not None:
            self.chains.append((entry, item["sent"]))

    def _settlement_known_worldwide(self, key: str, surface: str, container: str | None, sent: Span) -> None:
        """A typed settlement GeoNames knows in a state the report names ("Debre Birhan town, North
        Shewa zone"): its other names and point; and a region the text names for it that nothing
        places lies in the settlement's first-level region."""
        if container is not None and "@" in container:
            return
        states = self.mentioned_states | set(self.state_tokens.values())
        entry = self.gaz.clear_place(surface, states, "Settlement")
        if (
            entry is None
            or normalise_name(entry.name) != normalise_name(surface)
            or entry.state not in states
        ):
            return
        for alias in entry.aliases:
            self.add_entity(key, "Settlement", surface, alias)
        if entry.latitude is not None:
            self.add_entity(key, "Settlement", surface, latitude=entry.latitude, longitude=entry.longitude)
        region = self.rec._container_entry(entry.container) if entry.container else None
        if container is None or region is None or region.label != "Region" or region.key == container:
            return
        if normalise_name(region.name) == normalise_name(self.entities[container]["name"]):
            return
        self.add_entity(region.key, "Region", region.name, kind=region.kind)
        self.relate("LOCATED_IN", container, region.key, sent, "region-of-its-settlement", 0.6)
        self.chains.append((region, sent))

    def _world_region(self, surface: str, container: str | None) -> GazEntry | None:
        """A region the text types ("Paktika province"): the GeoNames first-level region of that name
        in its container's state, else in a state the report names, else a clear one; then the ISO
        3166-2 subdivision of a named state. Never a lone compass word ("East")."""
        if surface.lower() in PLACE_PREFIXES:
            return None
        if container is not None and not container.startswith("state:"):
            return None  # a region inside a region the text names: not a first-level one
        states = {container} if container else self.mentioned_states | set(self.state_tokens.values())
        entry = self.gaz.clear_place(surface, states, "Region")
        if entry is not None and (container is None or entry.state == container):
            return entry
        subdivisions = [
            e for e in self.gaz.subdivisions.get(normalise_name(surface), []) if e.container in states
        ]
        return subdivisions[0] if subdivisions else None

    def _village_of_region(self, item: dict[str, Any], start: int, end: int, surface: str) -> bool:
        # "Zaporizhzhia village": a village of the Zaporizhzhia region, not the city.
        gaz = self.gaz
        cities = [e for e in gaz.lookup(surface, "Settlement") if e.kind == "city"]
        regions = gaz.lookup(surface, "Region")
        if cities and regions and len(cities) == len(gaz.lookup(surface, "Settlement")):
            region = regions[0]
            self.add_entity(region.key, "Region", region.name, surface, kind=region.kind)
            self.add_mention(start, end, region.key)
            self.chains.append((region, item["sent"]))
            return True
        return False

    # --- 5. what the gazetteer knows --------------------------------------------------------

    def find_remaining_gazetteer(self) -> None:
        """Gazetteer places, organisations and states not claimed yet."""
        doc, gaz = self.doc, self.gaz
        for span in self.kept:
            if any(self.claimed[i] for i in range(span.start, span.end)):
                continue
            keys = self.name_hits[(span.start, span.end)]
            sent = doc[span.start].sent
            if span.start in self.state_spans:
                s, e, state, demonym = self.state_spans[span.start]
                self.add_state(state, span.text)
                self.add_mention(s, e, state)
                continue
            candidates = [gaz.entries[k] for k in keys if k in gaz.entries]
            known = [c for c in candidates if c.key in self.entities]
            # A bare name that is both a city and its region ("Kyiv") is the city.
            candidates.sort(key=lambda c: c.label != "Settlement" or c.kind != "city")
            entry = self.pick(known or candidates, None)
            if entry is None:
                continue
            entry = self._seat_town(entry, span) or entry
            if entry.label in ("Organization", "ArmedForce", "Ministry"):
                self._gazetteer_body(entry, span, sent)
                continue
            capital_of = gaz.capitals.get(entry.key)
            if capital_of and speaks_for_state(span.root):
                # "Baku denied", "a ceasefire brokered by Moscow": the capital stands for its state.
                self.add_state(capital_of)
                self.add_mention(span.start, span.end, capital_of)
                continue
            self.add_entity(entry.key, entry.label, entry.name, span.text, kind=entry.kind)
            for alias in entry.aliases:
                self.add_entity(entry.key, entry.label, entry.name, alias)
            if entry.latitude is not None:
                self.add_entity(
                    entry.key, entry.label, entry.name, latitude=entry.latitude, longitude=entry.longitude
                )
            self.add_mention(span.start, span.end, entry.key)
            self.chains.append((entry, sent))

    def _seat_town(self, entry: GazEntry, span: Span) -> GazEntry | None:
        """A district of a province named bare, with no kind word ("towards Vardenis in Gegharkunik"),
        is the town it is named for when GeoNames has a town of that very name in the same province."""
        doc = self.doc
        if entry.label != "Region" or entry.kind not in DISTRICT_KINDS:
            return None
        if not (entry.container or "").startswith("region:"):
            return None
        if span.end < len(doc) and (doc[span.end].lower_ in REGION_KINDS or doc[span.end].text == "-"):
            return None
        if span.start > 0 and doc[span.start - 1].text == "-":
            return None
        towns = [
            t
            for t in self.gaz.world_settlements(entry.name)
            if t.container == entry.container and normalise_name(t.name) == normalise_name(entry.name)
        ]
        return towns[0] if len(towns) == 1 else None

    def find_spelling_variants(self) -> None:
        """ "Argun district, also spelt Urgun", "Harardhere, known in Somali as Xarardheere": the other
        spelling or name written after a place is an alias of that place, not a place of its own."""
        doc = self.doc
        for token in doc:
            if token.lower_ not in VARIANT_WORDS or self.claimed[token.i]:
                continue
            k = token.i + 1
            if token.lower_ == "known":  # "known as X", "known in Somali as X"
                k = next((m + 1 for m in range(k, min(k + 4, len(doc))) if doc[m].lower_ == "as"), len(doc))
            start = k
            while k < len(doc) and self.rec._is_name(doc, k, self.claimed) and doc[k].text != "-":
                k += 1
            b = token.i - 1
            if b >= 0 and doc[b].lower_ == "also":
                b -= 1
            if k == start or b < 1 or doc[b].text not in {",", "("}:
                continue
            key = self._place_ending_at(b)
            if key is not None:
                entity = self.entities[key]
                self.add_entity(key, entity["label"], entity["name"], doc[start:k].text)
                self.add_mention(start, k, key)

    def _place_ending_at(self, end: int) -> str | None:
        """The place whose mention, or a name of a place found so far, ends right before token end."""
        places = ("Settlement", "Region", "Territory", "Site")
        mention = next((m for m in reversed(self.mentions) if m["end"] == end), None)
        if mention is not None:
            return mention["key"] if self.entities[mention["key"]]["label"] in places else None
        groups = self.rec._names_before(self.doc, end, self.claimed, self.doc[end].sent.start)[-1:]
        if not groups:
            return None
        wanted = normalise_name(self.doc[groups[0][0] : groups[0][1]].text)
        for key, entity in self.entities.items():
            forms = {normalise_name(f) for f in (entity["name"], *entity["aliases"])}
            if entity["label"] in places and wanted in forms:
                self.add_mention(groups[0][0], groups[0][1], key)
                return key
        return None

    def _gazetteer_body(self, entry: GazEntry, span: Span, sent: Span) -> None:
        force_kind = entry.kind if entry.label == "ArmedForce" else None
        self.add_entity(entry.key, entry.label, entry.name, span.text, kind=force_kind)
        if entry.label == "Ministry":
            self.add_entity(entry.key, entry.label, entry.name, portfolio=entry.kind)
        self.add_mention(span.start, span.end, entry.key)
        if entry.state:
            self.add_state(entry.state)
            rtype = {"ArmedForce": "ARMED_FORCE_OF", "Ministry": "MINISTRY_OF"}.get(entry.label)
            if rtype:
                self.relate(rtype, entry.key, entry.state, sent, "gazetteer", 0.9)

    def find_named_sites(self) -> None:
        """Sites named by a proper name before a site noun ('Goma airport', 'the Nevatim air base', 'the
        Fordow nuclear facility'), whatever the model typed the name."""
        doc, lex = self.doc, self.rec.rules_lexicon
        for noun in doc:
            if not self._site_noun(noun) or self.claimed[noun.i]:
                continue
            end = noun.i
            while end > 0 and lex.has("entity_site_modifier", doc[end - 1]):
                end -= 1
            start = end
            while start > 0 and end - start < 4 and self._site_name_word(doc[start - 1]):
                start -= 1
                if (
                    start > 1
                    and doc[start - 1].text == "-"
                    and doc[start - 2].lower_ in self.rec.lex.particles
                ):
                    start -= 2  # "Ain al-Asad": a particle joined by a hyphen
            while start < end and self._names_a_state(start, start + 1):
                start += 1  # "the Russian Hmeimim air base": the state's word is no part of the name
            if start == end or self._names_a_state(start, end):
                continue
            self._add_named_site(start, end, noun)

    def _site_noun(self, noun: Token) -> bool:
        """A site's head noun: lower case ('Goma airport'), or capitalised at the end of a capitalised
        name ('Al Udeid Air Base', 'Zaporizhzhia Nuclear Power Plant'; not 'Port Sudan')."""
        if noun.lower_ not in self.rec.lex.site_nouns:
            return False
        if noun.is_lower:
            return True
        following = self.doc[noun.i + 1] if noun.i + 1 < len(self.doc) else None
        return (
            noun.is_title
            and noun.i > noun.sent.start
            and (following is None or not (following.is_title or following.is_upper))
        )

    def _site_name_word(self, token: Token) -> bool:
        particle = token.text.split("-")[0].lower() in self.rec.lex.particles and "-" in token.text
        named = token.is_title and (token.is_alpha or "-" in token.text) and token.pos_ != "DET"
        return named or particle or transliterated_name(token)

    def find_apostrophe_places(self) -> None:
        """Names transliterated with an apostrophe ("Sana'a", "Ma'rib", "Nu'eima"), which the model
        rarely tags: the world gazetteer's place of that name (it folds the apostrophe away) in a state
        the report names, or a clear large one."""
        doc = self.doc
        for token in doc:
            if not transliterated_name(token) or self.claimed[token.i] or self.rec._skipped(doc, token.i):
                continue
            bare = token.text.replace("'", "").replace("\u2019", "")  # "Sana'a" is GeoNames' "Sanaa"
            self.rec._world_place(doc[token.i : token.i + 1], token.text, self.sink({}), self.chains, bare)

    def _names_a_state(self, start: int, end: int) -> bool:
        """'Iranian nuclear facilities', 'Israeli air base': a state's word, not a site's name."""
        text = self.doc[start:end].text
        return bool(self.gaz.demonym_state(text)) or any(e.label == "State" for e in self.gaz.lookup(text))

    def _add_named_site(self, start: int, end: int, noun: Token) -> None:
        """The site; a settlement mention of its name ('the Nevatim air base') gives way to it. Where
        it lies is left to the text: a site named for a town may lie outside it."""
        doc = self.doc
        settlement = next((m for m in self.mentions if (m["start"], m["end"]) == (start, end)), None)
        if settlement is None and any(self.claimed[i] for i in range(start, end)):
            return
        if settlement is not None and self.entities[settlement["key"]]["label"] != "Settlement":
            return
        surface = doc[start : noun.i + 1].text
        key = place_key("Site", surface, None)
        self.add_entity(key, "Site", surface, kind=self.rec.lex.site_nouns[noun.lower_])
        self.site_names.append((key, doc[start:end].text))
        if settlement is not None:
            self.mentions.remove(settlement)
        self.add_mention(start, noun.i + 1, key)

    def alias_sites_by_their_names(self) -> None:
        """A site's proper name alone is another name of it ("Nevatim" for the Nevatim air base), unless
        it names something else: another entity of the text, a curated place, a world town."""
        mentioned = self.mentioned_keys()
        for key, name in self.site_names:
            if key not in self.entities or not self._no_town_named(name):
                continue
            others = self._entities_named(name, mentioned - {key})
            if any(not self._bare_settlement(other) for other in others):
                continue
            self.add_entity(key, "Site", self.entities[key]["name"], name)
            for other in others:  # "fired at Al Udeid": the base named before, not a town of that name
                self._recast_entity(other, key)

    def _entities_named(self, name: str, keys: set[str]) -> list[str]:
        """Those of the keys whose entity has this name or alias."""
        norm = normalise_name(name)
        return [
            key
            for key in sorted(keys)
            if any(
                normalise_name(f) == norm
                for f in (self.entities[key]["name"], *self.entities[key]["aliases"])
            )
        ]

    def _bare_settlement(self, key: str) -> bool:
        """A settlement only the text knows, with no container ("settlement:al-udeid")."""
        return self.entities[key]["label"] == "Settlement" and "@" not in key

    def mentioned_keys(self) -> set[str]:
        """The keys of the entities the text mentions so far."""
        return {m["key"] for m in self.mentions}

    def _no_town_named(self, name: str) -> bool:
        """Whether no curated row and no world town of SITE_TOWN_FLOOR people has a site's name."""
        return not self.gaz.lookup(name) and not self._world_town_named(name)

    def _world_town_named(self, name: str) -> bool:
        """Whether a GeoNames town of at least SITE_TOWN_FLOOR people has this name."""
        return any((e.population or 0) >= SITE_TOWN_FLOOR for e in self.gaz.world_settlements(name))

    def find_operations(self) -> None:
        """Named military operations: a Conflict (kind military operation), never an organisation."""
        doc = self.doc
        for match_id, start, end in self.word_hits:
            if doc.vocab.strings[match_id] != "OPERATION" or self.rec._skipped(doc, start):
                continue
            if any(self.claimed[i] for i in range(start, end)) or end - start < 2:
                continue
            name = doc[start:end].text
            self.add_entity(conflict_key(name), "Conflict", name, kind="military operation")
            self.add_mention(start, end, conflict_key(name))

    def find_after_preposition(self) -> None:
        """Unknown places after a preposition: "positions in Enerhodar", "talks in Almaty"."""
        doc, state_tokens = self.doc, self.state_tokens
        model_place_at = {
            i: e for e in doc.ents if e.label_ in ("GPE", "LOC", "FAC") for i in range(e.start, e.end)
        }
        for match_id, start, end in self.word_hits:
            if doc.vocab.strings[match_id] != "AFTER_PREPOSITION" or self.rec._skipped(doc, start):
                continue
            while (
                end + 2 < len(doc) and doc[end].lower_ in self.rec.lex.particles and doc[end + 1].text == "-"
            ):
                end += 3  # "in Dhahran al-Janoub": the particle and the word after it belong to the name
            span = doc[start + 1 : end]
            if any(
                self.claimed[i] or i in self.gaz_tokens or i in state_tokens
                for i in range(span.start, span.end)
            ):
                continue
            model_place = model_place_at.get(span.start)
            if model_place is not None and (model_place.start, model_place.end) != (span.start, span.end):
                continue  # "near Deir ez-Zor": the model's whole name, typed in step 6
            if span.end < len(doc) and (doc[span.end].is_title or doc[span.end].text in {"-", "'s", "’s"}):
                continue
            if span[0].lower_ in MONTH_AND_DAY_NAMES or span.text in known_names_of(self.entities):
                continue
            container = None
            if (
                span.end + 1 < len(doc)
                and doc[span.end].text == ","
                and (span.end + 1) in state_tokens
                and not subject_after_comma(doc, span.end + 1)
            ):
                container = state_tokens[span.end + 1]
                self.add_state(container)
            elif self.rec._world_place(span, span.text, self.sink({}), self.chains):
                continue
            key = place_key("Settlement", span.text, container)
            self.add_entity(key, "Settlement", span.text)
            self.add_mention(span.start, span.end, key)
            if container:
                self.relate("LOCATED_IN", key, container, span.sent, "town-comma-state", 0.75)

    # --- 6. what the model finds ------------------------------------------------------------

    def state_body(self, ent: Span) -> bool:
        """A state's own body, named with the state: "the Border Service of Kyrgyzstan"."""
        # "Tajikistan's State Committee for National Security". Typed Ministry (a ministry-equivalent
        # body, MINISTRY_OF its state), keyed by the state, so same-named bodies of two states stay apart.
        doc, state_tokens = self.doc, self.state_tokens
        tokens = [t for t in ent if t.lower_ != "the" and t.text not in {"'s", "’s"}]
        owner = None
        while tokens and tokens[0].i in state_tokens:
            owner = state_tokens[tokens[0].i]
            tokens = tokens[1:]
        while tokens and tokens[-1].lower_ in {"for", "of", "and"}:
            tokens = tokens[:-1]  # the model's span may stop at "the Border Service of"
        if not tokens or any(self.claimed[t.i] for t in tokens):
            return False
        if not any(t.lower_ in self.rec.body_nouns for t in tokens) or not all(
            t.is_title or t.lower_ in {"for", "of", "and"} for t in tokens
        ):
            return False
        first, last = tokens[0].i, tokens[-1].i + 1
        if owner is None and first - 1 >= 0 and doc[first - 1].text in {"'s", "’s"}:
            owner = state_tokens.get(first - 2)
        elif owner is None and first - 1 >= 0:
            owner = state_tokens.get(first - 1)
        if owner is None and last + 1 < len(doc) and doc[last].lower_ == "of":
            owner = state_tokens.get(last + 1)
        if owner is None:
            return False
        body = doc[first:last].text
        key = ministry_key(body, owner)
        name = f"{body} of {self.state_name(owner)}"
        self.add_state(owner)
        self.add_entity(key, "Ministry", name, portfolio=body.lower())
        self.add_entity(key, "Ministry", name, f"{self.state_name(owner)}'s {body}")
        for demonym in self.gaz.demonyms_of(owner)[:1]:
            self.add_entity(key, "Ministry", name, f"{demonym} {body}")
        self.add_mention(first, last, key)
        self.relate("MINISTRY_OF", key, owner, ent.sent, "state-body-of-state", 0.85)
        return True

    def keep_model_entities(self) -> None:
        """What the model finds that nothing above explains, typed into the ontology."""
        # Names already known in this document ("Residents of Teetwal", a surname alone), then the
        # model's persons, organisations and places: our rules add to the model, they never drop
        # what it found.
        doc, rec = self.doc, self.rec
        known_names: dict[str, str] = {}
        for key, entity in self.entities.items():
            if entity["label"] in ("Settlement", "Region", "Territory", "Organization", "ArmedForce"):
                for form in (entity["name"], *entity["aliases"]):
                    known_names.setdefault(normalise_name(form), key)
        sink = self.sink(known_names)
        self._site_acronyms(sink)
        rec._acronyms(doc, sink)
        titled = [
            doc[s + 1 : e]
            for m, s, e in self.word_hits
            if doc.vocab.strings[m] == "TITLED_NAME" and not self.claimed[s + 1]
        ]
        for ent in sorted(model_entities(doc, titled), key=lambda e: (e.label_ != "PERSON", e.start)):
            self._model_entity(ent, sink, known_names)
        for place, alias in self.place_aliases:
            self._alias_to(place, alias)
        rec._acronyms(doc, sink)
        rec._later_names(doc, sink)
        rec._surnames_first(sink)

    def _site_acronyms(self, sink: _Sink) -> None:
        """ "the ATMIS Forward Operating Base (FOB)": an acronym after a site noun that no site was read
        from names the one site of that kind the text names, not an organisation."""
        doc = self.doc
        for token in doc:
            i = token.i
            if token.text != "(" or i < 1 or i + 2 >= len(doc) or doc[i + 2].text != ")":
                continue
            noun, acronym = doc[i - 1], doc[i + 1]
            kind = self.rec.lex.site_nouns.get(noun.lower_)
            if kind is None or self.claimed[i - 1] or self.claimed[i + 1] or not acronym.is_upper:
                continue
            sites = [k for k, e in self.entities.items() if e["label"] == "Site" and e.get("kind") == kind]
            if len(sites) == 1:
                self.add_entity(sites[0], "Site", self.entities[sites[0]]["name"], acronym.text)
                self.add_mention(i + 1, i + 2, sites[0])
                sink.known_names[normalise_name(acronym.text)] = sites[0]
                sink.acronyms[acronym.text] = sites[0]

    def sink(self, known_names: dict[str, str]) -> _Sink:
        """What the pass has found, with the functions that add to it, for the recogniser's readers."""
        return _Sink(
            self.entities, self.mentions, self.relations, self.claimed, known_names,
            self.add_entity, self.add_mention, self.relate, self.add_state, self.add_ministry,
        )  # fmt: skip

    def _model_entity(self, ent: Span, sink: _Sink, known_names: dict[str, str]) -> None:
        doc, rec, claimed = self.doc, self.rec, self.claimed
        if ent.label_ == "ORG" and not rec._skipped(doc, ent.start) and self.state_body(ent):
            return
        if rec._skipped(doc, ent.start) or ent.label_ not in MODEL_LABELS:
            return
        ent = trimmed(ent)
        if not len(ent) or any(t.is_space or "\n" in t.text for t in ent):
            return
        if ent.label_ in ("ORG", "GPE") and self._reads_as_person(ent):
            ent = doc[ent.start : ent.end]
            ent.label_ = "PERSON"
        if ent.label_ in ("PERSON", "ORG", "GPE") and self._town_also_in_region(ent, sink, known_names):
            return
        if ent.label_ == "PERSON":
            if self._after_place_preposition(ent) and rec._world_place(ent, ent.text, sink, self.chains):
                return  # "in Gondar, Lalibela and Bahir Dar": a town the model took for a person
            place = self._alias_of_place(ent)
            if place is None:
                rec._person(doc, self._name_run(ent), sink)
            else:
                self.place_aliases.append((place, ent.text))  # once the model's places are read
            return
        if any(claimed[i] for i in range(ent.start, ent.end)):
            return
        text = ent.text[4:] if ent.text.lower().startswith("the ") else ent.text
        text = text[:-2] if text.endswith(("'s", "’s")) else text
        ent_tokens = [t for t in ent if not t.is_punct and t.lower_ not in ("the", "'s", "’s")]
        norm = normalise_name(text)
        if norm in known_names:
            self.add_mention(ent.start, ent.end, known_names[norm])
            return
        if ent.label_ == "NORP":
            if self._placed_name(ent) and not self.gaz.demonym_state(text):
                # "in the direction of Sisian in Syunik": a town the model took for a people
                rec._world_place(ent, text, sink, self.chains, named_state=True, label="Settlement")
            return  # a people or a creed named again, or an adjective: no actor of its own
        if not ent_tokens or not any(c.isalpha() for c in text) or self.gaz.demonym_state(text):
            return
        if ent.label_ == "ORG" and self._region_name_alone(ent, text, sink):
            return
        if ent.label_ == "ORG":
            split = self._organisation_in_place(ent) or self._listed_places(ent)
            if split is not None:
                for part in split:
                    self._model_entity(part, sink, known_names)
                return
            rec._organisation(doc, ent, text, ent_tokens, sink)
            return
        if ent.end < len(doc) and doc[ent.end].lower_ in rec.place_nouns and not claimed[ent.end]:
            ent = doc[ent.start : ent.end + 1]  # "the Euphrates valley", "Tabqa dam"
            text, ent_tokens = f"{text} {ent[-1].text}", [*ent_tokens, ent[-1]]
        rec._place(doc, ent, text, ent_tokens, sink, self.chains)

    def _town_also_in_region(self, ent: Span, sink: _Sink, known_names: dict[str, str]) -> bool:
        """ "an attempt to attack Baraawe, also in Lower Shabelle": a name followed by ", also in" and a
        region the text names is a town in that region, whatever the model typed it."""
        doc, k = self.doc, ent.end
        if k + 3 >= len(doc) or [t.lower_ for t in doc[k : k + 3]] != [",", "also", "in"]:
            return False
        if any(self.claimed[i] for i in range(ent.start, ent.end)) or not all(t.is_title for t in ent):
            return False
        other = self._name_from(k + 3, 1)
        region = known_names.get(normalise_name(other.text)) if other is not None else None
        if region is None or self.entities[region]["label"] not in ("Region", "Territory"):
            return False
        name = ent.text
        key = place_key("Settlement", name, region)
        sink.add_entity(key, "Settlement", name)
        sink.add_mention(ent.start, ent.end, key)
        known_names[normalise_name(name)] = key
        sink.relate("LOCATED_IN", key, region, ent.sent, "town-also-in-region", 0.75)
        return True

    def _placed_name(self, ent: Span) -> bool:
        """Whether a capitalised name is the object of a place preposition or of "the direction of"
        ("towards X", "in the direction of X", "the outskirts of X")."""
        if not all(t.is_title and t.pos_ == "PROPN" for t in ent):
            return False
        token = ent.root
        while token.dep_ == "conj" and token.head is not token:
            token = token.head
        if token.dep_ != "pobj":
            return False
        head = token.head
        if head.lower_ == "of":
            return head.head.lower_ in self.rec.rules_lexicon["direction_noun"]
        return head.lower_ in self.rec.rules_lexicon["place_preposition"]

    def _region_name_alone(self, ent: Span, text: str, sink: _Sink) -> bool:
        """A model ORG that is only the name of a first-level region of a state the report names
        ("Balochistan's border district", "the Balochistan government"): that region, not a body."""
        if not all(t.is_title and t.is_alpha for t in ent) or any(t.lower_ in GENERIC_ORG_WORDS for t in ent):
            return False
        if self.gaz.lookup(text) or self.gaz.world_settlements(text):
            return False  # "Kinshasa", "Isfahan": a city (or a capital speaking) before its region
        return self.rec._world_place(ent, text, sink, self.chains, named_state=True, label="Region")

    def _organisation_in_place(self, ent: Span) -> tuple[Span, Span] | None:
        """A body and the town it is in, taken by the model for one organisation ("Soroka Medical Center
        in Beersheba", "the Red Crescent office in Goma"): the body, then the place, when the words after
        "in" are a curated place or a world town of SITE_TOWN_FLOOR people."""
        doc = self.doc
        cut = next((t.i for t in ent[1:-1] if t.lower_ == "in"), None)
        if cut is None or not doc[ent.start].is_title:
            return None
        if not self._known_place_name(doc[cut + 1 : ent.end].text):
            return None
        return Span(doc, ent.start, cut, label="ORG"), Span(doc, cut + 1, ent.end, label="GPE")

    def _listed_places(self, ent: Span) -> tuple[Span, ...] | None:
        """Places listed with commas that the model took for one organisation ("Fordow, Natanz"): one
        place each, when every item is a capitalised name and one is a curated place or a world town."""
        doc, parts, start = self.doc, [], ent.start
        for t in ent:
            if t.text == "," or t.lower_ == "and":
                parts.append((start, t.i))
                start = t.i + 1
        parts.append((start, ent.end))
        if len(parts) < 2 or any(b <= a or not all(t.is_title for t in doc[a:b]) for a, b in parts):
            return None
        if any(t.lower_ in GENERIC_ORG_WORDS for t in ent):
            return None
        if not any(self._known_place_name(doc[a:b].text) for a, b in parts):
            return None
        return tuple(Span(doc, a, b, label="GPE") for a, b in parts)

    def _known_place_name(self, name: str) -> bool:
        """Whether a curated place or a world town of SITE_TOWN_FLOOR people has this name."""
        places = any(e.label in ("Settlement", "Region", "State") for e in self.gaz.lookup(name))
        return places or self._world_town_named(name)

    def _name_run(self, ent: Span) -> Span:
        """A person's name the model cut short, with the capitalised name words right after it that no
        entity claims ("Mir Abdul" + "Quddus Bizenjo")."""
        doc, end = self.doc, ent.end
        while end < min(ent.sent.end, ent.end + 2):
            token = doc[end]
            if token.pos_ != "PROPN" or not token.is_alpha or not token.is_title or token.ent_type_:
                break
            if token.lower_ in self.rec.place_nouns or token.lower_ in GENERIC_ORG_WORDS:
                return ent  # "Al Udeid Air Base": a place's name, not a person's
            end += 1
        return doc[ent.start : end]

    def _reads_as_person(self, ent: Span) -> bool:
        """A model ORG or GPE of two name words in apposition to an office ("the mission's representative,
        X,"): a person the model typed otherwise."""
        doc = self.doc
        if len(ent) < 2 or not is_person_name(ent, self.rec.lex) or self.gaz.lookup(ent.text):
            return False
        if any(t.lower_ in GENERIC_ORG_WORDS for t in ent):
            return False
        if (
            ent.start < 2
            or doc[ent.start - 1].text != ","
            or (ent.end < len(doc) and not doc[ent.end].is_punct)
        ):
            return False
        for j in range(ent.start - 2, max(ent.sent.start, ent.start - 14) - 1, -1):
            if doc[j].pos_ in ("VERB", "AUX") or doc[j].text in {",", ";", ":"}:
                return False
            if doc[j].lower_ in APPOSED_TITLE_NOUNS:
                return True
        return False

    def _alias_of_place(self, ent: Span) -> Span | None:
        """The place a name is given as another name of ("Lake X, also known as Y", "in X (also spelt
        Y)"), which the model may take for a person's; None when it is no place's other name."""
        doc = self.doc
        other: Span | None = None
        if ent.end + 2 < len(doc) and doc[ent.end].text in {",", "("} and doc[ent.end + 1].lower_ == "also":
            if doc[ent.end + 2].lower_ in ALIAS_CUES:
                k = ent.end + 3 + (ent.end + 3 < len(doc) and doc[ent.end + 3].lower_ == "as")
                other = self._name_from(k, 1)
        k = ent.start - 1 - (ent.start > 0 and doc[ent.start - 1].lower_ == "as")
        if other is None and k >= 2 and doc[k].lower_ in ALIAS_CUES and doc[k - 1].lower_ == "also":
            other = self._name_from(k - 3, -1) if doc[k - 2].text in {",", "("} else None
        return other if other is not None and self._placed(other, ent) else None

    def _alias_to(self, place: Span, alias: str) -> None:
        """Add another name to the entity the text names at a place's span (a person's never)."""
        for mention in self.mentions:
            if mention["start"] <= place.start < mention["end"]:
                entity = self.entities[mention["key"]]
                if entity["label"] != "Person":
                    self.add_entity(mention["key"], entity["label"], entity["name"], alias)
                return

    def _name_from(self, k: int, step: int) -> Span | None:
        """The capitalised name that starts (step 1) or ends (step -1) at token k, "the" left out."""
        doc = self.doc
        if 0 <= k < len(doc) and step == 1 and doc[k].lower_ == "the":
            k += 1
        j = k
        while 0 <= j < len(doc) and doc[j].text[:1].isupper() and doc[j].is_alpha:
            j += step
        if j == k:
            return None
        return doc[k:j] if step == 1 else doc[j + 1 : k + 1]

    def _placed(self, other: Span | None, ent: Span) -> bool:
        """Whether the other name of a name is a place: the model's place, a place noun's, after "in"."""
        if other is None:
            return False
        if (
            any(t.ent_type_ in ("LOC", "GPE", "FAC") for t in other)
            or other[-1].lower_ in self.rec.place_nouns
        ):
            return True
        first = min(other.start, ent.start)
        return first > 0 and self.doc[first - 1].lower_ in {"in", "at", "near", "around", "outside"}

    def _after_place_preposition(self, ent: Span) -> bool:
        """Whether a name is the object (or a conjunct of the object) of "in", "near", "around", "outside"
        or "at", and no one's ("in Gondar and Bahir Dar", not "at Haniyeh's funeral")."""
        token = ent.root
        if any(self.claimed[i] for i in range(ent.start, ent.end)) or token.dep_ == "poss":
            return False
        if ent.end < len(self.doc) and self.doc[ent.end].text in {"'s", "’s"}:
            return False
        while token.dep_ == "conj" and token.head is not token:
            token = token.head
        return token.dep_ == "pobj" and token.head.lower_ in {"in", "near", "around", "outside", "at"}

    def link_containers(self) -> None:
        """Gazetteer containers, now that every place the text names is known."""
        for entry, sent in self.chains:
            self.rec._gazetteer_chain(
                entry, sent, self.relate, self.add_state, self.add_entity, self.entities
            )

    def link_named_containers(self) -> None:
        """Containers written after a place: "Bunagana, Rutshuru territory" (a region typed by its kind
        word after a comma) and "Minova town (Kalehe, Sud-Kivu)" (places in brackets, smallest first)."""
        doc = self.doc
        located = {r["source"] for r in self.relations if r["type"] == "LOCATED_IN"}
        starts = {m["start"]: m for m in self.mentions}
        for mention in list(self.mentions):
            key, end = mention["key"], mention["end"]
            if key in located:
                continue
            if self.entities[key]["label"] == "Site":
                self._site_container(mention, starts, located)
                continue
            label = self.entities[key]["label"]
            if label not in ("Settlement", "Region", "Organization"):
                continue
            end = self._after_alias_bracket(end)
            if end + 1 < len(doc) and doc[end].text == ",":
                after = starts.get(end + 1)
                if after is not None and self._typed_region_mention(after):
                    if label == "Organization":
                        key = self._town_for_organisation(mention, after["key"])
                        if key is None:
                            continue
                    self.relate("LOCATED_IN", key, after["key"], doc[end].sent, "comma-container", 0.8)
                    located.add(key)
            elif label != "Organization" and end + 1 < len(doc) and doc[end].text == "(":
                chain = self._bracketed_places(end + 1, starts)
                for inner, outer in zip([key, *chain], chain, strict=False):
                    if inner not in located:
                        self.relate("LOCATED_IN", inner, outer, doc[end].sent, "bracketed-container", 0.8)
                        located.add(inner)

    def link_districts_by_seat(self) -> None:
        """A district nothing places ("Argun district, also spelt Urgun", "Chaman district") lies in the
        first-level region the text names where GeoNames has its seat, the town it is named for."""
        located = {r["source"] for r in self.relations if r["type"] == "LOCATED_IN"}
        states = {k for k, e in self.entities.items() if e["label"] == "State"}
        for mention in list(self.mentions):
            key = mention["key"]
            entity = self.entities[key]
            if key in located or entity["label"] != "Region" or entity.get("kind") not in DISTRICT_KINDS:
                continue
            region = self._seat_region(entity, states)
            if region is not None and region != key:
                sent = self.doc[mention["start"]].sent
                self.relate("LOCATED_IN", key, region, sent, "district-of-its-seat", 0.6)
                located.add(key)

    def link_division_capitals(self) -> None:
        """ "Sharana, the provincial capital": the name before it is a town (whatever the model typed
        it) in the last region of that kind the text named before it."""
        doc = self.doc
        for token in doc:
            kind = CAPITAL_ADJECTIVES.get(token.lower_)
            i = token.i
            if kind is None or i < 3 or i + 1 >= len(doc) or doc[i + 1].lower_ != "capital":
                continue
            if doc[i - 1].lower_ != "the" or doc[i - 2].text != ",":
                continue
            mention = next((m for m in self.mentions if m["end"] == i - 2), None)
            region = self._last_region_of_kind(kind, i)
            if mention is None or region is None:
                continue
            label = self.entities[mention["key"]]["label"]
            located = any(r["source"] == mention["key"] and r["type"] == "LOCATED_IN" for r in self.relations)
            if label not in ("Organization", "Settlement") or (label == "Settlement" and located):
                continue
            if not all(t.is_title for t in doc[mention["start"] : mention["end"]]):
                continue
            key = mention["key"]
            if label == "Organization":
                key = self._recast_as_settlement(key, region)
            self.relate("LOCATED_IN", key, region, token.sent, "capital-of-division", 0.7)

    def _last_region_of_kind(self, kind: str, before: int) -> str | None:
        """The region of a kind ("province", "district") the text named last before token before."""
        kinds = next((k for k in (PROVINCE_KINDS, DISTRICT_KINDS) if kind in k), frozenset({kind}))
        earlier = [m for m in self.mentions if m["end"] <= before]
        for mention in sorted(earlier, key=lambda m: -m["start"]):
            entity = self.entities[mention["key"]]
            if entity["label"] == "Region" and entity.get("kind") in kinds:
                return str(mention["key"])
        return None

    def _seat_region(self, entity: dict[str, Any], states: set[str]) -> str | None:
        """The region the text names that holds the only town of a district's name (or another
        spelling of it) in a state the report names."""
        regions: set[str] = set()
        for form in (entity["name"], *entity["aliases"]):
            for town in self.gaz.world_settlements(form):
                if town.state in states and normalise_name(town.name) == normalise_name(form):
                    if town.container in self.entities and self.entities[town.container]["label"] == "Region":
                        regions.add(town.container)
        return regions.pop() if len(regions) == 1 else None

    def _town_for_organisation(self, mention: dict[str, Any], region: str) -> str | None:
        """A name the model took for an organisation, written after "in" and before a typed region ("the
        base in Buulo Mareer, Lower Shabelle region"), is a settlement there: it is recast and returned."""
        doc, start = self.doc, mention["start"]
        if start == 0 or doc[start - 1].lower_ not in {"in", "near", "at", "outside", "around"}:
            return None
        if any(t.lower_ in GENERIC_ORG_WORDS or not t.is_title for t in doc[start : mention["end"]]):
            return None
        return self._recast_as_settlement(mention["key"], region)

    def _recast_as_settlement(self, old: str, region: str) -> str:
        """An entity the model misread as an organisation is a settlement in the region, with its names."""
        text = self.entities[old]["name"]
        key = place_key("Settlement", text, region)
        self.add_entity(key, "Settlement", text)
        for alias in self.entities[old].get("aliases", ()):
            self.add_entity(key, "Settlement", text, alias)
        self._recast_entity(old, key)
        return key

    def _site_container(
        self, mention: dict[str, Any], starts: dict[int, dict[str, Any]], located: set[str]
    ) -> None:
        """A site lies in the place named right after it: "the Nevatim air base in southern Israel",
        "Kavumu airport in South Kivu", "the Al Udeid Air Base, Qatar"."""
        doc = self.doc
        k = self._after_alias_bracket(mention["end"])
        if k >= len(doc) or doc[k].lower_ not in {"in", ","}:
            return
        comma = doc[k].text == ","
        k += 1
        while k < len(doc) and k not in starts and doc[k].is_lower:
            if doc[k].lower_ != "the" and doc[k].lower_ not in PLACE_PREFIXES:
                return  # "in southern Israel", "in the Negev"; not "in response"
            k += 1
        after = starts.get(k)
        if after is None or doc[k].sent.start != doc[mention["start"]].sent.start:
            return
        label = self.entities[after["key"]]["label"]
        if label in ("Settlement", "Region", "Territory", "State") and after["key"] != mention["key"]:
            if comma and label == "Settlement":
                return  # "the base, Kabul said": a comma before a town is no container
            self.relate("LOCATED_IN", mention["key"], after["key"], doc[k].sent, "site-in-place", 0.8)
            located.add(mention["key"])

    def _after_alias_bracket(self, end: int) -> int:
        """The index after a bracket that gives another name ("Buulo Mareer (also spelt Bulo Marer),
        Lower Shabelle region") or an acronym, else end."""
        doc = self.doc
        if end + 2 >= len(doc) or doc[end].text != "(":
            return end
        if doc[end + 2].text == ")" and doc[end + 1].is_upper:
            return end + 3  # an acronym: "the Kismayo Forward Operating Base (FOB) in Lower Juba"
        if doc[end + 1].lower_ != "also":
            return end
        for k in range(end + 2, min(end + 10, len(doc))):
            if doc[k].text == ")":
                return k + 1
        return end

    def link_record_locations(self) -> None:
        """The location field of a coded record's header ('Sud-Kivu / Kabare / Kabamba', largest first):
        each place lies in the one before it; the last is a settlement, the others regions, unless the
        text knows them as something else. A name the model took for an organisation there is the place."""
        doc = self.doc
        for line_start, line_end, *_rest in doc._.kg_records or ():
            field = [
                t for t in doc[line_start:line_end] if not self.rec._skipped(doc, t.i) and not t.is_space
            ]
            parts = _slash_parts(field)
            if len(parts) < 2:
                continue
            keys: list[str] = []
            for number, (start, end) in enumerate(parts):
                label = "Settlement" if number == len(parts) - 1 else "Region"
                key = self._record_place(start, end, label, keys[-1] if keys else None)
                if key is None:
                    break
                keys.append(key)
            located = {r["source"] for r in self.relations if r["type"] == "LOCATED_IN"}
            for outer, inner in zip(keys, keys[1:], strict=False):
                if inner not in located and inner != outer:
                    self.relate("LOCATED_IN", inner, outer, doc[line_start].sent, "record-location", 0.8)

    def _record_place(self, start: int, end: int, label: str, container: str | None) -> str | None:
        """The place one part of a record's location field names, made or recast when needed."""
        mention = next((m for m in self.mentions if m["start"] == start and m["end"] == end), None)
        if mention is not None:
            known = self.entities[mention["key"]]["label"]
            if known in ("Settlement", "Region", "Territory", "Site", "State"):
                return str(mention["key"])
            if known not in ("Organization", "Person"):
                return None
        text = self.doc[start:end].text
        if not self.doc[start].is_title:
            return None
        key = place_key(label, text, container)
        self.add_entity(key, label, text)
        if mention is None:
            self.add_mention(start, end, key)
        else:
            self._recast_entity(mention["key"], key)
        return key

    def _recast_entity(self, old: str, new: str) -> None:
        """Every mention of a misread entity names another one; the misread one goes."""
        for mention in self.mentions:
            if mention["key"] == old:
                mention["key"] = new
        if not any(r["source"] == old or r["target"] == old for r in self.relations):
            self.entities.pop(old, None)

    def _typed_region_mention(self, mention: dict[str, Any]) -> bool:
        """A region's mention that ends with its kind word ("Rutshuru territory")."""
        return (
            self.entities[mention["key"]]["label"] == "Region"
            and self.doc[mention["end"] - 1].lower_ in REGION_KINDS
        )

    def _bracketed_places(self, start: int, starts: dict[int, dict[str, Any]]) -> list[str]:
        """The places of "(Kalehe, Sud-Kivu)" from token start, smallest first, when the last one is a
        region or state the text knows; a name nothing took is a region in the next one."""
        doc, names, i = self.doc, [], start
        while i < len(doc) and doc[i].sent.start == doc[start].sent.start:
            mention = starts.get(i)
            if mention is not None:
                names.append(mention["key"])
                i = mention["end"]
            else:
                groups, i = self.rec._names_after(doc, i, self.claimed, min(i + 4, len(doc)))
                if len(groups) != 1:
                    return []
                names.append(groups[0])
            if i < len(doc) and doc[i].text == ")":
                break
            if i >= len(doc) or doc[i].text != "," or len(names) == 3:
                return []
            i += 1
        last = names[-1] if names else None
        if not isinstance(last, str) or self.entities[last]["label"] not in ("Region", "State"):
            return []
        keys = [last]
        for name in reversed(names[:-1]):
            if isinstance(name, str):
                keys.append(name)
                continue
            text = doc[name[0] : name[1]].text
            key = place_key("Region", text, keys[-1])
            self.add_entity(key, "Region", text)
            self.add_mention(name[0], name[1], key)
            keys.append(key)
        return list(reversed(keys))

    def link_listed_places(self) -> None:
        """A settlement nothing places, listed with settlements that are ("in Maragheh, Azarshahr and
        X"), is in the container they all share."""
        doc = self.doc
        located = {r["source"]: r["target"] for r in self.relations if r["type"] == "LOCATED_IN"}
        key_at = {i: m["key"] for m in self.mentions for i in range(m["start"], m["end"])}
        for mention in self.mentions:
            key = mention["key"]
            if key in located or self.entities[key]["label"] != "Settlement":
                continue
            root = doc[mention["start"] : mention["end"]].root
            siblings = {key_at.get(c.i) for c in root.conjuncts} - {None, key}
            if not siblings or any(self.entities[k]["label"] != "Settlement" for k in siblings if k):
                continue
            containers = {located.get(k) for k in siblings}
            container = containers.pop() if len(containers) == 1 else None
            if container is not None:
                self.relate("LOCATED_IN", key, container, root.sent, "listed-with-places", 0.6)
                located[key] = container

    def find_anaphors(self) -> None:
        """ "The peninsula, occupied by Russia": a definite description of the place last named."""
        doc = self.doc
        for match_id, start, _end in self.word_hits:
            if (
                doc.vocab.strings[match_id] != "ANAPHOR"
                or self.claimed[start + 1]
                or self.rec._skipped(doc, start)
            ):
                continue
            noun = doc[start + 1]
            if noun.i + 1 < len(doc) and (doc[noun.i + 1].lower_ == "of" or doc[noun.i + 1].is_title):
                continue
            wanted = ANAPHORS[noun.lower_]
            previous: list[dict[str, Any]] = [m for m in self.mentions if m["end"] <= start]
            for earlier_mention in reversed(previous):
                entity = self.entities[earlier_mention["key"]]
                if wanted == "Ministry":
                    # "the service": the state body last named with that word in its name, if any.
                    if entity["label"] == wanted and noun.lower_ in entity["name"].lower().split():
                        self.add_mention(start + 1, start + 2, earlier_mention["key"])
                        break
                    continue
                if entity["label"] == wanted or entity.get("kind") == noun.lower_:
                    self.add_mention(start + 1, start + 2, earlier_mention["key"])
                    break

    def find_home_government(self) -> None:
        """ "The federal government": the government of the state the report is mostly about, when one
        state is named at least twice as often as any other."""
        doc = self.doc
        owner = {
            r["source"]: r["target"] for r in self.relations if r["type"] in ("ARMED_FORCE_OF", "MINISTRY_OF")
        }
        counts: dict[str, int] = {}
        for mention in self.mentions:
            key = (
                mention["key"]
                if self.entities[mention["key"]]["label"] == "State"
                else owner.get(mention["key"])
            )
            if key:
                counts[key] = counts.get(key, 0) + 1
        ranked = sorted(counts.items(), key=lambda kv: -kv[1])
        if not ranked or (len(ranked) > 1 and ranked[0][1] < 2 * ranked[1][1]):
            return
        home = ranked[0][0]
        for i in range(1, len(doc)):
            if doc[i].lower_ != "government" or doc[i - 1].lower_ not in HOME_GOVERNMENT_WORDS:
                continue
            if not (self.claimed[i] or self.claimed[i - 1] or self.rec._skipped(doc, i)):
                self.add_mention(i - 1, i + 1, home)

    # --- 7. conflicts -----------------------------------------------------------------------

    def find_conflicts(self) -> None:
        """Named conflicts, when one of their parties is in the document; "the war in 2020"."""
        self.find_dated_wars()
        self.find_named_conflicts()

    def find_dated_wars(self) -> None:
        """ "The war in 2020": the gazetteer conflict of that year with a party in the document."""
        doc = self.doc
        for match_id, start, _end in self.word_hits:
            if doc.vocab.strings[match_id] != "WAR" or self.claimed[start] or self.rec._skipped(doc, start):
                continue
            token = doc[start]
            years = [c for c in token.children if c.like_num and len(c.text) == 4]
            years += [g for c in token.children if c.lower_ == "in" for g in c.children if g.like_num]
            if token.dep_ == "dobj":
                years += [
                    g for c in token.head.children if c.lower_ == "in" for g in c.children if g.like_num
                ]
            for year in years:
                for entry in self.gaz.entries.values():
                    if (
                        entry.label == "Conflict"
                        and (entry.start or "")[:4] == year.text
                        and set(entry.parties) & self.mentioned_states
                    ):
                        left, right = min(start, year.i), max(start, year.i) + 1
                        self._add_conflict(entry, left, right, token.sent, None)
                        break

    def find_named_conflicts(self) -> None:
        """Conflicts the gazetteer names, when one of their parties is in the document."""
        doc = self.doc
        for match_id, start, end in self.rec.conflicts(doc):
            if self.rec._skipped(doc, start) or any(self.claimed[i] for i in range(start, end)):
                continue
            entry = self.gaz.entries[doc.vocab.strings[match_id]]
            if not set(entry.parties) & self.mentioned_states:
                continue
            self._add_conflict(entry, start, end, doc[start].sent, doc[start:end].text)

    def _add_conflict(self, entry: GazEntry, start: int, end: int, sent: Span, surface: str | None) -> None:
        self.add_entity(entry.key, "Conflict", entry.name, surface, start=entry.start, end=entry.end)
        for alias in entry.aliases:
            self.add_entity(entry.key, "Conflict", entry.name, alias)
        self.add_mention(start, end, entry.key)
        for party in entry.parties:
            if party in self.mentioned_states:
                self.add_state(party)
                self.relate("PARTICIPANT", entry.key, party, sent, "gazetteer-conflict-party", 0.8)

    def finish(self) -> Doc:
        """Merge unscoped places and store the results on the Doc."""
        doc = self.doc
        merge_unscoped_places(self.entities, self.mentions, self.relations)
        self.mentions.sort(key=lambda m: m["start"])
        doc._.kg_entities = self.entities
        doc._.kg_mentions = self.mentions
        doc._.kg_relations = self.relations
        doc._.kg = graph_from_dicts(self.entities, self.mentions, self.relations, doc._.kg_skip or [])
        return doc


@Language.factory("kg_entities", requires=["token.pos", "token.dep", "doc.ents"], assigns=["doc._.kg"])
def make_entities(nlp: Language, name: str) -> EntityRecognizer:
    """Factory: typed, keyed entity mentions from text structure and gazetteers."""
    return EntityRecognizer(nlp, load_gazetteer())


def _slash_parts(tokens: list[Token]) -> list[tuple[int, int]]:
    """Token ranges of 'A / B / C' (no part empty), or nothing when the tokens hold no slash."""
    parts: list[tuple[int, int]] = []
    current: list[Token] = []
    for token in [*tokens, None]:
        if token is None or token.text == "/":
            if not current:
                return []
            parts.append((current[0].i, current[-1].i + 1))
            current = []
        else:
            current.append(token)
    return parts if len(parts) >= 2 else []


ACRONYM_LABELS = ("Organization", "ArmedForce", "Ministry", "Conflict", "Site")
"""What a bracketed acronym after a name can stand for ("the Arakan Army (AA)", "the ... Base (FOB)")."""


def headline_case(form: str) -> str:
    """A proper name's lower-case tail capitalised ("Fano militia" -> "Fano Militia"), the way reports
    write a group's name; names that start lower-case or hold no space are left as they are."""
    words = form.split(" ")
    if len(words) < 2 or not words[0][:1].isupper():
        return form
    return " ".join(w[:1].upper() + w[1:] if w.isalpha() and w.islower() and len(w) > 3 else w for w in words)


def subject_after_comma(doc: Doc, i: int) -> bool:
    """Whether the name at token i opens a new clause as its subject ('Through the occupation of
    Bunagana, Rwanda seeks ...'), so it is not the state the place before the comma lies in."""
    for token in doc[i : min(i + 6, len(doc))]:
        if token.dep_ in ("nsubj", "nsubjpass") and token.head.i > token.i:
            return True
        if token.is_punct:
            return False
    return False


def transliterated_name(token: Token) -> bool:
    """A capitalised name with an apostrophe inside ("Sana'a", "Ma'rib"), not a contraction."""
    if token.is_alpha or token.is_punct or token.is_space or token.like_num:
        return False  # the cheap lexeme flags first: most tokens hold no apostrophe
    text = token.text
    inner = any(mark in text[1:-1] for mark in ("'", "\u2019"))
    bare = text.replace("'", "").replace("\u2019", "")
    return inner and bare.isalpha() and bare.istitle() and len(bare) >= 4
