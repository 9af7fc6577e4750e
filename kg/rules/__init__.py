"""Rules as data: the lexicon (word classes), frames (ways of stating a fact) and the role map.

Everything the engine knows about how conflict news is written lives in data files under
`kg/rules/<lang>/`: `lexicon.toml` (every word class, defined once), `frames/*.toml` (one file per
family of facts: each frame is a spaCy DependencyMatcher pattern whose node ids name the roles it
fills, with a confidence and example sentences) and `roles.toml` (what each family's roles become in
the ontology). Users add their own in the folder `$KG_RULES_DIR` (same layout; `frames/*.jsonl`
takes one frame per line): their words join our classes, their frames join ours (the same id
replaces ours).

A pattern refers to a word class by name: `{"LEMMA": {"IN": "@attack_verb"}}` or `{"LEMMA":
"@attack_verb"}`; the loader puts the class's words there.
"""

from __future__ import annotations

import functools
import json
import os
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from kg.errors import ConfigError

RULES_DIR = Path(__file__).resolve().parent / "en"
USER_DIR_ENV = "KG_RULES_DIR"
ROLE_FILLERS = (
    "party",
    "parties",
    "targets",
    "places",
    "taken",
    "stations",
    "place",
    "text",
    "predicate",
    "count",
    "weapon",
    "event",
    "date",
    "token",
)
"""How a matched token is read: the party it names, the places under it, its phrase, a number..."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WordClass(_Model):
    """One class of words: a set (`words`) or a map from word to value (`values`)."""

    name: str
    doc: str
    attr: Literal["LEMMA", "LOWER"] = "LEMMA"
    words: frozenset[str] = frozenset()
    values: dict[str, Any] = Field(default_factory=dict)

    def members(self) -> frozenset[str]:
        """Every word of the class (a map's keys)."""
        return self.words | frozenset(self.values)


class Lexicon:
    """Every word class, by name; tokens are compared by the class's attribute (lemma or lower)."""

    def __init__(self, classes: dict[str, WordClass]) -> None:
        self.classes = classes

    def __getitem__(self, name: str) -> frozenset[str]:
        return self._class(name).members()

    def _class(self, name: str) -> WordClass:
        try:
            return self.classes[name]
        except KeyError:
            raise ConfigError(f"no word class {name!r} in the lexicon: define it in lexicon.toml") from None

    def values(self, name: str) -> dict[str, Any]:
        """The word -> value map of a class ("two" -> 2)."""
        return self._class(name).values

    def value(self, name: str, word: str) -> Any:
        """The value a map class gives a word, or None."""
        return self._class(name).values.get(word)

    def has(self, name: str, token: Any) -> bool:
        """Whether a spaCy token belongs to a class (by its lemma or its lower-case form)."""
        cls = self._class(name)
        form = token.lemma_.lower() if cls.attr == "LEMMA" else token.lower_
        return form in cls.words or form in cls.values

    def _members(self, item: Any) -> list[Any]:
        if isinstance(item, str) and item.startswith("@"):
            return sorted(self[item[1:]])
        return [item]

    def expand(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """Token attributes with `@class` references replaced by the class's words; a lemma also matches
        its capitalised and upper-case forms (proper nouns and headlines keep their case in the lemma)."""
        out: dict[str, Any] = {}
        for key, value in attrs.items():
            if isinstance(value, str) and (value.startswith("@") or key == "LEMMA"):
                value = {"IN": value}
            if isinstance(value, dict):
                out[key] = {op: self._words(key, v) for op, v in value.items()}
            else:
                out[key] = value
        return out

    def _words(self, key: str, value: Any) -> Any:
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list):  # "@class" items stand for the class's words, beside plain words
            value = sorted({w for item in value for w in self._members(item)})
        if key == "LEMMA" and isinstance(value, list):
            value = sorted({form for w in value for form in (w, w.capitalize(), w.upper())})
        return value


class Example(_Model):
    """A sentence a frame must read, with the relations it must give (`TYPE Source -> Target`)."""

    text: str
    expect: list[str] = Field(default_factory=list)
    forbid: list[str] = Field(default_factory=list)
    published: str | None = None


class Frame(_Model):
    """One way of stating a fact: a dependency pattern whose node ids are the roles it fills."""

    id: str
    family: str
    pattern: list[dict[str, Any]]
    confidence: float = Field(ge=0.0, le=1.0)
    doc: str = ""
    negated: bool = False
    """Whether the frame also holds when its trigger is negated ("did not deny")."""
    joins: bool = False
    """Whether the frame only adds to an event the text already tells ("the units were in the direction
    of X" gives where an attack came from), never making one of its own."""
    unless_head: str | list[str] | None = None
    """A word class (`@name`) or lemmas: the frame does not hold when its trigger hangs on one of them
    ("blamed the attack on X": the on-phrase is whom the attack is blamed on, not its target)."""
    examples: list[Example] = Field(default_factory=list)

    @field_validator("pattern")
    @classmethod
    def _has_trigger(cls, pattern: list[dict[str, Any]]) -> list[dict[str, Any]]:
        ids = [node.get("RIGHT_ID") for node in pattern]
        if "trigger" not in ids:
            raise ValueError("a frame's pattern needs a node with RIGHT_ID 'trigger'")
        return pattern

    def roles(self) -> list[str]:
        """The role names the pattern fills (node ids not starting with '_'), trigger included."""
        return [str(n["RIGHT_ID"]) for n in self.pattern if not str(n["RIGHT_ID"]).startswith("_")]


class RoleOutput(_Model):
    """What one role becomes: a relation (`TYPE`) or a property (`name`), read by a filler."""

    output: str
    filler: str

    @property
    def is_relation(self) -> bool:
        """Relation types are upper case; properties are lower case."""
        return self.output.isupper()


class Family(_Model):
    """How a family's roles become ontology facts (from roles.toml)."""

    name: str
    doc: str = ""
    event: str | None = None
    """The event label a frame of this family names (Attack, Clash...), or None for a statement."""
    relation: str | None = None
    """For a statement: the relation type from `source` to `target`."""
    source: str | None = None
    target: str | None = None
    roles: dict[str, list[RoleOutput]] = Field(default_factory=dict)
    properties: dict[str, list[RoleOutput]] = Field(default_factory=dict)
    """Property -> the roles to read it from, the first that gives a value wins."""
    implicit: dict[str, str] = Field(default_factory=dict)
    """Role -> the reference rule that fills it when no frame does ("voice": who says the clause)."""


class Rules(_Model):
    """The lexicon, frames and families the engine runs with."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    lexicon: Any
    frames: tuple[Frame, ...]
    families: dict[str, Family]

    def frames_of(self, family: str) -> list[Frame]:
        """The frames of one family."""
        return [f for f in self.frames if f.family == family]


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as stream:
            return tomllib.load(stream)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}): fix the file") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror})") from None


def _rule_dirs() -> list[Path]:
    dirs = [RULES_DIR]
    user = os.environ.get(USER_DIR_ENV)
    if user:
        folder = Path(user)
        if not folder.is_dir():
            raise ConfigError(f"{USER_DIR_ENV}={user} is not a folder: point it at a folder of rule files")
        dirs.append(folder)
    return dirs


def _word_classes(dirs: list[Path]) -> dict[str, WordClass]:
    classes: dict[str, WordClass] = {}
    for folder in dirs:
        path = folder / "lexicon.toml"
        if not path.exists():
            continue
        for name, body in _read_toml(path).items():
            if not isinstance(body, dict):
                raise ConfigError(f"{path}: [{name}] must be a table with `doc` and `words` or `values`")
            old = classes.get(name)
            given = {k: v for k, v in body.items() if k != "remove"}
            if old is not None:
                given = {"doc": old.doc, "attr": old.attr, **given}  # adding words to one of ours
            try:
                new = WordClass(name=name, **given)
            except ValidationError as exc:
                raise ConfigError(f"{path}: word class [{name}]: {_first_error(exc)}") from None
            if old is not None:
                new = WordClass(
                    name=name,
                    doc=old.doc,
                    attr=old.attr,
                    words=(old.words | new.words) - frozenset(body.get("remove", ())),
                    values={**old.values, **new.values},
                )
            classes[name] = new
    return classes


def _first_error(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    return f"{where}: {first['msg']}" if where else str(first["msg"])


def _frame_rows(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    if path.suffix == ".toml":
        for number, row in enumerate(_read_toml(path).get("frame", []), start=1):
            yield f"{path} frame {number}", row
        return
    with open(path, encoding="utf-8") as stream:
        for number, line in enumerate(stream, start=1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            try:
                yield f"{path} line {number}", json.loads(line)
            except json.JSONDecodeError as exc:
                raise ConfigError(f"{path} line {number}: not valid JSON ({exc.msg}): fix the line") from None


def _frames(dirs: list[Path], families: dict[str, Family]) -> tuple[Frame, ...]:
    frames: dict[str, Frame] = {}
    for folder in dirs:
        files = sorted((folder / "frames").glob("*.toml")) + sorted((folder / "frames").glob("*.jsonl"))
        for path in files:
            for where, row in _frame_rows(path):
                if "example" in row:  # TOML's [[frame.example]] tables
                    row = {**{k: v for k, v in row.items() if k != "example"}, "examples": row["example"]}
                try:
                    frame = Frame.model_validate(row)
                except ValidationError as exc:
                    raise ConfigError(f"{where}: {_first_error(exc)}") from None
                if frame.family not in families:
                    raise ConfigError(
                        f"{where}: family {frame.family!r} is not one of {sorted(families)}: "
                        "use one of them or add it to roles.toml"
                    )
                frames[frame.id] = frame
    return tuple(frames.values())


def _output(text: str, where: str) -> RoleOutput:
    output, _, filler = text.partition(":")
    if filler not in ROLE_FILLERS:
        raise ConfigError(f"{where}: {text!r} must be OUTPUT:FILLER with a filler of {ROLE_FILLERS}")
    return RoleOutput(output=output, filler=filler)


def _families(dirs: list[Path]) -> dict[str, Family]:
    families: dict[str, Family] = {}
    for folder in dirs:
        path = folder / "roles.toml"
        if not path.exists():
            continue
        for name, body in _read_toml(path).items():
            where = f"{path} [{name}]"
            roles = {
                role: [_output(o, where) for o in ([outs] if isinstance(outs, str) else outs)]
                for role, outs in body.get("roles", {}).items()
            }
            properties = {
                k: [_output(o, where) for o in ([v] if isinstance(v, str) else v)]
                for k, v in body.get("properties", {}).items()
            }
            rest = {k: v for k, v in body.items() if k not in ("roles", "properties")}
            try:
                families[name] = Family(name=name, roles=roles, properties=properties, **rest)
            except ValidationError as exc:
                raise ConfigError(f"{where}: {_first_error(exc)}") from None
    return families


def read_rules(dirs: list[Path]) -> Rules:
    """Read the lexicon, frames and role map of rule folders, later folders adding to earlier ones."""
    families = _families(dirs)
    rules = Rules(lexicon=Lexicon(_word_classes(dirs)), frames=_frames(dirs, families), families=families)
    for frame in rules.frames:
        for node in frame.pattern:
            try:
                rules.lexicon.expand(dict(node.get("RIGHT_ATTRS", {})))
            except ConfigError as exc:
                raise ConfigError(f"frame {frame.id!r}: {exc}") from None
    return rules


@functools.cache
def load_rules() -> Rules:
    """Read the lexicon, frames and role map once (ours plus `$KG_RULES_DIR`)."""
    return read_rules(_rule_dirs())


def lexicon() -> Lexicon:
    """The lexicon of the rules in use."""
    lex: Lexicon = load_rules().lexicon
    return lex
