"""Web pages and feeds in: saved HTML, http(s) URLs and RSS/Atom feeds, from a real server on 127.0.0.1."""

from __future__ import annotations

import gzip
import json
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import lxml.html
import pytest
from conftest import ROOT, run_kg

from kg.connection import Connection
from kg.documents import read_documents
from kg.models import Document, LineError
from kg.web import Fetcher, FetchSettings, read_page

PAGES = ROOT / "tests" / "data" / "web"
FURNITURE_PAGE = PAGES / "border-fire-with-furniture.html"
TALKS_PAGE = PAGES / "ceasefire-talks.html"

ARTICLE_PARAGRAPHS = [
    "Azerbaijan's Defence Ministry said on Friday that Armenian units had fired on Azerbaijani army "
    "positions in the Kalbajar region late on Thursday night.",
    "The ministry said the fire came from the direction of the village of Sotk in Armenia's "
    "Gegharkunik province and lasted for about an hour.",
    "Armenia's Defence Ministry denied the claim and accused Azerbaijan of spreading disinformation "
    "about the situation on the border.",
    "No casualties were reported on either side, the ministry said in its statement.",
]


@dataclass
class Route:
    """What the test server answers on one path."""

    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    wait: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Site:
    """A real HTTP server on 127.0.0.1 with the routes a test gives it; it records every request."""

    base: str
    routes: dict[str, Route]
    requests: list[tuple[float, str, dict[str, str]]]

    def url(self, path: str) -> str:
        return self.base + path

    def requested(self, path: str) -> list[dict[str, str]]:
        return [headers for _, got, headers in self.requests if got == path]


@pytest.fixture
def site() -> Iterator[Site]:
    routes: dict[str, Route] = {}
    requests: list[tuple[float, str, dict[str, str]]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            requests.append((time.monotonic(), self.path, dict(self.headers)))
            route = routes.get(self.path)
            if route is None:
                self.send_error(404, "Not Found")
                return
            if route.wait:
                time.sleep(route.wait)
            self.send_response(route.status)
            self.send_header("Content-Type", route.content_type)
            for name, value in route.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            try:
                self.wfile.write(route.body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet test server
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Site(f"http://127.0.0.1:{server.server_address[1]}", routes, requests)
    finally:
        server.shutdown()
        server.server_close()


def read(paths: list[str], **kwargs: object) -> list[Document | LineError]:
    return list(read_documents(paths, delay=0, **kwargs))  # type: ignore[arg-type]


def only_document(items: list[Document | LineError]) -> Document:
    assert len(items) == 1 and isinstance(items[0], Document), items
    return items[0]


def rss(*items: tuple[str, str | None, str | None]) -> bytes:
    """An RSS 2.0 feed of (title, link, pubDate) items."""
    parts = []
    for title, link, date in items:
        link_xml = f"<link>{link}</link>" if link else ""
        date_xml = f"<pubDate>{date}</pubDate>" if date else ""
        parts.append(f"<item><title>{title}</title>{link_xml}{date_xml}</item>")
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Border wire</title>'
        f"<link>https://wire.example.org/</link><description>News</description>{''.join(parts)}</channel></rss>"
    ).encode()


# --- saved pages ---------------------------------------------------------------------------------


def test_saved_page_gives_the_article_with_its_title_date_author_outlet_and_canonical_url() -> None:
    document = only_document(read([str(FURNITURE_PAGE)]))
    assert document.title == "Azerbaijan says Armenian units fired on Kalbajar positions"
    assert document.text == "\n\n".join(ARTICLE_PARAGRAPHS)
    assert document.published == "2022-09-23"
    assert document.author == "Leyla Aliyeva"
    assert document.source == "Caspian Border Monitor"
    assert document.url == "https://border-monitor.example.org/2022/09/23/kalbajar-fire"
    assert document.path == str(FURNITURE_PAGE)


def test_navigation_ads_sidebars_and_footer_stay_out_of_the_text() -> None:
    text = only_document(read([str(FURNITURE_PAGE)])).text
    for furniture in (
        "Tbilisi",
        "Kupwara",
        "Belgorod",
        "Kharkiv",
        "Almaty",
        "Batken",
        "cookies",
        "Subscribe",
    ):
        assert furniture not in text


def test_a_page_without_a_date_in_its_metadata_has_none_not_the_copyright_year(tmp_path: Path) -> None:
    page = tmp_path / "undated.html"
    html = FURNITURE_PAGE.read_text(encoding="utf-8")
    html = re.sub(r'<meta property="article:published_time"[^>]*>', "", html)
    html = html.replace("/2022/09/23/kalbajar-fire", "/kalbajar-fire").replace(", 23 September 2022", "")
    page.write_text(html, encoding="utf-8")
    document = only_document(read([str(page)]))
    assert document.published is None  # not 2021 from the footer's copyright line


def test_published_given_on_the_command_line_wins_over_the_pages_date() -> None:
    assert only_document(read([str(FURNITURE_PAGE)], published="2022-09-24")).published == "2022-09-24"


def test_a_folder_holding_html_pages_and_text_files_reads_them_all(tmp_path: Path) -> None:
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "a.html").write_bytes(FURNITURE_PAGE.read_bytes())
    (tmp_path / "pages" / "b.htm").write_bytes(TALKS_PAGE.read_bytes())
    (tmp_path / "pages" / "c.txt").write_text(
        "Shelling in Tovuz\n\nArmenian units shelled the village of Aghdam in Tovuz.\n", encoding="utf-8"
    )
    items = read([str(tmp_path / "pages")])
    assert [type(item).__name__ for item in items] == ["Document", "Document", "Document"]
    assert [item.title for item in items if isinstance(item, Document)] == [
        "Azerbaijan says Armenian units fired on Kalbajar positions",
        "Kyrgyz and Tajik officials meet after border clashes",
        "Shelling in Tovuz",
    ]


