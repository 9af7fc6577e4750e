"""Extraction generalises across phrasings: each test feeds a short text of its own to
`kg.extract.extract_documents` and checks what a user of the graph would notice: labels and
names, relations between named entities, their attributes, and the sentence that states them.

Parties are compared the way the templates compare them: a State stands for itself, its
ministries (MINISTRY_OF) and its armed forces (ARMED_FORCE_OF).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pytest

from kg.models import Document, Entity, Extraction, Relation
from kg.names import normalise_name

pytestmark = pytest.mark.model

ATTACK_KINDS = ("Attack", "Clash")
PLACE_LABELS = ("Settlement", "Region", "Territory", "State")


@dataclass
class Facts:
    """One document's extraction, read by entity names rather than keys."""

    extraction: Extraction
    by_key: dict[str, Entity] = field(init=False)

    def __post_init__(self) -> None:
        self.by_key = {e.key: e for e in self.extraction.entities}

    @property
    def text(self) -> str:
        return self.extraction.document.text

    def name(self, key: str) -> str:
        entity = self.by_key.get(key)
        return entity.name if entity else key

    def label(self, key: str) -> str | None:
        entity = self.by_key.get(key)
        return entity.label if entity else None

    def named(self, name: str, *labels: str) -> list[Entity]:
        """Entities called `name` (by name or alias, folded), optionally of the given labels."""
        wanted = normalise_name(name)
        return [
            e
            for e in self.extraction.entities
            if (not labels or e.label in labels)
            and wanted in {normalise_name(n) for n in [e.name, *e.aliases]}
        ]

    def names(self, *labels: str) -> set[str]:
        return {e.name for e in self.extraction.entities if e.label in labels}

    def rels(self, *types: str) -> list[Relation]:
        return [r for r in self.extraction.relations if r.type in types]

    def keys_of(self, name: str, *labels: str) -> set[str]:
        return {e.key for e in self.named(name, *labels)}

    def party(self, state: str) -> set[str]:
        """Keys standing for a state: the state, its ministries, armed forces and representatives."""
        states = self.keys_of(state, "State")
        members = {
            r.source for r in self.rels("MINISTRY_OF", "ARMED_FORCE_OF", "REPRESENTS") if r.target in states
        }
        return states | members

    def labelled(self, *labels: str) -> list[Entity]:
        return [e for e in self.extraction.entities if e.label in labels]

    def ends(self, source: str, *types: str) -> set[str]:
        """Names of what `source` points to through relations of the given types."""
        return {self.name(r.target) for r in self.rels(*types) if r.source == source}

    def attacks_by(self, state: str) -> list[Entity]:
        """Attacks and clashes whose ATTACKER is the state or one of its bodies."""
        party = self.party(state)
        keys = {r.source for r in self.rels("ATTACKER") if r.target in party}
        return [e for e in self.labelled(*ATTACK_KINDS) if e.key in keys]

    def hit_places(self, state: str) -> set[str]:
        """Names of the places hit (LOCATION) by the state's attacks."""
        return {name for a in self.attacks_by(state) for name in self.ends(a.key, "LOCATION")}

    def between(
        self, type_: str, source_names: set[str] | str, target_names: set[str] | str
    ) -> list[Relation]:
        """Relations of a type from any of the source keys' names to any of the targets' names."""
        sources = {source_names} if isinstance(source_names, str) else source_names
        targets = {target_names} if isinstance(target_names, str) else target_names
        folded_s = {normalise_name(s) for s in sources}
        folded_t = {normalise_name(t) for t in targets}
        return [
            r
            for r in self.rels(type_)
            if normalise_name(self.name(r.source)) in folded_s
            and normalise_name(self.name(r.target)) in folded_t
        ]

    def from_party(self, type_: str, state: str, targets: Iterable[str] | None = None) -> list[Relation]:
        """Relations of a type starting at a party (a state or its bodies), optionally into given keys."""
        party = self.party(state)
        wanted = set(targets) if targets is not None else None
        return [r for r in self.rels(type_) if r.source in party and (wanted is None or r.target in wanted)]

    def to_party(self, type_: str, state: str) -> list[Relation]:
        party = self.party(state)
        return [r for r in self.rels(type_) if r.target in party]


