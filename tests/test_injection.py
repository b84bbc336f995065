"""No YAML value can change the built site's structure: every hostile payload in every field.

Two projects are generated and built with the real MkDocs: a baseline where every field
holds benign text exercising every template feature, and the same project with a hostile
payload (tests/injection_payloads.py) in every plain, rich and URL field. Each field value
starts with a unique marker, so a diagnostic or a piece of page text is traced to its field.

A field either shows its payload literally (after the rich-text subset is applied) or the
check rejects it with an error located on that field's line; rejected fields are replaced
with benign text and the check is run again, until the project is clean. Then every page of
the site and the feed are parsed and compared with the baseline, and the search index (plain
text) is checked to be shown as text only.
"""

from __future__ import annotations

import json
import re
import shutil
import warnings
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, Tag

from generator.chars import nfc
from generator.diagnostics import Diagnostic, DiagnosticsError
from generator.pipeline import generate
from generator.render import paging
from generator.site import build_site, site_config
from generator.text import text_problem
from tests.conftest import REPO, copy_project
from tests.injection_payloads import TEXT, URLS, Payload, UrlPayload
from tests.search_index import read_site_index

pytestmark = pytest.mark.slow

CASES_BASE = Path(__file__).resolve().parent / "cases" / "_base"
BENIGN = Payload("benign", "Benign words",
                 rich="Benign emph strong code link Arland\n\nitem one\nitem two")
BENIGN_RICH_SOURCE = ("Benign *emph* **strong** `code` [link](https://example.com/b) [[arland]]"
                      "\n\n- item one\n- item two")
# A summary is 1 to 3 sentences, list items included: the marker's paragraph and this one.
BENIGN_SUMMARY_SOURCE = BENIGN_RICH_SOURCE.split("\n\n", maxsplit=1)[0]
BENIGN_SUMMARY_VISIBLE = "Benign emph strong code link Arland"
BENIGN_URL = UrlPayload("benign", "https://example.com/benign", True, True)
BENIGN_MAILTO = UrlPayload("benign-mailto", "mailto:desk@example.com", False, True)
URL_ATTRS = frozenset({"href", "src", "action", "formaction", "xlink:href", "poster", "data",
                       "cite", "background", "ping", "srcset", "codebase", "manifest"})
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
LIMITS = {"title": 120, "dek": 280, "label": 60, "name": 120, "role": 160, "term": 120,
          "definition": 300, "seed-title": 300}
PLAIN_REJECT_CODES = frozenset({"bad-text", "too-long"})
ATTRIBUTION = "said the minister"  # how each seed names the speaker of its quote
RICH_REJECT_CODES = frozenset({"bad-text", "bad-url", "bad-markup", "bad-ref", "too-long"})


# ---------------------------------------------------------------- the project under test


@dataclass
class Slot:
    """One field value: where it is written, where it is shown, what it holds."""

    marker: str
    kind: str  # plain | rich | url | rich-url
    name: str  # the field, e.g. "title" or "link-url"
    path: str  # the YAML file, relative to the project root
    page: str | None  # the built page (site-relative) that shows it, None when not shown
    payload: Payload | UrlPayload
    line: int = 0
    rejected: list[Diagnostic] = field(default_factory=list)

    @property
    def value(self) -> str:
        """The YAML value (a replacement once the check rejected the payload)."""
        if isinstance(self.payload, UrlPayload):
            url = "https://example.com/replaced" if self.rejected else self.payload.url
            if self.kind == "rich-url":
                return f"{self.marker}\n\n[{self.marker}L]({url})"
            return url
        text = "benign replacement" if self.rejected else self.payload.text
        if self.payload is BENIGN and self.kind == "rich" and not self.rejected:
            text = BENIGN_SUMMARY_SOURCE if self.name == "summary" else BENIGN_RICH_SOURCE
        return f"{self.marker}\n\n{text}" if self.kind == "rich" else f"{self.marker} {text}"

    @property
    def visible(self) -> str:
        """What a reader must see: the marker, then the payload as the field kind shows it."""
        if self.rejected:
            return f"{self.marker} benign replacement"
        assert isinstance(self.payload, Payload)
        shown = self.payload.rich_visible if self.kind == "rich" else self.payload.text
        if self.payload is BENIGN and self.name == "summary":
            shown = BENIGN_SUMMARY_VISIBLE
        return f"{self.marker} {nfc(shown)}"  # text is NFC once read


