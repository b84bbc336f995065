"""`briefs new seed`: a saved web page or a plain text file -> seeds/<id>.txt and seeds/<id>.yaml.

A page (.html, .htm) gives its article text and metadata through trafilatura, from the
file's content only: nothing is fetched. Any other file is plain text: paragraphs are
separated by blank lines and the lines of one paragraph are joined with a space. The seed
text is written one paragraph per line (NFC), its metadata with only the fields found and
valid; what could not be found is returned as notes for the editor.
"""

from __future__ import annotations

import codecs
import contextlib
import datetime as dt
import json
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from pydantic import ValidationError

from .chars import bad_character, nfc, shown
from .diagnostics import Diagnostic, DiagnosticsError, EnvironmentProblem, os_reason
from .inventory import SEEDS_DIR
from .load import LoadError, decode, parse_document
from .models import SeedMeta
from .schema import id_schema_path
from .urls import id_problem
from .validate import MAX_SEED_BYTES, validate_model
from .write import write_files

HTML_SUFFIXES = (".html", ".htm")
MAX_PAGE_BYTES = 16 * 1024 * 1024
# The seed metadata fields in the order they are written, each with its name in a note.
FIELDS: dict[str, str] = {
    "title": "title", "outlet": "outlet (site name)", "author": "author",
    "published": "publication date", "url": "canonical URL", "language": "language",
    "license": "licence",
}
_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


@dataclass
class ImportedSeed:
    """What `import_seed` wrote, and what the editor should add by hand."""

    text_rel: str
    meta_rel: str
    written: list[str] = field(default_factory=list)
    paragraphs: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass
class Article:
    paragraphs: list[str]
    meta: dict[str, str] = field(default_factory=dict)  # field -> value, as found
    hints: dict[str, str] = field(default_factory=dict)  # field -> what may help find it
    plain_text: bool = False


def import_seed(root: Path, seed_id: str, source: Path) -> ImportedSeed:
    """Write seeds/<seed_id>.txt (and .yaml when metadata was found) from `source`.

    DiagnosticsError (nothing written) for a bad id, an existing seed, or a file that is
    not UTF-8 or holds no article text; EnvironmentProblem for a file that cannot be read.
    """
    text_rel, meta_rel = f"{SEEDS_DIR}/{seed_id}.txt", f"{SEEDS_DIR}/{seed_id}.yaml"
    problem = id_problem(seed_id)
    if problem:
        raise DiagnosticsError([Diagnostic(text_rel, 1, 1, problem[0], problem[1])])
    existing = [rel for rel in (text_rel, meta_rel)
                if (root / rel).exists() or (root / rel).is_symlink()]
    if existing:
        raise DiagnosticsError([Diagnostic(rel, 1, 1, "duplicate-id",
                                           f"seed '{seed_id}' already exists; the file was "
                                           "left unchanged (choose another id)")
                                for rel in existing])
    where = str(source)
    is_html = source.suffix.lower() in HTML_SUFFIXES
    raw = read_source(source, MAX_PAGE_BYTES if is_html else MAX_SEED_BYTES)
    try:
        article = page_article(decode_page(raw, where)) if is_html else \
            text_article(decode(raw, where))
    except LoadError as exc:
        raise DiagnosticsError(exc.diagnostics) from None
    if not article.paragraphs:
        what = "page" if is_html else "text file"
        hint = ("a page saved before its scripts showed the article holds none: save it "
                "again once the article shows, or paste its text into a .txt file"
                if is_html else "")
        raise DiagnosticsError([Diagnostic(where, 1, 1, "no-article-text",
                                           f"no article text found in this {what}", hint)])
    text = "\n".join(article.paragraphs) + "\n"
    data = text.encode("utf-8")
    if len(data) > MAX_SEED_BYTES:
        raise DiagnosticsError([Diagnostic(where, 1, 1, "file-too-large",
                                           f"the article text is {len(data)} bytes; a seed "
                                           f"may hold at most {MAX_SEED_BYTES} bytes")])
    imported = ImportedSeed(text_rel, meta_rel, paragraphs=len(article.paragraphs))
    meta, notes = usable_meta(article.meta, meta_rel, article.hints)
    files = {text_rel: data}
    if meta:
        files[meta_rel] = meta_yaml(meta, meta_rel, where).encode("utf-8")
    if article.plain_text:
        notes = [f"a plain text file holds no metadata: create {meta_rel} with "
                 f"{', '.join(FIELDS)} as you know them"]
    imported.notes = notes
    write_files(root, files)
    imported.written = sorted(files)
    return imported


