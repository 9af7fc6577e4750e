"""Events in the general language of conflict reporting: mediators, casualties, dates, origins.

Each text here is our own, written to pin one rule; none is copied from a real article.
"""

from __future__ import annotations

import pytest
from reading import extract_text

from kg.models import Extraction

pytestmark = pytest.mark.model


def _names(ex: Extraction) -> dict[str, str]:
    return {e.key: e.name for e in ex.entities}


def _edges(ex: Extraction, rtype: str) -> list[tuple[str, str]]:
    names = _names(ex)
    return [(names[r.source], names[r.target]) for r in ex.relations if r.type == rtype]


def _targets_of(ex: Extraction, rtype: str) -> set[str]:
    return {target for _source, target in _edges(ex, rtype)}


def test_host_named_after_the_parties_of_talks_is_the_host_not_a_participant(nlp):
    ex = extract_text(
        nlp,
        "The talks between the Armenian and Azerbaijani foreign ministers hosted by the United States "
        "ended on Tuesday.",
    )
    assert "United States" in _targets_of(ex, "HOSTED_BY")
    assert "United States" not in _targets_of(ex, "PARTICIPANT")


def test_broker_hanging_on_the_subject_of_the_talks_brokers_them(nlp):
    ex = extract_text(nlp, "Talks on a grain deal, brokered by Turkey, continued in Istanbul on Monday.")
    assert "Turkey" in _targets_of(ex, "BROKERED_BY")


def test_talks_held_under_the_auspices_of_a_body_are_mediated_by_it(nlp):
    ex = extract_text(
        nlp, "Armenia and Azerbaijan held two rounds of talks under the auspices of the European Union."
    )
    assert "European Union" in _targets_of(ex, "MEDIATED_BY")


def test_one_border_guard_killed_counts_one_dead(nlp):
    ex = extract_text(nlp, "One Tajik border guard was killed in a shootout with Kyrgyz forces on Monday.")
    killed = [r.killed for r in ex.relations if r.type == "PARTICIPANT" and r.killed is not None]
    assert killed == [1]


def test_clashes_that_left_people_dead_count_the_dead(nlp):
    ex = extract_text(
        nlp, "Kyrgyz and Tajik forces clashed on Monday. The clashes left twelve Tajik soldiers dead."
    )
    assert [r.killed for r in ex.relations if r.killed is not None] == [12]


def test_casualties_go_to_the_attack_whose_clause_caused_them(nlp):
    ex = extract_text(
        nlp,
        "Israeli drone strikes killed three people in south Lebanon on Tuesday as Hezbollah fired "
        "rockets at northern Israel.",
    )
    names = _names(ex)
    counted = [names[r.source] for r in ex.relations if r.type == "PARTICIPANT" and r.killed == 3]
    assert counted and all("Israel" in name for name in counted)


def test_clash_dated_months_before_the_report_is_a_separate_earlier_clash(nlp):
    ex = extract_text(
        nlp,
        "Kyrgyz and Tajik troops clashed on the border on Thursday. The fighting last October killed "
        "dozens of soldiers.",
        published="2022-01-28",
    )
    clashes = [e for e in ex.entities if e.label == "Clash"]
    assert sorted(e.start for e in clashes) == ["2021-10", "2022-01-27"]


def test_fighting_that_a_place_was_the_scene_of_takes_the_month_and_year_given(nlp):
    ex = extract_text(
        nlp,
        "Azerbaijan accused Armenia of shelling. The district was the scene of heavy fighting in "
        "March 2019, when dozens were killed in clashes.",
    )
    clashes = [e for e in ex.entities if e.label == "Clash"]
    assert [e.start for e in clashes] == ["2019-03"]


def _places(ex: Extraction, rtype: str) -> set[str]:
    names = _names(ex)
    return {names[r.target] for r in ex.relations if r.type == rtype and r.source.startswith("event:attack")}


def test_place_where_the_attacking_units_were_stationed_is_the_origin(nlp):
    ex = extract_text(
        nlp,
        "Armenian units stationed near the village of Tegh fired on Azerbaijani positions near the "
        "village of Zabukh on Monday.",
    )
    assert _places(ex, "ORIGIN") == {"Tegh"}
    assert _places(ex, "LOCATION") == {"Zabukh"}


