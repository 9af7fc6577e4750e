"""Persons with date-bounded roles: a surname or an office on a date resolves to the right person."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kg.errors import ConfigError
from kg.gazetteer import USER_DIR_ENV, load_gazetteer
from kg.persons import Role, canonical_title, office_of_title
from kg.resolve import ministry_key, person_key


def _names(found: list) -> list[str]:
    return [item.person.name for item in found]


def test_a_surname_or_another_spelling_finds_the_person_with_the_role() -> None:
    gaz = load_gazetteer()
    for name in ("Aliyev", "Aliev", "Ilham Aliyev"):
        first = gaz.persons_named(name, on=date(2024, 5, 1))[0]
        assert first.person.key == "person:ilham-aliyev"
        assert first.role is not None and (first.role.title, first.role.represents) == (
            "President",
            "state:az",
        )
    assert {item.person.key for item in gaz.persons_named("Zelensky")} == {"person:volodymyr-zelenskyy"}
    assert gaz.persons_named("Zelenskiy")[0].person.name == "Volodymyr Zelenskyy"


def test_the_role_held_on_the_date_comes_first() -> None:
    gaz = load_gazetteer()
    before = gaz.persons_named("Shoigu", on=date(2023, 3, 1))[0].role
    after = gaz.persons_named("Shoigu", on=date(2024, 9, 1))[0].role
    assert before is not None and before.represents == "ministry:defence:ru"
    assert after is not None and after.title == "Secretary of the Security Council"


def test_a_shared_surname_puts_whoever_held_office_that_day_first() -> None:
    gaz = load_gazetteer()
    assert gaz.persons_named("Aoun", on=date(2017, 1, 1))[0].person.name == "Michel Aoun"
    assert gaz.persons_named("Aoun", on=date(2025, 6, 1))[0].role.title == "President"  # type: ignore[union-attr]
    assert gaz.persons_named("Aoun", on=date(2025, 6, 1))[0].person.name == "Joseph Aoun"


def test_an_office_on_a_date_names_its_holder() -> None:
    gaz = load_gazetteer()
    russian_defence = ministry_key("defence", "state:ru")
    assert (
        gaz.office_holder(russian_defence, "Defence Minister", date(2023, 5, 1)).person.name
        == "Sergei Shoigu"
    )  # type: ignore[union-attr]
    assert (
        gaz.office_holder(russian_defence, "defense minister", date(2024, 6, 1)).person.name
        == "Andrei Belousov"
    )  # type: ignore[union-attr]
    us_foreign = ministry_key("foreign affairs", "state:us")
    assert gaz.office_holder(us_foreign, "foreign minister", date(2019, 1, 1)).person.name == "Mike Pompeo"  # type: ignore[union-attr]
    assert gaz.office_holder("state:am", "Prime Minister", date(2017, 1, 1)).person.name == "Karen Karapetyan"  # type: ignore[union-attr]


def test_a_president_is_not_confused_with_a_supreme_leader() -> None:
    gaz = load_gazetteer()
    assert gaz.office_holder("state:ir", "President", date(2022, 1, 1)).person.name == "Ebrahim Raisi"  # type: ignore[union-attr]
    assert gaz.office_holder("state:ir", "Supreme Leader", date(2022, 1, 1)).person.name == "Ali Khamenei"  # type: ignore[union-attr]


def test_a_vacant_office_has_no_holder() -> None:
    # Between Nasrallah's death and Qassem's election Hezbollah had no secretary-general.
    assert load_gazetteer().office_holder("org:hezbollah", "Secretary-General", date(2024, 10, 10)) is None


def test_a_role_known_to_the_year_covers_the_whole_year() -> None:
    role = Role(title="spokesperson", office="spokesperson", represents="org:x", start="2021", end="2022-03")
    assert role.held_on(date(2021, 1, 1)) and role.held_on(date(2022, 3, 31))
    assert not role.held_on(date(2020, 12, 31)) and not role.held_on(date(2022, 4, 1))


def test_titles_as_news_writes_them_name_one_office() -> None:
    assert office_of_title("Secretary of State") == office_of_title("Foreign Minister") == "foreign minister"
    assert office_of_title("Minister of Defense") == "defence minister"
    assert canonical_title("the Defense Ministry spokesman") == "defence ministry spokesperson"


def test_every_role_names_whom_it_represents_with_a_key() -> None:
    persons = load_gazetteer().persons.persons
    assert len(persons) > 300
    prefixes = ("state:", "ministry:", "armedforce:", "org:")
    for person in persons.values():
        assert person.key == person_key(person.name)
        for role in person.roles:
            assert role.represents.startswith(prefixes), (person.name, role)
            assert role.office, (person.name, role)


def test_a_user_file_adds_a_person_and_a_role(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "persons.tsv").write_text(
        "key\tname\taliases\ttitle\toffice\trepresents\tstart\tend\n"
        "person:anna-example\tAnna Example\tExample\tMayor\tmayor\torg:example-city\t2020-01\t\n"
        "person:ilham-aliyev\tIlham Aliyev\t\tparty chairman\tleader\torg:new-azerbaijan-party\t2005\t\n",
        encoding="utf-8",
    )
    monkeypatch.setenv(USER_DIR_ENV, str(tmp_path))
    load_gazetteer.cache_clear()
    try:
        gaz = load_gazetteer()
        assert _names(gaz.persons_named("Example")) == ["Anna Example"]
        assert len(gaz.persons.persons["person:ilham-aliyev"].roles) == 2
    finally:
        monkeypatch.delenv(USER_DIR_ENV)
        load_gazetteer.cache_clear()


def test_a_badly_written_date_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "persons.tsv").write_text(
        "key\tname\taliases\ttitle\toffice\trepresents\tstart\tend\n"
        "person:anna-example\tAnna Example\t\tMayor\tmayor\torg:x\t01/02/2020\t\n",
        encoding="utf-8",
    )
    monkeypatch.setenv(USER_DIR_ENV, str(tmp_path))
    load_gazetteer.cache_clear()
    try:
        with pytest.raises(ConfigError, match="line 2: '01/02/2020' is not a date"):
            load_gazetteer()
    finally:
        monkeypatch.delenv(USER_DIR_ENV)
        load_gazetteer.cache_clear()