# ---------------------------------------------------------------- reading the file


def read_source(path: Path, max_bytes: int) -> bytes:
    """The bytes of a regular file (a link to one is followed); never blocks on a pipe."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | _O_CLOEXEC)
    except FileNotFoundError:
        raise EnvironmentProblem(f"cannot read {path}: no such file") from None
    except OSError as exc:
        raise EnvironmentProblem(f"cannot read {path}: {os_reason(exc)}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = "a folder" if stat.S_ISDIR(info.st_mode) else "a pipe, device or socket"
            raise EnvironmentProblem(f"cannot read {path}: it is {kind}, not a regular file "
                                     "(give a saved web page or a text file)")
        if info.st_size > max_bytes:
            raise DiagnosticsError([Diagnostic(str(path), 1, 1, "file-too-large",
                                               f"file is {info.st_size} bytes; the cap is "
                                               f"{max_bytes} bytes")])
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            raw = handle.read(max_bytes + 1)
    except OSError as exc:
        raise EnvironmentProblem(f"cannot read {path}: {os_reason(exc)}") from None
    finally:
        os.close(fd)
    if len(raw) > max_bytes:
        raise DiagnosticsError([Diagnostic(str(path), 1, 1, "file-too-large",
                                           f"file is over the cap of {max_bytes} bytes")])
    return raw


_DECLARED = re.compile(rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:+-]+)""",
                       re.IGNORECASE)
# Labels that mean windows-1252 in a browser (the WHATWG Encoding Standard).
_WINDOWS_1252 = frozenset({"ascii", "latin_1", "cp1252"})


def declared_charset(raw: bytes) -> str | None:
    """The character set a page's <meta charset> or http-equiv Content-Type names."""
    match = _DECLARED.search(raw[:8192])
    return match[1].decode("ascii").lower() if match else None


def decode_page(raw: bytes, where: str) -> str:
    """A page's text: UTF-8 when it is valid UTF-8, else the character set it declares."""
    try:
        return decode(raw, where)
    except LoadError as exc:
        if exc.diagnostics[0].code != "not-utf8":
            raise
        first = exc.diagnostics[0]
        charset = declared_charset(raw)
        try:
            codec = codecs.lookup(charset).name if charset else None
        except LookupError:
            codec = None
        if codec is None or codec == "utf-8":
            said = f"declares the unknown character set '{charset}'" if charset and not codec \
                else "declares no other character set"
            raise LoadError([Diagnostic(where, first.line, first.column, "not-utf8",
                                        f"{first.message.split(';')[0]} and {said}; save "
                                        "the page as UTF-8")]) from None
        try:
            return raw.decode("cp1252" if codec in _WINDOWS_1252 else codec)
        except UnicodeDecodeError as bad:
            raise LoadError([Diagnostic(where, first.line, first.column, "not-utf8",
                                        f"file is neither UTF-8 nor the {charset} it declares "
                                        f"(byte 0x{raw[bad.start]:02x} at offset {bad.start}); "
                                        "save the page as UTF-8")]) from None


# ---------------------------------------------------------------- text


_BLANK = re.compile(r"\n[ \t\f\v]*\n")
_SPACES = re.compile(r"[ \t\n\r\f\v]+")
_BREAKS_AS_SPACE = str.maketrans(dict.fromkeys("\u2028\u2029\x85", " "))


def clean_line(line: str) -> str:
    """One paragraph: NFC, without invisible or control characters (a soft hyphen would
    hide a word from quote checks), runs of ASCII white space as one space."""
    line = nfc(line)
    if not line.isprintable():
        line = line.translate(_BREAKS_AS_SPACE)
        line = "".join(c for c in line if c in " \t\n\r\f\v"
                       or bad_character(c, multiline=False) is None)
    return _SPACES.sub(" ", line).strip()