def test_agent_of_a_passive_attack_stationed_somewhere_fired_from_there(nlp):
    ex = extract_text(
        nlp,
        "The positions of the Azerbaijani Army near the village of Zabukh were fired upon by Armenian "
        "units stationed in the direction of the village of Tegh.",
    )
    assert _places(ex, "ORIGIN") == {"Tegh"}
    assert _places(ex, "LOCATION") == {"Zabukh"}


def test_units_that_subjected_positions_to_fire_attacked_them(nlp):
    ex = extract_text(
        nlp,
        "On Monday, units of the Armenian armed forces located in the direction of the village of Yeraskh "
        "subjected to fire with small arms the positions of the Azerbaijani Army located in the direction "
        "of Heydarabad village.",
    )
    names = _names(ex)
    attackers = {names[r.target] for r in ex.relations if r.type == "ATTACKER"}
    assert "Armenia" in attackers
    assert _places(ex, "ORIGIN") == {"Yeraskh"}
    assert _places(ex, "LOCATION") == {"Heydarabad"}


def test_weapons_used_against_positions_near_villages_hit_those_villages(nlp):
    ex = extract_text(
        nlp,
        "The Armenian armed forces used mortars and drones against Azerbaijani positions near the "
        "villages of Zabukh and Sus on Monday.",
    )
    names = _names(ex)
    assert "Armenia" in {names[r.target] for r in ex.relations if r.type == "ATTACKER"}
    assert _places(ex, "LOCATION") == {"Zabukh", "Sus"}


def test_informing_a_body_about_the_attack_does_not_make_the_informer_the_attacker(nlp):
    ex = extract_text(
        nlp,
        "Azerbaijani forces shelled the village of Sotk on Monday. Armenia's Foreign Ministry said it had "
        "informed the OSCE about the attack.",
    )
    names = _names(ex)
    attackers = {names[r.target] for r in ex.relations if r.type == "ATTACKER"}
    assert "Armenia" not in attackers and "Ministry of Foreign Affairs of Armenia" not in attackers
    assert not [r for r in ex.relations if r.type == "TARGET" and names[r.target] == "OSCE"]


def test_its_jets_in_a_statement_are_the_speakers_and_hit_only_their_own_targets(nlp):
    ex = extract_text(
        nlp,
        "Hezbollah fired rockets at the town of Safed on Friday. The Israeli army said its jets struck "
        "launchers in the village of Arnoun hours after rockets were fired from Lebanon towards Safed.",
    )
    names = _names(ex)
    israeli = {r.source for r in ex.relations if r.type == "ATTACKER" and names[r.target] == "Israel"}
    assert israeli
    hit = {names[r.target] for r in ex.relations if r.type == "LOCATION" and r.source in israeli}
    assert hit == {"Arnoun"}
    assert all("launchers" not in e.weapons for e in ex.entities)


def test_ceasefire_violations_carried_out_by_troops_are_their_attack(nlp):
    ex = extract_text(
        nlp,
        "Two civilians were killed on Sunday as Indian troops carried out ceasefire violations in the "
        "Poonch sector, Pakistan's army said.",
    )
    names = _names(ex)
    attacks = [e for e in ex.entities if e.label == "Attack"]
    assert len(attacks) == 1
    assert "India" in {names[r.target] for r in ex.relations if r.type == "ATTACKER"}
    assert [r.killed for r in ex.relations if r.killed is not None] == [2]


def test_troops_responding_by_targeting_posts_attack_those_posts_not_themselves(nlp):
    ex = extract_text(
        nlp,
        "Indian troops shelled the village of Kirni on Sunday. Pakistan Army troops responded, targeting "
        "Indian posts that were firing on civilians.",
    )
    names = _names(ex)
    attackers: dict[str, set[str]] = {}
    for r in ex.relations:
        if r.type == "ATTACKER":
            attackers.setdefault(r.source, set()).add(names[r.target])
    targets = [(r.source, names[r.target]) for r in ex.relations if r.type == "TARGET"]
    assert any("India" in target for _event, target in targets)
    for event, target in targets:
        assert not ("India" in target and "India" in attackers.get(event, set()))
    reporters = {names[r.source] for r in ex.relations if r.type == "REPORTED"}
    assert not reporters & {"India", "Armed Forces of India"}  # "Indian posts" are positions, not a post


def test_victims_in_apposition_to_a_dateline_are_counted(nlp):
    ex = extract_text(
        nlp,
        "KOTLI, March 3: Four civilians, including a child, were killed as Indian troops shelled the "
        "village of Kirni, Pakistan said.",
    )
    assert [r.killed for r in ex.relations if r.killed is not None] == [4]


