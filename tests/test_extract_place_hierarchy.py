"""Where places lie when the text writes the hierarchy in the ways reports do: appositions, comma and
bracket chains, kind words of other countries' divisions, region names that contain a state's name, and
the world gazetteer for a name the model finds.

Each text here is our own, written to pin one rule; none is copied from a real article.
"""

from __future__ import annotations

import pytest
from reading import extract_text

from kg.models import Extraction

pytestmark = pytest.mark.model


def _located(ex: Extraction) -> set[tuple[str, str]]:
    names = {e.key: e.name for e in ex.entities}
    return {(names[r.source], names[r.target]) for r in ex.relations if r.type == "LOCATED_IN"}


def _labels(ex: Extraction) -> dict[str, str]:
    return {e.name: e.label for e in ex.entities}


@pytest.mark.parametrize(
    ("text", "place", "container"),
    [
        ("Shells landed near Marvik, a village of Tavush province, on Monday.", "Marvik", "Tavush"),
        ("The drone hit Korvan, a district of Iran's Ardabil Province.", "Korvan", "Ardabil"),
        ("Rebels seized Dolmo, a small town in the north of Kharod region.", "Dolmo", "Kharod"),
    ],
)
def test_a_place_in_apposition_to_its_kind_lies_in_the_container_the_phrase_names(
    nlp, text, place, container
):
    assert (place, container) in _located(extract_text(nlp, text))


def test_a_person_in_apposition_to_an_office_is_not_a_place(nlp):
    ex = extract_text(nlp, "Reza Karimi, Governor of Ardabil Province, said two sites were hit.")
    assert _labels(ex).get("Reza Karimi") == "Person"
    assert not any(place in ("Reza Karimi", "Governor") for place, _ in _located(ex))


@pytest.mark.parametrize(
    ("text", "chain"),
    [
        (
            "Fighters entered Bure town, West Gojjam zone, Amhara region, on Sunday.",
            {("Bure", "West Gojjam"), ("West Gojjam", "Amhara")},
        ),
        ("Rebels shelled Bunagana, Rutshuru territory, on Monday.", {("Bunagana", "Rutshuru")}),
        (
            "M23 took control of Minova town (Kalehe, South Kivu) after clashes.",
            {("Minova", "Kalehe"), ("Kalehe", "South Kivu")},
        ),
    ],
)
def test_containers_written_after_a_place_with_commas_or_brackets_place_it(nlp, text, chain):
    assert chain <= _located(extract_text(nlp, text))


def test_one_kind_word_types_one_name_and_a_plural_types_the_list(nlp):
    one = extract_text(nlp, "Rebels shelled Bunagana, Rutshuru territory, on Monday.")
    assert _labels(one)["Bunagana"] == "Settlement"
    two = extract_text(nlp, "Shells hit the Keshdak and Barmagbina settlements of the Tovuz region.")
    assert {("Keshdak", "Tovuz"), ("Barmagbina", "Tovuz")} <= _located(two)


def test_territory_and_zone_type_only_proper_names(nlp):
    ex = extract_text(
        nlp, "The army pushed into Houthi territory. Troops left the buffer zone near Ukrainian territory."
    )
    assert not [name for name, label in _labels(ex).items() if label == "Region"]


def test_a_compass_word_and_a_states_name_are_the_region_they_name(nlp):
    ex = extract_text(
        nlp, "The Governor of East Azerbaijan said drones struck Tabriz and Maragheh overnight."
    )
    assert _labels(ex).get("East Azerbaijan") == "Region"
    assert "Azerbaijan" not in _labels(ex)
    assert {("Tabriz", "East Azerbaijan"), ("East Azerbaijan", "Iran")} <= _located(ex)


def test_a_lone_compass_word_is_never_a_region(nlp):
    ex = extract_text(nlp, "Fighting spread to the East province of Kharod after talks failed in Tehran.")
    assert not any(e.key.startswith("region:east@") for e in ex.entities)


def test_a_region_the_model_finds_is_the_world_gazetteers_region_of_a_state_named(nlp):
    ex = extract_text(nlp, "Iran said Israeli jets struck sites in Khuzestan and Ilam on Friday.")
    assert {("Khuzestan", "Iran"), ("Ilam", "Iran")} <= _located(ex)
    assert _labels(ex)["Khuzestan"] == "Region"


def test_a_settlement_nothing_places_shares_the_container_of_those_listed_with_it(nlp):
    ex = extract_text(
        nlp, "Iran said drones hit Tabriz. Further sites were hit in Tabriz, Maragheh and Qarachilar."
    )
    assert ("Qarachilar", "Iran") in _located(ex)


def test_a_name_before_a_region_typed_by_its_kind_lies_in_it(nlp):
    ex = extract_text(nlp, "The meeting of the mechanism took place today in Dvani, Kareli Municipality.")
    assert ("Dvani", "Kareli") in _located(ex)


