"""Reading documents: text files, folders, JSON lines, stdin and web pages, with page furniture removed.

Everything streams: folders are walked lazily and JSON-lines files are read one line at a
time, so thousands of articles never sit in memory together. Unusable input is yielded as a
`LineError` (the caller reports it and carries on); only a bad `--published` raises. HTML files,
http(s) URLs and feeds are read by `kg.web` (imported only when one is given).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from kg.errors import InputError
from kg.models import Document, LineError, describe_json_error

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
"""A single article (a text file, stdin text, one JSON line) larger than this is refused."""

TEXT_SUFFIXES = (".txt", ".md", ".text")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
HTML_SUFFIXES = (".html", ".htm")

Note = Callable[[str], None]
"""Receives informational one-liners (e.g. the fallback encoding a file was read with)."""

# --- page furniture vocabulary (data, not code: extend the lists) ------------------------

NAVIGATION_LINES = (
    "loading",
    "please wait",
    "advertisement",
    "advertisements",
    "sponsored",
    "sponsored content",
    "scroll to continue",
    "scroll to continue with content",
    "continue reading",
    "share",
    "share this",
    "share this article",
    "share on facebook",
    "share on twitter",
    "tweet",
    "print",
    "email",
    "comments",
    "skip to content",
    "skip to main content",
    "subscribe",
    "sign up",
    "log in",
    "menu",
    "home",
    "back to top",
    "cookie settings",
    "accept cookies",
    "watch",
    "listen",
    "play video",
    "video",
    "gallery",
)
"""Whole lines (case-folded, final dots and colons stripped) that are site chrome."""

CREDIT_AGENCIES = (
    "aa",
    "afp",
    "ap",
    "apa",
    "anadolu",
    "anadolu agency",
    "armenpress",
    "associated press",
    "azertac",
    "bbc",
    "dpa",
    "epa",
    "epa efe",
    "efe",
    "getty",
    "getty images",
    "irna",
    "news.az",
    "reuters",
    "ria novosti",
    "shutterstock",
    "sputnik",
    "tass",
    "trend",
    "upi",
    "xinhua",
    "wikimedia commons",
)
"""Agency and photo-library names that, alone on a short line, are a credit, not text."""

CREDIT_WORDS = (
    "archive",
    "archives",
    "file",
    "files",
    "photo",
    "photos",
    "photograph",
    "image",
    "images",
    "picture",
    "pictures",
    "pool",
    "handout",
    "courtesy",
    "credit",
    "credits",
    "via",
    "by",
    "of",
    "the",
    "and",
    "stock",
    "screenshot",
    "screengrab",
    "video grab",
)
"""Words that, together with agency names and nothing else, make a short line a credit."""

CREDIT_PREFIXES = ("photo", "photos", "image", "images", "picture", "credit", "credits", "source", "courtesy")
"""`Photo: ...`, `Image by ...`, `Courtesy of ...`: a short line starting so is a credit."""

KICKERS = (
    "analysis",
    "breaking",
    "breaking news",
    "comment",
    "exclusive",
    "explainer",
    "feature",
    "interview",
    "live",
    "news",
    "opinion",
    "update",
    "world",
)
"""A line of one or two such words (or in capitals) above the headline is a kicker, not the title."""

LINK_PREFIXES = (
    "read more",
    "read also",
    "also read",
    "related",
    "related article",
    "related articles",
    "related news",
    "see also",
    "more on this",
    "more on this story",
    "recommended",
    "you may also like",
)
"""`READ MORE: <headline>` lines: links to other articles, kept in Document.links."""

_MAX_FURNITURE_WORDS = 6
_MAX_TITLE_CHARS = 200
_MAX_TITLE_WORDS = 30
_SENTENCE_END = tuple('.!?:;"\u201d\u2019)\u2026')
_LINK_RE = re.compile(
    r"^\s*(?P<prefix>" + "|".join(re.escape(p) for p in sorted(LINK_PREFIXES, key=len, reverse=True)) + r")"
    r"\s*(?:[:\-\u2013\u2014|>]\s*(?P<headline>.*))?$",
    re.IGNORECASE,
)
_WORD_RE = re.compile(r"[\w.]+", re.UNICODE)
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BYLINE = re.compile(r"^by\s+[A-Z][\w'.-]*(?:(?:\s+|\s*,\s*|\s+and\s+)[A-Z][\w'.-]*){0,5}$", re.IGNORECASE)
"""'By Jane Doe and John Roe': a byline (names only, no sentence)."""
_STAMP = re.compile(r"^(?:published|updated|last updated|posted|first published)\b", re.IGNORECASE)
"""'Published 23 Sep 2022 12:30 GMT': a time stamp line (only when it holds a digit)."""
_BREADCRUMB = re.compile(r"^[\w .'&-]{1,30}(?:\s*[>\u203a\u00bb/|]\s*[\w .'&-]{1,30}){1,6}$", re.UNICODE)


# --- public entry point -----------------------------------------------------------------


def read_documents(
    paths: list[str],
    *,
    published: str | None = None,
    note: Note | None = None,
    feeds: list[str] | None = None,
    delay: float | None = None,
) -> Iterator[Document | LineError]:
    """Stream documents (and LineErrors for unusable input) from files, folders, JSON lines, stdin,
    web pages (files or URLs) and the items of RSS/Atom feeds (URLs or files; delay: seconds between
    two requests to one host)."""
    web = _WebReader(delay)
    items = _read_all(paths, note, web)
    if feeds:
        items = _chain(items, _read_feeds(feeds, web))
    if published is not None:
        published = validate_published(published)
        yield from _single_document(items, published, [*paths, *(feeds or [])])
    else:
        yield from items


def _chain(*streams: Iterator[Document | LineError]) -> Iterator[Document | LineError]:
    for stream in streams:
        yield from stream


class _WebReader:
    """Imports kg.web (trafilatura, feedparser) and opens its fetcher only when a page is read."""

    def __init__(self, delay: float | None):
        self.delay = delay
        self._fetcher: Any = None

    def fetcher(self) -> Any:
        """The one polite fetcher of this read."""
        if self._fetcher is None:
            from kg import web

            settings = web.FetchSettings() if self.delay is None else web.FetchSettings(delay=self.delay)
            self._fetcher = web.Fetcher(settings)
        return self._fetcher


def _read_feeds(feeds: list[str], reader: _WebReader) -> Iterator[Document | LineError]:
    from kg import web

    for feed in feeds:
        yield from web.read_feed(feed, reader.fetcher())


def validate_published(value: str) -> str:
    """Check a --published value is a real calendar date YYYY-MM-DD and return it."""
    value = value.strip()
    try:
        if _ISO_DAY.match(value):
            return _dt.date.fromisoformat(value).isoformat()
    except ValueError:
        pass
    raise InputError(f"--published {value!r} is not a date YYYY-MM-DD (e.g. --published 2022-09-23)")


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _single_document(
    items: Iterator[Document | LineError], published: str, paths: list[str]
) -> Iterator[Document | LineError]:
    # Hold the first document back until we know there is no second one: --published must not
    # silently stamp one date on many articles.
    first: Document | None = None
    for item in items:
        if isinstance(item, LineError):
            yield item
            continue
        if first is not None:
            raise InputError(
                f"--published applies to a single document, but {' '.join(paths)} holds several: "
                "give one article per run, or put each date in a JSON-lines file's `published` field"
            )
        first = item
    if first is not None:
        yield first.model_copy(update={"published": published})


def _read_all(paths: Iterable[str], note: Note | None, web: _WebReader) -> Iterator[Document | LineError]:
    for raw in paths:
        if raw == "-":
            yield from _read_stdin(note)
            continue
        if is_web_address(raw):
            from kg.web import read_page

            yield read_page(raw, web.fetcher())
            continue
        path = Path(raw)
        if path.is_dir():
            yield from _read_folder(path, note)
        elif path.exists():
            yield from _read_file(path, note)
        else:
            yield LineError(path=raw, line=0, message="no such file or folder (check the path)")


def is_web_address(raw: str) -> bool:
    """Whether a PATH argument is an http(s):// URL rather than a file."""
    return raw[:8].lower().startswith(("http://", "https://"))