def test_same_side_attacking_again_on_another_day_in_a_later_paragraph_is_another_attack(nlp):
    ex = extract_text(
        nlp,
        "Russian forces shelled the town of Nikopol on Monday, the governor said.\n\n"
        "On Wednesday, Russian forces shelled the town of Nikopol again.",
    )
    attacks = [e for e in ex.entities if e.label == "Attack"]
    assert sorted(e.start for e in attacks) == ["2024-03-11", "2024-03-13"]


def test_one_attack_told_over_several_paragraphs_of_the_same_night_stays_one(nlp):
    ex = extract_text(
        nlp,
        "Russian forces shelled the town of Nikopol on Monday, the governor said.\n\n"
        "The Russian shelling on Monday damaged a school in Nikopol.\n\n"
        "Russian forces also used drones in their attacks.",
    )
    assert len([e for e in ex.entities if e.label == "Attack"]) == 1


def test_same_side_striking_in_another_region_in_a_later_paragraph_is_another_attack(nlp):
    ex = extract_text(
        nlp,
        "Russian forces shelled the town of Beryslav in the Kherson region, governor Oleksandr Prokudin "
        "said.\n\n"
        "In the neighbouring Zaporizhzhia region, a Russian glide bomb struck the town of Orikhiv, "
        "governor Ivan Fedorov said.",
    )
    names = _names(ex)
    hit: dict[str, set[str]] = {}
    for rel in ex.relations:
        if rel.type == "LOCATION" and rel.source.startswith("event:attack"):
            hit.setdefault(rel.source, set()).add(names[rel.target])
    assert sorted(hit.values(), key=sorted) == [{"Beryslav"}, {"Orikhiv"}]


def test_accused_party_is_the_one_firing_in_an_accusing_headline(nlp):
    ex = extract_text(
        nlp,
        "Tajikistan accuses Kyrgyzstan of breaking ceasefire, shelling border villages\n\n"
        "Tajikistan's border troops said Kyrgyz forces shelled the village of Vorukh on Monday.",
    )
    attackers = _targets_of(ex, "ATTACKER")
    assert attackers and not attackers & {"Tajikistan", "Armed Forces of Tajikistan"}


@pytest.mark.parametrize(
    ("text", "weapons"),
    [
        (
            "Border forces fired artillery and mortar rounds at the villages.",
            ["artillery rounds", "mortar rounds"],
        ),
        (
            "The rebels struck the airport, using ballistic and cruise missiles.",
            ["ballistic missiles", "cruise missiles"],
        ),
    ],
)
def test_weapons_that_share_one_head_noun_are_each_named(nlp, text, weapons):
    ex = extract_text(nlp, text)
    attack = next(e for e in ex.entities if e.label == "Attack")
    assert set(weapons) <= set(attack.weapons or [])


def test_a_bare_day_the_model_tagged_apart_from_its_month_opens_the_range(nlp):
    for text in (
        "Rebels killed at least 40 villagers in Kanyabayonga on 29 and 30 November 2022.",
        "M23 fighters killed 17 civilians in Kiwanja on 29 and 30 November 2022.",
    ):
        event = next(e for e in extract_text(nlp, text).entities if e.label in ("Attack", "Clash"))
        assert (event.start, event.end) == ("2022-11-29", "2022-11-30")


def test_fire_from_an_area_another_side_holds_is_that_sides_not_the_states(nlp):
    ex = extract_text(
        nlp,
        "The navy said a missile was fired from areas of Yemen controlled by the Houthis and hit a tanker.",
    )
    attackers = {target for _event, target in _edges(ex, "ATTACKER")}
    assert "Houthis" in attackers and "Yemen" not in attackers


def test_people_a_side_killed_without_a_number_are_its_attack_with_no_toll(nlp):
    ex = extract_text(nlp, "Rebel fighters of the M23 killed dozens of civilians in Kiwanja on Tuesday.")
    assert ("M23",) == tuple(sorted({t for _e, t in _edges(ex, "ATTACKER")}))
    assert not [r for r in ex.relations if r.type == "PARTICIPANT" and (r.killed or r.wounded)]


