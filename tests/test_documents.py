"""Reading documents: titles, page furniture, links, JSON lines, stdin and every kind of bad input."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from kg import documents
from kg.documents import MAX_DOCUMENT_BYTES, read_documents, validate_published
from kg.errors import InputError
from kg.models import Document, LineError

SEED = Path("/work/shared/seeds/seed-article.txt")

ARTICLE = """Georgia and Russia trade blame over border incident

Georgian police detained two men near the village of Khurvaleti on Monday, the Interior Ministry said.
Photo: Reuters

Georgian police detained two men near the village of Khurvaleti on Monday, the Interior Ministry said.

The ministry said the men had crossed the administrative boundary line from South Ossetia.

READ MORE: EU monitors report calm along the boundary line

Loading...

A history of tension

Russia recognised South Ossetia as independent after the 2008 war, a move most states reject.

Related: Tbilisi protests borderisation
Tags
Georgia Russia
"""


def read(paths: list[str], **kwargs: object) -> list[Document | LineError]:
    return list(read_documents(paths, **kwargs))  # type: ignore[arg-type]


def one_document(path: Path) -> Document:
    items = read([str(path)])
    assert len(items) == 1 and isinstance(items[0], Document), items
    return items[0]


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def errors_of(items: list[Document | LineError]) -> list[LineError]:
    return [item for item in items if isinstance(item, LineError)]


# --- title and furniture ------------------------------------------------------------------


def test_headline_first_line_becomes_the_title(tmp_path: Path) -> None:
    doc = one_document(write(tmp_path, "a.txt", ARTICLE))
    assert doc.title == "Georgia and Russia trade blame over border incident"
    assert not doc.text.startswith("Georgia and Russia trade blame")


def test_first_line_that_is_a_sentence_is_not_a_title(tmp_path: Path) -> None:
    text = "Shelling resumed near the border on Monday, officials said.\n\nThe ministry gave no figures.\n"
    doc = one_document(write(tmp_path, "a.txt", text))
    assert doc.title is None
    assert doc.text.startswith("Shelling resumed near the border")


def test_single_line_file_is_text_not_a_title(tmp_path: Path) -> None:
    doc = one_document(write(tmp_path, "a.txt", "Troops withdrew from the ridge overnight"))
    assert doc.title is None
    assert doc.text == "Troops withdrew from the ridge overnight"


def test_markdown_heading_is_the_title(tmp_path: Path) -> None:
    doc = one_document(write(tmp_path, "a.md", "# Talks resume in Geneva\n\nDelegations met on Tuesday.\n"))
    assert doc.title == "Talks resume in Geneva"
    assert doc.text == "Delegations met on Tuesday."


def test_loading_lines_and_photo_credits_are_not_content(tmp_path: Path) -> None:
    doc = one_document(write(tmp_path, "a.txt", ARTICLE))
    for furniture in ("Loading", "Photo: Reuters", "Tags", "Georgia Russia"):
        assert furniture not in doc.text
    assert "Reuters" not in doc.text


@pytest.mark.parametrize(
    "credit",
    ["AA Archive", "Photo: Reuters", "(AFP)", "Getty Images", "File photo", "Reuters file photo", "© AFP"],
)
def test_short_credit_lines_are_dropped(tmp_path: Path, credit: str) -> None:
    text = (
        f"Ceasefire holds\n\nThe truce held overnight, officials said.\n{credit}\n\nNo shots were reported."
    )
    doc = one_document(write(tmp_path, "a.txt", text))
    assert doc.text == "The truce held overnight, officials said.\n\nNo shots were reported."


def test_a_sentence_naming_an_agency_stays(tmp_path: Path) -> None:
    text = "Ceasefire holds\n\nReuters reported the truce held.\n\nAFP said shelling resumed at dawn."
    doc = one_document(write(tmp_path, "a.txt", text))
    assert "Reuters reported the truce held." in doc.text
    assert "AFP said shelling resumed at dawn." in doc.text


def test_caption_repeated_in_the_body_is_kept_once(tmp_path: Path) -> None:
    doc = one_document(write(tmp_path, "a.txt", ARTICLE))
    sentence = "Georgian police detained two men near the village of Khurvaleti on Monday"
    assert doc.text.count(sentence) == 1


def test_read_more_lines_become_links_not_text(tmp_path: Path) -> None:
    doc = one_document(write(tmp_path, "a.txt", ARTICLE))
    assert doc.links == ["EU monitors report calm along the boundary line", "Tbilisi protests borderisation"]
    assert "EU monitors" not in doc.text and "READ MORE" not in doc.text
    assert "borderisation" not in doc.text


def test_read_more_alone_takes_the_next_line_as_headline(tmp_path: Path) -> None:
    text = "Calm\n\nThe border was calm.\n\nAlso read\n\nTroops pull back from the line\n\nTalks go on."
    doc = one_document(write(tmp_path, "a.txt", text))
    assert doc.links == ["Troops pull back from the line"]
    assert doc.text == "The border was calm.\n\nTalks go on."


def test_subheading_stays_a_paragraph_of_its_own(tmp_path: Path) -> None:
    doc = one_document(write(tmp_path, "a.txt", ARTICLE))
    assert "\n\nA history of tension\n\nRussia recognised South Ossetia" in doc.text


def test_trailing_navigation_junk_is_dropped_but_last_sentence_stays(tmp_path: Path) -> None:
    doc = one_document(write(tmp_path, "a.txt", ARTICLE))
    assert doc.text.endswith("a move most states reject.")


def test_hard_wrapped_prose_is_joined_into_one_paragraph(tmp_path: Path) -> None:
    text = (
        "Shelling near the line\n\nArtillery fire hit positions near the village overnight, the defence\n"
        "ministry said in a statement issued early on Friday morning in the capital.\n"
    )
    doc = one_document(write(tmp_path, "a.txt", text))
    assert doc.text == (
        "Artillery fire hit positions near the village overnight, the defence ministry said in a "
        "statement issued early on Friday morning in the capital."
    )


def test_a_records_header_of_fields_is_never_joined_to_its_text(tmp_path: Path) -> None:
    text = (
        "Event notes for the week\n\nSome events of the week, from local reports.\n\n"
        "XYZ-07 | about 3 May 2024 | Strategic development: change of control\n"
        "Rebel fighters took control of the market town of Alden after government troops left.\n"
    )
    doc = one_document(write(tmp_path, "a.txt", text))
    assert "change of control\nRebel fighters" in doc.text or "change of control\n\nRebel" in doc.text


def test_seed_article_keeps_body_and_drops_furniture() -> None:
    doc = one_document(SEED)
    assert doc.title == "Azerbaijan accuses Armenia of breaching truce, firing on border posts"
    assert "AA Archive" not in doc.text and "Loading" not in doc.text and "Route 6" not in doc.text
    assert doc.text.count("were killed in border clashes last week.") == 1
    assert doc.links == [
        "US hosts Armenia, Azerbaijan top diplomats in bid to boost peace",
        "Turkish, Azerbaijani defence chiefs discuss Armenia border flare-up",
    ]
    assert "\n\nLast week's flare-up\n\n" in doc.text
    assert doc.text.endswith("That bout of fighting ended with a deal brokered by Russia.")
    assert doc.path == str(SEED)


def test_same_text_gives_the_same_key_wherever_it_is(tmp_path: Path) -> None:
    first = one_document(write(tmp_path, "a.txt", ARTICLE))
    second = one_document(write(tmp_path, "copy/b.txt", ARTICLE.replace("\n", "\r\n")))
    other = one_document(write(tmp_path, "c.txt", ARTICLE.replace("Monday", "Tuesday")))
    assert first.key == second.key != other.key
    assert first.key.startswith("doc:")


# --- folders, JSON lines, stdin ------------------------------------------------------------


def test_folder_is_read_recursively_in_sorted_order(tmp_path: Path) -> None:
    write(tmp_path, "b/second.txt", "Second\n\nThe second article.")
    write(tmp_path, "a.md", "First\n\nThe first article.")
    write(tmp_path, "c/d/third.text", "Third\n\nThe third article.")
    write(tmp_path, "notes.pdf", "ignored")
    write(tmp_path, ".hidden/x.txt", "Hidden\n\nNot read.")
    titles = [item.title for item in read([str(tmp_path)]) if isinstance(item, Document)]
    assert titles == ["First", "Second", "Third"]


def test_jsonl_documents_keep_their_fields(tmp_path: Path) -> None:
    lines = [
        {
            "id": "a1",
            "title": "Truce agreed",
            "text": "Both sides agreed a truce.",
            "published": "2022-09-15",
        },
        {
            "title": "Shelling",
            "text": "Shelling resumed.\nLoading...",
            "url": "https://x.test/2",
            "source": "AA",
        },
    ]
    path = write(tmp_path, "docs.jsonl", "\n".join(json.dumps(line) for line in lines) + "\n")
    first, second = read([str(path)])
    assert isinstance(first, Document) and isinstance(second, Document)
    assert (first.title, first.text, first.published) == (
        "Truce agreed",
        "Both sides agreed a truce.",
        "2022-09-15",
    )
    assert (second.text, second.url, second.source) == ("Shelling resumed.", "https://x.test/2", "AA")
    assert first.path == f"{path}:1" and second.path == f"{path}:2"


def test_jsonl_text_repeating_its_title_is_not_doubled(tmp_path: Path) -> None:
    line = {"title": "Truce agreed", "text": "Truce agreed\n\nBoth sides agreed a truce."}
    doc = read([str(write(tmp_path, "d.ndjson", json.dumps(line)))])[0]
    assert isinstance(doc, Document)
    assert doc.text == "Both sides agreed a truce."


def test_stdin_text_is_one_document(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(ARTICLE.encode())))
    (doc,) = read(["-"])
    assert isinstance(doc, Document)
    assert doc.title == "Georgia and Russia trade blame over border incident" and doc.path is None


def test_stdin_json_lines_are_several_documents(monkeypatch: pytest.MonkeyPatch) -> None:
    data = "\n" + json.dumps({"text": "One."}) + "\n" + json.dumps({"text": "Two."}) + "\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data.encode())))
    assert [item.text for item in read(["-"]) if isinstance(item, Document)] == ["One.", "Two."]


# --- --published ---------------------------------------------------------------------------


def test_published_applies_to_the_single_document(tmp_path: Path) -> None:
    (doc,) = read([str(write(tmp_path, "a.txt", ARTICLE))], published="2022-09-23")
    assert isinstance(doc, Document) and doc.published == "2022-09-23"


@pytest.mark.parametrize("value", ["2022-13-01", "23/09/2022", "2022-02-30", "yesterday"])
def test_published_must_be_a_real_date(value: str) -> None:
    with pytest.raises(InputError, match="is not a date YYYY-MM-DD"):
        validate_published(value)


def test_published_with_several_documents_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", "One\n\nFirst article.")
    write(tmp_path, "b.txt", "Two\n\nSecond article.")
    with pytest.raises(InputError, match="single document"):
        read([str(tmp_path)], published="2022-09-23")


# --- bad input -------------------------------------------------------------------------------


def test_bad_files_are_reported_and_the_rest_is_read(tmp_path: Path) -> None:
    write(tmp_path, "a_good.txt", "Good\n\nA good article.")
    write(tmp_path, "b_empty.txt", "")
    write(tmp_path, "c_blank.txt", "  \n\n \n")
    write(tmp_path, "d_binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    write(tmp_path, "e_controls.txt", bytes(range(1, 32)) * 20)
    items = read([str(tmp_path), str(tmp_path / "missing.txt")])
    assert [item.text for item in items if isinstance(item, Document)] == ["A good article."]
    messages = {Path(e.path).name: e.message for e in errors_of(items)}
    assert "is empty" in messages["b_empty.txt"] and "is empty" in messages["c_blank.txt"]
    assert "binary" in messages["d_binary.txt"] and "binary" in messages["e_controls.txt"]
    assert "no such file or folder" in messages["missing.txt"]


def test_cp1252_text_is_read_and_the_encoding_reported(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "a.txt",
        "Talks in Geneva\n\nThe minister\u2019s caf\u00e9 remark \u2013 denied.".encode("cp1252"),
    )
    notes: list[str] = []
    (doc,) = read_documents([str(path)], note=notes.append)
    assert isinstance(doc, Document)
    assert doc.text == "The minister\u2019s caf\u00e9 remark \u2013 denied."
    assert notes == [f"{path}: not UTF-8, read as cp1252 (convert it to UTF-8 to be sure of the characters)"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig"])
def test_text_with_a_byte_order_mark_is_decoded(tmp_path: Path, encoding: str) -> None:
    doc = one_document(
        write(tmp_path, "a.txt", "Yerevan talks\n\nDelegations met in Yerevan.".encode(encoding))
    )
    assert (doc.title, doc.text) == ("Yerevan talks", "Delegations met in Yerevan.")


def test_enormous_file_is_refused_with_the_limit(tmp_path: Path) -> None:
    path = write(
        tmp_path, "big.txt", ("A sentence of the article. " * 40 + "\n\n") * (MAX_DOCUMENT_BYTES // 1000)
    )
    (error,) = read([str(path)])
    assert isinstance(error, LineError)
    assert "5 MB limit" in error.message and "split" in error.message


def test_bad_json_lines_are_reported_with_their_line_numbers(tmp_path: Path) -> None:
    content = "\n".join(
        [
            json.dumps({"text": "First good article."}),
            '{"text": "unterminated',
            json.dumps({"title": "No text here"}),
            "[1, 2]",
            json.dumps({"text": "Second good article.", "published": "last week"}),
            json.dumps({"text": "Third good article.", "published": "2022-09-23T08:00:00Z"}),
        ]
    )
    items = read([str(write(tmp_path, "docs.jsonl", content))])
    assert [item.text for item in items if isinstance(item, Document)] == [
        "First good article.",
        "Third good article.",
    ]
    errors = {e.line: e.message for e in errors_of(items)}
    assert sorted(errors) == [2, 3, 4, 5]
    assert errors[2].startswith("not valid JSON")
    assert "no `text` field" in errors[3]
    assert "not a JSON object" in errors[4]
    assert "`published`" in errors[5]


def test_folder_with_nothing_readable_is_reported(tmp_path: Path) -> None:
    write(tmp_path, "scan.pdf", b"%PDF-1.4")
    (error,) = read([str(tmp_path)])
    assert isinstance(error, LineError) and "no readable files in this folder" in error.message


def test_reading_is_lazy_one_document_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for n in range(3):
        write(tmp_path, f"{n}.txt", f"Article {n}\n\nBody {n}.")
    opened: list[str] = []
    real = documents._read_file

    def spy(path: Path, note: object) -> object:
        opened.append(path.name)
        return real(path, note)  # type: ignore[arg-type]

    monkeypatch.setattr(documents, "_read_file", spy)
    stream = read_documents([str(tmp_path)])
    next(stream)
    assert opened == ["0.txt"]


def test_kicker_byline_and_time_stamp_are_not_title_or_text(tmp_path: Path) -> None:
    text = (
        "EXCLUSIVE\nArmenia and Azerbaijan agree to resume talks\nBy Jane Doe and John Roe\n"
        "Published 23 Sep 2022 12:30 GMT\n\nBy Tuesday the two sides had agreed to meet.\n"
    )
    doc = one_document(write(tmp_path, "a.txt", text))
    assert doc.title == "Armenia and Azerbaijan agree to resume talks"
    assert doc.text == "By Tuesday the two sides had agreed to meet."


def test_markdown_marks_images_and_links_are_stripped(tmp_path: Path) -> None:
    text = (
        "# Talks resume\n\n![map](map.png)\n\n"
        "**Armenia** and [Azerbaijan](https://x.test) met on *Tuesday*.\n"
        "\n"
        "- The talks were mediated by Russia.\n"
    )
    doc = one_document(write(tmp_path, "a.md", text))
    assert doc.title == "Talks resume"
    assert doc.text == "Armenia and Azerbaijan met on Tuesday.\n\nThe talks were mediated by Russia."


def test_json_file_of_one_article_or_an_array_of_them(tmp_path: Path) -> None:
    one = write(tmp_path, "one.json", json.dumps({"title": "Truce", "text": "A truce was agreed."}))
    many = write(tmp_path, "many.json", json.dumps([{"text": "First."}, "oops", {"text": "Second."}]))
    broken = write(tmp_path, "broken.json", '[{"text": "x"},')
    items = read([str(one), str(many), str(broken)])
    assert [item.text for item in items if isinstance(item, Document)] == [
        "A truce was agreed.",
        "First.",
        "Second.",
    ]
    assert [(e.path, e.message.split(" (")[0]) for e in errors_of(items)] == [
        (f"{many} item 2", "not a JSON object: give articles as {...} objects"),
        (str(broken), "not valid JSON"),
    ]


def test_utf16_without_byte_order_mark_is_not_taken_for_binary(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", "Yerevan talks\n\nDelegations met in Yerevan.".encode("utf-16-le"))
    notes: list[str] = []
    (doc,) = read_documents([str(path)], note=notes.append)
    assert isinstance(doc, Document) and doc.text == "Delegations met in Yerevan."
    assert "read as utf-16-le" in notes[0]


def test_random_bytes_are_reported_not_read(tmp_path: Path) -> None:
    import random

    rng = random.Random(7)
    noise = bytes(rng.randrange(128, 256) for _ in range(4000))
    repeated = "\u00d2".encode("cp1252") * 4000
    for data in (noise, repeated):
        (error,) = read([str(write(tmp_path, "noise.txt", data))])
        assert isinstance(error, LineError) and "re-save it as UTF-8" in error.message


def test_json_errors_of_articles_name_the_column_with_a_single_at(tmp_path: Path) -> None:
    lines = write(tmp_path, "docs.jsonl", '{"text": "unterminated\n')
    whole = write(tmp_path, "doc.json", '{"text": "unterminated')
    messages = [e.message for e in errors_of(read([str(lines), str(whole)]))]
    assert messages == [
        "not valid JSON (Invalid control character at column 23): fix or remove it",
        "not valid JSON (Unterminated string starting at line 1 column 10): fix the file",
    ]