def test_a_known_region_before_another_is_not_put_inside_it(nlp):
    ex = extract_text(nlp, "Delegates of Tavush, Lori province and Armenia met in Yerevan.")
    assert ("Tavush", "Lori") not in _located(ex)
    assert _labels(ex)["Tavush"] == "Region"


def test_a_typed_settlement_geonames_knows_places_the_unknown_region_named_for_it(nlp):
    ex = extract_text(nlp, "Ethiopian troops shelled Debre Birhan town, North Shewa zone, on Monday.")
    assert {("Debre Birhan", "North Shewa"), ("North Shewa", "Amhara")} <= _located(ex)


def test_the_names_one_sides_statements_give_a_state_name_that_state(nlp):
    ex = extract_text(
        nlp, "The aggression of the Zionist regime against our province continued, Tehran said."
    )
    assert "Israel" in _labels(ex)


def test_places_listed_before_a_states_region_lie_in_that_region(nlp):
    ex = extract_text(nlp, "Shells fell on Khandaro and Sharana in Afghanistan's Paktika province.")
    assert {("Khandaro", "Paktika"), ("Sharana", "Paktika"), ("Paktika", "Afghanistan")} <= _located(ex)


def test_a_district_named_alone_lies_in_the_province_the_sentences_before_name(nlp):
    ex = extract_text(
        nlp,
        "Air strikes hit Paktika province overnight. Officials said ten civilians were killed. "
        "Three players were among the dead in Argun district.",
    )
    assert ("Argun", "Paktika") in _located(ex)


def test_a_district_is_never_put_in_a_region_of_its_own_level(nlp):
    ex = extract_text(nlp, "Strikes hit the Tovuz region. Two people died in Gadabay district.")
    assert ("Gadabay", "Tovuz") not in _located(ex)


def test_a_kind_word_that_modifies_an_office_names_no_place(nlp):
    ex = extract_text(nlp, "The raid killed Ahmed Warsame, a town councillor of Afgooye.")
    assert _labels(ex).get("Ahmed Warsame") == "Person"
    assert not _located(ex) or ("Ahmed Warsame", "Afgooye") not in _located(ex)


def test_a_division_named_with_its_kind_word_is_found_by_that_whole_name(nlp):
    ex = extract_text(nlp, "Shelling hit villages in the Akhalgori district and in Kherson oblast overnight.")
    aliases = {e.name: {a.lower() for a in e.aliases} for e in ex.entities}
    assert "akhalgori district" in aliases["Akhalgori"]
    assert "kherson oblast" in aliases["Kherson"]


def test_a_state_opening_the_next_clause_after_a_comma_is_not_the_towns_container(nlp):
    for text in (
        "Through the occupation of Bunagana, Rwanda seeks to put pressure on Kinshasa.",
        "After the fall of Kalinka, Ukraine withdrew its troops from the area.",
    ):
        located = _located(extract_text(nlp, text))
        assert not any(container in ("Rwanda", "Ukraine") for _place, container in located)


@pytest.mark.parametrize(
    ("text", "places", "container"),
    [
        (
            "Rebels hit army posts at Kiwanja and Bugoye, in the Masisi territory of North Kivu province.",
            ["Kiwanja", "Bugoye"],
            "Masisi",
        ),
        (
            "Gunmen killed ten people in the villages of Kasiko and Mbito, in the Masisi territory.",
            ["Kasiko", "Mbito"],
            "Masisi",
        ),
    ],
)
def test_places_set_off_by_a_comma_before_in_the_region_lie_in_that_region(nlp, text, places, container):
    located = _located(extract_text(nlp, text))
    assert {(place, container) for place in places} <= located


@pytest.mark.parametrize(
    ("text", "place", "container"),
    [
        (
            "Police removed a fence near the village of Dirbi in the occupied Akhalgori district.",
            "Dirbi",
            "Akhalgori",
        ),
        ("Troops shelled the village of Tolmo in the mountainous Kharod district.", "Tolmo", "Kharod"),
    ],
)
def test_an_adjective_before_the_region_name_does_not_hide_the_region(nlp, text, place, container):
    assert (place, container) in _located(extract_text(nlp, text))


def test_a_province_named_by_a_compass_word_keeps_the_kind_word_in_its_name(nlp):
    ex = extract_text(
        nlp, "The jet landed at the airport in Musanze, a district of Rwanda's Northern Province."
    )
    located = _located(ex)
    assert ("Musanze", "Northern Province") in located
    assert ("Northern Province", "Rwanda") in located
    assert "Northern" not in _labels(ex)