class Writer:
    """Writes YAML line by line, remembering which line holds which slot."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.lines: list[str] = []

    def line(self, text: str) -> None:
        self.lines.append(text)

    def slot(self, prefix: str, slot: Slot, *, key: bool = False) -> None:
        slot.path, slot.line = self.path, len(self.lines) + 1
        if key:  # the slot is a mapping key: `"<label>": <url>`
            self.lines.append(f"{prefix}{_q(slot.value)}: {_q('https://example.com/label')}")
        else:
            self.lines.append(f"{prefix}{_q(slot.value)}")

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def _q(value: str) -> str:
    """A double-quoted YAML scalar (JSON strings are valid YAML). Characters YAML cannot
    hold raw (C1 controls, noncharacters, U+2028) are written as escapes, as an attacker
    would, so that the field rules, not the YAML reader, meet them."""
    return re.sub(r"[^\n\t ]", lambda m: m.group() if m.group().isprintable()
                  else f"\\u{ord(m.group()):04x}", json.dumps(value, ensure_ascii=False))


@dataclass
class Project:
    root: Path
    slots: list[Slot] = field(repr=False)
    seeds: dict[str, list[Slot]] = field(default_factory=dict, repr=False)
    written: dict[str, str] = field(default_factory=dict, repr=False)

    def write(self) -> None:
        """Write every file whose text changed since the last call."""
        files = {w.path: w.text() for w in self._render()}
        for seed_id, quotes in self.seeds.items():
            # each quote inside a quotation, attributed as the brief says (writers)
            lines = ["The ministers met on Tuesday.",
                     *(f"“{q.value},” {ATTRIBUTION}." for q in quotes)]
            files[f"seeds/{seed_id}.txt"] = "\n".join(lines) + "\n"
        for rel, text in files.items():
            if self.written.get(rel) != text:
                path = self.root / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
                self.written[rel] = text

    def _render(self) -> list[Writer]:
        by_file: dict[str, list[Slot]] = defaultdict(list)
        for slot in self.slots:
            by_file[slot.path].append(slot)
        out = []
        for path, slots in by_file.items():
            out.append(_FILE_WRITERS[path.split("/")[-2] if "/" in path else ""](path, slots))
        return out


def _write_brief(path: str, slots: list[Slot]) -> Writer:
    k = path.rsplit("/", 1)[-1].removesuffix(".yaml").removeprefix("b-")
    w = Writer(path)
    s = {x.name: x for x in slots}
    w.slot("title: ", s["title"])
    w.slot("dek: ", s["dek"])
    w.line("date: 2024-04-09")
    w.line("source:")
    w.line(f"  seed: s-{k}")
    w.slot("  outlet: ", s["outlet"])
    w.slot("  url: ", s["source-url"])
    w.line("  published: 2024-04-09")
    w.line("tags:\n  - diplomacy")
    for name in ("what_happened", "why_it_matters"):
        w.slot(f"{name}: ", s[name])
    w.line("key_points:")
    w.slot("  - ", s["key_points"])
    w.line(f'  - "Benign point about [[a-{k}]] and [[t-{k}]]."')
    w.slot("context: ", s["context"])
    w.line(f"perspectives:\n  - actor: a-{k}")
    w.slot("    view: ", s["view"])
    w.line(f"quotes:\n  - speaker: a-{k}")
    w.slot("    text: ", s["quote"])
    w.line(f"    attribution: {ATTRIBUTION}")
    w.slot("    note: ", s["quote-note"])
    w.line("timeline:\n  - date: 2024-04")
    w.slot("    event: ", s["event"])
    w.line(f"    actors:\n      - a-{k}")
    w.slot("whats_next: ", s["whats_next"])
    w.line(f"actors:\n  - a-{k}\n  - arland\nterms:\n  - t-{k}")
    w.line(f"relations:\n  - from: a-{k}\n    to: arland")
    w.slot("    label: ", s["label"])
    w.line("updates:\n  - date: 2024-04-10")
    w.slot("    note: ", s["update-note"])
    w.line("  - date: 2024-04-11")
    w.slot("    note: ", s["rich-url"])
    w.lines = "\n".join(w.lines).split("\n")  # multi-line literals count as lines
    _renumber(w, slots)
    return w


def _renumber(w: Writer, slots: list[Slot]) -> None:
    for slot in slots:
        needle = _q(slot.value)
        slot.line = next(i for i, text in enumerate(w.lines, 1) if needle in text)


def _write_actor(path: str, slots: list[Slot]) -> Writer:
    w = Writer(path)
    s = {x.name: x for x in slots}
    w.slot("name: ", s["name"])
    w.line("kind: person")
    w.line("aliases:")
    w.slot("  - ", s["alias"])
    w.slot("role: ", s["role"])
    w.slot("summary: ", s["summary"])
    w.slot("profile: ", s["profile"])
    w.line("links:")
    w.slot("  ", s["link-label"], key=True)
    w.slot("  site: ", s["link-url"])
    return w


def _write_term(path: str, slots: list[Slot]) -> Writer:
    w = Writer(path)
    s = {x.name: x for x in slots}
    w.slot("term: ", s["term"])
    w.line("aliases:")
    w.slot("  - ", s["term-alias"])
    w.slot("definition: ", s["definition"])
    w.slot("explanation: ", s["explanation"])
    w.line("related:\n  - arland")
    w.lines = "\n".join(w.lines).split("\n")
    _renumber(w, slots)
    return w


def _write_seed_meta(path: str, slots: list[Slot]) -> Writer:
    w = Writer(path)
    s = {x.name: x for x in slots}
    w.slot("title: ", s["seed-title"])
    w.slot("author: ", s["author"])
    w.slot("url: ", s["seed-url"])
    w.line("published: 2024-04-09\nlanguage: en")
    return w


_FILE_WRITERS = {"briefs": _write_brief, "actors": _write_actor, "glossary": _write_term,
                 "seeds": _write_seed_meta}

BRIEF_FIELDS = {  # field -> kind
    "title": "plain", "dek": "plain", "outlet": "plain", "quote": "plain", "label": "plain",
    "what_happened": "rich", "why_it_matters": "rich", "key_points": "rich", "context": "rich",
    "view": "rich", "quote-note": "rich", "event": "rich", "whats_next": "rich",
    "update-note": "rich", "source-url": "url", "rich-url": "rich-url",
}
ACTOR_FIELDS = {"name": "plain", "alias": "plain", "role": "plain", "link-label": "plain",
                "summary": "rich", "profile": "rich", "link-url": "url"}
TERM_FIELDS = {"term": "plain", "term-alias": "plain", "definition": "plain",
               "explanation": "rich"}
SEED_FIELDS = {"seed-title": "plain", "author": "plain", "seed-url": "url"}


def make_project(root: Path, texts: Iterable[Payload], urls: list[UrlPayload]) -> Project:
    """The small base project plus one brief, actor, term and seed per text payload."""
    copy_project(root, content=False)
    shutil.rmtree(root / "briefs")
    shutil.rmtree(root / "seeds")
    shutil.copytree(CASES_BASE / "briefs", root / "briefs")
    shutil.copytree(CASES_BASE / "seeds", root / "seeds")
    slots: list[Slot] = []
    project = Project(root, slots)
    for k, payload in enumerate(texts):
        url = urls[k % len(urls)]
        groups = ((f"briefs/b-{k}.yaml", f"briefs/b-{k}/index.html", BRIEF_FIELDS),
                  (f"briefs/actors/a-{k}.yaml", f"actors/a-{k}/index.html", ACTOR_FIELDS),
                  (f"briefs/glossary/t-{k}.yaml", f"glossary/t-{k}/index.html", TERM_FIELDS),
                  (f"seeds/s-{k}.yaml", f"briefs/b-{k}/index.html", SEED_FIELDS))
        for path, page, fields in groups:
            for index, (name, kind) in enumerate(fields.items()):
                shown: str | None = page
                if name in ("author", "seed-url"):
                    shown = None  # the brief's own outlet and url take precedence
                slots.append(Slot(f"Qz{k}f{index}{path.split('/')[-2][:2]}Z", kind, name,
                                  path, shown,
                                  url if kind in ("url", "rich-url") else payload))
        project.seeds[f"s-{k}"] = [s for s in slots if s.path == f"briefs/b-{k}.yaml"
                                   and s.name == "quote"]
    return project


# ---------------------------------------------------------------- check until clean, build


@dataclass
class Built:
    project: Project
    site: Path
    unlocated: list[str]
    _soups: dict[str, BeautifulSoup] = field(default_factory=dict, repr=False)

    def soups(self) -> dict[str, BeautifulSoup]:
        """Every built page, parsed once (parsing is most of this module's run time)."""
        if not self._soups:
            for path in sorted(self.site.rglob("*.html")):
                rel = path.relative_to(self.site).as_posix()
                self._soups[rel] = soup_of(path.read_text(encoding="utf-8"))
        return self._soups


def generate_until_clean(project: Project) -> list[str]:
    """Generate; on content errors replace the rejected values and try again.

    Returns the diagnostics that no field explains (they fail the test)."""
    unlocated: list[str] = []
    for _ in range(6):
        project.write()
        by_line = {(s.path, s.line): s for s in project.slots}
        try:
            generate(project.root, site_config(project.root))
        except DiagnosticsError as exc:
            problems = exc.diagnostics
        else:
            return unlocated
        for problem in problems:
            slot = by_line.get((problem.path, problem.line))
            if slot is None or slot.rejected:
                unlocated.append(problem.format_text())
                continue
            slot.rejected.append(problem)
        if unlocated:
            return unlocated
    return [*unlocated, "the check never came clean"]


# Page sizes small enough that both projects have every page family and every part of
# the pager (eight benign briefs make eight pages: first, last, neighbours and a gap):
# numbered pages of the listings, an actor's and a term's full lists of briefs and events.
SMALL_PAGES = {"BRIEFS_PER_PAGE": 1, "EVENTS_PER_PAGE": 1, "PROFILE_BRIEFS": 1,
               "PROFILE_EVENTS": 1}


def build(root: Path, texts: Iterable[Payload], urls: list[UrlPayload]) -> Built:
    with pytest.MonkeyPatch.context() as patch:
        for name, size in SMALL_PAGES.items():
            patch.setattr(paging, name, size)
        project = make_project(root, texts, urls)
        unlocated = generate_until_clean(project)
        if not unlocated:
            build_site(root)
    return Built(project, root / "site", unlocated)


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Built:
    built = build(tmp_path_factory.mktemp("baseline") / "p", [BENIGN] * 8,
                  [BENIGN_URL, BENIGN_MAILTO])
    assert not built.unlocated, built.unlocated
    return built


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("hostile") / "p", TEXT, list(URLS))


