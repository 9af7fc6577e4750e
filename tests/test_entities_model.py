"""What the pretrained model finds is kept and typed into the ontology: titled persons, armed groups under
all their names, government bodies and coalitions, operations, demonyms and places of conflicts beyond
the ones the rules were first written for (the Sahel, Yemen, Myanmar, Colombia, Syria and Iraq). Every
text is our own; each test reads one through the whole pipeline and checks the extraction's nodes."""

from __future__ import annotations

from typing import Any

import pytest

from kg.models import Entity, Extraction
from kg.names import normalise_name

pytestmark = pytest.mark.model
PLACE_LABELS = ("Settlement", "Region", "Territory", "Site", "State")

SAHEL = (
    "BAMAKO, March 4. The Malian Armed Forces said on Tuesday that they had repelled an attack by "
    "Jama'at Nusrat al-Islam wal-Muslimin on a camp near Boni. The group, known by its Arabic acronym "
    "JNIM, is al-Qaeda's affiliate in the Sahel. Col. Souleymane Dembele, the army spokesman, said the "
    "attackers used a VBIED and several motorcycles. Dembele said twelve fighters of the so-called "
    "Islamic State in the Greater Sahara were also killed near Menaka. ISGS has been active along the "
    "border with Niger. Minister for Foreign Affairs Abdoulaye Diop condemned the attack."
)
YEMEN = (
    "ADEN, June 12. The Saudi-led coalition said its air defences intercepted a UAV launched by the "
    "Houthis towards Jizan. The Houthi movement, which calls itself Ansar Allah, did not comment. "
    "Brig. Gen. Turki al-Maliki, the coalition spokesman, said the drone fell into the Red Sea. "
    "Al-Maliki added that AQAP fighters had attacked a checkpoint in Abyan with an IED. Al-Qaeda in the "
    "Arabian Peninsula has exploited the war. Yemenis have suffered most, the UN envoy Hans Grundberg said."
)
MYANMAR = (
    "YANGON, November 20. The Arakan Army (AA) said it had captured a military base in Rakhine State "
    "after weeks of fighting with the Tatmadaw. The AA is part of the Three Brotherhood Alliance with "
    "the MNDAA and the Ta'ang National Liberation Army. Senior General Min Aung Hlaing, the junta "
    "chief, said the army would retake the town. Min Aung Hlaing spoke in Naypyidaw."
)
COLOMBIA = (
    "BOGOTA, August 2. The Colombian army said guerrillas of the National Liberation Army attacked a "
    "patrol in Arauca with explosives. The ELN, Colombia's largest remaining rebel group, has been in "
    "peace talks with the government of President Gustavo Petro. Defence Minister Ivan Velasquez said "
    "dissidents of the Estado Mayor Central (EMC) were also operating in Cauca. Velasquez told reporters "
    "that the Joint Task Force Omega would reinforce its positions. Colombians want peace, Petro said."
)
SYRIA = (
    "BAGHDAD, October 9. Combined Joint Task Force - Operation Inherent Resolve said coalition aircraft "
    "conducted five strikes against ISIS near Deir ez-Zor. The strikes destroyed an ISIL VBIED, two APCs "
    "and a MANPADS launcher. Daesh fighters fled toward the Euphrates valley. Lt. Gen. Paul Funk, the "
    "commander of the coalition, said the Syrian Democratic Forces held their positions. The SDF, led by "
    "the Kurdish YPG, cleared three villages. Ankara considers the YPG an extension of the PKK. Syrians "
    "and Iraqis returned to Mosul, the Iraqi Foreign Ministry said. The Iraqi National Security Council "
    "said Operation Roundup had ended."
)
ENVOYS = (
    "Secretary Pompeo said Hayat Tahrir al-Sham still controlled Idlib. Pompeo later met Middle East envoy "
    "Steve Witkoff and the British Foreign Office in London. Abu Bakr al-Baghdadi was not seen in the Levant."
)


@pytest.fixture(scope="module")
def extract() -> Any:
    """Extract one text through the whole pipeline (loaded once for the module)."""
    from kg.extract import extract_documents, load_nlp
    from kg.models import Document

    nlp = load_nlp()

    def run(text: str) -> Extraction:
        return next(extract_documents([Document(key="doc:test", text=text)], nlp=nlp))

    return run


def named(extraction: Extraction, name: str) -> Entity:
    """The one entity called `name` (by its name or an alias)."""
    wanted = normalise_name(name)
    found = [e for e in extraction.entities if wanted in {normalise_name(n) for n in (e.name, *e.aliases)}]
    assert len(found) == 1, f"{name}: {[(e.key, e.label) for e in found]}"
    return found[0]


def labelled(extraction: Extraction, label: str) -> list[Entity]:
    """The entities of one label."""
    return [e for e in extraction.entities if e.label == label]