def extract(nlp: Any, text: str, *, published: str | None = "2024-05-20", title: str | None = None) -> Facts:
    """Run the extractor on one hand-built document."""
    from kg.extract import extract_documents

    key = "doc:" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]
    document = Document(key=key, title=title, text=text, published=published)
    results = list(extract_documents([document], nlp=nlp))
    assert len(results) == 1, "one document in, one extraction out"
    assert results[0].document.key == key
    return Facts(results[0])


def stated_by(relations: list[Relation], fragment: str) -> bool:
    """Whether one of the relations carries, as evidence, a sentence containing the fragment."""
    return any(fragment in sentence for r in relations for sentence in r.evidence)


# --- places and containment ------------------------------------------------------------


def test_villages_listed_with_their_district_are_located_in_it(nlp: Any) -> None:
    text = (
        "Artillery fire hit the villages of Chorvoq, Kurbak and Sogment in the Kadamjay district "
        "on Sunday, local officials said."
    )
    facts = extract(nlp, text)
    assert {"Chorvoq", "Kurbak", "Sogment"} <= facts.names("Settlement")
    assert "Kadamjay" in facts.names("Region")
    for village in ("Chorvoq", "Kurbak", "Sogment"):
        located = facts.between("LOCATED_IN", village, "Kadamjay")
        assert located, f"{village} is not LOCATED_IN Kadamjay"
        assert stated_by(located, "in the Kadamjay district")


def test_settlements_of_a_region_in_the_seed_phrasing_are_located_in_it(nlp: Any) -> None:
    text = (
        "Armenian forces fired in the directions of Aghdam settlement of the Tovuz region and "
        "Gulustan and Zeyva settlements of the Goranboy region, the ministry said."
    )
    facts = extract(nlp, text)
    assert facts.between("LOCATED_IN", "Aghdam", "Tovuz")
    assert facts.between("LOCATED_IN", "Gulustan", "Goranboy")
    assert facts.between("LOCATED_IN", "Zeyva", "Goranboy")
    assert not facts.between("LOCATED_IN", "Aghdam", "Goranboy")


def test_a_place_in_a_states_province_chains_up_to_the_state(nlp: Any) -> None:
    text = "The town of Shebekino in Russia's Belgorod region was shelled on Saturday, the governor said."
    facts = extract(nlp, text)
    assert "Shebekino" in facts.names("Settlement")
    assert facts.between("LOCATED_IN", "Shebekino", "Belgorod")
    assert facts.between("LOCATED_IN", "Belgorod", "Russia")


def test_same_village_in_two_districts_stays_two_settlements(nlp: Any) -> None:
    text = (
        "Shells landed in Tazakend in the Dashkasan district late on Monday. "
        "Hours later, drones struck Tazakend in the Tartar district, the ministry said."
    )
    facts = extract(nlp, text)
    villages = facts.named("Tazakend", "Settlement")
    assert len({v.key for v in villages}) == 2
    containers = {frozenset(facts.ends(v.key, "LOCATED_IN")) for v in villages}
    assert containers == {frozenset({"Dashkasan"}), frozenset({"Tartar"})}


# --- attacks ---------------------------------------------------------------------------


def test_passive_shelling_names_the_attacker(nlp: Any) -> None:
    text = (
        "The town of Kupiansk in the Kharkiv oblast was shelled by Russian troops overnight, "
        "the regional governor said on Tuesday."
    )
    facts = extract(nlp, text)
    attacks = facts.attacks_by("Russia")
    assert attacks, "no attack with Russia (or its forces) as ATTACKER"
    assert "Kupiansk" in facts.hit_places("Russia")
    assert not facts.attacks_by("Ukraine"), "the passive subject is the target, not the attacker"


