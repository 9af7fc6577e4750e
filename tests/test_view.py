"""`kg view`: a template's answer as one HTML page in the Browser's colours, checked in real Chromium."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import run_kg

from kg.connection import Connection
from kg.load import load_extractions
from kg.models import ALL_LABELS, Document, Entity, Extraction, Relation
from kg.view import caption_of, read_style, style_path

STYLE = read_style(style_path())
FIRED = "Azerbaijani units shelled Armenian positions near Sotk on 13 September, Yerevan said."
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1200,800",
    # Lets the page's scripts run the layout before the screenshot or the DOM dump is taken.
    "--virtual-time-budget=15000",
]


# --- the style ----------------------------------------------------------------------------------


def test_every_label_has_a_style_of_its_own_with_colour_size_and_caption() -> None:
    labels = set(ALL_LABELS) | {"Document", "Name", "Site"}
    assert labels <= STYLE.styled_labels()
    for label in labels:
        rule = STYLE.for_node(["Entity", label])
        assert re.fullmatch(r"#[0-9A-F]{6}", rule["color"]), label
        assert rule["diameter"].endswith("px") and rule["caption"].startswith("{"), label
    colours = [STYLE.for_node([label])["color"] for label in ALL_LABELS]
    assert len(set(colours)) == len(colours)  # no two kinds look alike (Meeting had the default grey)


def test_events_are_captioned_by_their_short_caption_and_relationships_by_type() -> None:
    attack = STYLE.for_node(["Entity", "Event", "Attack"])
    props = {"name": "Attack by Azerbaijan (doc:1)", "caption": "Attack on Sotk 2022-09-13"}
    assert caption_of(attack["caption"], props, "x") == "Attack on Sotk 2022-09-13"
    assert caption_of(STYLE.for_node(["Document"])["caption"], {"title": "A title"}, "x") == "A title"
    attacker = STYLE.for_relationship("ATTACKER")
    assert (attacker["color"], attacker["shaft-width"], attacker["caption"]) == ("#EB2728", "3px", "<type>")
    # A type without a rule of its own takes the default relationship style.
    assert STYLE.for_relationship("REPORTED")["color"] == STYLE.for_relationship("")["color"]


# --- the page -----------------------------------------------------------------------------------


def sotk_extraction() -> Extraction:
    attack = "event:attack:doc-sotk:1"
    return Extraction(
        document=Document(key="doc-sotk", title="Shelling near Sotk", text=FIRED, published="2022-09-14"),
        entities=[
            Entity(key="state:am", label="State", name="Armenia"),
            Entity(key="state:az", label="State", name="Azerbaijan"),
            Entity(key="region:gegharkunik@state:am", label="Region", name="Gegharkunik"),
            Entity(key="settlement:sotk@region:gegharkunik@state:am", label="Settlement", name="Sotk"),
            Entity(key=attack, label="Attack", name="Attack by Azerbaijan (doc-sotk)", start="2022-09-13"),
        ],
        relations=[
            Relation(type="ATTACKER", source=attack, target="state:az", evidence=[FIRED], confidence=0.9),
            Relation(type="TARGET", source=attack, target="state:am", evidence=[FIRED], confidence=0.9),
            Relation(
                type="LOCATION",
                source=attack,
                target="settlement:sotk@region:gegharkunik@state:am",
                evidence=[FIRED],
            ),
            Relation(
                type="LOCATED_IN",
                source="settlement:sotk@region:gegharkunik@state:am",
                target="region:gegharkunik@state:am",
            ),
            Relation(type="LOCATED_IN", source="region:gegharkunik@state:am", target="state:am"),
        ],
    )


def page_data(html: str) -> dict[str, Any]:
    """The graph data a neo4j-viz page carries."""
    match = re.search(r'<script type="application/json" id="neo4j-viz-data">(.*?)</script>', html, re.S)
    assert match, "no neo4j-viz data in the page"
    data: dict[str, Any] = json.loads(match.group(1))
    return data


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: .ci/run installs Debian's chromium package")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return found


def headless(page: Path, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Open the page in headless Chromium with a fresh profile."""
    profile.mkdir()
    command = [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()]
    return subprocess.run(command, capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL)


def pixels_near(image: Any, colour: str, tolerance: int = 8) -> int:
    """How many pixels of the screenshot have (about) this #RRGGBB colour."""
    want = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return sum(
        count
        for count, pixel in image.getcolors(maxcolors=1 << 24)
        if all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], want, strict=True))
    )


