"""Tolls counted on the side they belong to, when the text gives it in passing.

Each text here is our own, written to pin one rule; none is copied from a real article.
"""

from __future__ import annotations

import pytest

from kg.extract import extract_documents
from kg.models import Document

pytestmark = pytest.mark.model


def _tolls(nlp, text: str) -> set[tuple[str, int | None]]:
    ex = next(extract_documents([Document(key="t", text=text, published="2024-03-15")], nlp=nlp))
    names = {e.key: e.name for e in ex.entities}
    return {(names[r.target], r.killed) for r in ex.relations if r.type == "PARTICIPANT" and r.killed}


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Two Armenian and three Azerbaijani soldiers were killed in the clashes on Tuesday.",
            {("Armenia", 2), ("Armed Forces of Azerbaijan", 3)},
        ),
        (
            "Four Kyrgyz and two Tajik border guards died in the fighting near Batken.",
            {("Kyrgyzstan", 4), ("Armed Forces of Tajikistan", 2)},
        ),
    ],
)
def test_counted_demonyms_with_one_noun_count_each_side(nlp, text, expected):
    assert _tolls(nlp, text) >= expected


def test_soldiers_of_no_side_counted_by_a_states_officials_are_its_own(nlp):
    assert _tolls(nlp, "Pakistani officials said 23 soldiers were killed in the attacks.") == {
        ("Pakistan", 23)
    }


def test_soldiers_of_a_side_said_keep_that_side(nlp):
    tolls = _tolls(nlp, "Ukrainian officials said 40 Russian soldiers were killed near Avdiivka.")
    assert ("Armed Forces of Russia", 40) in tolls and not any(party == "Ukraine" for party, _n in tolls)


def test_a_toll_is_never_counted_on_a_place(nlp):
    tolls = _tolls(nlp, "At least 15 civilians were killed in the Pakistani air strikes on Spin Boldak.")
    assert tolls == {("Afghanistan", 15)}


def _wounded(nlp, text: str) -> set[tuple[str, int | None]]:
    ex = next(extract_documents([Document(key="t", text=text, published="2024-03-15")], nlp=nlp))
    names = {e.key: e.name for e in ex.entities}
    return {(names[r.target], r.wounded) for r in ex.relations if r.type == "PARTICIPANT" and r.wounded}


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Russian drones struck the city of Kharkiv overnight, the Ukrainian governor of the region said. "
            "40 of our residents have been wounded and are in hospital.",
            {("Ukraine", 40)},
        ),
        (
            "Indian forces fired mortar rounds at villages in the Neelum valley. "
            "At least four civilians were martyred and 12 others injured on Monday, the Pakistani army said.",
            {("Pakistan", 12)},
        ),
        (
            "Iranian missiles struck Israel overnight. At least 12 other people were taken to hospital with "
            "light injuries, Israeli officials said.",
            {("Israel", 12)},
        ),
        (
            "Iranian missiles struck Israel overnight. The only serious casualty was a girl who was badly "
            "wounded when debris fell on her home.",
            {("Israel", 1)},
        ),
    ],
)
def test_wounded_counts_are_read_in_their_usual_phrasings(nlp, text, expected):
    assert _wounded(nlp, text) == expected


def test_a_part_of_a_count_is_not_another_count(nlp):
    text = (
        "Houthi missiles struck a Greek cargo ship off Aden. Two members of the Greek crew were killed "
        "and at least five hurt, two of them critically."
    )
    assert _wounded(nlp, text) == {("Greece", 5)}
    assert _tolls(nlp, text) == {("Greece", 2)}


def test_a_hyphenated_number_word_counts_in_full(nlp):
    text = (
        "Houthi missiles struck the Saudi city of Abha on Monday. "
        "Twenty-six passengers were injured in the attack."
    )
    assert _wounded(nlp, text) == {("Saudi Arabia", 26)}