def test_positions_located_near_a_village_make_it_the_place_hit(nlp: Any) -> None:
    text = (
        "Armenian armed forces fired on the positions of the Azerbaijani army located near the village "
        "of Gulabird in the Lachin district, Azerbaijan's Defence Ministry said."
    )
    facts = extract(nlp, text)
    assert "Gulabird" in facts.hit_places("Armenia")
    attack_keys = {a.key for a in facts.attacks_by("Armenia")}
    targets = {r.source for r in facts.to_party("TARGET", "Azerbaijan")}
    assert attack_keys & targets, "the Azerbaijani army is the attack's TARGET"
    assert facts.between("LOCATED_IN", "Gulabird", "Lachin")


def test_fire_coming_from_a_place_is_the_attack_origin(nlp: Any) -> None:
    text = (
        "Azerbaijani units opened fire on Armenian positions near the village of Nerkin Hand on Friday. "
        "The fire came from Azerbaijani positions in the Zangilan district, "
        "the Armenian Defence Ministry said."
    )
    facts = extract(nlp, text)
    attacks = facts.attacks_by("Azerbaijan")
    assert attacks
    origins = {name for a in attacks for name in facts.ends(a.key, "ORIGIN")}
    assert "Zangilan" in origins
    assert "Nerkin Hand" not in origins
    assert "Nerkin Hand" in facts.hit_places("Azerbaijan")


def test_ministry_that_said_it_reports_the_attack(nlp: Any) -> None:
    text = (
        "Tajik forces shelled the village of Kok-Tash with mortars on Wednesday, "
        "Kyrgyzstan's Ministry of Defence said in a statement."
    )
    facts = extract(nlp, text)
    attacks = {a.key for a in facts.attacks_by("Tajikistan")}
    assert attacks
    ministries = facts.named("Ministry of Defence of Kyrgyzstan", "Ministry")
    assert ministries, f"ministries found: {facts.names('Ministry')}"
    reporters = {r.source for r in facts.rels("REPORTED") if r.target in attacks}
    assert reporters & facts.party("Kyrgyzstan")


def test_regional_governor_quoted_by_name_reports_the_attack(nlp: Any) -> None:
    text = (
        "Russian forces shelled the city of Kherson with artillery on Sunday, "
        "regional governor Serhii Koval said."
    )
    facts = extract(nlp, text)
    assert "Serhii Koval" in facts.names("Person")
    attacks = {a.key for a in facts.attacks_by("Russia")}
    reporters = {facts.name(r.source) for r in facts.rels("REPORTED") if r.target in attacks}
    assert "Serhii Koval" in reporters


def test_ministry_citing_another_ministry_keeps_both_as_ministries_of_the_state(nlp: Any) -> None:
    text = (
        "The Ministry of Foreign Affairs of Tajikistan, citing the country's Ministry of Defence, said "
        "Kyrgyz troops had shelled the village of Khoja Alo in the Isfara district."
    )
    facts = extract(nlp, text)
    assert facts.named("Ministry of Foreign Affairs of Tajikistan", "Ministry")
    assert facts.named("Ministry of Defence of Tajikistan", "Ministry"), facts.names("Ministry")
    tajik = facts.keys_of("Tajikistan", "State")
    ministries_of_tajikistan = {r.source for r in facts.rels("MINISTRY_OF") if r.target in tajik}
    assert len(ministries_of_tajikistan) == 2
    assert "Khoja Alo" in facts.hit_places("Kyrgyzstan")
    attacks = {a.key for a in facts.attacks_by("Kyrgyzstan")}
    assert {r.source for r in facts.rels("REPORTED") if r.target in attacks} & ministries_of_tajikistan


# --- casualties ------------------------------------------------------------------------


def _casualties(facts: Facts, state: str) -> list[Relation]:
    return [r for r in facts.to_party("PARTICIPANT", state) if r.killed is not None or r.wounded is not None]


def test_soldiers_killed_and_wounded_are_counted_for_their_side(nlp: Any) -> None:
    text = (
        "Two Armenian soldiers were killed and three wounded when Azerbaijani troops opened fire near "
        "the village of Tegh, the Armenian Defence Ministry said."
    )
    facts = extract(nlp, text)
    counted = _casualties(facts, "Armenia")
    assert any(r.killed == 2 for r in counted), counted
    assert any(r.wounded == 3 for r in counted), counted
    assert not _casualties(facts, "Azerbaijan")