def test_a_page_with_no_article_is_one_error_and_the_next_file_is_read(tmp_path: Path) -> None:
    empty = tmp_path / "menu.html"
    empty.write_text("<html><body><nav><a href='/'>Home</a> <a href='/x'>World</a></nav></body></html>")
    items = read([str(empty), str(TALKS_PAGE)])
    assert items[0] == LineError(
        path=str(empty),
        line=0,
        message="no article text found in the page (only navigation and page furniture)",
    )
    assert isinstance(items[1], Document)


# --- pages from a web server ---------------------------------------------------------------------


def test_a_url_is_fetched_with_a_user_agent_naming_the_tool(site: Site) -> None:
    site.routes["/news/kalbajar"] = Route(FURNITURE_PAGE.read_bytes())
    document = only_document(read([site.url("/news/kalbajar")]))
    assert document.text == "\n\n".join(ARTICLE_PARAGRAPHS)
    assert document.path == site.url("/news/kalbajar")
    assert document.url == "https://border-monitor.example.org/2022/09/23/kalbajar-fire"
    (headers,) = site.requested("/news/kalbajar")
    assert headers["User-Agent"].startswith("conflict-kg/")


def test_a_page_without_a_canonical_link_keeps_the_url_it_was_fetched_from(site: Site) -> None:
    site.routes["/asia/talks"] = Route(TALKS_PAGE.read_bytes())
    assert only_document(read([site.url("/asia/talks")])).url == site.url("/asia/talks")