@pytest.mark.neo4j
def test_view_draws_the_answer_in_the_browser_style_and_chromium_renders_it(
    graph: Connection, kg_env: dict[str, str], tmp_path: Path
) -> None:
    from PIL import Image

    load_extractions(graph.driver, [sotk_extraction()], database=graph.database)
    page = tmp_path / "attacks.html"
    result = run_kg(["view", "attacks", "-p", "attacker=Azerbaijan", "--out", str(page)], kg_env)
    assert result.returncode == 0, result.stderr
    assert result.stderr == f"Drew 4 nodes and 3 relationships (1 row) to {page}\n"
    html = page.read_text(encoding="utf-8")
    assert "<title>kg view attacks (attacker=Azerbaijan)</title>" in html
    # Self-contained: no script, style or font is fetched from anywhere.
    assert not re.search(r"<(?:script|link)[^>]+(?:src|href)=[\"']https?:", html)

    data = page_data(html)
    nodes = {node["caption"]: node for node in data["nodes"]}
    # The entities the answer names, not the region it does not name.
    assert set(nodes) == {"Attack on Sotk 2022-09-13", "Azerbaijan", "Armenia", "Sotk"}
    assert nodes["Armenia"]["color"] == STYLE.for_node(["State"])["color"].lower()
    assert nodes["Sotk"]["color"] == STYLE.for_node(["Settlement"])["color"].lower()
    assert nodes["Armenia"]["size"] == float(STYLE.for_node(["State"])["diameter"].removesuffix("px")) / 2
    relationships = {rel["caption"]: rel for rel in data["relationships"]}
    assert set(relationships) == {"ATTACKER", "TARGET", "LOCATION"}
    assert relationships["ATTACKER"]["color"] == "#eb2728" and relationships["ATTACKER"]["width"] == 3
    assert relationships["ATTACKER"]["properties"]["evidence"] == [FIRED]
    assert relationships["ATTACKER"]["properties"]["sources"] == ["doc-sotk"]
    assert "disc" not in relationships["LOCATION"]["properties"]

    dom = headless(page, tmp_path / "profile-dom", "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert len(page_data(dom.stdout)["nodes"]) == 4
    assert "<canvas" in dom.stdout

    shot = tmp_path / "attacks.png"
    taken = headless(page, tmp_path / "profile-shot", f"--screenshot={shot}")
    assert taken.returncode == 0 and shot.is_file(), taken.stderr[-2000:]
    image = Image.open(shot).convert("RGB")
    assert image.size == (1200, 800)
    assert len(image.getcolors(maxcolors=1 << 24)) > 50  # not a blank page
    for label in ("State", "Settlement", "Attack"):
        # Each node is a filled disc of its label's colour. The layout zooms to fit and may leave a disc
        # small or partly under a caption or another disc (88 px of two State discs seen on a loaded
        # machine), so this asks for a drawn disc, not its full area.
        assert pixels_near(image, STYLE.for_node([label])["color"]) > 25, label


@pytest.mark.neo4j
def test_view_of_an_answer_naming_no_node_is_one_error_line(
    graph: Connection, kg_env: dict[str, str], tmp_path: Path
) -> None:
    load_extractions(graph.driver, [sotk_extraction()], database=graph.database)
    page = tmp_path / "nothing.html"
    result = run_kg(["view", "places_in", "-p", "place=Nowhere", "--out", str(page)], kg_env)
    assert result.returncode == 1
    assert result.stderr == (
        "Error: the answer of template 'places_in' (0 rows) names no node of the graph: nothing to draw; "
        "check the parameters with `kg query places_in`\n"
    )
    assert not page.exists()


@pytest.mark.neo4j
def test_view_of_a_path_answer_draws_the_paths_nodes(
    graph: Connection, kg_env: dict[str, str], tmp_path: Path
) -> None:
    load_extractions(graph.driver, [sotk_extraction()], database=graph.database)
    page = tmp_path / "sotk.html"
    result = run_kg(["view", "neighbourhood", "-p", "name=Sotk", "-p", "depth=1", "--out", str(page)], kg_env)
    assert result.returncode == 0, result.stderr
    data = page_data(page.read_text(encoding="utf-8"))
    assert {node["caption"] for node in data["nodes"]} == {"Sotk", "Gegharkunik", "Attack on Sotk 2022-09-13"}
    assert sorted(rel["caption"] for rel in data["relationships"]) == ["LOCATED_IN", "LOCATION"]