def relations(extraction: Extraction, rtype: str, source: str) -> set[str]:
    """Targets of the relations of one type from one entity."""
    return {r.target for r in extraction.relations if r.type == rtype and r.source == source}


@pytest.mark.parametrize("text", [SAHEL, YEMEN, MYANMAR, COLOMBIA, SYRIA, ENVOYS])
def test_each_entity_of_a_sample_is_one_node(extract: Any, text: str) -> None:
    extraction = extract(text)
    owner: dict[str, str] = {}
    for entity in extraction.entities:
        if entity.is_event:
            continue
        for form in (entity.name, *entity.aliases):
            norm = normalise_name(form)
            assert owner.setdefault(norm, entity.key) == entity.key, f"{form!r}: {owner[norm]}, {entity.key}"


def test_colonel_named_in_full_then_by_surname_is_one_person_with_his_rank_as_title(extract: Any) -> None:
    extraction = extract(SAHEL)
    [person] = [p for p in labelled(extraction, "Person") if "Dembele" in p.name]
    assert (person.name, person.title, person.mentions) == ("Souleymane Dembele", "colonel", 2)
    assert "Dembele" in person.aliases


def test_minister_for_a_portfolio_is_the_title_not_the_name(extract: Any) -> None:
    person = named(extract(SAHEL), "Abdoulaye Diop")
    assert (person.label, person.title) == ("Person", "minister for foreign affairs")


def test_abbreviated_ranks_are_written_out_as_title_and_never_named(extract: Any) -> None:
    extraction = extract(SYRIA)
    person = named(extraction, "Paul Funk")
    assert (person.label, person.title) == ("Person", "lieutenant general")
    assert not [e for e in extraction.entities if "Lt" in e.name or "Gen" in e.name.split()]


def test_arabic_name_with_particle_is_whole_and_its_surname_later_is_the_same_person(extract: Any) -> None:
    extraction = extract(YEMEN)
    person = named(extraction, "Turki al-Maliki")
    assert (person.label, person.title, person.mentions) == ("Person", "brigadier general", 2)
    assert "al-Maliki" in person.aliases
    assert [p.name for p in labelled(extraction, "Person")] == ["Turki al-Maliki", "Hans Grundberg"]
    assert not [e for e in extraction.entities if e.name.startswith("Brig")]


def test_name_opening_with_abu_keeps_every_particle(extract: Any) -> None:
    person = named(extract(ENVOYS), "Abu Bakr al-Baghdadi")
    assert (person.label, person.key) == ("Person", "person:abu-bakr-al-baghdadi")


def test_full_name_and_the_tail_the_model_tags_later_are_one_person(extract: Any) -> None:
    extraction = extract(MYANMAR)
    [person] = labelled(extraction, "Person")
    assert (person.name, person.title, person.mentions) == ("Min Aung Hlaing", "senior general", 2)


def test_surname_after_a_title_is_a_person_and_is_found_again(extract: Any) -> None:
    person = named(extract(ENVOYS), "Pompeo")
    assert (person.label, person.title, person.mentions) == ("Person", "secretary", 2)


def test_region_before_an_envoys_title_is_a_place_not_part_of_his_name(extract: Any) -> None:
    extraction = extract(ENVOYS)
    person = named(extraction, "Steve Witkoff")
    assert (person.label, person.title) == ("Person", "envoy")
    region = named(extraction, "Middle East")
    assert (region.label, region.kind) == ("Region", "geographic region")


def test_group_under_its_arabic_name_and_acronym_is_one_non_state_armed_force(extract: Any) -> None:
    extraction = extract(SAHEL)
    group = named(extraction, "JNIM")
    assert (group.key, group.label, group.kind, group.mentions) == ("org:jnim", "ArmedForce", "non-state", 2)
    assert "Jama'at Nusrat al-Islam wal-Muslimin" in group.aliases
    assert not relations(extraction, "ARMED_FORCE_OF", group.key)


def test_so_called_group_and_its_acronym_are_one_armed_force_never_a_place(extract: Any) -> None:
    extraction = extract(SAHEL)
    group = named(extraction, "ISGS")
    assert (group.label, group.kind, group.mentions) == ("ArmedForce", "non-state", 2)
    assert "Islamic State in the Greater Sahara" in group.aliases
    assert not [e for e in extraction.entities if e.label in ("Region", "Site") and "Sahara" in e.name]


def test_isis_isil_and_daesh_are_one_group(extract: Any) -> None:
    group = named(extract(SYRIA), "Daesh")
    assert (group.key, group.kind, group.mentions) == ("org:islamic-state", "non-state", 3)
    assert {"ISIS", "ISIL"} <= set(group.aliases)


