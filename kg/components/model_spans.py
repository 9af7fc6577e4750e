"""What the pretrained model finds, read into our ontology: names apart from their titles, places by kind.

The model's PERSON, ORG, GPE, LOC and FAC spans are kept (the entity recogniser types them) unless a
stronger rule has typed the same tokens; these helpers read such a span: the title or rank before a
person's name ("Lt. Gen.", "Minister for Foreign Affairs"), the name itself with its particles
("Turki al-Maliki"), the names a later mention may use for the same person ("al-Maliki", "Maliki"),
the kind of site or area a place span names, and the codes of weapons that are no organisation.
The words come from `kg/data/entity_words.toml` and the lexicon's title classes.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path

from spacy.tokens import Doc, Span, Token

from kg.errors import ConfigError
from kg.names import normalise_name
from kg.rules import lexicon

WORDS_FILE = Path(__file__).resolve().parent.parent / "data" / "entity_words.toml"


@dataclass(frozen=True)
class EntityWords:
    """The word classes names are read with (kg/data/entity_words.toml, the lexicon's title words)."""

    ranks: dict[str, str]
    """Abbreviated rank or title (lower case) -> the word it stands for."""
    tokenizer: tuple[str, ...]
    title: frozenset[str]
    """Every word that may stand in a title before a name (lower case)."""
    connectors: frozenset[str]
    particles: frozenset[str]
    not_an_organisation: frozenset[str]
    operation: frozenset[str]
    site_nouns: dict[str, str]
    area_nouns: dict[str, str]
    division_nouns: frozenset[str]
    not_a_person: frozenset[str]


def _section(data: dict[str, object], name: str) -> dict[str, object]:
    section = data.get(name)
    if not isinstance(section, dict):
        raise ConfigError(f"{WORDS_FILE}: no [{name}] section: add it back from the repository")
    return section


@functools.cache
def entity_words() -> EntityWords:
    """The entity word classes, read once."""
    try:
        data = tomllib.loads(WORDS_FILE.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{WORDS_FILE}: cannot be read ({exc}): restore it from the repository") from None

    def words(name: str) -> list[str]:
        return [str(w) for w in _section(data, name).get("words", [])]  # type: ignore[attr-defined]

    def values(name: str) -> dict[str, str]:
        return {str(k): str(v) for k, v in _section(data, name).get("values", {}).items()}  # type: ignore[attr-defined]

    lex = lexicon()
    ranks = values("rank_abbreviation")
    title = {w.lower() for w in words("rank_word")} | set(ranks) | set(lex["title_word"])
    return EntityWords(
        ranks=ranks,
        tokenizer=tuple(words("tokenizer_abbreviation")),
        title=frozenset(title | set(lex["person_title_noun"])),
        connectors=frozenset(words("title_connector")),
        particles=frozenset(w.lower() for w in words("name_particle")),
        not_an_organisation=frozenset(words("not_an_organisation")),
        operation=frozenset(words("operation_word")),
        site_nouns=values("site_noun"),
        area_nouns=values("area_noun"),
        division_nouns=frozenset(words("division_noun")),
        not_a_person=frozenset(lex["not_a_person_word"]),
    )


def title_text(tokens: list[Token], words: EntityWords) -> str:
    """A title as the graph keeps it: lower case, abbreviations written out ("Lt." -> lieutenant)."""
    return " ".join(words.ranks.get(t.lower_, t.lower_) for t in tokens if t.text != ".")


def is_title_token(token: Token, words: EntityWords, portfolio: frozenset[str]) -> bool:
    """Whether a token may stand in a title before a name: an office word, a rank, a portfolio, 'of'."""
    form = token.lower_
    return form in words.title or form in words.connectors or form in portfolio or token.text == "."


def title_before(doc: Doc, start: int, words: EntityWords, portfolio: frozenset[str]) -> tuple[int, int]:
    """Tokens [a, b) of the title right before a name at start ("Minister for Foreign Affairs X",
    "Lt. Gen. X", "the army spokesman, X"); a == b when there is none."""
    end = start - 1 if start > 0 and doc[start - 1].text == "," else start
    j = end
    while j > 0 and is_title_token(doc[j - 1], words, portfolio) and not doc[j - 1].is_sent_end:
        j -= 1
    # "security officer of General X": the title of the one named is the rank after the lower-case noun.
    for c in range(end - 2, j, -1):
        if doc[c].lower_ in words.connectors and doc[c - 1].is_lower and doc[c + 1].is_title:
            j = c + 1
            break
    # A title starts with a title word, never with 'the', 'of' or a portfolio alone.
    while j < end and (doc[j].lower_ not in words.title or doc[j].lower_ in words.connectors):
        j += 1
    return j, end


def is_name_token(token: Token, words: EntityWords) -> bool:
    """A word of a person's name: capitalised (or upper case), or a particle ("al", "bin", "-")."""
    if token.lower_ in words.particles:
        return True
    return token.is_alpha and (token.is_title or token.is_upper or token.text[:1].isupper())


def name_bounds(
    ent: Span, words: EntityWords, portfolio: frozenset[str], claimed: bytearray
) -> tuple[int, int]:
    """Tokens [a, b) of the person's name in a model PERSON span: without 'the', a title or rank
    before it ("Gen. X"), a place the text names before it ("Middle East envoy X") or 's after it."""
    a, b = ent.start, ent.end
    doc = ent.doc
    while a < b and (
        claimed[a]
        or doc[a].lower_ == "the"
        or doc[a].lower_ in words.not_a_person
        or (b - a > 1 and is_title_token(doc[a], words, portfolio) and doc[a].lower_ not in words.particles)
    ):
        a += 1
    while b > a and (doc[b - 1].text in {"'s", "’s", "'", ",", "."} or claimed[b - 1]):
        b -= 1
    if a < b:
        b = _particle_tail(doc, b, words, claimed)
        a = _given_name_before(doc, a, words, portfolio, claimed)
    return a, b


def _particle_tail(doc: Doc, b: int, words: EntityWords, claimed: bytearray) -> int:
    """ "Mohammed bin Abdulrahman | bin Jassim Al Thani": particles and the names after them that the
    model left out of the span still belong to the name."""
    while b + 1 < len(doc) and doc[b].lower_ in words.particles and doc[b].text not in {"-", "'"}:
        after = doc[b + 1]
        if claimed[b] or claimed[b + 1] or not after.is_title or after.lower_ in words.not_a_person:
            break
        b += 2
    return b


def _given_name_before(
    doc: Doc, a: int, words: EntityWords, portfolio: frozenset[str], claimed: bytearray
) -> int:
    """ "..., Bettina | Patricia Boughani": one given name the model left out, right after a comma, a
    bracket or the start of the sentence, is the name's first word."""
    k = a - 1
    if k < 0 or claimed[k] or doc[k].ent_type_ or doc[k].pos_ != "PROPN" or not doc[k].is_title:
        return a
    if is_title_token(doc[k], words, portfolio) or doc[k].lower_ in words.particles | words.not_a_person:
        return a
    if k == doc[k].sent.start or doc[k - 1].text in {",", "(", ":", ";"}:
        return k
    return a


def is_person_name(tokens: Span, words: EntityWords) -> bool:
    """Whether tokens are a person's name: name words and particles, starting and ending with a name
    word or a leading particle ("al-Baghdadi", "Abu Bakr al-Baghdadi"), no furniture words."""
    if not len(tokens) or not all(is_name_token(t, words) for t in tokens):
        return False
    if tokens[-1].lower_ in words.particles or tokens[0].text in {"-", "'"}:
        return False
    if any(t.lower_ in words.not_a_person for t in tokens):
        return False
    return any(t.lower_ not in words.particles for t in tokens)


def surname(tokens: Span, words: EntityWords) -> str:
    """The name a later mention uses: the last word with its particle ("al-Maliki", "bin Laden")."""
    i = len(tokens) - 1
    while i > 0 and (tokens[i - 1].lower_ in words.particles or tokens[i - 1].text == "-"):
        i -= 1
    if i > 0 and tokens[i].lower_ in {"abu", "abou"}:
        i += 1  # "Abu" opens a name of its own ("Abu Bakr"), not a family name
    return tokens[i:].text


def short_forms(tokens: Span, words: EntityWords) -> list[str]:
    """Normalised later forms of a full name: every tail of it ("Aung Hlaing", "Hlaing", "al-Maliki",
    "Maliki"), never a particle alone."""
    forms = []
    for i in range(1, len(tokens)):
        tail = tokens[i:]
        if tail[0].text in {"-", "'"} or all(t.lower_ in words.particles for t in tail):
            continue
        forms.append(normalise_name(tail.text))
    return forms


def place_kind(tokens: Span, words: EntityWords) -> tuple[str, str] | None:
    """(label, kind) a place span's head noun gives it: a Site ("Tabqa Dam", "the Red Sea"), a Region
    that is an area ("the Euphrates valley") or a division ("Rakhine State"); None for a bare name."""
    last = tokens[-1]
    if last.text in words.division_nouns and len(tokens) > 1:
        return "Region", last.lower_
    if len(tokens) > 1 and last.lower_ in words.site_nouns:
        return "Site", words.site_nouns[last.lower_]
    first = tokens[0]
    if len(tokens) > 1 and first.is_title and first.lower_ in words.site_nouns:
        return "Site", words.site_nouns[first.lower_]  # "Lake Kivu", "the Gulf of Aden", "Mount Sinjar"
    if len(tokens) > 1 and last.lower_ in words.area_nouns:
        return "Region", words.area_nouns[last.lower_]
    return None


def is_weapon_code(tokens: Span, words: EntityWords) -> bool:
    """Whether a model ORG span is a weapon's or vehicle's code ("VBIED", "two APCs"), no organisation."""
    named = [t for t in tokens if t.is_alpha or "-" in t.text]
    return bool(named) and all(t.lower_ in words.not_an_organisation for t in named)