def test_the_other_sides_name_of_a_district_is_the_same_district(nlp):
    ex = extract_text(nlp, "Patrols held two men near Karzman in the Leningor district. Akhalgori is quiet.")
    regions = [e for e in ex.entities if e.label == "Region"]
    assert len(regions) == 1
    assert {"Leningor", "Akhalgori"} <= {regions[0].name, *regions[0].aliases}


def test_the_ossetian_spelling_of_tskhinvali_is_the_same_town(nlp):
    ex = extract_text(nlp, "Georgian troops entered Tskhinval on Friday. Residents of Tskhinvali fled.")
    towns = [e for e in ex.entities if e.label == "Settlement"]
    assert len(towns) == 1
    assert {"Tskhinval", "Tskhinvali"} <= {towns[0].name, *towns[0].aliases}


@pytest.mark.parametrize(
    ("text", "part", "region"),
    [
        (
            "Drones struck the Kolari area of Tanvir district of Paktika province on Thursday.",
            "Kolari",
            "Tanvir",
        ),
        (
            "Troops killed nine fighters in the Belet area of Lower Shabelle region.",
            "Belet",
            "Lower Shabelle",
        ),
    ],
)
def test_a_named_area_of_a_typed_region_lies_in_that_region(nlp, text, part, region):
    assert (part, region) in _located(extract_text(nlp, text))


def test_a_loose_area_word_alone_makes_no_region(nlp):
    ex = extract_text(nlp, "Guards sealed the border area of Kolari on Friday.")
    assert _labels(ex).get("Kolari") != "Region"
    assert not any(e.model_dump().get("kind") == "area" for e in ex.entities)


@pytest.mark.parametrize(
    ("text", "name", "variant"),
    [
        ("Strikes hit Zarmal district, also spelt Zurmal, in Paktika province.", "Zarmal", "Zurmal"),
        (
            "The army took the port town of Eyl in Nugal region. Officials hailed the capture of Eyl, "
            "known in Somali as Ceyl, on Monday.",
            "Eyl",
            "Ceyl",
        ),
    ],
)
def test_another_spelling_written_after_a_place_is_its_alias(nlp, text, name, variant):
    ex = extract_text(nlp, text)
    place = next(e for e in ex.entities if e.name == name)
    assert variant in place.aliases
    assert not any(e.name == variant for e in ex.entities)


def test_a_town_listed_after_in_that_the_model_takes_for_a_person_is_the_known_town(nlp):
    ex = extract_text(
        nlp, "Ethiopian troops fought militias. Shelling was reported in Mekelle, Adigrat and Bahir Dar."
    )
    assert _labels(ex).get("Bahir Dar") == "Settlement"
    assert ("Bahir Dar", "Ethiopia") in _located(ex)


def test_a_person_whose_office_is_named_after_at_stays_a_person(nlp):
    ex = extract_text(nlp, "Officials met at Tedros Adhanom's office in Addis Ababa on Monday.")
    assert _labels(ex).get("Tedros Adhanom") != "Settlement"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (
            "Fragments fell on a home in al-Mashraf, an unrecognised village near the town of Arad.",
            "al-Mashraf",
        ),
        ("A rocket hit ad-Dawr, a small town of Saladin province, on Monday.", "ad-Dawr"),
    ],
)
def test_a_place_name_opened_by_a_particle_keeps_the_particle(nlp, text, name):
    labels = _labels(extract_text(nlp, text))
    assert labels.get(name) == "Settlement"
    assert name.split("-", 1)[1] not in labels


def test_a_military_command_named_after_a_region_is_no_region(nlp):
    ex = extract_text(
        nlp, "Military Governorate of North Kivu Province - Press release. Troops held the line."
    )
    regions = {e.name for e in ex.entities if e.label == "Region"}
    assert "Military" not in regions
    assert "North Kivu" in regions


def test_a_name_transliterated_with_an_apostrophe_is_the_gazetteers_place(nlp):
    ex = extract_text(
        nlp, "Yemen's government said the rebels seized Sana'a in 2014 and later besieged Ma'rib."
    )
    places = {e.name: e for e in ex.entities if e.label == "Settlement"}
    assert {"Sana'a", "Ma'rib"} <= set(places)
    assert "Sanaa" in places["Sana'a"].aliases
    assert ("Sana'a", "Yemen") in _located(ex)


def test_a_contraction_or_a_surname_with_an_apostrophe_is_no_place(nlp):
    ex = extract_text(nlp, "Officials didn't confirm O'Neill's account of the raid.")
    assert not [e for e in ex.entities if e.label == "Settlement"]


def test_a_town_the_model_takes_for_an_organisation_before_a_typed_region_is_a_settlement(nlp):
    ex = extract_text(
        nlp,
        "Militants attacked the army base in Qorey Baalle, Middle Juba region, early on Friday, "
        "officials said.",
    )
    names = {e.key: (e.label, e.name) for e in ex.entities}
    located = {(names[r.source], names[r.target][1]) for r in ex.relations if r.type == "LOCATED_IN"}
    assert (("Settlement", "Qorey Baalle"), "Middle Juba") in located