def test_killing_at_least_n_civilians_keeps_the_qualifier(nlp: Any) -> None:
    text = (
        "An Israeli air strike hit a house in the village of Srifa in southern Lebanon on Monday, "
        "killing at least five Lebanese civilians, the health ministry said."
    )
    facts = extract(nlp, text)
    counted = [r for r in _casualties(facts, "Lebanon") if r.killed == 5]
    assert counted, _casualties(facts, "Lebanon")
    assert counted[0].qualifier == "at least"
    assert stated_by(counted, "killing at least five Lebanese civilians")


def test_at_least_n_people_died_is_a_death_toll(nlp: Any) -> None:
    text = (
        "At least 12 people died in the attacks on Tajik villages, "
        "the Ministry of Foreign Affairs of Tajikistan said on Saturday."
    )
    facts = extract(nlp, text)
    counted = [r for r in _casualties(facts, "Tajikistan") if r.killed == 12]
    assert counted, facts.rels("PARTICIPANT")
    assert counted[0].qualifier == "at least"


def test_more_than_n_killed_on_each_side_are_two_tolls(nlp: Any) -> None:
    text = "More than 50 Kyrgyz soldiers and 30 Tajik servicemen were killed in the border clashes in April."
    facts = extract(nlp, text)
    kyrgyz = [r for r in _casualties(facts, "Kyrgyzstan") if r.killed == 50]
    tajik = [r for r in _casualties(facts, "Tajikistan") if r.killed == 30]
    assert kyrgyz and tajik, facts.rels("PARTICIPANT")
    assert kyrgyz[0].qualifier == "more than"


def test_wounded_alone_leaves_killed_empty(nlp: Any) -> None:
    text = "One Azerbaijani serviceman was wounded after Armenian forces fired on army positions in Lachin."
    facts = extract(nlp, text)
    counted = _casualties(facts, "Azerbaijan")
    assert any(r.wounded == 1 for r in counted), counted
    assert all(r.killed in (None, 0) for r in counted)


# --- accusations and denials -----------------------------------------------------------


def test_accused_of_violating_the_ceasefire_gives_accuser_accused_and_allegation(nlp: Any) -> None:
    text = (
        "India's Ministry of Defence accused Pakistan of violating the ceasefire along the Line of Control."
    )
    facts = extract(nlp, text)
    accusations = [r for r in facts.from_party("ACCUSES", "India") if r.target in facts.party("Pakistan")]
    assert accusations, facts.rels("ACCUSES")
    assert any(r.allegation and "ceasefire" in r.allegation.lower() for r in accusations)
    assert not [r for r in facts.from_party("ACCUSES", "Pakistan")], "the accused is not an accuser"
    assert stated_by(accusations, "accused Pakistan of violating the ceasefire")


def test_blamed_for_the_attack_is_an_accusation(nlp: Any) -> None:
    text = "Ukraine's Ministry of Foreign Affairs blamed Russia for the attack on the port of Odesa."
    facts = extract(nlp, text)
    accusations = [r for r in facts.from_party("ACCUSES", "Ukraine") if r.target in facts.party("Russia")]
    assert accusations, facts.rels("ACCUSES")
    assert any(r.allegation and "attack" in r.allegation.lower() for r in accusations)


def test_passive_accusation_names_the_accuser(nlp: Any) -> None:
    text = "Azerbaijan has accused Armenia of violating a truce and targeting its military positions."
    facts = extract(nlp, text)
    accusations = [r for r in facts.from_party("ACCUSES", "Azerbaijan") if r.target in facts.party("Armenia")]
    assert accusations
    assert any(r.allegation and "truce" in r.allegation.lower() for r in accusations)