def text_article(text: str) -> Article:
    """Plain text: paragraphs are separated by blank lines; the lines of one paragraph
    (hard-wrapped text) are joined with a space."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = [clean_line(block.replace("\n", " ")) for block in _BLANK.split(text)]
    return Article([p for p in paragraphs if p], plain_text=True)


def page_article(html: str) -> Article:
    """The article of a saved page: its main text (no navigation, ads, comments or
    related links) and the metadata it states. Nothing is fetched."""
    import trafilatura  # slow to import: only this command needs it
    from trafilatura.settings import Document

    # The date comes from the page's markup (meta tags, JSON-LD, <time>, the URL), never
    # guessed from dates that the article's text mentions; a date the page states as
    # YYYY-MM-DD is taken as stated (and refused if it is no real date: htmldate would
    # quietly turn 2023-02-30 into 2023-02-01).
    found = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=True,
        date_extraction_params={"extensive_search": False, "original_date": True})
    scan = _PageScan()
    scan.feed(html)
    scan.close()
    meta: dict[str, str] = {}
    hints: dict[str, str] = {}
    lines: list[str] = []
    if isinstance(found, Document):
        values = {"title": found.title, "outlet": found.sitename, "author": found.author,
                  "published": found.date, "url": found.url}
        meta = {key: clean_line(value) for key, value in values.items() if value}
        lines = [clean_line(line) for line in (found.text or "").split("\n")]
        host = _host(found.url)
        if host and meta.get("outlet", "").lower() == host.removeprefix("www."):
            del meta["outlet"]  # trafilatura's guess from the address, not a stated name
            hints["outlet"] = f"the page's address is on {host}"
    stated = _ISO_DAY.match(scan.published() or "")
    if stated:
        meta["published"] = stated[1]
    language = scan.language() or (found.language if isinstance(found, Document) else None)
    if language:
        meta["language"] = normalise_language(clean_line(language))
    licence = scan.licence() or (found.license if isinstance(found, Document) else None)
    if licence:
        meta["license"] = clean_line(licence)
    lines = [line for line in lines if line]
    if lines and meta.get("title") and lines[0].casefold() == meta["title"].casefold():
        lines = lines[1:]  # the headline is metadata, not a paragraph
    return Article(lines, {k: v for k, v in meta.items() if v}, hints)


def _host(url: str | None) -> str | None:
    try:
        return urlsplit(url).hostname if url else None
    except ValueError:
        return None


def normalise_language(tag: str) -> str:
    """`en_GB` and `EN-gb` as a BCP 47 tag: `en-GB`."""
    primary, *rest = tag.replace("_", "-").split("-")
    return "-".join([primary.lower(), *(r.upper() if len(r) == 2 else r for r in rest)])


_CC = re.compile(r"creativecommons\.org/(?:licenses/([a-z-]+)|publicdomain/(zero))/"
                 r"([0-9]+\.[0-9]+)", re.IGNORECASE)
_RIGHTS_NAMES = ("dc.rights", "dcterms.rights", "copyright", "license")
_PUBLISHED_NAMES = ("article:published_time", "og:published_time", "datepublished",
                    "dcterms.issued", "dc.date.issued", "dc.date", "dcterms.date",
                    "publication_date", "pubdate", "date")
_ISO_DAY = re.compile(r"\s*([0-9]{4}-[0-9]{2}-[0-9]{2})(?![0-9])")


def licence_text(value: str) -> str:
    """A Creative Commons address as the licence's name (CC BY-SA 4.0); else as stated."""
    match = _CC.search(value)
    if match:
        return f"CC0 {match[3]}" if match[2] else f"CC {match[1].upper()} {match[3]}"
    return value.strip()