# ---------------------------------------------------------------- HTML helpers


def soup_of(html: str) -> BeautifulSoup:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        return BeautifulSoup(html, "html.parser")


def pages(built: Built) -> Iterator[tuple[str, BeautifulSoup]]:
    yield from built.soups().items()


_NUMBERED = re.compile(r"^(briefs|tags/[^/]+|timeline/[0-9]+)/page/[0-9]+/index\.html$")
_FULL_LIST = re.compile(r"^(actors|glossary)/[^/]+/(briefs|events)(?:/page/[0-9]+)?/index\.html$")


def template_of(page: str) -> str:
    """The family of pages `page` belongs to (one template makes them all)."""
    numbered = _NUMBERED.match(page)
    if numbered:
        return f"{numbered[1].split('/')[0]}: a numbered page"
    full_list = _FULL_LIST.match(page)
    if full_list:
        return f"{full_list[1]}: a full list of {full_list[2]}"
    parts = page.split("/")
    if len(parts) == 3 and parts[0] in ("briefs", "actors", "glossary", "tags"):
        return parts[0]
    return page


def nows(text: str) -> str:
    return "".join(text.split())


_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")


def url_scheme(value: str) -> str | None:
    """The scheme a browser would see: it drops tabs/newlines and leading control/space."""
    cleaned = re.sub(r"[\t\n\r]", "", value).lstrip("".join(map(chr, range(0x21))))
    match = _SCHEME.match(cleaned)
    return match.group(1).lower() if match else None