def test_ministry_denying_the_claims_is_a_denial_by_its_state(nlp: Any) -> None:
    text = (
        "The Armenian Defence Ministry said Azerbaijani forces had shelled the village of Sotk. "
        "Azerbaijan's Defence Ministry denied the claims."
    )
    facts = extract(nlp, text)
    denials = facts.from_party("DENIES", "Azerbaijan")
    assert denials, facts.rels("DENIES")
    assert stated_by(denials, "denied the claims")
    assert not facts.from_party("DENIES", "Armenia")


def test_dismissed_as_disinformation_is_a_denial(nlp: Any) -> None:
    text = (
        "Russia's Ministry of Defence said its forces had captured the village of Robotyne. "
        "Ukraine's Ministry of Defence dismissed the claim as disinformation."
    )
    facts = extract(nlp, text)
    denials = facts.from_party("DENIES", "Ukraine")
    assert denials, facts.rels("DENIES")
    assert stated_by(denials, "dismissed the claim as disinformation")


# --- control of territory --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "published", "state", "place", "date"),
    [
        (
            "During the war, the Azerbaijani army liberated the city of Shusha on November 8, 2020.",
            "2021-07-24",
            "Azerbaijan",
            "Shusha",
            "2020-11-08",
        ),
        (
            "Russia's Ministry of Defence said on Thursday that its troops had taken control of the village "
            "of Krasnohorivka in the Donetsk region on September 10.",
            "2024-09-12",
            "Russia",
            "Krasnohorivka",
            "2024-09-10",
        ),
        (
            "Russian forces captured the town of Vuhledar in October after two years of fighting.",
            "2024-11-05",
            "Russia",
            "Vuhledar",
            "2024-10",
        ),
        (
            "Ukrainian troops recaptured the village of Staromaiorske in July 2023, the General Staff said.",
            "2023-08-01",
            "Ukraine",
            "Staromaiorske",
            "2023-07",
        ),
    ],
    ids=["liberated-on-a-day", "took-control-of-on-a-day-without-year", "captured-in-a-month", "recaptured"],
)
def test_capture_verbs_give_who_took_the_place_and_when(
    nlp: Any, text: str, published: str, state: str, place: str, date: str
) -> None:
    facts = extract(nlp, text, published=published)
    captures = facts.from_party("CAPTURED", state, facts.keys_of(place))
    assert captures, facts.rels("CAPTURED")
    assert captures[0].date == date


@pytest.mark.parametrize(
    ("text", "occupier", "place", "since"),
    [
        (
            "The Kalbajar district had been occupied by Armenian forces since 1993.",
            "Armenia",
            "Kalbajar",
            "1993",
        ),
        (
            "Enerhodar, home to a nuclear power plant, has been occupied by Russian forces since March 2022.",
            "Russia",
            "Enerhodar",
            "2022-03",
        ),
        (
            "Israel has occupied the Shebaa Farms, a strip claimed by Lebanon, since 1967.",
            "Israel",
            "Shebaa Farms",
            "1967",
        ),
    ],
    ids=["passive-past-perfect", "passive-present-perfect-month", "active"],
)
def test_occupied_since_records_the_occupier_and_the_start(
    nlp: Any, text: str, occupier: str, place: str, since: str
) -> None:
    facts = extract(nlp, text)
    occupations = facts.from_party("OCCUPIED", occupier, facts.keys_of(place))
    assert occupations, facts.rels("OCCUPIED")
    assert occupations[0].since == since


def test_internationally_recognised_as_part_of_links_territory_to_state(nlp: Any) -> None:
    text = (
        "Russia annexed Crimea in 2014, but the peninsula is internationally recognised as part of Ukraine."
    )
    facts = extract(nlp, text)
    assert facts.named("Crimea", "Territory")
    recognised = facts.between("RECOGNISED_AS_PART_OF", "Crimea", "Ukraine")
    assert recognised
    assert not facts.between("RECOGNISED_AS_PART_OF", "Crimea", "Russia")


