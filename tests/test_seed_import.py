"""`briefs new seed ID --from FILE`: saved pages and text files in, a seed that checks out."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path
from typing import Any

import pytest

from generator import cli
from generator.load import load_document
from generator.pipeline import check
from generator.provenance import verify_quote
from generator.seed_import import declared_charset, licence_text, normalise_language
from tests.conftest import REPO

PAGES = REPO / "tests" / "fixtures" / "pages"
RICH_PAGE = PAGES / "harbour-accord.html"
BARE_PAGE = PAGES / "little-metadata.htm"
TEXT_FILE = PAGES / "ferry-strike.txt"

RICH_PARAGRAPHS = [
    "Negotiators from both shores of the Mariner’s Pass agreed on Tuesday to run shared "
    "patrols of the strait, ending three weeks of talks held in a café on the old harbour "
    "front of Montréal.",
    "The accord, signed shortly after midnight, commits the two coast guards to a joint "
    "schedule of patrols and to a hotline staffed around the clock. It leaves the disputed "
    "fishing grounds to a later round.",
    "“Nobody here got everything they came for, and that is how you know it is a fair text,” "
    "said Amélie D’Aubigné, the mediator who chaired the sessions.",
    "Her counterpart on the northern delegation, Seán Ó Briain, was more guarded. “We signed "
    "what can be enforced next week, not what sounds good tonight,” he told reporters "
    "outside the café.",
    "Fishermen on both sides said the hotline mattered more to them than the patrols. Two "
    "trawlers collided in fog in January, and neither crew could reach the other side’s "
    "coast guard for an hour.",
    "The delegations will meet again in May to take up the fishing grounds, D’Aubigné said, "
    "adding that the café’s owner had already asked them to book early.",
]
# Text of the page around the article: none of it may reach the seed.
RICH_BOILERPLATE = [
    "cookies", "Subscribe", "Politics", "ADVERTISEMENT", "Sunny Coast", "Brisk Meal Kits",
    "Related stories", "strait standoff", "budget doubles", "Share on social media",
    "Email this story", "Comments", "paper tiger", "about time", "crypto", "More from",
    "Ferry prices", "Budget vote", "Lakeside Bank", "Privacy policy", "© 2024",
]
BARE_PARAGRAPHS = [
    "The councils of the three valley towns voted on Monday evening to merge their water "
    "boards into one, after two dry summers left the smallest of them buying water by the "
    "tanker.",
    "Under the plan, the merged board will take over the reservoirs, the pumping stations and "
    "the debts of all three boards from the first of January.",
    "“It’s not a takeover, it’s a rescue we all pay for,” said Noëlle O’Hara, who chairs the "
    "council of the smallest town and voted for the merger.",
    "Opponents in the largest town said its residents would carry most of the debt. Their "
    "motion to delay the vote by a year was defeated by four votes.",
]
BARE_BOILERPLATE = ["cookies", "Got it", "Contact the newsroom", "Popular this week",
                    "swimming pool", "Sponsored", "Valley Hardware", "comments",
                    "bill will double", "About time", "Powered by", "All rights reserved"]
TEXT_PARAGRAPHS = [
    "Ferry crews on the northern routes walked out at dawn on Friday, leaving some four "
    "thousand passengers stranded on both sides of the strait, the operator said.",
    "“We gave them a month’s notice and they gave us silence,” said Siobhán D’Arcy, who speaks "
    "for the crews’ union. She said the strike would last until the operator reopened talks "
    "on rosters.",
    "The operator’s chief executive, François Lefèvre, called the walkout “premature” and said "
    "a new offer was already on the table.",
    "Extra buses were laid on for foot passengers, but drivers with cars faced a detour of "
    "more than three hundred kilometres through the mountain pass.",
]


def new_seed(root: Path, seed_id: str, source: Path | str, *more: str) -> int:
    return cli.main(["--root", str(root), "new", "seed", seed_id, "--from", str(source), *more])


def seed_lines(root: Path, seed_id: str) -> list[str]:
    data = (root / "seeds" / f"{seed_id}.txt").read_bytes()
    assert data.endswith(b"\n") and b"\r" not in data
    return data.decode("utf-8").split("\n")[:-1]


def seed_meta(root: Path, seed_id: str) -> dict[str, Any]:
    rel = f"seeds/{seed_id}.yaml"
    return dict(load_document(root / rel, rel).data)


def seed_files(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / "seeds").iterdir())}


def problems_about(root: Path, seed_id: str) -> list[str]:
    _, problems = check(root)
    return [p.format_text() for p in problems if p.path.startswith(f"seeds/{seed_id}.")]


# ---------------------------------------------------------------- pages


def test_page_gives_the_article_without_boilerplate(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert new_seed(project, "harbour-accord", RICH_PAGE) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == ["seeds/harbour-accord.txt", "seeds/harbour-accord.yaml"]
    lines = seed_lines(project, "harbour-accord")
    assert lines == RICH_PARAGRAPHS  # every paragraph, in order, one per line, no headline
    text = "\n".join(lines)
    assert [word for word in RICH_BOILERPLATE if word.lower() in text.lower()] == []
    assert "6 paragraph(s)" in err


def test_page_metadata_from_json_ld_opengraph_and_rel_license(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert new_seed(project, "harbour-accord", RICH_PAGE) == 0
    assert seed_meta(project, "harbour-accord") == {
        "title": "Montréal café talks end in harbour accord",
        "outlet": "The Northern Ledger",
        "author": "Zoë O'Sullivan-Ibáñez",
        "published": "2024-03-05",
        "url": "https://ledger.example.org/world/2024/03/montreal-harbour-accord",
        "language": "en-GB",
        "license": "CC BY 4.0",
    }
    text = (project / "seeds" / "harbour-accord.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../.cache/schemas/seed.schema.json\n")
    assert "not found" not in capsys.readouterr().err  # everything was found


def test_page_with_little_metadata_reports_what_is_missing(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert new_seed(project, "water-board", BARE_PAGE) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == ["seeds/water-board.txt", "seeds/water-board.yaml"]
    lines = seed_lines(project, "water-board")
    assert lines == BARE_PARAGRAPHS
    assert [word for word in BARE_BOILERPLATE if word.lower() in "\n".join(lines).lower()] == []
    assert seed_meta(project, "water-board") == {"title": "Valley towns share one water board"}
    for missing, key in [("no outlet (site name) found", "outlet"),
                         ("no author found", "author"),
                         ("no publication date found", "published"),
                         ("no canonical URL found", "url"), ("no language found", "language"),
                         ("no licence found", "license")]:
        assert f"{missing}: add `{key}:` to seeds/water-board.yaml\n" in err
    assert "no title found" not in err


def test_page_in_its_declared_charset(project: Path, tmp_path: Path) -> None:
    html = BARE_PAGE.read_text(encoding="utf-8").replace("charset=utf-8", "charset=windows-1252")
    page = tmp_path / "latin.html"
    page.write_bytes(html.encode("cp1252"))
    with pytest.raises(UnicodeDecodeError):
        page.read_bytes().decode("utf-8")  # the fixture really is not UTF-8
    assert new_seed(project, "water-board", page) == 0
    assert seed_lines(project, "water-board") == BARE_PARAGRAPHS


def test_page_that_is_not_utf8_and_declares_nothing(
        project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    html = BARE_PAGE.read_text(encoding="utf-8").replace(
        '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">', "")
    page = tmp_path / "latin.html"
    page.write_bytes(html.encode("cp1252"))
    first = next(c for c in html if not c.isascii()).encode("cp1252")[0]
    before = seed_files(project)
    assert new_seed(project, "water-board", page) == 1
    out, err = capsys.readouterr()
    assert out.startswith(f"{page}:")
    assert f"error[not-utf8]: file is not valid UTF-8 (byte 0x{first:02x}) and declares no " \
           "other character set; save the page as UTF-8" in out
    assert "nothing was written" in err
    assert seed_files(project) == before


def test_declared_charset() -> None:
    assert declared_charset(b'<meta charset="ISO-8859-15">') == "iso-8859-15"
    assert declared_charset(b"<META http-equiv=Content-Type content='text/html; "
                            b"charset=Shift_JIS'>") == "shift_jis"
    assert declared_charset(b"<p>charset=utf-8</p>") is None


def test_licence_from_meta_rights_and_json_ld(project: Path, tmp_path: Path) -> None:
    body = "".join(f"<p>{p}</p>" for p in BARE_PARAGRAPHS)
    pages = {
        "dc": '<meta name="DC.rights" content="Public domain (U.S. government work)">',
        "copyright": '<meta name="copyright" content="© 2024 Valley Courier">',
        "jsonld": '<script type="application/ld+json">{"@graph": [{"@type": "NewsArticle", '
                  '"license": {"@type": "CreativeWork", "url": '
                  '"https://creativecommons.org/licenses/by-sa/4.0/"}}]}</script>',
    }
    expected = {"dc": "Public domain (U.S. government work)",
                "copyright": "© 2024 Valley Courier", "jsonld": "CC BY-SA 4.0"}
    for name, head in pages.items():
        page = tmp_path / f"{name}.html"
        page.write_text(f"<html><head><title>T</title>{head}</head><body><article>{body}"
                        "</article></body></html>", encoding="utf-8")
        assert new_seed(project, f"licence-{name}", page) == 0
        assert seed_meta(project, f"licence-{name}")["license"] == expected[name]


def test_licence_text_and_language_tags() -> None:
    assert licence_text("https://creativecommons.org/publicdomain/zero/1.0/") == "CC0 1.0"
    assert licence_text("http://creativecommons.org/licenses/by-nc-nd/3.0/de/") == \
        "CC BY-NC-ND 3.0"
    assert licence_text(" All rights reserved ") == "All rights reserved"
    assert normalise_language("EN_gb") == "en-GB"
    assert normalise_language("fr") == "fr"


def test_found_values_that_do_not_validate_are_left_out(
        project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "odd.html"
    body = "".join(f"<p>{p}</p>" for p in BARE_PARAGRAPHS)
    page.write_text(
        '<html lang="english"><head><title>T</title>'
        '<link rel="canonical" href="ftp://files.example.org/story">'
        '<meta property="article:published_time" content="2023-02-30">'
        f"</head><body><article>{body}</article></body></html>", encoding="utf-8")
    assert new_seed(project, "odd", page) == 0
    err = capsys.readouterr().err
    meta = seed_meta(project, "odd")
    assert "url" not in meta and "language" not in meta and "published" not in meta
    assert "the page's language 'english' was left out (not a language tag such as en or " \
           "en-GB): add a correct `language:` to seeds/odd.yaml\n" in err
    assert "the page's publication date '2023-02-30' was left out (not a real calendar date)" \
           ": add a correct `published:` to seeds/odd.yaml\n" in err
    assert problems_about(project, "odd") == []


def test_page_address_is_not_an_outlet_and_invisible_characters_go(
        project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "essai.xhtml.htm"
    page.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml" '
        'xml:lang="fr"><head><title>Essai</title><link rel="canonical" '
        'href="https://www.courrier.example.net/monde/essai"></head><body><article>'
        "<p>Les négo\u00adciateurs se sont mis d\u2019accord\u200b mardi sur des patrouilles "
        "communes du détroit, après trois semaines de discussions au café du port.</p>"
        "</article></body></html>", encoding="utf-8")
    assert new_seed(project, "essai", page) == 0
    assert seed_lines(project, "essai") == [
        "Les négociateurs se sont mis d’accord mardi sur des patrouilles communes du détroit, "
        "après trois semaines de discussions au café du port."]
    assert seed_meta(project, "essai") == {
        "title": "Essai", "url": "https://www.courrier.example.net/monde/essai",
        "language": "fr"}
    assert "no outlet (site name) found (the page's address is on www.courrier.example.net)" \
           ": add `outlet:` to seeds/essai.yaml\n" in capsys.readouterr().err


# ---------------------------------------------------------------- plain text


def test_text_file_joins_hard_wrapped_lines(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert new_seed(project, "ferry-strike", TEXT_FILE) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == ["seeds/ferry-strike.txt"]  # no metadata, no .yaml
    assert seed_lines(project, "ferry-strike") == TEXT_PARAGRAPHS
    assert not (project / "seeds" / "ferry-strike.yaml").exists()
    assert "a plain text file holds no metadata: create seeds/ferry-strike.yaml" in err


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_text_file_line_endings_are_normalised(project: Path, tmp_path: Path,
                                               newline: str) -> None:
    source = tmp_path / "ferry.text"
    data = TEXT_FILE.read_bytes().replace(b"\n", newline.encode())
    source.write_bytes(b"\xef\xbb\xbf" + data.replace(b"said Siobh\xc3\xa1n",
                                                      b"said Siobha\xcc\x81n"))  # BOM, NFD
    assert new_seed(project, "ferry-strike", source) == 0
    assert seed_lines(project, "ferry-strike") == TEXT_PARAGRAPHS  # NFC, one per line


def test_quotes_of_an_imported_seed_verify(project: Path) -> None:
    assert new_seed(project, "ferry-strike", TEXT_FILE) == 0
    article = (project / "seeds" / "ferry-strike.txt").read_text(encoding="utf-8")
    assert verify_quote("We gave them a month's notice and they gave us silence", article).found


# ---------------------------------------------------------------- refusals


def test_refuses_to_overwrite_an_existing_seed(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert new_seed(project, "harbour-accord", RICH_PAGE) == 0
    capsys.readouterr()
    before = seed_files(project)
    assert new_seed(project, "harbour-accord", TEXT_FILE) == 1
    out, err = capsys.readouterr()
    assert "seeds/harbour-accord.txt:1:1: error[duplicate-id]:" in out
    assert "seeds/harbour-accord.yaml:1:1: error[duplicate-id]:" in out
    assert "nothing was written" in err
    assert seed_files(project) == before

    (project / "seeds" / "only-meta.yaml").write_text("title: T\n", encoding="utf-8")
    before = seed_files(project)
    assert new_seed(project, "only-meta", TEXT_FILE) == 1  # the metadata alone blocks it too
    assert "seeds/only-meta.yaml:1:1: error[duplicate-id]:" in capsys.readouterr().out
    assert seed_files(project) == before


@pytest.mark.parametrize(("seed_id", "code"), [
    ("Harbour_Accord", "bad-id"), ("harbour--accord", "bad-id"), ("x" * 65, "bad-id"),
    ("../escape", "bad-id"), ("index", "reserved-id"),
])
def test_refuses_a_bad_id(project: Path, capsys: pytest.CaptureFixture[str],
                          seed_id: str, code: str) -> None:
    before = seed_files(project)
    assert new_seed(project, seed_id, RICH_PAGE) == 1
    assert f"error[{code}]" in capsys.readouterr().out
    assert seed_files(project) == before
    assert not (project / "escape.txt").exists()


def test_refuses_a_file_that_cannot_be_read(
        project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = seed_files(project)
    assert new_seed(project, "gone", tmp_path / "missing.html") == 2
    assert "briefs: error: cannot read" in capsys.readouterr().err
    assert new_seed(project, "gone", tmp_path) == 2  # a folder
    assert "not a regular file" in capsys.readouterr().err
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    assert new_seed(project, "gone", fifo) == 2  # returns at once: never blocks on a pipe
    assert "not a regular file" in capsys.readouterr().err
    assert seed_files(project) == before


@pytest.mark.parametrize(("name", "data", "code"), [
    ("app-shell.html", "<!DOCTYPE html><html lang='en'><head><title>Loading…</title>"
                       "<script src='/app.js'></script><script>window.state = {article: null}"
                       "</script></head><body><div id='root'></div><img src='/spinner.gif' "
                       "alt=''></body></html>", "no-article-text"),
    ("empty.htm", "", "no-article-text"),
    ("empty.txt", "\n\n  \n", "no-article-text"),
    ("latin.txt", "Caf\xe9 talks ended.".encode("latin-1"), "not-utf8"),
    ("nul.txt", b"An article\x00 with a NUL byte.", "nul-byte"),
])
def test_refuses_a_file_without_article_text(
        project: Path, capsys: pytest.CaptureFixture[str],
        name: str, data: str | bytes, code: str) -> None:
    source = project.parent / name
    source.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    before = seed_files(project)
    assert new_seed(project, "nothing", source, "--format", "json") == 1
    problems = json.loads(capsys.readouterr().out)
    assert [(p["path"], p["code"]) for p in problems] == [(str(source), code)]
    assert seed_files(project) == before


def test_nothing_is_fetched(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise OSError("network access during a seed import")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    assert new_seed(project, "harbour-accord", RICH_PAGE) == 0
    assert new_seed(project, "water-board", BARE_PAGE) == 0
    assert attempts == []


# ---------------------------------------------------------------- the result is usable


@pytest.mark.parametrize(("source", "seed_id"), [
    (RICH_PAGE, "harbour-accord"), (BARE_PAGE, "water-board"), (TEXT_FILE, "ferry-strike")])
def test_imported_seed_starts_a_brief_and_checks_clean(
        project: Path, capsys: pytest.CaptureFixture[str], source: Path, seed_id: str) -> None:
    assert new_seed(project, seed_id, source) == 0
    assert problems_about(project, seed_id) == []

    assert cli.main(["--root", str(project), "new", "brief", "some-id", "--seed", seed_id]) == 0
    rel = "briefs/some-id.yaml"
    brief = load_document(project / rel, rel).data
    meta = seed_meta(project, seed_id) if (project / f"seeds/{seed_id}.yaml").exists() else {}
    assert brief["source"]["seed"] == seed_id
    assert brief["source"]["published"] == meta.get("published")
    article = (project / "seeds" / f"{seed_id}.txt").read_text(encoding="utf-8")
    assert brief["quotes"], "the quotations of the seed are offered"
    for quote in brief["quotes"]:
        assert verify_quote(quote["text"], article).found
    capsys.readouterr()
    assert problems_about(project, seed_id) == []
    # the unfinished brief is the only thing `briefs check` complains about
    assert cli.main(["--root", str(project), "check"]) == 1
    out = capsys.readouterr().out
    assert out and all(line.startswith(f"{rel}:") for line in out.splitlines())


def test_new_seed_is_offered_in_the_schemas(project: Path) -> None:
    assert new_seed(project, "ferry-strike", TEXT_FILE) == 0
    # the local, git-ignored copy editors read; the committed schemas/ hold no ids
    schema = (project / ".cache" / "schemas" / "brief.schema.json").read_text(encoding="utf-8")
    assert '"ferry-strike"' in schema  # completion offers the new seed id at once
    assert not (project / "schemas").exists()