@dataclass
class Shape:
    tags: set[str] = field(default_factory=set)
    attrs: set[tuple[str, str]] = field(default_factory=set)
    classes: set[tuple[str, str]] = field(default_factory=set)
    scripts: set[str] = field(default_factory=set)
    urls: set[str] = field(default_factory=set)
    mermaid: set[str] = field(default_factory=set)


def script_key(script: Tag) -> str:
    kind = str(script.get("type") or "")
    if kind == "application/ld+json":
        return "ld+json"
    if script.get("src"):
        return f"src:{script.get('src')}"
    return f"inline:{kind}:{script.string or ''}"


_LABEL = r'"[A-Za-z0-9 ,.?\'’\-#;]*"'
_HREF = r'"[A-Za-z0-9./_\-]*"'


def mermaid_shape(line: str) -> str:
    """A Mermaid source line with labels and numbers abstracted; UNSAFE when a label is not."""
    # accTitle runs to the end of its line; it must hold nothing Mermaid could read as syntax
    line = re.sub(r"^(\s*accTitle: )[^\"<>#;%{}\[\]()|`]*$", r"\1T", line)
    line = re.sub(r"^flowchart (?:LR|TB)$", "flowchart D", line)  # direction follows size
    line = re.sub(r"click (n\d+) href " + _HREF + " " + _LABEL, r"click \1 href H L", line)
    without = re.sub(_LABEL, "L", line)
    if '"' in without:
        return f"UNSAFE: {line}"
    return re.sub(r"\d+", "N", without)