def test_failing_pages_are_one_error_each_and_the_rest_goes_on(site: Site) -> None:
    site.routes["/ok"] = Route(TALKS_PAGE.read_bytes())
    site.routes["/broken"] = Route(b"oops", status=500)
    site.routes["/picture"] = Route(b"\x89PNG\r\n\x1a\n", content_type="image/png")
    site.routes["/feed"] = Route(rss(("A", site.url("/ok"), None)), content_type="application/rss+xml")
    items = read(
        [site.url("/missing"), site.url("/broken"), site.url("/picture"), site.url("/feed"), site.url("/ok")]
    )
    errors = [item for item in items if isinstance(item, LineError)]
    assert [(e.path, e.message) for e in errors] == [
        (site.url("/missing"), "the server answered HTTP 404 Not Found: check the address"),
        (site.url("/broken"), "the server answered HTTP 500 Internal Server Error: check the address"),
        (site.url("/picture"), "is image/png, not a web page (give HTML pages, text, or feeds with --feed)"),
        (
            site.url("/feed"),
            f"is a feed (application/rss+xml), not a page: give it with --feed {site.url('/feed')}",
        ),
    ]
    assert isinstance(items[-1], Document)


def test_an_unreachable_host_is_one_error() -> None:
    (error,) = read(["http://127.0.0.1:9/news"])
    assert error == LineError(
        path="http://127.0.0.1:9/news",
        line=0,
        message="connection refused: check the address, or whether the site is up",
    )


def test_a_server_slower_than_the_timeout_is_given_up(site: Site) -> None:
    site.routes["/slow"] = Route(TALKS_PAGE.read_bytes(), wait=2.0)
    fetcher = Fetcher(FetchSettings(timeout=0.3, delay=0))
    started = time.monotonic()
    result = read_page(site.url("/slow"), fetcher)
    assert time.monotonic() - started < 1.9
    assert result == LineError(
        path=site.url("/slow"), line=0, message="no answer within 0.3 seconds: try again later"
    )


def test_a_page_larger_than_the_size_limit_is_refused(site: Site) -> None:
    site.routes["/huge"] = Route(TALKS_PAGE.read_bytes() + b"<!--" + b"x" * 5000 + b"-->")
    site.routes["/huge-gzip"] = Route(
        gzip.compress(TALKS_PAGE.read_bytes() + b"<!--" + b" " * 50_000 + b"-->"),
        headers={"Content-Encoding": "gzip"},
    )
    fetcher = Fetcher(FetchSettings(max_bytes=4096, delay=0))
    for path in ("/huge", "/huge-gzip"):
        result = read_page(site.url(path), fetcher)
        assert isinstance(result, LineError) and result.message.startswith(
            "larger than the 0.00390625 MB limit"
        )
    site.routes["/small-gzip"] = Route(
        gzip.compress(TALKS_PAGE.read_bytes()), headers={"Content-Encoding": "gzip"}
    )
    assert isinstance(read_page(site.url("/small-gzip"), Fetcher(FetchSettings(delay=0))), Document)


def test_a_redirect_to_a_local_file_is_not_followed(site: Site) -> None:
    site.routes["/moved"] = Route(b"", status=302, headers={"Location": "file:///etc/passwd"})
    result = read_page(site.url("/moved"), Fetcher(FetchSettings(delay=0)))
    assert result == LineError(
        path=site.url("/moved"),
        line=0,
        message="redirects to 'file:///etc/passwd', which is not an http(s) address",
    )


def test_requests_to_one_host_are_spaced_by_the_delay(site: Site) -> None:
    for number in range(3):
        site.routes[f"/p{number}"] = Route(TALKS_PAGE.read_bytes())
    items = list(read_documents([site.url(f"/p{n}") for n in range(3)], delay=0.4))
    assert len(items) == 3
    times = [at for at, _, _ in site.requests]
    assert all(later - earlier >= 0.4 for earlier, later in zip(times, times[1:], strict=False))


# --- feeds ---------------------------------------------------------------------------------------