def test_territory_alias_is_one_entity(nlp: Any) -> None:
    text = (
        "The Armenian military occupied Nagorno-Karabakh, also known as Upper Karabakh, a territory "
        "internationally recognised as part of Azerbaijan."
    )
    facts = extract(nlp, text)
    assert len(facts.named("Upper Karabakh")) == 1
    assert facts.named("Upper Karabakh") == facts.named("Nagorno-Karabakh")
    assert facts.between("RECOGNISED_AS_PART_OF", "Nagorno-Karabakh", "Azerbaijan")


# --- talks, hosts, mediators and brokers -----------------------------------------------


def _mediators(facts: Facts, type_: str) -> set[str]:
    return {facts.name(r.target) for r in facts.rels(type_)}


def test_meeting_hosted_by_a_state_names_the_host(nlp: Any) -> None:
    text = (
        "The meeting between the foreign ministers of Armenia and Azerbaijan in Almaty was hosted by "
        "Kazakhstan on Friday."
    )
    facts = extract(nlp, text)
    assert facts.labelled("Meeting")
    assert _mediators(facts, "HOSTED_BY") == {"Kazakhstan"}


def test_state_hosting_talks_actively_is_the_host(nlp: Any) -> None:
    text = (
        "The United States hosted talks between the foreign ministers of Armenia and Azerbaijan "
        "in Washington."
    )
    facts = extract(nlp, text)
    assert facts.labelled("Meeting")
    assert _mediators(facts, "HOSTED_BY") == {"United States"}


def test_talks_mediated_by_a_state_name_the_mediator(nlp: Any) -> None:
    text = "Talks between Kyrgyzstan and Tajikistan on the border dispute were mediated by Russia in Moscow."
    facts = extract(nlp, text)
    assert _mediators(facts, "MEDIATED_BY") == {"Russia"}


def test_under_the_auspices_of_is_mediation(nlp: Any) -> None:
    text = "The leaders of Armenia and Azerbaijan met in Brussels under the auspices of the European Union."
    facts = extract(nlp, text)
    assert facts.labelled("Meeting")
    assert "European Union" in _mediators(facts, "MEDIATED_BY")
    assert facts.named("European Union", "Organization")


def test_truce_brokered_by_two_states_names_both_brokers(nlp: Any) -> None:
    text = (
        "The truce between Israel and Hezbollah, brokered by the United States and France, "
        "took effect on Wednesday."
    )
    facts = extract(nlp, text)
    assert facts.labelled("Ceasefire")
    assert _mediators(facts, "BROKERED_BY") == {"United States", "France"}


def test_adjective_brokered_ceasefire_names_the_broker(nlp: Any) -> None:
    text = "The 2020 war between Armenia and Azerbaijan ended with a Russian-brokered ceasefire."
    facts = extract(nlp, text)
    assert facts.labelled("Ceasefire")
    assert _mediators(facts, "BROKERED_BY") == {"Russia"}


# --- names, dates, evidence ------------------------------------------------------------


def test_ministry_spellings_are_one_canonical_ministry(nlp: Any) -> None:
    text = (
        "Azerbaijan's Defence Ministry said on Friday that Armenian units had fired on its positions. "
        "The Azerbaijani Ministry of Defense added that the army took retaliatory measures."
    )
    facts = extract(nlp, text)
    ministries = facts.labelled("Ministry")
    assert len(ministries) == 1, [m.name for m in ministries]
    assert normalise_name(ministries[0].name) in {
        normalise_name("Ministry of Defence of Azerbaijan"),
        normalise_name("Ministry of Defense of Azerbaijan"),
    }
    assert facts.between("MINISTRY_OF", ministries[0].name, "Azerbaijan")


def test_demonym_forces_belong_to_their_state(nlp: Any) -> None:
    text = "Armenian forces fired on Azerbaijani positions near Tovuz on Thursday."
    facts = extract(nlp, text)
    forces = facts.labelled("ArmedForce")
    owners = {facts.name(r.target) for r in facts.rels("ARMED_FORCE_OF")}
    assert {"Armenia", "Azerbaijan"} <= owners, [f.name for f in forces]
    assert not facts.named("Armenian", "Settlement", "Region", "Person", "Organization")


