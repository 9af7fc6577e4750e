"""The world gazetteer: GeoNames settlements and first-level regions under the curated rows, cached once."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kg.errors import ConfigError
from kg.gazetteer import load_gazetteer
from kg.world import (
    WorldSources,
    clean_region_name,
    ensure_world_index,
    is_indexable_name,
    package_versions,
    world_index_path,
)


def test_a_village_in_armenia_resolves_to_its_marz_and_state() -> None:
    gaz = load_gazetteer()
    village = gaz.world_settlements("Zaritap")[0]
    assert village.key == "settlement:zaritap@region:vayots-dzor@state:am"
    assert village.latitude == pytest.approx(39.64, abs=0.01) and village.population
    region = gaz.region_of(village)
    assert region is not None and (region.key, region.name) == ("region:vayots-dzor@state:am", "Vayots Dzor")
    assert gaz.state_of(village) == "state:am"


def test_an_older_or_transliterated_name_finds_the_same_village() -> None:
    gaz = load_gazetteer()
    for name in ("Pashalu", "Zarrit'ap'", "Zarritap"):
        assert [e.key for e in gaz.world_settlements(name)] == [
            "settlement:zaritap@region:vayots-dzor@state:am"
        ]
    assert "Pashalu" in gaz.world_settlements("Zaritap")[0].aliases


def test_same_named_towns_in_two_states_stay_two_candidates() -> None:
    rafah = load_gazetteer().world_settlements("Rafah")
    states = [e.state for e in rafah]
    assert {"state:ps", "state:eg"} <= set(states)
    assert len({e.key for e in rafah}) == len(rafah)


def test_the_bigger_city_comes_first_and_a_state_narrows_the_choice() -> None:
    gaz = load_gazetteer()
    assert gaz.world_settlements("Gaza")[0].state == "state:ps"
    assert [e.state for e in gaz.world_settlements("Donetsk", state="state:ru")] == ["state:ru"]


def test_a_capital_is_marked() -> None:
    kabul = load_gazetteer().world_settlements("Kabul")[0]
    assert kabul.capital and kabul.state == "state:af"


def test_a_curated_row_keeps_its_key_name_and_aliases_and_gains_geonames_facts() -> None:
    kapan = load_gazetteer().world_settlements("Kapan")[0]
    assert (kapan.key, kapan.name, kapan.kind, kapan.source) == (
        "settlement:kapan@region:syunik@state:am",
        "Kapan",
        "town",
        "curated",
    )
    assert kapan.aliases[0] == "Ghapan" and kapan.population and kapan.latitude is not None


def test_a_curated_name_and_the_geonames_spelling_are_one_region() -> None:
    gaz = load_gazetteer()
    assert gaz.world_region("Syunik'i Marz") == gaz.world_region("Syunik")
    assert gaz.world_region("Qazax").key == "region:gazakh@state:az"  # type: ignore[union-attr]
    assert gaz.world_region("Nord Kivu").key == "region:north-kivu@state:cd"  # type: ignore[union-attr]
    goma = gaz.world_settlements("Goma")[0]
    assert goma.key == "settlement:goma@region:north-kivu@state:cd"


def test_a_region_is_named_without_its_suffix_and_keeps_the_kind_it_said() -> None:
    balakan = load_gazetteer().world_region("Balakan Rayon")
    assert balakan is not None
    assert (balakan.key, balakan.name, balakan.kind, balakan.container) == (
        "region:balakan@state:az",
        "Balakan",
        "district",
        "state:az",
    )
    assert clean_region_name("Northern District") == ("Northern District", None)
    assert clean_region_name("Muhafazat Kirkuk") == ("Kirkuk", "governorate")


def test_a_region_name_shared_by_two_states_is_ordered_and_narrowed_by_state() -> None:
    gaz = load_gazetteer()
    assert [e.state for e in gaz.world_regions("Punjab")][:2] == ["state:pk", "state:in"]
    assert gaz.world_region("Punjab", state="state:in").key == "region:punjab@state:in"  # type: ignore[union-attr]


def test_a_place_key_leads_back_to_the_place() -> None:
    gaz = load_gazetteer()
    for name in ("Zaritap", "Kapan", "Goma", "Mosul"):
        entry = gaz.world_settlements(name)[0]
        assert gaz.place(entry.key) == entry
    assert gaz.place("settlement:nowhere@state:am") is None


def test_only_latin_names_written_as_names_are_indexed() -> None:
    assert is_indexable_name("Zarrit'ap'") and is_indexable_name("Paşalı")
    assert not is_indexable_name("zaritapi")  # a lowercase machine transliteration
    assert not is_indexable_name("EVN")  # a code
    assert not is_indexable_name("Заритап")


def test_the_index_file_is_named_for_the_package_versions() -> None:
    path = world_index_path({"XDG_CACHE_HOME": "/somewhere"})
    assert path.parent == Path("/somewhere/conflict-kg")
    assert all(version in path.name for version in package_versions().values())


def _small_sources(folder: Path) -> WorldSources:
    """A two-village GeoNames extract in the packages' own formats."""
    cities = {
        "1": {
            "geonameid": 1,
            "name": "Aygut",
            "latitude": 40.1,
            "longitude": 45.1,
            "countrycode": "AM",
            "population": 900,
            "timezone": "Asia/Yerevan",
            "admin1code": "04",
            "alternatenames": ["Aygut", "Aghkilisa", "aygut"],
        },
        "2": {
            "geonameid": 2,
            "name": "Aygut",
            "latitude": 41.5,
            "longitude": 46.5,
            "countrycode": "AZ",
            "population": 600,
            "timezone": "Asia/Baku",
            "admin1code": "58",
            "alternatenames": [],
        },
    }
    (folder / "cities.json").write_text(json.dumps(cities), encoding="utf-8")
    (folder / "rg.csv").write_text(
        "lat,lon,name,admin1,admin2,cc\n40.1,45.1,Aygut,Geghark'unik'i Marz,,AM\n41.5,46.5,Aygut,Tovuz,,AZ\n",
        encoding="utf-8",
    )
    (folder / "countries.json").write_text(json.dumps({"AM": {"capital": "Yerevan"}}), encoding="utf-8")
    return WorldSources(folder / "cities.json", folder / "rg.csv", folder / "countries.json")