class _PageScan(HTMLParser):
    """What trafilatura does not read: <html lang>, <link rel="license">, rights <meta>
    tags and the JSON-LD `license` and `inLanguage`."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lang: str | None = None
        self.licence_links: list[str] = []
        self.metas: dict[str, str] = {}
        self.jsonld: list[Any] = []
        self._in_jsonld = False
        self._script: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        if tag == "html" and (a.get("lang") or a.get("xml:lang")) and self.lang is None:
            self.lang = a.get("lang") or a["xml:lang"]
        elif tag in ("link", "a") and "license" in a.get("rel", "").lower().split() \
                and a.get("href"):
            self.licence_links.append(a["href"])
        elif tag == "meta":
            name = (a.get("name") or a.get("property") or a.get("itemprop")
                    or a.get("http-equiv") or "").lower()
            if name and a.get("content", "").strip():
                self.metas.setdefault(name, a["content"])
        elif tag == "script" and a.get("type", "").lower().strip() == "application/ld+json":
            self._in_jsonld, self._script = True, []

    def handle_data(self, data: str) -> None:
        if self._in_jsonld:
            self._script.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._in_jsonld:
            self._in_jsonld = False
            with contextlib.suppress(ValueError):  # a broken block states nothing
                self.jsonld.append(json.loads("".join(self._script), strict=False))

    def _jsonld_values(self, key: str) -> Iterator[Any]:
        stack = list(reversed(self.jsonld))
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict):
                if key in item:
                    yield item[key]
                stack.extend(reversed([v for k, v in item.items() if k != key]))

    def _jsonld_text(self, key: str, *names: str) -> str | None:
        for value in self._jsonld_values(key):
            for item in value if isinstance(value, list) else [value]:
                one = next((item[n] for n in names if isinstance(item.get(n), str)), None) \
                    if isinstance(item, dict) else item
                if isinstance(one, str) and one.strip():
                    return one
        return None

    def licence(self) -> str | None:
        if self.licence_links:
            return licence_text(self.licence_links[0])
        for name in _RIGHTS_NAMES:
            if name in self.metas:
                return licence_text(self.metas[name])
        found = self._jsonld_text("license", "name", "url", "@id")
        return licence_text(found) if found else None

    def published(self) -> str | None:
        """The publication date the page states in its markup, as written."""
        found = self._jsonld_text("datePublished")
        return found or next((self.metas[n] for n in _PUBLISHED_NAMES if n in self.metas), None)

    def language(self) -> str | None:
        return (self.lang or self._jsonld_text("inLanguage", "alternateName", "name")
                or self.metas.get("content-language") or self.metas.get("language")
                or self.metas.get("og:locale"))


# ---------------------------------------------------------------- metadata


def usable_meta(found: dict[str, str], meta_rel: str,
                hints: dict[str, str] | None = None) -> tuple[dict[str, str], list[str]]:
    """The fields of `found` that SeedMeta accepts, and a note for each missing or refused."""
    meta: dict[str, str] = {}
    notes = []
    for key, label in FIELDS.items():
        value = found.get(key)
        if not value:
            hint = f" ({hints[key]})" if hints and key in hints else ""
            notes.append(f"no {label} found{hint}: add `{key}:` to {meta_rel}")
            continue
        try:
            SeedMeta.model_validate({key: value})
        except ValidationError as exc:
            error = exc.errors(include_url=False)[0]
            reason = ("not a language tag such as en or en-GB" if key == "language"
                      else error["msg"].replace(f"'{value}': ", "").replace(f"'{value}' ", "")
                      .removeprefix("is "))
        else:
            future = key == "published" and dt.date.fromisoformat(value) > dt.date.today()
            if not future:
                meta[key] = value
                continue
            reason = "a date in the future"
        notes.append(f"the page's {label} '{shown(value)}' was left out ({reason}): add a "
                     f"correct `{key}:` to {meta_rel}")
    return meta, notes


def meta_yaml(meta: dict[str, str], meta_rel: str, where: str) -> str:
    """The seed's metadata file; it is read back with the project's own loader first."""
    header = [f"# yaml-language-server: $schema=../{id_schema_path('seed')}",
              f"# Taken from {shown(Path(where).name)} by `briefs new seed`: check it against the page.",
              ""]
    body = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1_000_000,
                          default_flow_style=False)
    text = "\n".join(header) + body
    doc = parse_document(text, meta_rel)
    model, problems = validate_model(SeedMeta, doc)
    if model is None or problems:  # pragma: no cover - a programming error
        raise AssertionError([p.format_text() for p in problems])
    return text