def _read_folder(folder: Path, note: Note | None) -> Iterator[Document | LineError]:
    found = False
    for path in _walk(folder):
        found = True
        yield from _read_file(path, note)
    if not found:
        wanted = "/".join(TEXT_SUFFIXES + HTML_SUFFIXES + JSONL_SUFFIXES)
        yield LineError(
            path=str(folder),
            line=0,
            message=f"no readable files in this folder (put articles in {wanted} files)",
        )


def _walk(folder: Path) -> Iterator[Path]:
    """Files under folder with a known suffix, recursively, in a sorted, deterministic order."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(Path(entry.path))
        elif entry.is_file() and entry.name.lower().endswith(TEXT_SUFFIXES + HTML_SUFFIXES + JSONL_SUFFIXES):
            yield Path(entry.path)


def _read_file(path: Path, note: Note | None) -> Iterator[Document | LineError]:
    name = str(path)
    try:
        if path.name.lower().endswith(".json"):
            yield from _read_json(path, name)
            return
        if path.name.lower().endswith(JSONL_SUFFIXES):
            with open(path, "rb") as stream:
                yield from _read_jsonl(stream, name)
            return
        if path.name.lower().endswith(HTML_SUFFIXES):
            from kg.web import read_html_file

            yield read_html_file(path)
            return
        with open(path, "rb") as stream:
            head = stream.read(MAX_DOCUMENT_BYTES + 1)
            if _looks_like_jsonl(head):
                stream.seek(0)
                yield from _read_jsonl(stream, name)
                return
    except OSError as exc:
        yield LineError(
            path=name, line=0, message=f"cannot read it ({exc.strerror or exc}): check its permissions"
        )
        return
    yield _text_document(head, name, note, path=name)


def _read_stdin(note: Note | None) -> Iterator[Document | LineError]:
    stream = sys.stdin.buffer
    # Look at the first non-blank line to decide between JSON lines and one text article.
    first = b""
    while True:
        line = stream.readline()
        if not line:
            break
        first += line
        if line.strip():
            break
    if _looks_like_jsonl(first):
        yield from _read_jsonl(_Prepend(first, stream), "-")
        return
    rest = stream.read(MAX_DOCUMENT_BYTES + 1)
    yield _text_document(first + rest, "-", note, path=None)


class _Prepend:
    """A binary line iterator: some bytes already read, then the rest of a stream."""

    def __init__(self, head: bytes, stream: IO[bytes]):
        self.head = head
        self.stream = stream

    def __iter__(self) -> Iterator[bytes]:
        import io

        yield from io.BytesIO(self.head)
        yield from self.stream


def _looks_like_jsonl(data: bytes) -> bool:
    text = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text.startswith(b"{"):
        return False
    first_line = text.split(b"\n", 1)[0]
    try:
        return isinstance(json.loads(first_line), dict)
    except ValueError:
        return False


# --- text articles ----------------------------------------------------------------------


def text_document(
    data: bytes, name: str, *, path: str | None = None, note: Note | None = None
) -> Document | LineError:
    """A Document from the bytes of one plain-text article (a file, stdin, a text/plain web page)."""
    return _text_document(data, name, note, path=path)


def _text_document(data: bytes, name: str, note: Note | None, *, path: str | None) -> Document | LineError:
    if len(data) > MAX_DOCUMENT_BYTES:
        return LineError(
            path=name,
            line=0,
            message=f"larger than the {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB limit for one article "
            "(split it into one file per article, or a JSON-lines file with one article a line)",
        )
    decoded = decode_text(data)
    if isinstance(decoded, str):
        return LineError(path=name, line=0, message=decoded)
    text, encoding = decoded
    if encoding not in ("utf-8", "utf-8-sig") and note is not None:
        note(f"{name}: not UTF-8, read as {encoding} (convert it to UTF-8 to be sure of the characters)")
    if name.lower().endswith(".md"):
        text = markdown_to_text(text)
    title, body, links = clean_article(text)
    if not body:
        return LineError(path=name, line=0, message="no article text in it (only a title or page furniture)")
    return make_document(title=title, text=body, links=links, path=path)


_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w))")
_MD_PREFIX = re.compile(r"^\s{0,3}(?:>\s?|[-*+]\s+|\d+[.)]\s+)", re.MULTILINE)
_MD_RULE = re.compile(r"^\s{0,3}(?:[-*_]\s*){3,}$", re.MULTILINE)


def markdown_to_text(text: str) -> str:
    """Plain text from Markdown: images dropped, links to their text, emphasis and list marks off."""
    text = _MD_RULE.sub("", text)
    text = _MD_IMAGE.sub("", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_PREFIX.sub("", text)
    return _MD_EMPHASIS.sub("", text)


def decode_text(data: bytes) -> tuple[str, str] | str:
    """Decode article bytes to (text, encoding name), or return why they are not usable text."""
    if not data.strip():
        return "is empty (nothing to read)"
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            if data.startswith(b"\xff\xfe\x00\x00"):
                codec = "utf-32"
            try:
                return _plausible_or_reason(data.decode(codec), codec)
            except UnicodeDecodeError:
                return f"has a {codec} byte-order mark but is not valid {codec} (re-save it as UTF-8)"
    if b"\x00" in data:
        guess = _utf16_without_bom(data)
        if guess is not None:
            return guess
        return "looks binary (it contains NUL bytes): give a text, .md or .jsonl file"
    try:
        return _plausible_or_reason(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    for codec in ("cp1252", "latin-1"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        # Text in a legacy 8-bit encoding is still mostly ASCII; bytes that are not are not text.
        if _is_plausible(text) and _ascii_share(text) > 0.7:
            return text, codec
    return "is not UTF-8 text and does not read as cp1252 or latin-1 either (re-save it as UTF-8)"


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    even, odd = data[0::2], data[1::2]
    for zeros, codec in ((odd, "utf-16-le"), (even, "utf-16-be")):
        if zeros and zeros.count(0) / len(zeros) > 0.9:
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                continue
            if _is_plausible(text):
                return text, codec
    return None


def _plausible_or_reason(text: str, codec: str) -> tuple[str, str] | str:
    if not text.strip():
        return "is empty (nothing to read)"
    if not _is_plausible(text):
        return "looks binary (too many control characters): give a text, .md or .jsonl file"
    return text, codec


def _ascii_share(text: str) -> float:
    sample = text[:20000]
    return sum(1 for c in sample if c < "\x80") / max(len(sample), 1)


CONTROL_CHARACTERS = re.compile(
    "[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd]"
)
"""Unicode's control (Cc), private-use (Co) and surrogate (Cs) characters, but for tab, line feed,
carriage return and form feed."""


def _is_plausible(text: str) -> bool:
    """Whether decoded text reads like prose: few control characters, mostly letters and spaces."""
    sample = text[:20000]
    if not sample:
        return False
    control = len(CONTROL_CHARACTERS.findall(sample))
    letters = sum(map(str.isalpha, sample)) + sum(map(str.isspace, sample))
    return control / len(sample) < 0.01 and letters / len(sample) > 0.6


def clean_article(text: str) -> tuple[str | None, str, list[str]]:
    """Split raw article text into (title, body, links), dropping page furniture from the body."""
    lines = [_normalise_line(line) for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    links: list[str] = []
    kept: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        link = _link_headline(line)
        if link is not None:
            if not link:
                # "READ MORE" alone on its line: the headline is the next non-blank line.
                j = i + 1
                while j < len(lines) and not lines[j]:
                    j += 1
                if j < len(lines) and _reads_as_heading(lines[j]):
                    links.append(lines[j].strip())
                    i = j + 1
                    continue
            else:
                links.append(link)
            i += 1
            continue
        if line and _is_furniture(line):
            i += 1
            continue
        kept.append(line)
        i += 1
    title, kept = _split_title(kept)
    paragraphs = _paragraphs(kept)
    paragraphs = _drop_repeats(paragraphs, title)
    paragraphs = _drop_trailing_junk(paragraphs)
    return title, "\n\n".join(paragraphs), _unique(links)


def _normalise_line(line: str) -> str:
    line = unicodedata.normalize("NFC", line).translate(_INVISIBLE)
    return _SPACES.sub(" ", line).strip()


def _link_headline(line: str) -> str | None:
    """The headline of a 'READ MORE: ...' line ('' when it stands alone), or None for other lines."""
    match = _LINK_RE.match(line)
    if match is None:
        return None
    headline = (match.group("headline") or "").strip()
    if not headline and line.strip().rstrip(":").strip().casefold() != match.group("prefix").casefold():
        return None
    return headline


def _fold(line: str) -> str:
    return line.casefold().strip().rstrip(".:\u2026!").strip()


def _is_furniture(line: str) -> bool:
    """Site chrome and photo credits: short lines that are not sentences of the article."""
    folded = _fold(line)
    if folded in NAVIGATION_LINES:
        return True
    if line.rstrip().endswith((".", "!", "?")) and not line.rstrip().endswith("..."):
        return False
    if _BYLINE.match(line) or (_STAMP.match(line) and re.search(r"\d", line) and len(line) < 80):
        return True
    words = _WORD_RE.findall(folded)
    if not words or len(words) > _MAX_FURNITURE_WORDS:
        return False
    if folded.startswith("\u00a9") or folded.startswith("(c) "):
        return True
    bare = folded.strip("()[] ")
    if bare in CREDIT_AGENCIES:
        return True
    first = re.split(r"[\s:/]+", bare, maxsplit=1)[0]
    if first in CREDIT_PREFIXES and re.match(r"^\w+\s*(?::|/|\bby\b|\bcredit\b|\bcourtesy\b)", bare):
        return True
    if _BREADCRUMB.match(line) and re.search(r"\s[>\u203a\u00bb|]\s", line):
        return True
    return _credit_words_only(bare)


def _credit_words_only(bare: str) -> bool:
    """'AA Archive', 'Reuters file photo', 'Getty Images via AFP': agency names and credit words only."""
    rest = re.sub(r"[/|,\-\u2013\u2014]+", " ", bare)
    has_agency = False
    for agency in sorted(CREDIT_AGENCIES, key=len, reverse=True):
        pattern = r"(?<![\w.])" + re.escape(agency) + r"(?![\w.])"
        if re.search(pattern, rest):
            has_agency = True
            rest = re.sub(pattern, " ", rest)
    for word in sorted(CREDIT_WORDS, key=len, reverse=True):
        rest = re.sub(r"(?<!\w)" + re.escape(word) + r"(?!\w)", " ", rest)
    leftover = rest.strip(" ()[]:.")
    if leftover:
        return False
    # Credit words alone ("File photo") are a credit; an agency name needs no companion.
    return has_agency or bool(re.search(r"\b(photo|photos|image|images|archive|file)\b", bare))


def _reads_as_heading(line: str) -> bool:
    """A short line without a final full stop: a headline or subheading."""
    stripped = line.strip()
    if not stripped or len(stripped) > _MAX_TITLE_CHARS or len(stripped.split()) > _MAX_TITLE_WORDS:
        return False
    return not stripped.endswith(".") or stripped.endswith("...")


def _split_title(lines: list[str]) -> tuple[str | None, list[str]]:
    """The first line is the title when it reads as a headline and a body follows it."""
    start = 0
    while start < len(lines) and not lines[start]:
        start += 1
    if start >= len(lines):
        return None, []
    first = re.sub(r"^#+\s*", "", lines[start]).strip()
    rest = lines[start + 1 :]
    if (
        len(first.split()) <= 2
        and (first.isupper() or _fold(first) in KICKERS)
        and rest
        and rest[0]
        and _reads_as_heading(rest[0])
        and len(rest[0]) > len(first)
    ):
        # A kicker ("EXCLUSIVE", "Analysis") above the headline: page furniture.
        first, rest = rest[0].strip(), rest[1:]
    body_follows = any(line for line in rest)
    if not body_follows or not _reads_as_heading(first) or first.endswith(("...", "\u2026")):
        return None, lines[start:]
    # A headline is followed by a blank line, or directly by a longer body paragraph.
    nxt = rest[0] if rest else ""
    if nxt and _reads_as_heading(nxt) and len(nxt) <= len(first):
        return None, lines[start:]
    return first, rest


def _paragraphs(lines: list[str]) -> list[str]:
    """Group lines into paragraphs: blank lines split; hard-wrapped prose lines are joined again."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        line = re.sub(r"^#+\s+", "", line)
        if not line:
            if current:
                paragraphs.append(" ".join(current))
                current = []
            continue
        if current and not _continues(current[-1], line):
            paragraphs.append(" ".join(current))
            current = []
        current.append(line)
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