def test_a_datelines_day_is_never_a_count(nlp):
    text = (
        "BAKU, Nov 17 - Seven Azerbaijani servicemen were killed in fighting on the border, "
        "the ministry said."
    )
    assert {n for _party, n in _tolls(nlp, text)} == {7}


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "M23 rebels attacked the village of Kanyabayonga in North Kivu last week. "
            "The Congolese government put the death toll at 120.",
            {("DR Congo", 120)},
        ),
        (
            "Russian missiles struck the city of Kharkiv on Friday. "
            "Kyiv put the number of civilians killed at 45.",
            {("Ukraine", 45)},
        ),
    ],
)
def test_a_toll_someone_puts_at_a_number_is_a_toll(nlp, text, expected):
    assert _tolls(nlp, text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Russian forces attacked the town of Vovchansk. The Ukrainian army lost one officer.",
            ("Ukraine", 1),
        ),
        ("Fighting broke out near the border on Monday. Kyrgyzstan reported two dead.", ("Kyrgyzstan", 2)),
        (
            "Cambodian troops fired on Thai positions near the border. A Thai soldier was killed.",
            ("Thailand", 1),
        ),
    ],
)
def test_one_side_counting_its_own_dead_is_that_sides_toll(nlp, text, expected):
    tolls = _tolls(nlp, text)
    assert len(tolls) == 1
    party, count = tolls.pop()
    assert expected[0] in party and count == expected[1]


def test_fallen_people_counted_are_killed(nlp):
    text = (
        "Rebel fighters attacked the Ugandan base at Bulo Marer. "
        "The Ugandan president said the bodies of 40 fallen soldiers had been recovered."
    )
    assert {n for _party, n in _tolls(nlp, text)} == {40}


@pytest.mark.parametrize(
    "text",
    [
        "Al-Shabaab fighters attacked a Kenyan army base near Lamu. The claim by al-Shabaab to have killed "
        "90 soldiers has not been confirmed by any official source.",
        "Russian forces shelled the Ukrainian city of Kherson. "
        "Russia denied that its shelling killed 20 civilians.",
        "Russia launched 40 drones at Kyiv overnight, Ukrainian officials said. "
        "Air defences shot down 35 of them.",
        "Russian drones struck the Ukrainian city of Odesa for three days. "
        "The drones hit 14 points in the city and 5 sites in the region.",
    ],
)
def test_no_toll_from_a_denied_claim_or_a_count_of_things(nlp, text):
    assert _tolls(nlp, text) == set() and _wounded(nlp, text) == set()


def test_a_count_of_people_including_some_is_counted_once(nlp):
    text = "Israeli strikes on the town of Tyre killed 12 people, including three Lebanese soldiers."
    assert _tolls(nlp, text) == {("Lebanon", 12)}


def test_others_in_a_later_sentence_belong_to_the_side_of_the_toll_before(nlp):
    text = (
        "M23 rebels killed at least 40 civilians in the village of Kiwanja in the Democratic Republic "
        "of the Congo. At least six other people were wounded by gunfire."
    )
    assert _wounded(nlp, text) == {("DR Congo", 6)}


def test_a_toll_someone_else_puts_on_the_same_attack_is_kept_beside_the_first(nlp):
    text = (
        "M23 rebels killed at least 40 civilians in the village of Kiwanja in the Democratic Republic "
        "of the Congo, the UN mission said. The Congolese government has put the death toll at about 90."
    )
    assert _tolls(nlp, text) == {("DR Congo", 40), ("DR Congo", 90)}


def test_the_speech_verbs_count_and_the_number_a_side_puts_on_the_other_are_two_tolls(nlp):
    text = (
        "Taliban fighters attacked Pakistani border posts. Pakistan's military said 23 of its soldiers "
        "and more than 200 Taliban and allied militants were killed in the clashes, while Kabul put "
        "the number of Pakistani soldiers killed at 60."
    )
    assert {n for _party, n in _tolls(nlp, text)} == {23, 60}


def test_others_of_the_same_toll_in_the_next_sentence_add_to_it(nlp):
    text = (
        "Iranian missiles struck Israel overnight. The only serious casualty was a ten-year-old boy, "
        "Yusuf Haddad, who was badly wounded when debris fell on his home. At least 20 other people "
        "were brought to hospitals with light injuries or shock, officials said."
    )
    assert _wounded(nlp, text) == {("Israel", 21)}


def test_people_said_to_be_in_a_place_are_of_its_state(nlp):
    text = (
        "Iranian missiles struck Israel overnight. A missile fragment killed a Palestinian man near "
        "Jericho. Two people in Haifa were lightly wounded by shrapnel, Israeli medics said."
    )
    assert _wounded(nlp, text) == {("Israel", 2)}