def shape_of(soup: BeautifulSoup) -> Shape:
    shape = Shape()
    for el in soup.find_all(True):
        shape.tags.add(el.name)
        for attr, value in el.attrs.items():
            shape.attrs.add((el.name, attr))
            if attr == "class":
                shape.classes.update((el.name, c) for c in value)
            if attr in URL_ATTRS:
                shape.urls.add(str(value))
        if el.name == "script":
            shape.scripts.add(script_key(el))
        if el.name == "pre" and "mermaid" in (el.get("class") or []):
            shape.mermaid.update(mermaid_shape(line) for line in el.get_text().splitlines())
    return shape


@pytest.fixture(scope="module")
def baseline_shapes(baseline: Built) -> dict[str, Shape]:
    shapes: dict[str, Shape] = defaultdict(Shape)
    for page, soup in pages(baseline):
        one, total = shape_of(soup), shapes[template_of(page)]
        for name in ("tags", "attrs", "classes", "scripts", "urls", "mermaid"):
            getattr(total, name).update(getattr(one, name))
    return shapes


# ---------------------------------------------------------------- the tests


def test_hostile_project_checks_clean_after_located_rejections(hostile: Built) -> None:
    """Every diagnostic was located on the line of the field whose payload caused it."""
    assert not hostile.unlocated, "\n".join(hostile.unlocated)
    assert (hostile.site / "index.html").is_file()


def test_rejections_are_justified(hostile: Built) -> None:
    """A plain payload is only refused for a line break, control character or its length;
    a rich payload only for a bad link or reference; a URL only with bad-url."""
    wrong = []
    for slot in hostile.project.slots:
        if not slot.rejected:
            continue
        codes = {d.code for d in slot.rejected}
        payload = slot.payload
        if isinstance(payload, UrlPayload):
            ok = (payload.ok_rich if slot.kind == "rich-url" else payload.ok_http)
            # a character no text may hold is refused by the rule of the field it is in
            allowed = {"bad-url"} | ({"bad-text"} if text_problem(payload.url, multiline=True)
                                     else set())
            if ok or not codes <= allowed:
                wrong.append(f"{slot.name} {payload.name}: {slot.rejected[0].format_text()}")
        elif slot.kind == "plain":
            too_long = len(slot.marker) + 1 + len(payload.text) > LIMITS.get(slot.name, 10**6)
            breaks = "\n" in payload.text
            if not codes <= PLAIN_REJECT_CODES or not (too_long or breaks):
                wrong.append(f"{slot.name} {payload.name}: {slot.rejected[0].format_text()}")
        elif not codes <= RICH_REJECT_CODES:
            wrong.append(f"{slot.name} {payload.name}: {slot.rejected[0].format_text()}")
    assert not wrong, "\n".join(wrong)