def _continues(previous: str, line: str) -> bool:
    """Whether line is the hard-wrapped continuation of previous (same paragraph)."""
    if previous.endswith(_SENTENCE_END) or previous.count(" | ") >= 2:
        return False  # a record's header of fields ("ID | 2 May 2023 | Battles") is a line of its own
    if line[:1].islower() or line[:1] in ",;)\u2013\u2014-":
        return True
    # A long line cut mid-sentence is wrapped prose; a short one is a subheading or caption.
    return len(previous) >= 60


def _drop_repeats(paragraphs: list[str], title: str | None) -> list[str]:
    """A paragraph that occurs more than once (a caption repeated as lede) is kept once: the last one."""
    keys = [_repeat_key(p) for p in paragraphs]
    last: dict[str, int] = {}
    for index, key in enumerate(keys):
        last[key] = index
    title_key = _repeat_key(title) if title else None
    kept = []
    for index, (paragraph, key) in enumerate(zip(paragraphs, keys, strict=True)):
        if last[key] != index:
            continue
        if key == title_key and len(paragraphs) > 1:
            continue
        kept.append(paragraph)
    return kept


def _repeat_key(text: str) -> str:
    folded = text.casefold().replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", folded).strip()


def _drop_trailing_junk(paragraphs: list[str]) -> list[str]:
    """Short lines without sentence punctuation at the very end ('Route 6', tags) are not text."""
    while len(paragraphs) > 1:
        last = paragraphs[-1]
        words = last.split()
        if len(words) <= _MAX_FURNITURE_WORDS and not last.endswith(_SENTENCE_END):
            paragraphs = paragraphs[:-1]
            continue
        break
    return paragraphs


