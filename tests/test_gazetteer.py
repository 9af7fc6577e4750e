"""The gazetteers: states with demonyms, alternate place names, containers, and user extensions."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import ConfigError
from kg.gazetteer import USER_DIR_ENV, load_gazetteer


def test_alternate_names_lead_to_one_place() -> None:
    gaz = load_gazetteer()
    assert [e.key for e in gaz.lookup("Tovuzgala")] == [e.key for e in gaz.lookup("Berd")]
    assert gaz.lookup("Upper Karabakh")[0].key == gaz.lookup("Nagorno-Karabakh")[0].key
    assert gaz.lookup("Basarkechar")[0].container == "region:gegharkunik@state:am"


def test_states_have_common_names_codes_and_demonyms() -> None:
    gaz = load_gazetteer()
    russia = gaz.lookup("Russian Federation", "State")[0]
    assert (russia.name, russia.iso2, russia.iso3) == ("Russia", "RU", "RUS")
    assert gaz.demonym_state("Azerbaijani") == "state:az"
    assert gaz.demonym_state("Soviet") == "state:su"
    assert gaz.get("state:su") is not None and gaz.get("state:su").status == "historical"  # type: ignore[union-attr]


def test_same_name_in_two_states_is_two_entries() -> None:
    keys = {e.key for e in load_gazetteer().lookup("Poonch")}
    assert len(keys) == 2


def test_coordinates_are_only_given_where_known() -> None:
    gaz = load_gazetteer()
    assert gaz.get("settlement:baku@state:az").latitude is not None  # type: ignore[union-attr]
    assert gaz.get("region:tovuz@state:az").latitude is None  # type: ignore[union-attr]


def test_a_user_gazetteer_folder_adds_places(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "places.tsv").write_text(
        "# my places\nkey\tlabel\tname\tkind\tcontainer\taliases\tlat\tlon\n"
        "settlement:chiraqidzor@state:az\tSettlement\tChiraqidzor\tvillage\tstate:az\tChiragidzor\t\t\n",
        encoding="utf-8",
    )
    monkeypatch.setenv(USER_DIR_ENV, str(tmp_path))
    load_gazetteer.cache_clear()
    try:
        assert load_gazetteer().lookup("Chiragidzor")[0].key == "settlement:chiraqidzor@state:az"
    finally:
        monkeypatch.delenv(USER_DIR_ENV)
        load_gazetteer.cache_clear()


def test_a_broken_user_gazetteer_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "places.tsv").write_text(
        "key\tlabel\tname\tkind\tcontainer\taliases\tlat\tlon\nx\tVillage\tX\t\t\t\t\t\n", encoding="utf-8"
    )
    monkeypatch.setenv(USER_DIR_ENV, str(tmp_path))
    load_gazetteer.cache_clear()
    try:
        with pytest.raises(ConfigError, match="label must be"):
            load_gazetteer()
    finally:
        monkeypatch.delenv(USER_DIR_ENV)
        load_gazetteer.cache_clear()


def test_non_state_armed_groups_are_armed_forces_known_by_their_other_names() -> None:
    gaz = load_gazetteer()
    for alias, key in (
        ("Ansar Allah", "org:houthis"),
        ("March 23 Movement", "org:m23"),
        ("AFC", "org:m23"),
        ("Daesh", "org:islamic-state"),
        ("Pakistani Taliban", "org:tehrik-i-taliban-pakistan"),
        ("Tigray Defence Forces", "org:tigray-people-s-liberation-front"),
        ("Hizbullah", "org:hezbollah"),
    ):
        entry = gaz.lookup(alias)[0]
        assert (entry.key, entry.label, entry.kind, entry.state) == (key, "ArmedForce", "non-state", None)
    assert "state:cd" in gaz.get("org:m23").active_in  # type: ignore[union-attr]


def test_a_states_own_body_is_a_ministry_of_that_state() -> None:
    sbu = load_gazetteer().lookup("SBU")[0]
    assert (sbu.key, sbu.label, sbu.state, sbu.org_type) == (
        "ministry:security-service:ua",
        "Ministry",
        "state:ua",
        "security service",
    )


def test_news_agencies_and_international_bodies_say_what_they_are() -> None:
    gaz = load_gazetteer()
    assert gaz.lookup("Azertac")[0].org_type == "news agency"
    assert gaz.lookup("MONUSCO")[0].org_type == "peace mission"
    assert gaz.lookup("IGAD")[0].org_type == "international body"


def test_every_state_conflict_news_reports_has_its_demonyms() -> None:
    gaz = load_gazetteer()
    for word, key in (
        ("Armenians", "state:am"),
        ("Israelis", "state:il"),
        ("Iranians", "state:ir"),
        ("Somalis", "state:so"),
        ("Burkinabe", "state:bf"),
        ("Nigerien", "state:ne"),
        ("Kosovars", "state:kosovo"),
        ("Serbs", "state:rs"),
        ("Thais", "state:th"),
        ("Colombians", "state:co"),
    ):
        assert gaz.demonym_state(word) == key, word
    brief = (
        "am az ru ua ge tr ir il lb sy iq ye sa qa eg us gb fr de cn in pk af kg tj kz uz rs ba et er so sd"
    )
    brief += " ss cd rw ug ke ml bf ne ng mm th kh co kosovo"
    assert [s for s in brief.split() if not gaz.demonyms_of(f"state:{s}")] == []


def test_congo_alone_is_the_democratic_republic() -> None:
    gaz = load_gazetteer()
    assert [e.key for e in gaz.lookup("Congo", "State")] == ["state:cd"]
    assert gaz.lookup("Congo-Brazzaville")[0].key == "state:cg"


def test_named_conflicts_carry_their_dates_and_parties() -> None:
    war = load_gazetteer().lookup("Twelve-Day War")[0]
    assert (war.key, war.start, war.end) == ("conflict:iran-israel-war", "2025-06-13", "2025-06-24")
    assert {"state:il", "state:ir"} <= set(war.parties)


def test_an_old_five_column_organisations_file_still_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "organizations.tsv").write_text(
        "key\tlabel\tname\taliases\tstate\n"
        "org:example-watch\tOrganization\tExample Watch\tEW\t\n"
        "armedforce:am:example\tArmedForce\tExample Brigade\t\tstate:am\n",
        encoding="utf-8",
    )
    monkeypatch.setenv(USER_DIR_ENV, str(tmp_path))
    load_gazetteer.cache_clear()
    try:
        gaz = load_gazetteer()
        assert gaz.lookup("EW")[0].key == "org:example-watch"
        assert gaz.get("armedforce:am:example").kind == "state"  # type: ignore[union-attr]
    finally:
        monkeypatch.delenv(USER_DIR_ENV)
        load_gazetteer.cache_clear()


def test_an_armed_force_of_unknown_kind_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "organizations.tsv").write_text(
        "key\tlabel\tname\taliases\tstate\tkind\ttype\tactive_in\n"
        "org:example-militia\tArmedForce\tExample Militia\t\t\trebel\t\t\n",
        encoding="utf-8",
    )
    monkeypatch.setenv(USER_DIR_ENV, str(tmp_path))
    load_gazetteer.cache_clear()
    try:
        with pytest.raises(ConfigError, match="kind is state or non-state"):
            load_gazetteer()
    finally:
        monkeypatch.delenv(USER_DIR_ENV)
        load_gazetteer.cache_clear()