def test_disallowed_urls_are_rejected(hostile: Built) -> None:
    missed = [f"{s.path}:{s.line} {s.name} {s.payload.name}" for s in hostile.project.slots
              if isinstance(s.payload, UrlPayload) and not s.rejected
              and not (s.payload.ok_rich if s.kind == "rich-url" else s.payload.ok_http)]
    assert not missed, "\n".join(missed)


def test_no_new_elements_attributes_scripts_or_urls(hostile: Built,
                                                    baseline_shapes: dict[str, Shape]) -> None:
    problems = []
    for page, soup in pages(hostile):
        base = baseline_shapes.get(template_of(page))
        assert base is not None, f"{page}: no baseline page for its template"
        for el in soup.find_all(True):
            if el.name not in base.tags:
                problems.append(f"{page}: new element <{el.name}>")
            for attr, value in el.attrs.items():
                if attr.lower().startswith("on"):
                    problems.append(f"{page}: event handler {attr}={value!r} on <{el.name}>")
                if (el.name, attr) not in base.attrs:
                    problems.append(f"{page}: new attribute {attr} on <{el.name}>")
                if attr == "class":
                    problems += [f"{page}: new class {c!r} on <{el.name}>" for c in value
                                 if (el.name, c) not in base.classes]
                if attr in URL_ATTRS and str(value) not in base.urls:
                    scheme = url_scheme(str(value))
                    if scheme is not None and scheme not in SAFE_SCHEMES:
                        problems.append(f"{page}: {attr}={value!r} on <{el.name}>")
            if el.name == "script":
                key = script_key(el)
                if key == "ld+json":
                    try:
                        json.loads(el.string or "")
                    except ValueError:
                        problems.append(f"{page}: JSON-LD that does not parse")
                elif key not in base.scripts:
                    problems.append(f"{page}: new script {key[:120]!r}")
            if el.name == "pre" and "mermaid" in (el.get("class") or []):
                for line in el.get_text().splitlines():
                    if mermaid_shape(line) not in base.mermaid:
                        problems.append(f"{page}: Mermaid line {line!r}")
    assert not problems, "\n".join(sorted(set(problems))[:80])


def article_text(soup: BeautifulSoup) -> str:
    article = soup.find("article") or soup
    return nows(article.get_text(""))


def test_payloads_are_shown_literally(hostile: Built) -> None:
    """Each field the check accepted shows exactly what was typed (rich: the subset applied)."""
    texts: dict[str, str] = {}
    missing = []
    for slot in hostile.project.slots:
        if slot.page is None or slot.kind in ("url", "rich-url"):
            continue
        if slot.page not in texts:
            texts[slot.page] = article_text(hostile.soups()[slot.page])
        text = texts[slot.page]
        if nows(slot.visible) not in text:
            start = text.find(slot.marker)
            seen = text[start:start + len(nows(slot.visible)) + 20] if start >= 0 else "nothing"
            missing.append(f"{slot.name} [{slot.payload.name}] expected "
                           f"{nows(slot.visible)!r}, page shows {seen!r}")
    assert not missing, f"{len(missing)} field(s) changed:\n" + "\n".join(missing)


def test_jinja_is_never_evaluated(hostile: Built) -> None:
    evaluated = []
    for page, soup in pages(hostile):
        text = nows(soup.get_text(""))
        evaluated += [f"{page}: {m.group()}" for m in re.finditer(r"Qz\d+f\d+\w\wZ49", text)]
    assert not evaluated, evaluated


def test_urls_that_are_accepted_keep_their_target(hostile: Built) -> None:
    wrong = []
    for slot in hostile.project.slots:
        payload = slot.payload
        if not isinstance(payload, UrlPayload) or slot.rejected or slot.page is None:
            continue
        soup = hostile.soups()[slot.page]
        hrefs = {str(a.get("href")) for a in soup.find_all("a")}
        if slot.kind == "rich-url":
            links = [a for a in soup.find_all("a") if a.get_text() == f"{slot.marker}L"]
            hrefs = {str(a.get("href")) for a in links}
            tail = nows(soup.get_text("")).split(f"{slot.marker}L", 1)[-1][:1]
            if tail == ")":
                wrong.append(f"{slot.name} {payload.name}: a ')' of the URL shows as text")
        if payload.url not in hrefs:
            wrong.append(f"{slot.name} {payload.name}: no link to {payload.url!r} "
                         f"(found {sorted(hrefs & {h for h in hrefs if 'example' in h})})")
    assert not wrong, "\n".join(sorted(set(wrong)))