def test_a_feed_url_gives_the_page_of_every_item_once_with_the_items_date_as_fallback(site: Site) -> None:
    site.routes["/a"] = Route(FURNITURE_PAGE.read_bytes())
    site.routes["/b"] = Route(TALKS_PAGE.read_bytes())
    site.routes["/rss.xml"] = Route(
        rss(
            ("Kalbajar", site.url("/a"), "Fri, 23 Sep 2022 06:00:00 GMT"),
            ("Talks", site.url("/b"), "Sat, 17 Sep 2022 09:30:00 GMT"),
            ("Kalbajar again", site.url("/a"), None),
            ("No link", None, None),
        ),
        content_type="application/rss+xml",
    )
    items = read([], feeds=[site.url("/rss.xml")])
    assert [type(item).__name__ for item in items] == ["Document", "Document", "LineError"]
    kalbajar, talks, no_link = items
    assert isinstance(kalbajar, Document) and isinstance(talks, Document) and isinstance(no_link, LineError)
    assert kalbajar.published == "2022-09-23"  # the page's own date
    assert talks.published == "2022-09-17"  # the page has none: the item's
    assert (no_link.path, no_link.message) == (
        f"{site.url('/rss.xml')} item 4",
        "has no http(s) link to a page: skipped it",
    )
    assert len(site.requested("/a")) == 1


def test_an_atom_feed_file_gives_its_pages(site: Site, tmp_path: Path) -> None:
    site.routes["/b"] = Route(TALKS_PAGE.read_bytes())
    feed = tmp_path / "feed.atom"
    feed.write_text(
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title>'
        "<id>urn:wire</id><updated>2022-09-17T10:00:00Z</updated>"
        f'<entry><title>Talks</title><id>urn:1</id><link href="{site.url("/b")}"/>'
        "<updated>2022-09-17T10:00:00Z</updated></entry></feed>",
        encoding="utf-8",
    )
    document = only_document(read([], feeds=[str(feed)]))
    assert document.title == "Kyrgyz and Tajik officials meet after border clashes"
    assert document.published == "2022-09-17"


def test_a_feed_that_is_not_one_is_one_error(site: Site, tmp_path: Path) -> None:
    site.routes["/page"] = Route(TALKS_PAGE.read_bytes())
    items = read([], feeds=[site.url("/page"), str(tmp_path / "nope.xml")])
    assert [(item.path, item.message) for item in items if isinstance(item, LineError)] == [
        (
            site.url("/page"),
            "not an RSS or Atom feed (<unknown>:8:2: mismatched tag): check the feed address",
        ),
        (str(tmp_path / "nope.xml"), "no such feed file (give a feed URL or an RSS/Atom file)"),
    ]


# --- through the command line --------------------------------------------------------------------


def test_extract_without_paths_or_feeds_is_a_usage_error(kg_env: dict[str, str]) -> None:
    result = run_kg(["extract"], kg_env)
    assert result.returncode == 2
    assert "give at least one PATH (a file, folder, URL or -) or a --feed" in result.stderr


def entity_keys(stdout: str) -> set[str]:
    return {entity["key"] for line in stdout.splitlines() for entity in json.loads(line)["entities"]}


@pytest.mark.model
def test_no_entity_comes_from_the_pages_navigation_ads_or_sidebars(
    site: Site, kg_env: dict[str, str], tmp_path: Path
) -> None:
    site.routes["/news/kalbajar"] = Route(FURNITURE_PAGE.read_bytes())
    from_page = run_kg(["extract", site.url("/news/kalbajar"), "--silent"], kg_env)
    assert from_page.returncode == 0, from_page.stderr
    article = tmp_path / "article.txt"
    article.write_text("\n\n".join(ARTICLE_PARAGRAPHS) + "\n", encoding="utf-8")
    whole_page = tmp_path / "whole-page.txt"
    body = lxml.html.fromstring(FURNITURE_PAGE.read_bytes()).body
    whole_page.write_text(
        "\n\n".join(" ".join(t.split()) for t in body.itertext() if t.strip()), encoding="utf-8"
    )
    controls = run_kg(["extract", str(article), str(whole_page), "--silent"], kg_env)
    assert controls.returncode == 0, controls.stderr
    article_line, whole_line = controls.stdout.splitlines()
    furniture = entity_keys(whole_line) - entity_keys(article_line)
    # The page's furniture is full of facts a reader of all its text would take...
    assert {"state:ru", "state:ua", "state:in", "state:pk", "state:il"} <= furniture
    # ...and none of them comes out of the page.
    page_keys = {key for key in entity_keys(from_page.stdout) if not key.startswith("event:")}
    assert page_keys & furniture == set()
    assert page_keys == {key for key in entity_keys(article_line) if not key.startswith("event:")}
    assert {"state:az", "state:am", "ministry:defence:az", "region:kalbajar@state:az"} <= page_keys