def _unique(items: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for item in items:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out


def document_key(title: str | None, text: str) -> str:
    """The content-derived key of a document: the same title and text always give the same key."""
    normalised = re.sub(r"\s+", " ", unicodedata.normalize("NFC", f"{title or ''}\n{text}")).strip()
    return "doc:" + hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:16]


def make_document(
    *,
    title: str | None,
    text: str,
    links: list[str] | None = None,
    path: str | None = None,
    published: str | None = None,
    url: str | None = None,
    source: str | None = None,
    author: str | None = None,
    id: str | None = None,
) -> Document:
    """Build a Document with its content-derived key."""
    return Document(
        key=document_key(title, text),
        title=title,
        text=text,
        published=published,
        url=url,
        source=source,
        author=author,
        id=id,
        path=path,
        links=links or [],
    )


# --- JSON lines -------------------------------------------------------------------------

_JSONL_FIELDS = ("id", "title", "text", "published", "url", "source", "author")


def _read_jsonl(stream: Iterable[bytes], name: str) -> Iterator[Document | LineError]:
    seen_any = False
    for number, raw in enumerate(stream, start=1):
        if number == 1:
            raw = raw.removeprefix(b"\xef\xbb\xbf")
        if not raw.strip():
            continue
        seen_any = True
        if len(raw) > MAX_DOCUMENT_BYTES:
            yield LineError(
                path=name,
                line=number,
                message=f"larger than the {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB limit for one article "
                "(split the article into several lines)",
            )
            continue
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            yield LineError(path=name, line=number, message="not UTF-8 (re-save the file as UTF-8)")
            continue
        item = _jsonl_document(line, name, number)
        yield item
    if not seen_any:
        yield LineError(path=name, line=0, message="is empty (nothing to read)")