def test_brief_metadata_is_exact(hostile: Built) -> None:
    """<title>, meta description and JSON-LD carry the typed text, unescaped once."""
    wrong = []
    slots = hostile.project.slots
    for k in range(len(TEXT)):
        page = f"briefs/b-{k}/index.html"
        soup = hostile.soups()[page]
        title = nfc(_slot(slots, f"briefs/b-{k}.yaml", "title").value)  # NFC once read
        dek = nfc(_slot(slots, f"briefs/b-{k}.yaml", "dek").value)
        name = TEXT[k].name
        if soup.title is None or not soup.title.get_text().startswith(title):
            wrong.append(f"{name}: <title> {soup.title.get_text() if soup.title else None!r}")
        meta = soup.find("meta", attrs={"name": "description"})
        if meta is None or meta.get("content") != dek:
            wrong.append(f"{name}: meta description {meta.get('content') if meta else None!r}")
        for script in soup.find_all("script", attrs={"type": "application/ld+json"}):
            data = json.loads(script.string or "{}")
            if data.get("headline") not in (None, title):
                wrong.append(f"{name}: JSON-LD headline {data.get('headline')!r}")
            if data.get("description") not in (None, dek):
                wrong.append(f"{name}: JSON-LD description {data.get('description')!r}")
    assert not wrong, "\n".join(wrong)


def _slot(slots: list[Slot], path: str, name: str) -> Slot:
    return next(s for s in slots if s.path == path and s.name == name)


def test_feed_is_well_formed_and_exact(hostile: Built) -> None:
    feed = hostile.site / "feed.xml"
    if not feed.is_file():
        pytest.skip("no feed in this build")
    ns = {"a": "http://www.w3.org/2005/Atom"}
    root = ET.fromstring(feed.read_bytes())
    titles = {nfc(_slot(hostile.project.slots, f"briefs/b-{k}.yaml", "title").value): k
              for k in range(len(TEXT))}
    problems = []
    entries = root.findall("a:entry", ns)
    assert entries
    for entry in entries:
        title = entry.findtext("a:title", default="", namespaces=ns)
        link = entry.find("a:link", ns)
        href = link.get("href", "") if link is not None else ""
        if url_scheme(href) not in SAFE_SCHEMES:
            problems.append(f"entry link {href!r}")
        if "/briefs/b-" in href and title not in titles:
            problems.append(f"entry title changed: {title!r}")
        content = entry.findtext("a:content", default="", namespaces=ns)
        for el in soup_of(content).find_all(True):
            if el.name in ("script", "iframe", "object", "embed", "style", "img", "svg"):
                problems.append(f"feed content element <{el.name}> in {title!r}")
            for attr, value in el.attrs.items():
                if attr.startswith("on") or (attr in URL_ATTRS and url_scheme(str(value))
                                             not in (None, *SAFE_SCHEMES)):
                    problems.append(f"feed content {attr}={value!r} in {title!r}")
    assert not problems, "\n".join(problems)


def test_search_shows_the_index_as_text_only(hostile: Built) -> None:
    """Pagefind keeps each page's visible text as it reads: a payload the page shows as
    text (`<img onerror=...>` typed into a field) is that same text in the index, not
    escaped. So the search dialog must insert what it reads as text only: no HTML sink in
    its script (titles and deks go in with textContent, excerpts through an inert
    DOMParser document, whose text alone is kept)."""
    script = (REPO / "site_templates" / "assets" / "search.js").read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
                 "new Function", "setAttribute(\"on"):
        assert sink not in script, sink
    assert "textContent" in script
    # The payloads did reach the index as text (the check above is what keeps them inert).
    texts = [value for page in read_site_index(hostile.site)
             for value in (page.get("content", ""), *page.get("meta", {}).values())]
    assert any("<" in text for text in texts)