def test_people_killed_by_no_side_and_no_number_are_no_event(nlp):
    ex = extract_text(nlp, "Dozens of civilians were killed in Kiwanja, residents said.")
    assert not [e for e in ex.entities if e.label in ("Attack", "Clash")]


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        (
            "The parties agreed to a two-month truce, which took effect on 2 April 2022.",
            "2022-04-02",
            "2022-06-02",
        ),
        ("Both sides accepted a 72-hour ceasefire starting on 6 May 2024.", "2024-05-06", "2024-05-09"),
        ("A week-long truce between Israel and Hamas began on 24 November 2023.", "2023-11-24", "2023-12-01"),
        (
            "A ceasefire between Armenia and Azerbaijan took effect on 10 November 2020.",
            "2020-11-10",
            "2020-11-10",
        ),
    ],
)
def test_a_truce_of_a_stated_length_ends_that_long_after_it_starts(nlp, text, start, end):
    truce = next(e for e in extract_text(nlp, text).entities if e.label == "Ceasefire")
    assert (truce.start, truce.end) == (start, end)


@pytest.mark.parametrize(
    "text",
    [
        "Iran threatened to strike Israel if the attacks continued.",
        "Israel said it would strike Hezbollah positions in southern Lebanon.",
        "The mediators called for the cessation of attacks on the town of Sake.",
        "The summit in Nairobi, which called for the cessation of hostilities, and in particular of ADF "
        "attacks against the army, ended on 3 March.",
        "The ministers demanded a halt to the shelling, and especially to drone attacks on Kharkiv.",
        "The resolution called for an end to hostilities, notably to air strikes on Sanaa, within a week.",
    ],
)
def test_an_attack_the_text_says_has_not_happened_is_no_attack(nlp, text):
    ex = extract_text(nlp, text)
    assert not [e for e in ex.entities if e.label == "Attack"]


def test_attacks_singled_out_in_particular_without_a_call_to_stop_them_are_attacks(nlp):
    text = "Rebel attacks on the army, in particular on its posts near Beni, killed ten soldiers on 3 March."
    ex = extract_text(nlp, text)
    assert [e for e in ex.entities if e.label == "Attack"]


def test_origin_named_after_a_repeated_from_is_an_origin_too(nlp):
    text = "The army said the rockets were launched from Gaza City and from the town of Rafah."
    ex = extract_text(nlp, text)
    origins = {_names(ex)[r.target] for r in ex.relations if r.type == "ORIGIN"}
    assert {"Gaza", "Rafah"} <= origins


def test_places_that_also_came_under_fire_are_hit_by_the_attack_just_told(nlp):
    ex = extract_text(
        nlp,
        "Heavy artillery fire on Tskhinvali was opened from the Georgian villages of Nikozi and Ergneti in "
        "the Gori district. The Ossetian villages of Dmenis and Znaur also came under intense shelling.",
    )
    names = {e.key: e.name for e in ex.entities}
    attacks = [e.key for e in ex.entities if e.label == "Attack"]
    hit = {names[r.target] for r in ex.relations if r.type == "LOCATION" and r.source == attacks[0]}
    assert len(attacks) == 1
    assert {"Dmenis", "Znaur"} <= hit
    assert not any(e.name == "Ossetian" for e in ex.entities if e.label == "Settlement")


def _attack_pairs(nlp, text: str) -> set[tuple[str, str]]:
    ex = extract_text(nlp, text)
    names = {e.key: e.name for e in ex.entities}
    attackers = {r.source: names[r.target] for r in ex.relations if r.type == "ATTACKER"}
    return {
        (attackers[r.source], names[r.target])
        for r in ex.relations
        if r.type == "TARGET" and r.source in attackers
    }


def test_a_side_forced_to_respond_to_an_attack_attacks_its_attacker(nlp):
    pairs = _attack_pairs(
        nlp,
        "Pakistani forces opened fire on the Spin Boldak district of Kandahar province this morning. "
        "The forces of the Islamic Emirate were forced to respond.",
    )
    assert ("Afghanistan", "Armed Forces of Pakistan") in pairs or ("Afghanistan", "Pakistan") in pairs


@pytest.mark.parametrize(
    "text",
    [
        "Israeli jets struck Gaza. The Palestinian ministry responded to the strikes with a statement.",
        "The Armenian army responded on Tuesday to questions from reporters.",
    ],
)
def test_an_answer_in_words_or_to_no_attack_is_no_retaliation(nlp, text):
    ex = extract_text(nlp, text)
    names = {e.key: e.name for e in ex.entities}
    attackers = {names[r.target] for r in ex.relations if r.type == "ATTACKER"}
    assert not attackers & {"Palestine", "Armenia", "Armed Forces of Armenia"}