@pytest.mark.model
def test_extract_reports_a_failing_page_on_one_line_and_exits_3(site: Site, kg_env: dict[str, str]) -> None:
    site.routes["/b"] = Route(TALKS_PAGE.read_bytes())
    result = run_kg(["extract", site.url("/gone"), site.url("/b"), "--delay", "0"], kg_env)
    assert result.returncode == 3
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert errors == [
        f"Error: {site.url('/gone')}: the server answered HTTP 404 Not Found: check the address"
    ]
    (line,) = result.stdout.splitlines()
    assert json.loads(line)["document"]["url"] == site.url("/b")


@pytest.mark.neo4j
@pytest.mark.model
def test_build_from_a_feed_and_a_changed_page_replaces_its_earlier_version(
    site: Site, graph: Connection, kg_env: dict[str, str]
) -> None:
    site.routes["/a"] = Route(FURNITURE_PAGE.read_bytes())
    site.routes["/b"] = Route(TALKS_PAGE.read_bytes())
    site.routes["/rss.xml"] = Route(
        rss(("Kalbajar", site.url("/a"), None), ("Talks", site.url("/b"), None)),
        content_type="application/rss+xml",
    )
    result = run_kg(["build", "--feed", site.url("/rss.xml"), "--delay", "0", "--silent"], kg_env)
    assert result.returncode == 0, result.stderr
    with graph.driver.session(database=graph.database) as session:
        urls = session.run("MATCH (d:Document) RETURN d.url AS url ORDER BY url").value("url")
    assert urls == sorted(["https://border-monitor.example.org/2022/09/23/kalbajar-fire", site.url("/b")])
    # The site corrects the story: same canonical URL, another village.
    site.routes["/a"] = Route(FURNITURE_PAGE.read_bytes().replace(b"Sotk", b"Kut"))
    result = run_kg(["build", site.url("/a"), "--silent"], kg_env)
    assert result.returncode == 0, result.stderr
    with graph.driver.session(database=graph.database) as session:
        assert session.run("MATCH (d:Document) RETURN count(d) AS n").single()["n"] == 2  # type: ignore[index]
        texts = session.run("MATCH (d:Document) RETURN d.text AS text").value("text")
        names = session.run("MATCH (e:Entity) RETURN e.name AS name").value("name")
    assert not any("Sotk" in text for text in texts) and any("Kut" in text for text in texts)
    assert "Sotk" not in names


@pytest.mark.model
def test_the_example_feed_served_from_examples_web_gives_its_two_articles_and_no_furniture(
    site: Site, kg_env: dict[str, str]
) -> None:
    folder = ROOT / "examples" / "web"
    for name in ("feed.xml", "tovuz-shelling.html", "batken-talks.html"):
        kind = "application/rss+xml" if name.endswith(".xml") else "text/html; charset=utf-8"
        site.routes[f"/{name}"] = Route((folder / name).read_bytes(), content_type=kind)
    result = run_kg(["extract", "--feed", site.url("/feed.xml"), "--delay", "0", "--silent"], kg_env)
    assert result.returncode == 0, result.stderr
    documents = [json.loads(line)["document"] for line in result.stdout.splitlines()]
    assert [(d["url"], d["published"]) for d in documents] == [
        ("https://south-caucasus-daily.example.org/2022/09/30/tovuz-shelling", "2022-09-30"),
        (site.url("/batken-talks.html"), "2022-09-19"),
    ]
    keys = entity_keys(result.stdout)
    assert {"state:az", "state:am", "state:kg", "state:tj"} <= keys
    assert keys & {"state:ru", "state:tr", "state:ir", "state:cn", "state:kz"} == set()