def test_houthis_and_ansar_allah_are_one_group_and_aqap_is_not_a_peninsula(extract: Any) -> None:
    extraction = extract(YEMEN)
    houthis = named(extraction, "Ansar Allah")
    assert (houthis.key, houthis.label, houthis.mentions) == ("org:houthis", "ArmedForce", 3)
    aqap = named(extraction, "AQAP")
    assert (aqap.label, aqap.kind, aqap.mentions) == ("ArmedForce", "non-state", 2)
    assert not [e for e in extraction.entities if e.name == "Arabian Peninsula"]


def test_acronym_in_brackets_is_the_groups_alias_and_names_it_later(extract: Any) -> None:
    extraction = extract(MYANMAR)
    group = named(extraction, "Arakan Army")
    assert (group.label, group.kind, group.mentions) == ("ArmedForce", "non-state", 3)
    assert "AA" in group.aliases


def test_colombian_guerrillas_by_spanish_acronym_and_english_name_are_one_group(extract: Any) -> None:
    extraction = extract(COLOMBIA)
    eln = named(extraction, "ELN")
    assert (eln.label, eln.kind, eln.mentions) == ("ArmedForce", "non-state", 2)
    assert "National Liberation Army" in eln.aliases
    emc = named(extraction, "EMC")
    assert (emc.name, emc.label, emc.kind) == ("Estado Mayor Central", "ArmedForce", "non-state")


def test_a_states_forces_by_their_own_name_are_its_armed_force(extract: Any) -> None:
    extraction = extract(MYANMAR)
    tatmadaw = named(extraction, "Tatmadaw")
    assert (tatmadaw.key, tatmadaw.kind) == ("armedforce:mm", "state")
    assert tatmadaw.name == "Armed Forces of Myanmar"
    assert relations(extraction, "ARMED_FORCE_OF", "armedforce:mm") == {"state:mm"}


def test_coalition_formation_is_its_lead_states_armed_force_and_its_operation_is_no_organisation(
    extract: Any,
) -> None:
    extraction = extract(SYRIA)
    coalition = named(extraction, "Combined Joint Task Force - Operation Inherent Resolve")
    assert (coalition.key, coalition.label) == ("armedforce:us:cjtf-oir", "ArmedForce")
    assert relations(extraction, "ARMED_FORCE_OF", coalition.key) == {"state:us"}
    assert not [e for e in labelled(extraction, "Organization") if "Operation" in e.name]


def test_named_operation_is_a_conflict_not_an_organisation(extract: Any) -> None:
    operation = named(extract(SYRIA), "Operation Roundup")
    assert (operation.key, operation.label, operation.kind) == (
        "conflict:operation-roundup",
        "Conflict",
        "military operation",
    )


def test_security_council_and_foreign_office_are_their_states_bodies(extract: Any) -> None:
    extraction = extract(SYRIA)
    council = named(extraction, "Iraqi National Security Council")
    assert (council.key, council.label) == ("ministry:national-security-council:iq", "Ministry")
    assert relations(extraction, "MINISTRY_OF", council.key) == {"state:iq"}
    office = named(extract(ENVOYS), "British Foreign Office")
    assert (office.key, office.label) == ("ministry:foreign-affairs:gb", "Ministry")


def test_named_joint_task_force_is_an_armed_force(extract: Any) -> None:
    force = named(extract(COLOMBIA), "Joint Task Force Omega")
    assert force.label == "ArmedForce"


def test_demonyms_for_peoples_name_their_states_and_invent_no_actor(extract: Any) -> None:
    extraction = extract(SYRIA)
    assert named(extraction, "Syrians").key == "state:sy"
    assert named(extraction, "Iraqis").key == "state:iq"
    colombians = named(extract(COLOMBIA), "Colombians")
    assert colombians.key == "state:co"
    actors = ("Person", "Organization", "ArmedForce")
    assert not [e for e in extraction.entities if e.label in actors and e.name in ("Syrians", "Iraqis")]


def test_weapon_and_vehicle_codes_are_no_organisations(extract: Any) -> None:
    names = {e.name for text in (SAHEL, YEMEN, SYRIA) for e in extract(text).entities}
    assert not names & {"VBIED", "UAV", "IED", "APCs", "MANPADS"}


def test_regions_without_a_government_are_places(extract: Any) -> None:
    sahel = named(extract(SAHEL), "Sahel")
    levant = named(extract(ENVOYS), "Levant")
    assert {(sahel.key, sahel.label), (levant.key, levant.label)} == {
        ("region:sahel", "Region"),
        ("region:levant", "Region"),
    }


