"""The one generic rule runner: every frame of kg/rules, applied with our TreeMatcher (spaCy's
DependencyMatcher patterns, searched from the trigger).

A frame is a dependency pattern whose node ids name the roles it fills ("trigger", "attacker",
"target", ...; ids starting with "_" only shape the pattern). Hits of the frames of one family at
the same trigger word are one `FrameMatch`, holding every role any of them filled. What the roles
mean (which relations they become) is the business of the family readers and kg/rules/en/roles.toml.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc, Token

from kg.components import register_extensions
from kg.components.treematch import TreeMatcher
from kg.errors import ConfigError
from kg.rules import Frame, Lexicon, Rules, load_rules


@dataclass
class FrameMatch:
    """The roles the frames of one family filled around one trigger word (token indices)."""

    family: str
    trigger: int
    roles: dict[str, list[int]] = field(default_factory=dict)
    frames: list[str] = field(default_factory=list)
    confidence: float = 0.0
    joins: bool = True
    """True while every frame that matched only adds to an event told elsewhere."""

    def role(self, name: str) -> list[int]:
        """Token indices filling a role, in text order (empty if no frame filled it)."""
        return sorted(self.roles.get(name, ()))

    def first(self, name: str) -> int | None:
        """The first token filling a role, or None."""
        tokens = self.role(name)
        return tokens[0] if tokens else None


def compile_frame(frame: Frame, lexicon: Lexicon) -> list[dict[str, object]]:
    """A frame's pattern with its word classes expanded, ready for the DependencyMatcher."""
    nodes = []
    for node in frame.pattern:
        node = dict(node)
        node["RIGHT_ATTRS"] = lexicon.expand(dict(node.get("RIGHT_ATTRS", {})))
        nodes.append(node)
    return nodes


def negated(token: Token, lexicon: Lexicon) -> bool:
    """Whether a word is negated ("did not open fire", "no attack", "were not responsible"), on itself
    or on the verb it hangs on."""
    words = [token]
    if token.pos_ not in ("VERB", "AUX") and token.dep_ in (
        "dobj",
        "nsubj",
        "nsubjpass",
        "acomp",
        "attr",
        "oprd",
    ):
        words.append(token.head)
    return any(any(c.dep_ == "neg" or lexicon.has("negation_word", c) for c in w.children) for w in words)


def conjoined_objects(token: Token) -> list[int]:
    """The objects of the same preposition said again in a conjunction, which the parser may hang on the
    first one or beside it ('from X and from Y', 'on the capital and on a market in X': Y, the market)."""
    prep = token.head
    if token.dep_ != "pobj" or prep.dep_ not in ("prep", "conj") or prep.pos_ != "ADP":
        return []
    return [
        c.i
        for p in prep.conjuncts
        if p.pos_ == "ADP" and p.lower_ == prep.lower_
        for c in p.children
        if c.dep_ == "pobj"
    ]


class FrameRunner:
    """Apply every frame; results go to doc._.kg_frames as FrameMatches in trigger order."""

    def __init__(self, nlp: Language, rules: Rules) -> None:
        register_extensions()
        self.rules = rules
        self.by_id = {frame.id: frame for frame in rules.frames}
        self.matcher = TreeMatcher(nlp.vocab)
        for frame in rules.frames:
            try:
                self.matcher.add(frame.id, compile_frame(frame, rules.lexicon))
            except (ValueError, KeyError) as exc:
                first = str(exc).strip().splitlines()[0]
                raise ConfigError(
                    f"frame {frame.id!r}: its pattern is not a valid DependencyMatcher pattern ({first})"
                ) from None

    def __call__(self, doc: Doc) -> Doc:
        """Run all frames over the Doc and group their hits by family and trigger."""
        graph = doc._.kg
        grouped: dict[tuple[str, int], FrameMatch] = {}
        for frame_id, tokens in self.matcher(doc):
            frame = self.by_id[frame_id]
            roles = dict(zip((str(n["RIGHT_ID"]) for n in frame.pattern), tokens, strict=True))
            trigger = roles["trigger"]
            if (graph is not None and graph.skipped(trigger)) or (
                not frame.negated and negated(doc[trigger], self.rules.lexicon)
            ):
                continue
            if frame.unless_head and self._hangs_on(doc[trigger], frame.unless_head):
                continue
            match = grouped.setdefault((frame.family, trigger), FrameMatch(frame.family, trigger))
            for role, i in roles.items():
                if role.startswith("_") or role == "trigger":
                    continue
                for j in (i, *conjoined_objects(doc[i])):
                    if j not in match.roles.setdefault(role, []):
                        match.roles[role].append(j)
            if frame.id not in match.frames:
                match.frames.append(frame.id)
            match.confidence = max(match.confidence, frame.confidence)
            match.joins = match.joins and frame.joins
        doc._.kg_frames = sorted(grouped.values(), key=lambda m: (m.trigger, m.family))
        return doc

    def _hangs_on(self, token: Token, heads: str | list[str]) -> bool:
        words = self.rules.lexicon[heads[1:]] if isinstance(heads, str) else frozenset(heads)
        head = token.head.head if token.dep_ == "pobj" else token.head
        return head.i != token.i and head.lemma_.lower() in words


@Language.factory("kg_frames", requires=["token.dep", "token.lemma", "doc._.kg"], assigns=["doc._.kg_frames"])
def make_frames(nlp: Language, name: str) -> FrameRunner:
    """Factory: the generic runner of every frame in kg/rules (and $KG_RULES_DIR)."""
    return FrameRunner(nlp, load_rules())