MAX_JSON_BYTES = 10 * MAX_DOCUMENT_BYTES
"""A .json file is parsed whole, so it has its own (larger) limit; JSON lines stream instead."""


def _read_json(path: Path, name: str) -> Iterator[Document | LineError]:
    """A .json file given by name: one article object, or an array of them."""
    if path.stat().st_size > MAX_JSON_BYTES:
        yield LineError(
            path=name,
            line=0,
            message=f"larger than the {MAX_JSON_BYTES // (1024 * 1024)} MB limit for a .json file "
            "(write it as JSON lines, one article a line, which are read as a stream)",
        )
        return
    try:
        data: Any = json.loads(path.read_bytes())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        if isinstance(exc, json.JSONDecodeError):
            reason = describe_json_error(exc, with_line=True)
        else:
            reason = "not UTF-8"
        yield LineError(path=name, line=0, message=f"not valid JSON ({reason}): fix the file")
        return
    items = data if isinstance(data, list) else [data]
    if not items:
        yield LineError(path=name, line=0, message="is an empty JSON array (nothing to read)")
    for index, item in enumerate(items, start=1):
        where = f"{name} item {index}" if isinstance(data, list) else name
        if not isinstance(item, dict):
            yield LineError(path=where, line=0, message="not a JSON object: give articles as {...} objects")
            continue
        yield _object_document(item, where, 0, where)


