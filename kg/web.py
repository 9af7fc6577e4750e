"""Reading the web: HTML pages (saved files or http(s) URLs) and the items of RSS/Atom feeds.

The main text, title, publication date, author, outlet and canonical URL of a page come from
trafilatura (navigation, ads, sidebars and footers stay out of the text); feeds are read with
feedparser. Fetching is polite: one user agent naming the tool, a timeout, a size limit and a
delay between two requests to the same host. A page that cannot be fetched or holds no article is
a `LineError` (one line on standard error); the rest goes on.
"""

from __future__ import annotations

import datetime as _dt
import http.client
import io
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from collections.abc import Iterator
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, NamedTuple

from pydantic import BaseModel, ConfigDict, Field

from kg.documents import document_from_fields, is_web_address, text_document
from kg.errors import FetchError
from kg.models import Document, LineError

MAX_PAGE_BYTES = 10 * 1024 * 1024
"""A web page or feed larger than this (as sent, and once decompressed) is refused."""


MIN_ARTICLE_WORDS = 8
"""A page whose main text is shorter than this (a menu, a login wall) holds no article."""


def _user_agent() -> str:
    try:
        release = version("conflict-kg")
    except PackageNotFoundError:
        release = "dev"
    return f"conflict-kg/{release} (knowledge-graph builder for conflict news; one request at a time)"


USER_AGENT = _user_agent()

HTML_TYPES = ("text/html", "application/xhtml+xml")
TEXT_TYPES = ("text/plain",)
FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
)
_ACCEPT = (
    "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,application/xml;q=0.9,*/*;q=0.5"
)

# Dates only from the page's metadata (meta tags, <time>, the URL): a wider search takes the year
# of a copyright line in the footer for the publication date, and relative dates would resolve
# against it.
_DATE_SEARCH = {"extensive_search": False, "original_date": True}


class FetchSettings(BaseModel):
    """How politely to fetch: timeout, size limit, delay between requests to one host, user agent."""

    model_config = ConfigDict(extra="forbid")

    timeout: float = Field(default=20.0, gt=0, description="seconds to wait for a server to answer")
    max_bytes: int = Field(default=MAX_PAGE_BYTES, ge=1)
    delay: float = Field(default=1.0, ge=0, description="seconds between two requests to the same host")
    user_agent: str = USER_AGENT