def test_places_the_model_finds_are_towns_sites_areas_and_divisions(extract: Any) -> None:
    extraction = extract(SYRIA)
    assert named(extraction, "Deir ez-Zor").label == "Settlement"
    assert named(extraction, "Baghdad").label == "Settlement"  # the dateline, upper case
    valley = named(extraction, "Euphrates valley")
    assert (valley.label, valley.kind) == ("Region", "valley")
    sea = named(extract(YEMEN), "Red Sea")
    assert (sea.label, sea.kind) == ("Site", "sea")
    rakhine = named(extract(MYANMAR), "Rakhine State")
    assert (rakhine.key, rakhine.label) == ("region:rakhine@state:mm", "Region")


def test_non_state_groups_of_the_gazetteer_belong_to_no_state_and_share_no_name_with_a_place() -> None:
    from kg.gazetteer import load_gazetteer

    gaz = load_gazetteer()
    groups = [e for e in gaz.entries.values() if e.label == "ArmedForce" and e.kind == "non-state"]
    assert len(groups) > 60
    for group in groups:
        assert group.state is None, group.key
        for form in (group.name, *group.aliases):
            places = [e for e in gaz.lookup(form) if e.label in PLACE_LABELS]
            assert not places, (group.key, form)


def test_surname_named_before_the_full_name_is_the_same_person(extract: Any) -> None:
    extraction = extract(
        "Qassem said the talks had failed. The group's deputy leader Naim Qassem spoke from Beirut. "
        "Qassem left on Monday."
    )
    [person] = labelled(extraction, "Person")
    assert (person.name, person.mentions) == ("Naim Qassem", 3)


def test_lone_word_the_model_calls_a_person_is_none_unless_titled_or_speaking(extract: Any) -> None:
    extraction = extract("Sirens sounded across Kidal on Friday. Background noise was heard in Gao.")
    assert not labelled(extraction, "Person")


def test_rank_after_another_mans_post_is_the_title_of_the_one_named(extract: Any) -> None:
    extraction = extract("Captain Ali Musa, an aide of General Hamid Sharif, was wounded in Kidal.")
    assert named(extraction, "Hamid Sharif").title == "general"


def test_water_and_lakes_with_the_kind_first_are_sites(extract: Any) -> None:
    extraction = extract("A tanker was struck in the Gulf of Aden, and boats crossed Lake Kivu at night.")
    gulf, lake = named(extraction, "Gulf of Aden"), named(extraction, "Lake Kivu")
    assert {(gulf.label, gulf.kind), (lake.label, lake.kind)} == {("Site", "gulf"), ("Site", "lake")}


def test_a_states_forces_named_like_a_rebel_group_are_that_states(extract: Any) -> None:
    extraction = extract(
        "The Uganda People's Defence Force (UPDF) said it had entered Bunia. The UPDF denied it."
    )
    army = named(extraction, "UPDF")
    assert (army.key, army.kind, army.mentions) == ("armedforce:ug", "state", 3)
    assert not [e for e in extraction.entities if e.key == "org:people-s-defence-force"]


def test_coalitions_of_states_are_organisations_under_their_names(extract: Any) -> None:
    extraction = extract(
        "Ministers of the Global Coalition to Defeat ISIS met in Rome. The Multinational Joint Task Force "
        "said the MNJTF had cleared islands of Lake Chad, and the G5 Sahel Joint Force held its positions."
    )
    coalition = named(extraction, "Global Coalition to Defeat ISIS")
    assert (coalition.key, coalition.label) == ("org:global-coalition-against-daesh", "Organization")
    task_force = named(extraction, "MNJTF")
    assert (task_force.label, task_force.mentions) == ("Organization", 2)
    assert named(extraction, "G5 Sahel Joint Force").key == "org:g5-sahel"


def test_surname_that_is_also_a_groups_name_stays_the_persons(extract: Any) -> None:
    extraction = extract("Foreign Minister Anna Marie Wagner said the talks in Nairobi would resume.")
    person = named(extraction, "Anna Marie Wagner")
    assert (person.label, person.title) == ("Person", "foreign minister")
    assert not [e for e in extraction.entities if e.key == "org:wagner-group"]


def test_a_people_named_again_by_its_adjective_is_the_entity_already_known(extract: Any) -> None:
    extraction = extract(
        "Aramco said its plant was hit. Aramco engineers later repaired the Aramco pipeline."
    )
    assert named(extraction, "Aramco").mentions >= 2


def test_particles_after_the_models_span_belong_to_the_name(extract: Any) -> None:
    text = "Qatari Prime Minister Hamad bin Khalifa bin Ahmed Al Mansour said the talks would resume in Doha."
    assert [p.name for p in labelled(extract(text), "Person")] == ["Hamad bin Khalifa bin Ahmed Al Mansour"]


def test_a_given_name_the_model_left_out_after_a_comma_is_the_names_first_word(extract: Any) -> None:
    text = "The talks were chaired by the head of the monitoring mission, Annika Louise Berglund, in Gori."
    assert [p.name for p in labelled(extract(text), "Person")] == ["Annika Louise Berglund"]