def test_a_bracketed_other_spelling_does_not_hide_the_region_after_it(nlp):
    ex = extract_text(
        nlp,
        "Shelling hit the village of Verkhnia Tersa (also spelt Verkhnya Tersa), Zaporizhzhia oblast, "
        "on Sunday.",
    )
    names = {e.key: e.name for e in ex.entities}
    located = {(names[r.source], names[r.target]) for r in ex.relations if r.type == "LOCATED_IN"}
    assert ("Verkhnia Tersa", "Zaporizhzhia") in located


def test_a_village_named_after_its_territory_and_of_lies_in_that_territory(nlp):
    ex = extract_text(nlp, "Settlers set fire to homes in the West Bank village of Nu'eima on Sunday.")
    names = {e.key: (e.label, e.name) for e in ex.entities}
    located = {(names[r.source][1], names[r.target]) for r in ex.relations if r.type == "LOCATED_IN"}
    assert ("Nu'eima", ("Territory", "West Bank")) in located
    assert not any(label == "Settlement" and name == "West Bank" for label, name in names.values())


def test_the_gaza_strip_is_a_territory_its_towns_lie_in(nlp):
    ex = extract_text(nlp, "Air strikes hit Jabalia in the northern Gaza Strip overnight.")
    labels = {e.name: e.label for e in ex.entities}
    assert labels.get("Gaza Strip") == "Territory"


def test_a_body_named_before_of_and_a_district_names_no_places(nlp):
    ex = extract_text(
        nlp, "A post by the Information and Culture Department of Kajaki district said shelling went on."
    )
    settlements = {e.name for e in ex.entities if e.label == "Settlement"}
    assert not settlements & {"Information", "Culture Department"}


def test_a_world_place_keeps_the_gazetteer_name_the_text_also_writes(nlp):
    ex = extract_text(
        nlp,
        "Shelling hit Spin Boldak district on Monday. Mujahid said civilians died in the attacks on "
        "Spin Buldak, Afghanistan.",
    )
    names = {e.name for e in ex.entities if e.label == "Settlement"}
    assert "Spin Buldak" not in names


def test_a_district_nothing_places_lies_in_the_named_region_of_the_town_it_is_named_for(nlp):
    ex = extract_text(
        nlp,
        "Gunmen attacked a police post in Gereshk district on Sunday. Officials in Helmand said three "
        "officers died.",
    )
    assert ("Gereshk", "Helmand") in _located(ex)
    assert _labels(ex)["Gereshk"] == "Region"


def test_a_town_the_model_takes_for_a_people_after_the_direction_of_is_the_known_town(nlp):
    ex = extract_text(
        nlp, "The army repelled attempts to advance in the direction of Yeraskh in Ararat province."
    )
    assert _labels(ex).get("Yeraskh") == "Settlement"
    assert ("Yeraskh", "Ararat") in _located(ex)


def test_a_region_the_model_takes_for_an_organisation_is_the_region(nlp):
    ex = extract_text(
        nlp, "Police said the gunmen fled towards Larkana. Sindh's home minister ordered an inquiry."
    )
    assert _labels(ex).get("Sindh") == "Region"
    assert ("Larkana", "Sindh") in _located(ex)


def test_a_former_district_named_bare_is_the_town_it_was_named_for(nlp):
    ex = extract_text(
        nlp, "Shelling hit the outskirts of Ijevan in Tavush province, the Armenian ministry said."
    )
    assert _labels(ex).get("Ijevan") == "Settlement"
    assert ("Ijevan", "Tavush") in _located(ex)


def test_the_provincial_capital_lies_in_the_province_named_last(nlp):
    ex = extract_text(
        nlp,
        "Militants stormed Paktia province on Sunday. Four guards died at a checkpoint in Zormandi, "
        "the provincial capital.",
    )
    assert _labels(ex).get("Zormandi") == "Settlement"
    assert ("Zormandi", "Paktia") in _located(ex)


def test_a_name_written_also_in_a_region_is_a_town_there(nlp):
    ex = extract_text(
        nlp,
        "Fighting erupted in Masisi territory of North Kivu province. Later, the rebels tried to attack "
        "Mweso, also in North Kivu, but were repelled.",
    )
    assert _labels(ex).get("Mweso") == "Settlement"
    assert ("Mweso", "North Kivu") in _located(ex)


def test_a_somali_federal_member_state_holds_the_region_the_text_puts_in_it(nlp):
    ex = extract_text(
        nlp, "Government troops captured the town of El Dher in Galgaduud region of Galmudug State."
    )
    assert ("Galgaduud", "Galmudug") in _located(ex)
    assert ("El Dher", "Galgaduud") in _located(ex)