def test_people_counted_among_a_toll_are_not_another_toll(nlp):
    text = (
        "Houthi missiles struck the Saudi city of Jizan. Twenty-six civilian travellers were injured "
        "in the attack, among them four women and two Saudi children, the coalition said."
    )
    assert _wounded(nlp, text) == {("Saudi Arabia", 26)}


@pytest.mark.parametrize(
    "text",
    [
        "Azerbaijani forces attacked Armenian positions. Up to 40 Armenian troops were killed or captured.",
        "Israeli strikes hit the Lebanese town of Khiam. Ten people were killed or wounded.",
    ],
)
def test_a_count_of_killed_or_something_else_is_no_toll(nlp, text):
    assert _tolls(nlp, text) == set() and _wounded(nlp, text) == set()


def test_the_toll_of_a_war_named_by_its_year_is_not_the_toll_of_todays_fighting(nlp):
    text = (
        "BISHKEK, May 3 - Seven Kyrgyz border guards were killed in fighting on the border with "
        "Tajikistan, the ministry said.\n\nThe 30-day war of 2010 killed more than 4,500 people."
    )
    assert {n for _party, n in _tolls(nlp, text)} == {7}


def test_a_headline_toll_repeated_below_is_counted_once(nlp):
    text = (
        "Seven Kyrgyz border guards killed in clash with Tajikistan\n\n"
        "BISHKEK, May 3 - Seven Kyrgyz border guards were killed in fighting on the border with "
        "Tajikistan, the ministry said."
    )
    ex = next(extract_documents([Document(key="t", text=text, published="2024-03-15")], nlp=nlp))
    assert [r.killed for r in ex.relations if r.killed] == [7]


def test_a_sides_toll_told_of_its_state_and_of_its_soldiers_is_counted_once(nlp):
    text = (
        "Armenian forces fired on Azerbaijani positions near Tovuz. Azerbaijan said three of its "
        "soldiers were wounded in the shelling. Three Azerbaijani soldiers were wounded, the ministry said."
    )
    assert len(_wounded(nlp, text)) == 1


def test_a_claim_the_text_calls_unconfirmed_even_when_misparsed_is_no_toll(nlp):
    text = (
        "Militants attacked the Ugandan base at Bulo Marer.\n\nThe mission notes that the claim by "
        "the militants to have killed 120 soldiers has not been confirmed by any official source."
    )
    assert _tolls(nlp, text) == set()


def test_civilians_counted_by_a_sides_official_in_the_others_attack_are_that_sides(nlp):
    text = (
        "Georgian forces launched an assault on Tskhinvali overnight.\n\nAn official of the South "
        "Ossetian government, Alan Dzhioev, said at least 400 civilians had died in the Georgian "
        "attack on the republic."
    )
    assert _tolls(nlp, text) == {("South Ossetia", 400)}


def test_mujahideen_are_people_of_the_side_they_fight_for(nlp):
    text = (
        "Pakistani forces shelled Afghan border posts in Kunar. Five mujahideen of the Islamic "
        "Emirate were martyred and 11 wounded, the spokesman added."
    )
    assert _tolls(nlp, text) == {("Afghanistan", 5)}


def _reporters(nlp, text: str) -> set[str]:
    ex = next(extract_documents([Document(key="t", text=text, published="2024-03-15")], nlp=nlp))
    names = {e.key: e.name for e in ex.entities}
    return {names[r.source] for r in ex.relations if r.type == "REPORTED"}


def test_the_mission_whose_investigation_gives_a_toll_reports_it(nlp):
    text = (
        "The preliminary findings of an inquiry conducted by the United Nations Mission in South Sudan "
        "(UNMISS) confirm that rebels killed at least 40 civilians in the town of Bor in South Sudan."
    )
    assert "UNMISS" in _reporters(nlp, text)


def test_a_datelines_place_is_not_the_voice_of_the_findings_after_it(nlp):
    text = (
        "Juba/Bor, 3 May 2023 - The preliminary findings of an inquiry conducted by the United Nations "
        "Mission in South Sudan (UNMISS) confirm that rebels killed at least 40 civilians in the town "
        "of Bor in South Sudan."
    )
    assert _reporters(nlp, text) == {"UNMISS"}