def test_the_index_is_built_once_and_then_reused(tmp_path: Path) -> None:
    sources = _small_sources(tmp_path)
    target = tmp_path / "cache" / "world.sqlite"
    assert ensure_world_index(target, sources) == target
    first = target.stat()
    (tmp_path / "cities.json").write_text("not json", encoding="utf-8")  # a rebuild would fail now
    assert ensure_world_index(target, sources) == target
    assert (target.stat().st_ino, target.stat().st_mtime_ns) == (first.st_ino, first.st_mtime_ns)


def test_two_processes_building_at_once_leave_one_complete_index(tmp_path: Path) -> None:
    sources = _small_sources(tmp_path)
    target = tmp_path / "cache" / "world.sqlite"
    script = (
        "import sys; from pathlib import Path; from kg.world import WorldSources, ensure_world_index; "
        "s = WorldSources(*map(Path, sys.argv[2:5])); print(ensure_world_index(Path(sys.argv[1]), s))"
    )
    args = [sys.executable, "-c", script, str(target), str(sources.cities), str(sources.admin1_names)]
    args.append(str(sources.countries))
    runs = [
        subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)
    ]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert [out.strip() for out, _err in outputs] == [str(target)] * 2
    assert sorted(p.name for p in target.parent.iterdir()) == ["world.lock", "world.sqlite"]
    assert ensure_world_index(target, sources) == target


def test_an_unusable_cache_folder_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(ConfigError, match="XDG_CACHE_HOME"):
        ensure_world_index(blocker / "conflict-kg" / "world.sqlite", _small_sources(tmp_path))


def test_a_second_world_gazetteer_opens_the_same_cached_index() -> None:
    from kg.world import WorldGazetteer

    gaz = load_gazetteer()
    path = gaz.world.path
    assert path == world_index_path()
    before = path.stat().st_mtime_ns
    again = WorldGazetteer(gaz)
    assert again.path == path and path.stat().st_mtime_ns == before
    assert again.settlements("Zaritap") == gaz.world_settlements("Zaritap")


def test_a_city_of_that_very_name_beats_another_spelling_of_a_village_in_a_named_state() -> None:
    gazetteer = load_gazetteer()
    entry = gazetteer.clear_place("Doha", {"state:ir"})
    assert entry is not None and entry.state == "state:qa"
