"""Events: every frame match of an event family (attack, clash, casualty, ceasefire, agreement,
meeting) becomes an `EventMention` whose roles are read into entity keys.

Which mentions are the same event (one attack per side and day, the clash the casualties belong
to) is decided once, by kg.resolve; this component only reads what each sentence says. The rules
that are not patterns live here: an attack needs a side, a weapon or an attack word that cannot
mean anything else; casualties are counted per party; dates come from the clause of the trigger.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections.abc import Callable
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from kg.components import register_extensions
from kg.components.frames import FrameMatch
from kg.components.reading import Reader, date_phrases, governing_verb, word_positions
from kg.components.records import DocGraph, EventMention
from kg.components.roles import fill_roles
from kg.dates import ResolvedDate, resolve_date
from kg.rules import Family, Rules, load_rules


def mention_key(trigger: int) -> str:
    """The placeholder key facts use for the event mention at a trigger word, until identity is decided."""
    return f"mention:{trigger}"


class EventReader:
    """The event mentions of one Doc, read from its frame matches in text order."""

    def __init__(self, doc: Doc, rules: Rules) -> None:
        self.doc = doc
        self.rules = rules
        self.lex = rules.lexicon
        self.reader = Reader(doc)
        self.graph: DocGraph = doc._.kg
        self.at: dict[int, EventMention] = {}
        self.voices: dict[int, str | None] = {}
        self._response_frames: set[str] | None = None  # the bare retaliation frames, found when needed
        self.readers: dict[str, Callable[[EventMention, FrameMatch], bool]] = {
            "attack": self.attack,
            "casualty": self.casualty,
            "clash": self.clash,
            "ceasefire": self.settlement,
            "agreement": self.settlement,
            "meeting": self.meeting,
        }

    def read(self) -> None:
        """Read every event frame match; casualties last, so that they find the events they belong to."""
        matches = [m for m in self.doc._.kg_frames or () if self.rules.families[m.family].event]
        # Who speaks is read in text order ("it added" is the party that spoke last), before the
        # families are read in the order they depend on each other.
        self.voices = {
            m.trigger: self.reader.voice(self.doc[m.trigger])
            for m in sorted(matches, key=lambda m: m.trigger)
        }
        rank = {"ceasefire": 1, "agreement": 1, "casualty": 2}
        for match in sorted(matches, key=lambda m: (rank.get(m.family, 0), m.trigger)):
            family = self.rules.families[match.family]
            mention = self.mention(match, family)
            keep = self.readers.get(match.family, lambda _m, _f: True)(mention, match)
            if keep:
                self.at[match.trigger] = mention
                self.graph.events.append(mention)
        self.graph.events.sort(key=lambda m: m.trigger)

    def mention(self, match: FrameMatch, family: Family) -> EventMention:
        """An event mention with the relations and properties its roles give."""
        sent = self.doc[match.trigger].sent
        mention = EventMention(
            kind=str(family.event),
            trigger=match.trigger,
            sent=(sent.start, sent.end),
            rules=list(match.frames),
            confidence=match.confidence,
        )
        for output, values in fill_roles(match, family, self.reader).items():
            if output.isupper():
                mention.roles[output] = [v for v in values if isinstance(v, str)]
            else:
                mention.props[output] = values
        if match.joins:
            mention.props["joins"] = True
        trigger = self.doc[match.trigger]
        voice = self.voices.get(match.trigger)
        if voice is not None:
            mention.props["reporters"] = [voice]
        self.add_dates(mention, trigger, sent)
        if self._continues(trigger):
            mention.props["continues"] = True
        return mention

    def _continues(self, trigger: Token) -> bool:
        """Whether the clause tells more of what was just told: 'A and B also came under shelling'."""
        verb = trigger if trigger.pos_ == "VERB" else governing_verb(trigger, ("VERB",))
        return verb is not None and any(
            c.dep_ == "advmod" and self.lex.has("continuation_adverb", c) for c in verb.children
        )

    # --- families -------------------------------------------------------------------------------

    def attack(self, mention: EventMention, match: FrameMatch) -> bool:
        """An attack mention is kept when it names a side, a weapon or a place hit by a word that can
        only mean attack ('shelled', 'strike on'); 'hit' alone may be an earthquake or a decision."""
        sides = mention.roles.get("ATTACKER") or mention.roles.get("TARGET")
        trigger = self.doc[match.trigger]
        strong = self.lex.has("strong_attack_verb", trigger) or trigger.pos_ != "VERB"
        places = mention.roles.get("LOCATION") or mention.roles.get("ORIGIN")
        told = any(m.kind == "Attack" for m in self.at.values())
        if not (sides or mention.props.get("weapons") or ((strong or told) and places)):
            return False
        if self.lex.has("downing_verb", trigger) and any(c.lower_ == "down" for c in trigger.children):
            return False  # "shot down drones": an interception, not an attack
        if mention.props.get("responder") and not (
            mention.roles.get("TARGET") or places or mention.props.get("weapons")
        ):
            if self._strikes_back(trigger):
                return self._aimed_back(mention, trigger)
            if not self._read_beyond_response(match):
                return False  # "responded to the strikes with a statement"
        if not mention.roles.get("TARGET"):
            defenders = [d for p in mention.roles.get("LOCATION", ()) for d in self._defenders(p)]
            attacking = {self.reader.side(a) for a in mention.roles.get("ATTACKER", ())}
            if defenders and not attacking & {self.reader.side(d) for d in defenders}:
                mention.roles["TARGET"] = defenders  # "soldiers of X who died defending the base"
        attackers = mention.roles.get("ATTACKER", [])
        if len({self.reader.side(a) for a in attackers}) >= 2 and not mention.roles.get("TARGET"):
            # "Thailand and Cambodia fired at each other": fighting between them, not one's attack
            mention.kind = "Clash"
            mention.roles = {"PARTICIPANT": attackers, "LOCATION": mention.roles.get("LOCATION", [])}
        return not self._unrealised(trigger)

    def _defenders(self, site: str) -> list[str]:
        """The side the text says defended a site ('the soldiers of X who lost their lives defending the
        base', 'X troops guarding the airport'), for an attack on it that names no target."""
        if self.reader.label(site) != "Site":
            return []
        found: list[str] = []
        for token in self.doc:
            if not (token.pos_ == "VERB" and self.lex.has("defend_verb", token)):
                continue
            objects = [c for c in token.children if c.dep_ == "dobj"]
            if not any(self.reader.key_at(t) == site for c in objects for t in c.subtree):
                continue  # "defending the ATMIS Forward Operating Base (FOB)": the site named in the object
            verb, subject = token, self._subject(token)
            while subject is None and verb.dep_ in ("advcl", "xcomp", "conj") and verb.head.i != verb.i:
                verb = verb.head
                subject = self._subject(verb)
            if subject is None and verb.dep_ == "acl":
                subject = verb.head  # "Kenyan soldiers guarding the airfield"
            party = self.reader.party(subject) if subject is not None else None
            if party is not None and party not in found:
                found.append(party)
        return found

    @staticmethod
    def _subject(verb: Token) -> Token | None:
        return next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)

    def _read_beyond_response(self, match: FrameMatch) -> bool:
        """Whether a frame other than a bare retaliation's read the trigger ('retaliated with strikes')."""
        if self._response_frames is None:
            self._response_frames = {f.id for f in self.rules.frames if "responder" in f.roles()}
        return any(fid not in self._response_frames for fid in match.frames)

    def _strikes_back(self, trigger: Token) -> bool:
        """'retaliated', 'was forced to respond', 'hit back': a retaliation the clause names no target of."""
        if any(c.dep_ == "prep" and c.lower_ in ("with", "on", "against", "at") for c in trigger.children):
            return False  # "retaliated with air strikes on X": the clause says how and on whom
        back = any(c.lower_ == "back" and c.dep_ in ("prt", "advmod") for c in trigger.children)
        return back or self.lex.has("retaliation_verb", trigger)

    def _aimed_back(self, mention: EventMention, trigger: Token) -> bool:
        """A retaliation hits whoever last attacked the retaliating side in the text (kept only then):
        an armed force striking back, or a state retaliating; 'responded to the accusations' is none."""
        responders = mention.roles.get("ATTACKER", [])
        if not responders or self._answers_words(trigger):
            return False
        subject = self._subject(trigger) or self._subject(trigger.head)  # "X were forced to respond"
        armed = all(self.reader.label(r) == "ArmedForce" for r in responders) or (
            subject is not None and self.lex.has("force_noun", subject)  # "the forces of the Islamic Emirate"
        )
        if self.lex.has("response_verb", trigger) and not armed:  # words too: only a force strikes back
            return False
        for earlier in sorted(self.at.values(), key=lambda m: -m.trigger):
            if earlier.kind != "Attack" or earlier.trigger >= trigger.i or not earlier.roles.get("ATTACKER"):
                continue
            hit = {self.reader.side(t) for t in earlier.roles.get("TARGET", [])}
            hit |= {self.reader.place_state(p) for p in earlier.roles.get("LOCATION", [])}
            striking = [r for r in responders if self.reader.side(r) in hit]  # not a subject shared by "and"
            sides = {self.reader.side(r) for r in striking}
            attackers = [a for a in earlier.roles["ATTACKER"] if self.reader.side(a) not in sides]
            if striking and attackers:
                mention.roles["ATTACKER"], mention.roles["TARGET"] = striking, attackers
                return True
        return False

    def _answers_words(self, trigger: Token) -> bool:
        """'responded to the accusations': an answer to something other than an attack or a fight."""
        for prep in trigger.children:
            if prep.dep_ == "prep" and prep.lower_ == "to":
                return not any(
                    self.lex.has("attack_noun", o) or self.lex.has("fight_noun", o) for o in prep.children
                )
        return False

    def _unrealised(self, trigger: Token) -> bool:
        """Whether the text says an attack or a fight has not happened: 'threatened to strike', 'could
        attack', 'warned of strikes', 'called for the cessation of attacks' (lexicon: irrealis_governor,
        cessation_noun)."""
        if trigger.pos_ == "VERB":
            if any(c.dep_ == "aux" and self.lex.has("irrealis_governor", c) for c in trigger.children):
                return True
            return trigger.dep_ in ("xcomp", "ccomp") and self.lex.has("irrealis_governor", trigger.head)
        noun = trigger
        if self._singled_out_of_cessation(trigger):
            return True
        while noun.dep_ == "conj" and noun.head.i != noun.i:
            noun = noun.head
        governor: Token | None = noun.head if noun.dep_ == "dobj" else None
        if noun.dep_ == "pobj" and noun.head.lower_ in ("of", "to"):
            if self.lex.has("cessation_noun", noun.head.head):
                return True  # "the cessation of hostilities", "an end to the shelling"
            governor = noun.head.head
        return (
            governor is not None and governor.pos_ == "VERB" and self.lex.has("irrealis_governor", governor)
        )

    def _singled_out_of_cessation(self, noun: Token) -> bool:
        """'the cessation of hostilities, and in particular of attacks on X', 'an end to the fighting,
        especially to drone attacks': a noun right after a word singling out part of what was just named
        (lexicon: singling_word) and the preposition an earlier noun of stopping in the sentence took
        names more of what is to stop. Read on the words, since the parser often misreads the
        elliptical phrase ('to drone' as a verb)."""
        doc, sent = self.doc, noun.sent
        for k in range(noun.i - 1, max(sent.start, noun.i - 5), -1):
            word = doc[k]
            if word.is_punct:
                return False
            if (
                word.lower_ in ("of", "to")
                and k - 1 >= sent.start
                and self.lex.has("singling_word", doc[k - 1])
            ):
                return any(
                    self.lex.has("cessation_noun", t) and doc[t.i + 1].lower_ == word.lower_
                    for t in doc[sent.start : k - 1]
                )
        return False

    def clash(self, mention: EventMention, match: FrameMatch) -> bool:
        """A clash mention; one dated well before the report is an earlier clash (kept apart by date)."""
        trigger = self.doc[match.trigger]
        if self.reader.recent_conflict(trigger) is not None:
            return False  # "that bout of fighting": the war just named, not another clash
        if self._absent(trigger) or self._unrealised(trigger):
            return False  # "took the town without fighting", "called for a cessation of hostilities"
        past = self._past_date(trigger)
        if past is not None:
            mention.props["past"] = past
            mention.props["starts"] = [past]
        return True

    def _absent(self, noun: Token) -> bool:
        """Whether a noun is said not to have happened: 'without (reported) fighting', 'no clashes'."""
        head = noun.head
        negated = any(c.dep_ == "det" and c.lower_ == "no" for c in noun.children)
        return negated or (noun.dep_ == "pobj" and self.lex.has("absence_preposition", head))

    def settlement(self, mention: EventMention, match: FrameMatch) -> bool:
        """A ceasefire or an agreement; 'the 2003 ceasefire' is dated by its own year."""
        trigger = self.doc[match.trigger]
        for child in trigger.children:
            if child.like_num and len(child.text) == 4 and child.text.isdigit():
                mention.props["year"] = child.text
                mention.props["starts"] = [ResolvedDate(child.text, child.text, "year")]
        self._end_of_term(mention, trigger)
        violators = [self.reader.party(t) for t in mention.props.pop("violators", [])]
        mention.props["violators"] = [v for v in violators if v]
        ended = [self._event_or_conflict(t) for t in mention.props.pop("ended", [])]
        mention.roles["ENDED"] = [e for e in ended if e]
        generic = [t for t in mention.props.pop("generic", []) if self._generic_party(t)]
        if generic:
            mention.props["generic"] = [t.i for t in generic]
            mention.props["generic_in"] = [s for t in generic if (s := self._generic_state(t))]
        return True

    def _generic_party(self, noun: Token) -> bool:
        """'both sides', 'the warring parties', 'the parties to the conflict', 'the belligerents': a
        plural party word that names no party itself (not 'the Armenian side')."""
        if not self.lex.has("generic_party_noun", noun) or noun.tag_ not in ("NNS", "NNPS"):
            return False
        if self.reader.party(noun) is not None:
            return False
        modified = any(self.lex.has("generic_party_modifier", c) for c in noun.children if c.i < noun.i)
        definite = any(c.dep_ == "det" and c.lower_ == "the" for c in noun.children)
        return modified or definite or bool(self._generic_wars(noun))

    def _generic_wars(self, noun: Token) -> list[Token]:
        """The war a party word is said to be a party to: 'the parties to the conflict' -> conflict."""
        return [
            o
            for p in noun.children
            if p.dep_ == "prep" and self.lex.has("generic_party_preposition", p)
            for o in p.children
            if o.dep_ == "pobj" and self.lex.has("war_noun", o)
        ]

    def _generic_state(self, noun: Token) -> str | None:
        """The state the war of 'the parties to the conflict in Yemen' is in."""
        for war in self._generic_wars(noun):
            for prep in (c for c in war.children if c.dep_ == "prep" and c.lower_ == "in"):
                for place in (o for o in prep.children if o.dep_ == "pobj"):
                    state = self.reader.place_state(self.reader.key_at(place))
                    if state:
                        return state
        return None

    def _end_of_term(self, mention: EventMention, trigger: Token) -> None:
        """'a two-month truce' from 2 April ends on 2 June; 'a 72-hour ceasefire' three days after it
        starts; 'a week-long truce' a week after. Only a truce dated to a day and given no end."""
        starts = [d for d in mention.props.get("starts", ()) if d.precision == "day"]
        term = self._term(trigger)
        if not starts or mention.props.get("ends") or term is None:
            return
        start = dt.date.fromisoformat(starts[0].start)
        amount, unit = term
        if unit == "month":
            month = start.month - 1 + amount
            year, month = start.year + month // 12, month % 12 + 1
            end = start.replace(
                year=year, month=month, day=min(start.day, calendar.monthrange(year, month)[1])
            )
        else:
            hours = amount * {"hour": 1, "day": 24, "week": 168}[unit]
            end = start + dt.timedelta(days=math.ceil(hours / 24))
        mention.props["ends"] = [ResolvedDate(end.isoformat(), end.isoformat(), "day")]

    def _term(self, trigger: Token) -> tuple[int, str] | None:
        """The length a settlement word's modifier gives it: ('two', 'month'), (72, 'hour'), (1, 'week')."""
        words = [c for c in trigger.lefts if self.lex.value("duration_unit", c.lower_)]
        words += [g for c in trigger.lefts if c.lower_ == "long" for g in c.lefts]  # "a week-long truce"
        for word in words:
            unit = self.lex.value("duration_unit", word.lower_)
            if unit is None:
                continue  # "a long truce"
            count = next((self.reader._value(c) for c in word.children if c.dep_ == "nummod"), None)
            if count is None and word.head.lower_ == "long":
                count = 1
            if count:
                return count, str(unit)
        return None

    def _event_or_conflict(self, token: Token) -> str | None:
        """The conflict a word names, or the event mention at it ('the truce that ended the fighting');
        'which' stands for what its clause describes, 'that bout of fighting' for the war just named."""
        token = self.reader.antecedent(token)
        conflict = self.reader.recent_conflict(token)
        if conflict is not None:
            return conflict
        key = self.reader.key_at(token)
        if self.reader.label(key) == "Conflict":
            return key
        around = [self.doc[i] for i in range(token.left_edge.i, token.i + 1)]
        for t in (*around, *[g for c in token.children if c.dep_ == "prep" for g in c.children]):
            mention = self.at.get(t.i)
            if mention is not None:
                return mention_key(mention.trigger)
        return None

    def meeting(self, mention: EventMention, match: FrameMatch) -> bool:
        """Talks: a meeting mention needs someone who meets, hosts or mediates."""
        return any(mention.roles.get(r) for r in ("PARTICIPANT", "HOSTED_BY", "MEDIATED_BY", "LOCATION"))

    def casualty(self, mention: EventMention, match: FrameMatch) -> bool:
        """People killed or wounded: counts per party, on the event they belong to."""
        trigger = self.doc[match.trigger]
        field = self._casualty_field(trigger)
        if field is None or self._either(trigger) or self._disowned(trigger):
            return False
        victims = mention.props.pop("victims", []) or ([trigger] if trigger.pos_ == "NOUN" else [])
        counts = self._counts([self._victim(v) for v in victims], trigger)
        kin_tokens = [*mention.props.pop("kin", []), *self._tallied(trigger)]
        kin = [self.reader.party(t) or self._reported_own(t) for t in kin_tokens]
        for count in counts:
            count["party"] = count["party"] or next((k for k in kin if k), None)
        if not counts and not (mention.roles.get("ATTACKER") and self._people_killed(victims, field)):
            return False  # "dozens were killed": no toll, and no side that did it
        mention.props["field"] = field
        mention.props["counts"] = counts
        tokens = [self.reader.antecedent(c) for c in mention.props.pop("cause", [])]
        causes = [self.at[c.i] for c in tokens if c.i in self.at]
        if not causes and any(self._year_war(c) for c in tokens):
            return (
                False  # "the 44-day war of 2020 killed more than 6,500 people": a war's toll, not an event's
            )
        event = causes[0] if causes else None
        by_attacker = self._event_of_attacker(mention, trigger) if event is None else None
        mention.props["event"] = event.trigger if event else (by_attacker or self._nearest_event(trigger))
        return True

    def _event_of_attacker(self, mention: EventMention, trigger: Token) -> int | None:
        """The attack of the side the casualty sentence says did it ('martyred by mortar fire from the
        Pakistani side'): the nearest such attack told before, else after."""
        sides = {self.reader.side(a) for a in mention.roles.get("ATTACKER", ())} - {None}
        attacks = [
            m
            for m in self.at.values()
            if m.kind == "Attack" and sides & {self.reader.side(a) for a in m.roles.get("ATTACKER", ())}
        ]
        before = [m for m in attacks if m.trigger < trigger.i]
        if before:
            return max(before, key=lambda m: m.trigger).trigger
        return min(attacks, key=lambda m: m.trigger).trigger if attacks else None

    def _people_killed(self, victims: list[Token], field: str) -> bool:
        """'X killed dozens of civilians', 'several soldiers': people a side killed though the text
        gives no number."""
        people = [self._victim(v) for v in victims]
        people += [
            o for p in people for c in p.children if c.lower_ == "of" for o in c.children if o.dep_ == "pobj"
        ]
        return field == "killed" and any(self.lex.has("person_noun", p) for p in people)

    def _casualty_field(self, verb: Token) -> str | None:
        """Killed or wounded: what the trigger word (or the noun it counts) says happened to them."""
        if (verb.pos_ == "ADJ" or verb.dep_ in ("amod", "acomp")) and self.lex.has("casualty_state", verb):
            return str(self.lex.value("casualty_state", verb.lower_))  # "one dead", "40 fallen soldiers"
        if verb.pos_ == "NOUN":  # "31 martyrs", "two deaths", "the death toll rose to 30"
            return self._noun_field(verb)
        field = self.lex.value("casualty_verb", verb.lemma_)
        if field == "left":
            states = [c for c in verb.children if c.dep_ in ("oprd", "acomp", "xcomp", "ccomp", "advmod")]
            field = next(
                (self.lex.value("left_state", s.lower_) for s in states if self.lex.has("left_state", s)),
                None,
            )
        lost_people = any(c.dep_ == "dobj" and self.lex.has("person_noun", c) for c in verb.children)
        if self.lex.has("life_taking_verb", verb) and not (
            any(c.lemma_ == "life" for c in verb.subtree) or (verb.lemma_ == "lose" and lost_people)
        ):
            return None  # "lost control", "claimed the attack": not deaths ("lost one officer" is)
        if self.lex.has("martyr_verb", verb) and not any(c.lemma_ == "martyr" for c in verb.subtree):
            return None
        return str(field) if field else None

    def _noun_field(self, noun: Token) -> str | None:
        """The field of a casualty noun ('two deaths', 'the death toll', 'the number of soldiers killed',
        'and five hurt' where the parser makes the participle a noun)."""
        word = next(
            (c for c in noun.children if c.dep_ == "compound" and self.lex.has("casualty_noun", c)), noun
        )
        if self.lex.has("tally_noun", noun):
            word = next((o for p in noun.children if p.lower_ == "of" for o in p.children), noun)
            # the parser hangs the participle on the people, the tally or the verb that puts it
            near = (*word.children, *noun.children, *noun.head.children)
            participle = next(
                (c for c in near if c.dep_ in ("acl", "amod", "advcl") and self.lex.has("casualty_verb", c)),
                None,
            )
            if participle is not None and word is not noun:  # "the number of Pakistani soldiers killed"
                return self._casualty_field(participle)
        value = self.lex.value("casualty_noun", word.lemma_.lower())
        if value is None and noun.dep_ == "conj" and self.lex.has("casualty_verb", noun.head):
            value = self.lex.value("casualty_verb", noun.lemma_)  # "three killed and at least four hurt"
        return str(value) if value else None

    def _tallied(self, noun: Token) -> list[Token]:
        """The people a tally counts: 'the number of Pakistani soldiers killed' -> soldiers."""
        if noun.pos_ != "NOUN" or not self.lex.has("tally_noun", noun):
            return []
        return [o for p in noun.children if p.lower_ == "of" for o in p.children if o.dep_ == "pobj"]

    def _disowned(self, verb: Token) -> bool:
        """A toll in a claim the text denies or calls unconfirmed ('the claim by X to have killed 137
        soldiers has not been confirmed', 'X denied killing 20'): not a toll the text gives."""
        if any(c.dep_ == "nsubj" and self.lex.has("claim_noun", c) for c in verb.children):
            # "the claim by X to have killed 137 soldiers has not been confirmed", parsed as the claim killing
            return any(self._negated(a) or self.lex.has("deny_verb", a) for a in verb.ancestors)
        for governor in verb.ancestors:
            if self.lex.has("deny_verb", governor):
                return True
            if self.lex.has("claim_noun", governor) and governor.dep_ in ("nsubj", "nsubjpass", "dobj"):
                return self._negated(governor.head) or self.lex.has("deny_verb", governor.head)
            if self.lex.has("speech_verb", governor):
                return False
        return False

    def _victim(self, token: Token) -> Token:
        """The people a victim word stands for: a relative pronoun's antecedent, and for a name in
        apposition the noun it names ('a girl, Amina X, who was wounded' -> girl)."""
        token = self.reader.antecedent(token)
        if token.dep_ == "appos" and self.lex.has("person_noun", token.head):
            return token.head
        return token

    def _year_war(self, noun: Token) -> bool:
        """'the war of 2020', 'the 2008 war': a war named by its year."""
        return self.lex.has("war_noun", noun) and any(
            t.like_num and len(t.text) == 4 and t.text.isdigit() for t in noun.subtree if t is not noun
        )

    def _negated(self, verb: Token) -> bool:
        """'has not been confirmed', 'never happened'."""
        return any(c.dep_ == "neg" or self.lex.has("negation_word", c) for c in verb.children)

    def _either(self, verb: Token) -> bool:
        """'killed or wounded', 'killed or captured': a count that is not one or the other (but
        'injuries or shock' are injuries)."""
        if verb.pos_ == "VERB":
            return any(c.dep_ == "cc" and c.lower_ == "or" for c in (*verb.children, *verb.head.children))
        for word, other in [(verb, c) for c in verb.children if c.dep_ == "conj"] + [(verb.head, verb)]:
            if other.dep_ == "conj" and any(c.dep_ == "cc" and c.lower_ == "or" for c in word.children):
                if self._casualty_word(word) and self._casualty_word(other):
                    return True
        return False

    def _casualty_word(self, token: Token) -> bool:
        """Whether a word says people were killed or wounded."""
        return any(self.lex.has(c, token) for c in ("casualty_verb", "casualty_noun", "casualty_state"))

    def _counts(self, victims: list[Token], verb: Token) -> list[dict[str, Any]]:
        """Each victim phrase's count, qualifier and party ('two Azerbaijani civilians')."""
        counts: list[dict[str, Any]] = []
        if verb.pos_ == "NOUN":
            nouns = list(victims)  # "31 martyrs and 55 wounded": each casualty word counts its own
        else:
            nouns = [
                n for v in victims for n in (v, *v.conjuncts) if n is v or not self._counted_elsewhere(n)
            ]
        nouns += [c for n in nouns for c in n.children if c.dep_ == "appos"]
        for noun in nouns:
            if self._subset(noun):
                continue
            if not (
                self.lex.has("person_noun", noun)
                or self.lex.has("casualty_noun", noun)
                or noun.like_num
                or self._counted_demonym(noun)
            ):
                continue
            value, qualifier = self.reader.count(noun)
            if value is None:
                continue
            party = self._count_party(noun, verb)
            if party is None and counts and (noun.like_num or self.lex.has("remainder_word", noun)):
                party = counts[-1]["party"]
            again = verb.pos_ == "NOUN" and (self.lex.has("tally_noun", verb) or verb.lemma_ == "toll")
            counts.append(
                {"count": value, "qualifier": qualifier, "party": party, "noun": noun.i, "again": again}
            )
        return counts

    def _people_in(self, noun: Token) -> str | None:
        """'two people in Tel Aviv were wounded': the state of the place the people are said to be in."""
        for prep in noun.children:
            if prep.dep_ == "prep" and prep.lower_ == "in":
                for place in (c for c in prep.children if c.dep_ == "pobj"):
                    state = self.reader.place_state(self.reader.key_at(place))
                    if state:
                        return state
        return None

    def _subset(self, noun: Token) -> bool:
        """'two of them critically', 'among them four women': a part of a count already given, never a
        count of its own."""
        if noun.dep_ == "pobj" and self.lex.has("subset_preposition", noun.head):
            return True  # "12 people, including three soldiers"
        partitive = [o for p in noun.children if p.dep_ == "prep" for o in p.children]
        return any(
            self.lex.has("plural_pronoun", o)
            # "among them four women" before the count; "ten others, among them a child" is the whole
            and (
                (self.lex.has("subset_preposition", o.head) and o.i < noun.i)
                or (noun.like_num and o.head.lower_ == "of")
            )
            for o in partitive
        )

    def _counted_demonym(self, noun: Token) -> bool:
        """'Two Armenian and three Azerbaijani soldiers': a counted demonym whose noun is left out."""
        return (
            noun.pos_ in ("ADJ", "PROPN")
            and any(c.dep_ == "nummod" for c in noun.children)
            and self.reader.gazetteer.demonym_state(noun.text) is not None
            and self.reader.is_party(self.reader.key_at(noun))
        )

    def _reported_own(self, noun: Token) -> str | None:
        """'Pakistani officials said 23 soldiers were killed': soldiers of no side said, counted by a
        state's voice, are its own forces."""
        if not self.lex.has("force_noun", noun):
            return None
        voice = self.reader.voice(noun)
        state = self.reader.state(voice) if voice else None
        return self.reader.force_or_state(state) if state else None

    def _counted_elsewhere(self, noun: Token) -> bool:
        """A conjoined phrase with a casualty word of its own ('55 wounded') is another count."""
        return self.lex.has("casualty_noun", noun) or any(
            c.dep_ in ("acl", "amod") and self.lex.has("casualty_verb", c) for c in noun.children
        )

    def _count_party(self, noun: Token, verb: Token) -> str | None:
        """Whose people a counted phrase names: its own words, 'nine of its soldiers', the clause ('on
        the Kyrgyz side'), the state whose voice counts its forces, the place they are said to be in.
        'Our' people are the speaker's, and no one's when the speaker is not known."""
        of_whom = [o for p in noun.children if p.lower_ == "of" for o in p.children if o.dep_ == "pobj"]
        if any(self.lex.has("first_person", c) for n in (noun, *of_whom) for c in n.children):
            voice = self.reader.voice(noun)
            return self.reader.state(voice) or voice if voice else None
        party = self.reader.party(noun) or self._party_of_people(noun) or self._side_said(verb)
        party = party or self._reported_own(noun) or self._people_in(noun)
        if of_whom and noun.like_num:  # "nine of its soldiers"
            party = self.reader.party(of_whom[0]) or party
        return party

    def _party_of_people(self, noun: Token) -> str | None:
        """'two soldiers of the Azerbaijani Army' -> their side (the phrase itself, not the clauses
        hanging on it)."""
        own = list(self.doc[noun.left_edge.i : noun.i + 1])
        own += [t for p in noun.children if p.lower_ == "of" for t in p.subtree]
        for t in own:
            key = self.reader.key_at(t)
            if key and self.reader.is_party(key):
                return key
        return None

    def _side_said(self, verb: Token) -> str | None:
        """Whose casualties the clause says: 'on the Kyrgyz side', 'killed in Lebanon'."""
        for t in verb.subtree:
            if t.lower_ == "side" and t.head.lower_ == "on":
                party = self.reader.party(t)
                if party:
                    return self.reader.state(party)
            if t.dep_ == "pobj" and t.head.lower_ == "in" and t.head.head.i == verb.i:
                state = self.reader.place_state(self.reader.key_at(t))
                if state:
                    return state
        return None

    def _nearest_event(self, verb: Token) -> int | None:
        """The attack or clash mention of the casualty's sentence, else the last one before it."""
        sent = verb.sent
        same = [m for i, m in self.at.items() if sent.start <= i < sent.end and m.kind in ("Attack", "Clash")]
        if same:
            return min(same, key=lambda m: abs(m.trigger - verb.i)).trigger
        before = [m for i, m in self.at.items() if i < verb.i and m.kind in ("Attack", "Clash")]
        return max(before, key=lambda m: m.trigger).trigger if before else None

    # --- dates ----------------------------------------------------------------------------------

    def add_dates(self, mention: EventMention, trigger: Token, sent: Span) -> None:
        """The dates the trigger's clause gives (and, as a fallback, when the event was reported)."""
        verbs = {trigger.i, trigger.head.i} | {c.i for c in trigger.children if c.pos_ == "VERB"}
        frame = trigger if trigger.pos_ == "VERB" else governing_verb(trigger, ("VERB",))
        if frame is not None and not self.lex.has("speech_verb", frame):
            verbs |= {frame.i} | {t.i for t in frame.subtree if t.dep_ in ("acl", "relcl")}
        nouns = [trigger] if trigger.pos_ == "NOUN" else []
        nouns += [
            o
            for c in trigger.children
            if c.dep_ == "prep"
            for o in c.children
            if self.lex.has("attack_noun", o)
        ]
        clauses = [c for n in nouns for c in n.children if c.dep_ in ("relcl", "acl")]
        verbs |= {c.i for c in clauses} | {g.i for c in clauses for g in c.conjuncts}
        starts, ends = self.reader.dates(sent, verbs)
        published = self.reader.published
        for i in word_positions(sent.doc, "overnight"):
            t = sent.doc[i]
            if published is not None and sent.start <= i < sent.end and t.ent_type_ not in ("DATE", "TIME"):
                governor = governing_verb(t, ("VERB",))
                if governor is not None and governor.i in verbs:
                    night = (published - dt.timedelta(days=1)).isoformat()
                    starts.append(ResolvedDate(night, night, "day"))
        record = self.record_of(sent)
        if record is not None:
            mention.props["record"] = record
            if not starts and not ends:
                starts = self.record_dates(record)
        mention.props.setdefault("starts", starts)
        mention.props.setdefault("ends", ends)
        reported = self.reader.dates(sent, None, speech=True)
        mention.props["reported"] = reported[0] + reported[1]

    def record_of(self, sent: Span) -> int | None:
        """The coded record whose account the sentence is in ('ETH-03 | 7 August 2023 | ...' and the
        line after it), by its number in the document."""
        for number, (_start, end, _date_start, _date_end, body_end) in enumerate(self.doc._.kg_records or ()):
            if end <= sent.start < body_end:
                return number
        return None

    def record_dates(self, record: int) -> list[ResolvedDate]:
        """The date a coded record's header gives, for an event its own sentence does not date."""
        _start, _end, date_start, date_end, _body = self.doc._.kg_records[record]
        resolved = resolve_date(self.doc[date_start:date_end].text, self.reader.published)
        return [resolved] if resolved is not None else []

    def _past_date(self, token: Token) -> ResolvedDate | None:
        """A date hanging on the clash word, its noun or their clause, well before the report."""
        published = self.reader.published
        noun = token.head.head if token.dep_ == "pobj" and token.head.dep_ == "prep" else token
        own = {token.i, token.head.i, noun.i} | {c.i for c in token.children}
        if noun.dep_ == "attr":
            own.add(noun.head.i)
        for ent, text in date_phrases(token.sent):
            if ent.label_ != "DATE" or not ({ent.root.i, ent.root.head.i, ent.root.head.head.i} & own):
                continue
            resolved = resolve_date(text, published)
            if resolved is None:
                continue
            if published is None or resolved.end < (published - dt.timedelta(days=21)).isoformat():
                return resolved
        return None


class EventRecognizer:
    """Read the event mentions of each Doc from its frame matches."""

    def __init__(self, rules: Rules) -> None:
        register_extensions()
        self.rules = rules

    def __call__(self, doc: Doc) -> Doc:
        """Add the Doc's event mentions to its DocGraph."""
        EventReader(doc, self.rules).read()
        return doc


@Language.factory("kg_events", requires=["doc._.kg", "doc._.kg_frames"], assigns=["doc._.kg"])
def make_events(nlp: Language, name: str) -> EventRecognizer:
    """Factory: event mentions (attacks, clashes, casualties, ceasefires, agreements, meetings)."""
    return EventRecognizer(load_rules())