class Page(NamedTuple):
    """A fetched resource: its final URL (after redirects), media type, charset and bytes."""

    url: str
    content_type: str
    charset: str | None
    data: bytes


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects to http(s) addresses only (never to file:// or ftp://)."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        if not is_web_address(newurl):
            raise FetchError(f"redirects to {newurl!r}, which is not an http(s) address")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class Fetcher:
    """Polite HTTP GETs: one user agent, a timeout, a size limit and a delay between requests to a host."""

    def __init__(self, settings: FetchSettings | None = None):
        self.settings = settings or FetchSettings()
        self._last: dict[str, float] = {}
        self._opener = urllib.request.build_opener(_HttpOnlyRedirects())

    def get(self, url: str) -> Page:
        """Fetch one http(s) URL, or raise FetchError saying why not (and what to do)."""
        if not is_web_address(url):
            raise FetchError("not an http(s) address")
        host = (urllib.parse.urlsplit(url).netloc or "").lower()
        self._wait_for(host)
        try:
            return self._get(url)
        finally:
            self._last[host] = time.monotonic()

    def _wait_for(self, host: str) -> None:
        last = self._last.get(host)
        if last is not None:
            remaining = self.settings.delay - (time.monotonic() - last)
            if remaining > 0:
                time.sleep(remaining)

    def _get(self, url: str) -> Page:
        request = urllib.request.Request(
            url, headers={"User-Agent": self.settings.user_agent, "Accept": _ACCEPT}
        )
        timeout = self.settings.timeout
        try:
            with self._opener.open(request, timeout=timeout) as response:
                data = self._read(response)
                headers = response.headers
                final = response.geturl()
        except urllib.error.HTTPError as exc:
            raise FetchError(_refused(exc)) from None
        except urllib.error.URLError as exc:
            raise FetchError(_unreachable(exc.reason, timeout)) from None
        except TimeoutError:
            raise FetchError(_no_answer(timeout)) from None
        except (http.client.HTTPException, ConnectionError) as exc:
            raise FetchError(f"the connection failed ({type(exc).__name__}): try again later") from None
        except ValueError as exc:
            raise FetchError(f"not a valid address ({exc})") from None
        return Page(
            url=final,
            content_type=headers.get_content_type(),
            charset=headers.get_content_charset(),
            data=self._decoded(data, headers.get("Content-Encoding", "")),
        )

    def _read(self, response: Any) -> bytes:
        limit = self.settings.max_bytes
        length = response.headers.get("Content-Length")
        if length and length.isdigit() and int(length) > limit:
            raise FetchError(_too_big(limit))
        data = response.read(limit + 1)
        if len(data) > limit:
            raise FetchError(_too_big(limit))
        return bytes(data)

    def _decoded(self, data: bytes, encoding: str) -> bytes:
        encoding = encoding.strip().lower()
        if encoding in ("", "identity"):
            return data
        if encoding not in ("gzip", "x-gzip", "deflate"):
            raise FetchError(f"sent in an encoding we cannot read ({encoding})")
        limit = self.settings.max_bytes
        inflate = zlib.decompressobj(16 + zlib.MAX_WBITS if "gzip" in encoding else zlib.MAX_WBITS)
        try:
            out = inflate.decompress(data, limit + 1)
        except zlib.error:
            raise FetchError(f"its {encoding} content is corrupt: try again later") from None
        if len(out) > limit:
            raise FetchError(_too_big(limit))
        return out


def _unreachable(reason: Any, timeout: float) -> str:
    if isinstance(reason, FetchError):
        return str(reason)
    if isinstance(reason, TimeoutError):
        return _no_answer(timeout)
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused: check the address, or whether the site is up"
    if isinstance(reason, socket.gaierror):
        return "unknown host: check the address and your connection"
    text = getattr(reason, "strerror", None) or str(reason)
    return f"cannot fetch it ({text}): check the address and your connection"


def _refused(exc: urllib.error.HTTPError) -> str:
    if 300 <= exc.code < 400:
        location = exc.headers.get("Location") if exc.headers else None
        if location and not is_web_address(location):
            return f"redirects to {location!r}, which is not an http(s) address"
        return "redirects too many times, or in a loop: check the address"
    return f"the server answered HTTP {exc.code} {exc.reason}: check the address"


def _no_answer(timeout: float) -> str:
    return f"no answer within {timeout:g} seconds: try again later"


def _too_big(limit: int) -> str:
    return (
        f"larger than the {limit / (1024 * 1024):g} MB limit for one page (save the article's text instead)"
    )


# --- pages ------------------------------------------------------------------------------------


class Fallback(NamedTuple):
    """What a feed item says about the page it links to, used where the page itself says nothing."""

    title: str | None = None
    published: str | None = None


def read_page(url: str, fetcher: Fetcher, fallback: Fallback | None = None) -> Document | LineError:
    """Fetch one page and read its article; a page that fails is a LineError naming the URL."""
    try:
        page = fetcher.get(url)
    except FetchError as exc:
        return LineError(path=url, line=0, message=str(exc))
    return page_document(page, path=url, fallback=fallback)


def page_document(page: Page, *, path: str, fallback: Fallback | None = None) -> Document | LineError:
    """The Document of a fetched page (HTML or plain text), or why it holds none."""
    kind = page.content_type
    if kind in TEXT_TYPES:
        return text_document(page.data, path, path=path)
    if kind in FEED_TYPES:
        return LineError(
            path=path, line=0, message=f"is a feed ({kind}), not a page: give it with --feed {path}"
        )
    if kind not in HTML_TYPES and not page.data.lstrip()[:1] == b"<":
        return LineError(
            path=path,
            line=0,
            message=f"is {kind}, not a web page (give HTML pages, text, or feeds with --feed)",
        )
    return html_document(page.data, path=path, url=page.url, charset=page.charset, fallback=fallback)


def read_html_file(path: Path) -> Document | LineError:
    """The Document of a saved HTML page (its canonical URL, when the page gives one, becomes its url)."""
    name = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_PAGE_BYTES:
            return LineError(path=name, line=0, message=_too_big(MAX_PAGE_BYTES))
        data = path.read_bytes()
    except OSError as exc:
        return LineError(
            path=name, line=0, message=f"cannot read it ({exc.strerror or exc}): check its permissions"
        )
    return html_document(data, path=name)


def html_document(
    data: bytes,
    *,
    path: str,
    url: str | None = None,
    charset: str | None = None,
    fallback: Fallback | None = None,
) -> Document | LineError:
    """The main article of an HTML page with its title, date, author, outlet and canonical URL."""
    import trafilatura

    if not data.strip():
        return LineError(path=path, line=0, message="is empty (nothing to read)")
    content: bytes | str = data
    if charset:
        try:
            content = data.decode(charset, errors="replace")
        except LookupError:
            content = data
    extracted = trafilatura.bare_extraction(
        content,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
        date_extraction_params=_DATE_SEARCH,
    )
    text = getattr(extracted, "text", None) or ""
    if len(text.split()) < MIN_ARTICLE_WORDS:
        return LineError(
            path=path,
            line=0,
            message="no article text found in the page (only navigation and page furniture)",
        )
    fallback = fallback or Fallback()
    fields = {
        "title": getattr(extracted, "title", None) or fallback.title,
        # trafilatura puts one block (paragraph, heading, list item) a line: keep them apart.
        "text": text.replace("\n", "\n\n"),
        "published": _iso_day(getattr(extracted, "date", None)) or fallback.published,
        "url": getattr(extracted, "url", None) or url,
        "source": getattr(extracted, "sitename", None),
        "author": getattr(extracted, "author", None),
    }
    return document_from_fields(fields, path, path=path)


def _iso_day(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return _dt.date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        return None


# --- feeds ------------------------------------------------------------------------------------


def read_feed(source: str, fetcher: Fetcher) -> Iterator[Document | LineError]:
    """Every page an RSS/Atom feed (an http(s) URL or a file) links to, fetched politely, in feed order."""
    data = _feed_bytes(source, fetcher)
    if isinstance(data, LineError):
        yield data
        return
    import feedparser

    parsed = feedparser.parse(io.BytesIO(data), response_headers={"content-location": source})
    entries = list(parsed.entries)
    if not entries:
        problem = getattr(parsed, "bozo_exception", None)
        reason = (
            f"not an RSS or Atom feed ({problem})" if parsed.bozo and problem else "the feed has no items"
        )
        yield LineError(path=source, line=0, message=f"{reason}: check the feed address")
        return
    seen: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        link = (entry.get("link") or "").strip()
        if not is_web_address(link):
            where = f"{source} item {number}"
            yield LineError(path=where, line=0, message="has no http(s) link to a page: skipped it")
            continue
        if link in seen:
            continue
        seen.add(link)
        yield read_page(
            link, fetcher, Fallback(title=entry.get("title") or None, published=_entry_day(entry))
        )


def _feed_bytes(source: str, fetcher: Fetcher) -> bytes | LineError:
    if is_web_address(source):
        try:
            return fetcher.get(source).data
        except FetchError as exc:
            return LineError(path=source, line=0, message=str(exc))
    path = Path(source)
    try:
        if path.stat().st_size > MAX_PAGE_BYTES:
            return LineError(path=source, line=0, message=_too_big(MAX_PAGE_BYTES))
        return path.read_bytes()
    except FileNotFoundError:
        return LineError(
            path=source, line=0, message="no such feed file (give a feed URL or an RSS/Atom file)"
        )
    except OSError as exc:
        return LineError(
            path=source, line=0, message=f"cannot read it ({exc.strerror or exc}): check the path"
        )


def _entry_day(entry: Any) -> str | None:
    for field in ("published_parsed", "updated_parsed"):
        value = entry.get(field)
        if value:
            return _dt.date(value.tm_year, value.tm_mon, value.tm_mday).isoformat()
    return None
