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