def test_person_with_a_title_represents_their_state(nlp: Any) -> None:
    text = "Armenian Foreign Minister Arman Hakobyan met his Azerbaijani counterpart in Almaty on Friday."
    facts = extract(nlp, text)
    people = facts.named("Arman Hakobyan", "Person")
    assert people
    represents = [r for r in facts.rels("REPRESENTS") if r.source == people[0].key]
    assert {facts.name(r.target) for r in represents} & {"Armenia", "Ministry of Foreign Affairs of Armenia"}
    assert any(r.title and "foreign minister" in r.title.lower() for r in represents)


def test_relative_days_resolve_against_the_published_date(nlp: Any) -> None:
    text = (
        "Armenian units fired on Azerbaijani positions in the Kalbajar district in attacks that started late "
        "on Thursday night and continued until Friday morning, the ministry said."
    )
    facts = extract(nlp, text, published="2022-09-23")
    attacks = facts.attacks_by("Armenia")
    assert attacks
    assert (attacks[0].start, attacks[0].end) == ("2022-09-22", "2022-09-23")
    assert attacks[0].date_precision == "day"


def test_relative_days_stay_unresolved_without_a_published_date(nlp: Any) -> None:
    text = "Armenian units fired on Azerbaijani positions in the Kalbajar district late on Thursday night."
    facts = extract(nlp, text, published=None)
    attacks = facts.attacks_by("Armenia")
    assert attacks
    assert attacks[0].start is None


def test_every_relation_carries_a_sentence_of_the_document_as_evidence(nlp: Any) -> None:
    text = (
        "Azerbaijani troops fired on Armenian positions near the village of Sotk in the Gegharkunik province "
        "on Tuesday, the Armenian Defence Ministry said. One Armenian serviceman was killed. "
        "Armenia's Foreign Ministry accused Azerbaijan of violating the ceasefire."
    )
    facts = extract(nlp, text)
    assert facts.extraction.relations
    sentences = [
        "Azerbaijani troops fired on Armenian positions near the village of Sotk in the Gegharkunik province "
        "on Tuesday, the Armenian Defence Ministry said.",
        "One Armenian serviceman was killed.",
        "Armenia's Foreign Ministry accused Azerbaijan of violating the ceasefire.",
    ]
    for relation in facts.extraction.relations:
        assert relation.evidence, f"{relation.type} has no evidence"
        for sentence in relation.evidence:
            assert sentence.strip() in text, f"{relation.type} evidence is not from the text: {sentence!r}"
    located = facts.between("LOCATED_IN", "Sotk", "Gegharkunik")
    assert located and all(s.strip() == sentences[0] for s in located[0].evidence)
    accusations = facts.rels("ACCUSES")
    charged = [r for r in accusations if "violating" in (r.allegation or "")]
    assert charged and all(s.strip() == sentences[2] for r in charged for s in r.evidence)
    reported = [r for r in accusations if r not in charged]  # the ministry reporting the fire on its side
    assert all(s.strip() == sentences[0] for r in reported for s in r.evidence)


def test_read_more_links_are_not_read_as_content(nlp: Any) -> None:
    from kg.extract import extract_documents

    document = Document(
        key="doc:links",
        title="Soldier wounded in Lachin",
        text="Armenian forces fired on Azerbaijani army positions near the village of Zabukh in Lachin.",
        published="2021-07-24",
        links=["Turkish and Azerbaijani troops hold joint drills in Nakhchivan"],
    )
    [extraction] = list(extract_documents([document], nlp=nlp))
    facts = Facts(extraction)
    assert "Zabukh" in facts.names("Settlement")
    assert not facts.named("Nakhchivan")
    assert not facts.named("Turkey")


def test_text_without_conflict_content_yields_no_events(nlp: Any) -> None:
    text = "The city council of Yerevan approved a new budget for public parks on Tuesday."
    facts = extract(nlp, text)
    assert not facts.labelled("Attack", "Clash", "Ceasefire", "Agreement")
    assert not facts.rels("ACCUSES", "ATTACKER", "TARGET", "PARTICIPANT")