def _jsonl_document(line: str, name: str, number: int) -> Document | LineError:
    try:
        data: Any = json.loads(line)
    except json.JSONDecodeError as exc:
        return LineError(
            path=name,
            line=number,
            message=f"not valid JSON ({describe_json_error(exc)}): fix or remove it",
        )
    if not isinstance(data, dict):
        return LineError(
            path=name, line=number, message="not a JSON object: each line must be one article {...}"
        )
    return _object_document(data, name, number, f"{name}:{number}" if name != "-" else None)


def document_from_fields(fields: dict[str, Any], name: str, path: str | None = None) -> Document | LineError:
    """A Document from id/title/text/published/url/source/author fields (a JSON object, a web page)."""
    return _object_document(fields, name, 0, path)


def _object_document(data: dict[str, Any], name: str, number: int, path: str | None) -> Document | LineError:
    """A Document from one JSON object with id/title/text/published/url/source/author."""
    for field in _JSONL_FIELDS:
        value = data.get(field)
        if (
            value is not None
            and not isinstance(value, str)
            and not (field == "id" and isinstance(value, int))
        ):
            return LineError(
                path=name, line=number, message=f"`{field}` must be a string, not {type(value).__name__}"
            )
    text = data.get("text")
    if not text or not text.strip():
        return LineError(
            path=name, line=number, message="no `text` field (each line needs the article text in `text`)"
        )
    published = data.get("published")
    if published:
        day = published.strip()[:10]
        try:
            published = validate_published(day)
        except InputError:
            return LineError(
                path=name,
                line=number,
                message=f"`published` {published!r} is not a date YYYY-MM-DD (fix the line)",
            )
    given_title = (data.get("title") or "").strip() or None
    detected, body, links = clean_article(text)
    title = given_title or detected
    if given_title and detected and _repeat_key(detected) != _repeat_key(given_title):
        # The text did not start with the title after all: keep its first line as text.
        body = f"{detected}\n\n{body}" if body else detected
    if not body:
        return LineError(path=name, line=number, message="no article text in `text` (only page furniture)")
    return make_document(
        title=title,
        text=body,
        links=links,
        path=path,
        published=published or None,
        url=(data.get("url") or None),
        source=(data.get("source") or None),
        author=(data.get("author") or None),
        id=None if data.get("id") is None else str(data["id"]).strip() or None,
    )
