"""Text rules: the rich-text subset (parse and render) and escaping for every output context.

Plain text is shown literally wherever it lands; rich text is parsed into a small tree of
the allowed constructs, everything else in it stays literal text. Nothing typed in YAML
reaches a page except through a function of this module.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Union

import yaml
from markupsafe import Markup

from .chars import bad_character, shown, text_problem
from .urls import link_scheme_problem

__all__ = ["bad_character", "shown", "text_problem"]  # the character rules, re-exported

# ---------------------------------------------------------------- character rules

_ABBREVIATIONS = frozenset({"Mr", "Mrs", "Ms", "Dr", "St", "Jr", "Sr", "Gen", "Col", "Lt", "Sgt",
                            "Prof", "Rev", "Gov", "Sen", "Rep", "No", "vs", "etc", "Inc", "Co"})
_CLOSERS = "\"'”’)]"
_OPENERS = "\"“‘(["
# A stop inside a word that still ends a sentence: "one.Two", "five!six" (but not
# "example.com", "U.S." or "3.5").
_JOINED_BREAK = re.compile(r"(?<=[a-z])\.(?=[A-Z])|(?<=\w)[!?]+(?=\w)")


def count_sentences(value: str) -> int:
    """Sentences in running text, not counting the stops of initials and abbreviations.

    One pass over the words: a word ending in ! or ? (then closing quotes) ends a sentence
    when another word follows; one ending in . when the next starts with a capital or a
    digit, unless it is an initial ("V.") or an abbreviation ("Mr.", "U.S."); stops
    between two words with no space count too ("One.Two", "Five!six").
    """
    words = value.split()
    count = 1
    for index, word in enumerate(words):
        count += len(_JOINED_BREAK.findall(word))
        bare = word.rstrip(_CLOSERS)
        if index == len(words) - 1 or not bare or bare[-1] not in ".!?":
            continue
        following = words[index + 1].lstrip(_OPENERS)[:1]
        if bare[-1] == ".":
            # after a full stop the next sentence starts with a capital or a digit
            if not (following.isupper() or following.isdigit()):
                continue
            stem = bare.rstrip(".").lstrip(_OPENERS)
            if not bare.endswith("..") and (
                (len(stem) == 1 and stem.isupper()) or stem in _ABBREVIATIONS or "." in stem
            ):
                continue
        if following.isalnum():
            count += 1
    return count


# ---------------------------------------------------------------- escaping

# Characters that mean something to Markdown or its extensions; written as character
# references they are shown as typed and parsed as nothing.
_MD_SPECIAL = re.compile(r"[\\`*_{}\[\]()#+\-!|~^=:<>&\"'$%]|(?<=\d)\.|^ ")


def md_plain(value: str) -> Markup:
    """Plain text for any Markdown or HTML context (text, attribute, heading, link text).

    Markdown-significant characters become character references, so nothing typed can
    start a construct, even at the start of a line ("2024. A year" is no list item).
    """
    return Markup(_MD_SPECIAL.sub(lambda m: f"&#{ord(m.group())};", value))


def html_text(value: str) -> str:
    return html.escape(value, quote=True)


def json_for_html(value: object) -> Markup:
    """JSON safe to embed in a <script type="application/ld+json"> element."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def yaml_string(value: str) -> Markup:
    """A double-quoted YAML scalar for front matter, written by PyYAML's emitter: every
    character YAML cannot hold raw (C1 controls, noncharacters) is escaped, so MkDocs'
    reader always reads it back (page_front_matter checks each page)."""
    emitted = yaml.dump(str(value), Dumper=_DUMPER, default_style='"', allow_unicode=True,
                        width=2**31 - 1)
    return Markup(emitted.rstrip("\n").removesuffix("\n...").rstrip("\n"))


# As MkDocs (mkdocs.utils.meta) finds a page's front matter; a block its YAML reader
# refuses is silently dropped and rendered as Markdown, so every page is read back here.
_FRONT_MATTER = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def front_matter_problem(page: str) -> str | None:
    """Why MkDocs would not read the front matter of a generated page, or None."""
    if not page.startswith("---"):
        return None
    match = _FRONT_MATTER.match(page)
    if match is None:
        return "the front matter block is not closed"
    try:
        data = yaml.load(match.group(1), Loader=_LOADER)
    except yaml.YAMLError as exc:
        return f"the front matter is not valid YAML ({shown(str(exc).splitlines()[0])})"
    if not isinstance(data, dict):
        return "the front matter is not a mapping"
    return None


_MERMAID_UNSAFE = re.compile(r"[^A-Za-z0-9 ,.?'’\-]")


def mermaid_label(value: str) -> str:
    """Text for a quoted Mermaid label: characters Mermaid could read as syntax become entities."""
    return _MERMAID_UNSAFE.sub(lambda m: f"#{ord(m.group())};", value)


# ---------------------------------------------------------------- the rich-text tree


@dataclass(frozen=True)
class Text:
    value: str


@dataclass(frozen=True)
class Code:
    value: str


@dataclass(frozen=True)
class Emph:
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Strong:
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Link:
    url: str
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Ref:
    """`[[id]]` or `[[id|label]]` as written; `label` is None when no text was given."""

    target: str
    label: str | None
    source: str


@dataclass(frozen=True)
class Mention:
    """An alias found in running text, linked to its entity (made by the link stage)."""

    target: str
    text: str


Inline = Union[Text, Code, Emph, Strong, Link, Ref, Mention]  # noqa: UP007


@dataclass(frozen=True)
class Paragraph:
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class BulletList:
    items: tuple[tuple[Inline, ...], ...]


Block = Paragraph | BulletList


@dataclass(frozen=True)
class MarkupProblem:
    snippet: str  # the text as written, to locate the problem in the file
    code: str
    message: str


@dataclass(frozen=True)
class Rich:
    """Parsed rich text: the source as typed and its blocks."""

    source: str
    blocks: tuple[Block, ...]
    problems: tuple[MarkupProblem, ...] = field(default=(), compare=False)

    def refs(self) -> Iterator[Ref]:
        for inline in self.inlines():
            if isinstance(inline, Ref):
                yield inline

    def inlines(self) -> Iterator[Inline]:
        for block in self.blocks:
            rows = (block.children,) if isinstance(block, Paragraph) else block.items
            for row in rows:
                yield from _walk(row)

    def plain(self, names: Mapping[str, str]) -> str:
        """What a reader sees, as text (descriptions, tooltips); `names` gives references' text."""
        parts = []
        for block in self.blocks:
            rows = (block.children,) if isinstance(block, Paragraph) else block.items
            parts.append(" ".join(_plain_inlines(row, names) for row in rows))
        return " ".join(" ".join(parts).split())


def _walk(inlines: tuple[Inline, ...]) -> Iterator[Inline]:
    for inline in inlines:
        yield inline
        if isinstance(inline, Emph | Strong | Link):
            yield from _walk(inline.children)


def _plain_inlines(inlines: tuple[Inline, ...], names: Mapping[str, str]) -> str:
    out = []
    for inline in inlines:
        if isinstance(inline, Text | Code):
            out.append(inline.value)
        elif isinstance(inline, Emph | Strong | Link):
            out.append(_plain_inlines(inline.children, names))
        elif isinstance(inline, Mention):
            out.append(inline.text)
        else:
            out.append(inline.label if inline.label is not None
                       else names.get(inline.target, inline.target))
    return "".join(out)


# ---------------------------------------------------------------- parsing

_LIST_ITEM = re.compile(r"^ {0,3}[-*] +(?=\S)")
_PUNCT = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
_SPECIAL = re.compile(r"[\\`*\[]")  # the only characters that can start a construct
# A reference ends at the first `]]`; a `[` or a line break before it means there is none.
_REF_END = re.compile(r"\]\]|[\[\n]")
_PAIR_MARKS = re.compile(r"[\[\]()]|\n(?=\n)")
_BACKTICK_RUN = re.compile(r"`+")
_LINE_ENDING = re.compile(r"\r\n?|\n")
# Emphasis nested deeper than this stays literal text. Nobody writes it, and each level
# may walk its text once more to find closers: the bound keeps parsing linear.
_MAX_NESTING = 8


def parse_rich(source: str) -> Rich:
    """Parse the rich-text subset. Unknown syntax stays literal; bad links are problems."""
    return parse_rich_counted(source)[0]


def parse_rich_counted(source: str) -> tuple[Rich, int]:
    """`parse_rich`, and the number of characters the parser examined on the way.

    The count is a deterministic measure of the work, which must stay linear in the
    length of the source whatever it holds (tests/test_rich_linear.py).
    """
    problems: list[MarkupProblem] = []
    steps = len(source)  # splitting into blocks and lines reads the source once

    def inlines(text: str) -> tuple[Inline, ...]:
        nonlocal steps
        parser = _InlineParser(text, problems)
        children = parser.parse(0, len(text), in_link=False, depth=0)
        steps += parser.steps
        return children

    blocks: list[Block] = []
    for chunk in re.split(r"\n[ \t]*\n", source.replace("\r\n", "\n").strip("\n")):
        if not chunk.strip():
            continue
        paragraph: list[str] = []
        items: list[list[str]] = []
        for line in chunk.split("\n"):
            marker = _LIST_ITEM.match(line)
            if marker:
                if paragraph:
                    blocks.append(Paragraph(inlines("\n".join(paragraph))))
                    paragraph = []
                items.append([line[marker.end():]])
            elif items:
                items[-1].append(line.strip())
            else:
                paragraph.append(line.strip())
        if paragraph:
            blocks.append(Paragraph(inlines("\n".join(paragraph))))
        if items:
            blocks.append(BulletList(tuple(inlines("\n".join(i)) for i in items)))
    return Rich(source, tuple(blocks), tuple(problems)), steps


class _InlineParser:
    """The inline constructs of one paragraph or list item, in time linear in its length.

    Every construct is parsed between bounds [lo, hi) of the one text, never in a copy of
    part of it. Brackets, parentheses and backtick runs are matched from tables made in
    one pass; the walk to an emphasis closer is remembered at each position it passes.
    All scanning goes through the helpers that add what they read to `steps`.
    """

    def __init__(self, text: str, problems: list[MarkupProblem]) -> None:
        self.text = text
        self.problems = problems
        self.steps = 0
        self._pairs: dict[int, int] | None = None
        self._runs: dict[int, tuple[int, int, int]] | None = None
        self._closers: dict[tuple[str, int, int], int] = {}

    def parse(self, lo: int, hi: int, *, in_link: bool, depth: int) -> tuple[Inline, ...]:
        text = self.text
        out: list[Inline] = []
        buf: list[str] = []
        i = lo
        while i < hi:
            special = self._next_special(i, hi)
            if special > i:
                buf.append(text[i:special])
                i = special
                if i == hi:
                    break
            char = text[i]
            if char == "\\" and i + 1 < hi and text[i + 1] in _PUNCT:
                buf.append(text[i + 1])
                i += 2
                continue
            parsed = self._construct(i, hi, in_link=in_link, depth=depth)
            if parsed is None:
                buf.append(char)
                i += 1
                continue
            node, i = parsed
            if buf:
                out.append(Text("".join(buf)))
                buf.clear()
            out.append(node)
        if buf:
            out.append(Text("".join(buf)))
        return tuple(out)

    def _construct(self, i: int, hi: int, *, in_link: bool,
                   depth: int) -> tuple[Inline, int] | None:
        text = self.text
        self.steps += 1
        char = text[i]
        if char == "`":
            return self._code(i, hi)
        double = i + 1 < hi and text[i + 1] == char
        if char == "[" and not in_link:
            return self._ref(i, hi) if double else self._link(i, hi, depth)
        if char == "*" and depth < _MAX_NESTING:
            return self._delimited(i, hi, "**" if double else "*", in_link=in_link,
                                   depth=depth)
        return None

    def _code(self, i: int, hi: int) -> tuple[Inline, int]:
        """A code span closes at the next backtick run of exactly its length (CommonMark)."""
        runs = self._backtick_runs()
        # Only a backslash-escaped backtick leaves an opener that is not a whole run.
        start = i if i in runs else i - 1
        end, same, shorter = runs[start]
        closer = same if start == i else shorter
        if closer >= 0 and closer + end - i <= hi:
            return Code(_one_line(self._cut(end, closer))), closer + end - i
        return Text(self._cut(i, end)), end

    def _ref(self, i: int, hi: int) -> tuple[Inline, int] | None:
        stop = self._search(_REF_END, i + 2, hi)
        if stop is None or stop.group() != "]]":
            return None
        end = stop.start()
        source = self._cut(i, end + 2)
        target, sep, label = source[2:-2].partition("|")
        target = target.strip()
        if sep and not label.strip():
            self.problems.append(MarkupProblem(source, "bad-markup",
                                               f"reference '{source}' has an empty label"))
        return Ref(target, label.strip() if sep else None, source), end + 2

    def _link(self, i: int, hi: int, depth: int) -> tuple[Inline, int] | None:
        close = self._partner(i, hi)
        if close < 0 or close + 1 >= hi or self.text[close + 1] != "(":
            return None
        # The URL runs to the matching `)` anywhere in the paragraph: `[text](url with a
        # space)` or a URL broken over two lines is a link the editor meant, reported as
        # a bad URL rather than silently shown as text.
        end = self._partner(close + 1, hi)
        if end < 0:
            return None
        source = self._cut(i, end + 1)
        label = source[1:close - i]
        url = source[close - i + 2:-1].strip()
        problem = link_scheme_problem(url)
        if problem:
            self.problems.append(MarkupProblem(source, "bad-url", f"link '{url}': {problem}"))
        if not label.strip():
            self.problems.append(MarkupProblem(source, "bad-markup", "a link needs visible text"))
        return Link(url, self.parse(i + 1, close, in_link=True, depth=depth + 1)), end + 1

    def _delimited(self, i: int, hi: int, delim: str, *, in_link: bool,
                   depth: int) -> tuple[Inline, int] | None:
        start = i + len(delim)
        if start >= hi or self.text[start].isspace():
            return None
        if delim == "**":
            close = self._strong_closer(start, hi)
            node: type[Emph] | type[Strong] = Strong
        else:
            close = self._emph_closer(start, hi)
            node = Emph
        if close < 0:
            return None
        return (node(self.parse(start, close, in_link=in_link, depth=depth + 1)),
                close + len(delim))

    def _emph_closer(self, start: int, hi: int) -> int:
        """Where a `*` opened just before `start` closes before hi, or -1.

        A closing `*` follows a character that is neither space nor backslash; a `**` run
        on the way is skipped up to the next `**`. As the character after an opening `*`
        is never `*`, the walk from a position goes the same way whichever opener it
        serves: each result is remembered for every position the walk passed.
        """
        text = self.text
        passed: list[int] = []
        result = -1
        j = self._find("*", start, hi)
        while j >= 0:
            known = self._closers.get(("*", hi, j))
            if known is not None:
                result = known
                break
            passed.append(j)
            if j + 1 < hi and text[j + 1] == "*":
                inner = self._find("**", j + 2, hi)
                if inner < 0:
                    break
                j = self._find("*", inner + 2, hi)
            elif not text[j - 1].isspace() and text[j - 1] != "\\":
                result = j
                break
            else:
                j = self._find("*", j + 1, hi)
        self._remember("*", hi, passed, result)
        return result

    def _strong_closer(self, start: int, hi: int) -> int:
        """Where a `**` opened just before `start` closes before hi, or -1 (as `_emph_closer`)."""
        text = self.text
        passed: list[int] = []
        result = -1
        j = self._find("**", start, hi)
        if j == start:  # `***a`: the run just after the opener cannot close it
            j = self._find("**", start + 2, hi)
        while j >= 0:
            known = self._closers.get(("**", hi, j))
            if known is not None:
                result = known
                break
            passed.append(j)
            if not text[j - 1].isspace() and text[j - 1] != "\\":
                # `**a *b***`: the last two close the strong run
                result = j + 1 if j + 2 < hi and text[j + 2] == "*" else j
                break
            j = self._find("**", j + 2, hi)
        self._remember("**", hi, passed, result)
        return result

    def _remember(self, delim: str, hi: int, passed: list[int], result: int) -> None:
        for j in passed:
            self._closers[(delim, hi, j)] = result

    # Every scan of the text goes through the helpers below, which count what they read.

    def _next_special(self, i: int, hi: int) -> int:
        found = _SPECIAL.search(self.text, i, hi)
        end = found.start() if found else hi
        self.steps += end - i + 1
        return end

    def _find(self, needle: str, i: int, hi: int) -> int:
        found = self.text.find(needle, i, hi)
        self.steps += (found - i + len(needle)) if found >= 0 else max(hi - i, 0) + 1
        return found

    def _search(self, pattern: re.Pattern[str], i: int, hi: int) -> re.Match[str] | None:
        found = pattern.search(self.text, i, hi)
        self.steps += (found.end() - i) if found else max(hi - i, 0) + 1
        return found

    def _cut(self, lo: int, hi: int) -> str:
        self.steps += hi - lo
        return self.text[lo:hi]

    def _partner(self, i: int, hi: int) -> int:
        """The `]` or `)` matching the opener at i if it lies before hi, else -1.

        A depth count from i within [lo, hi) meets the partner found in the whole text,
        or none when that lies at or after hi: the one table serves every range.
        """
        if self._pairs is None:
            self.steps += len(self.text)
            self._pairs = _partners(self.text)
        self.steps += 1
        partner = self._pairs.get(i, -1)
        return partner if partner < hi else -1

    def _backtick_runs(self) -> dict[int, tuple[int, int, int]]:
        if self._runs is None:
            self.steps += len(self.text)
            self._runs = _backtick_runs(self.text)
        return self._runs


def _partners(text: str) -> dict[int, int]:
    """Each `[` and `(` with its matching `]` or `)` by depth count (-1: none), in one pass.

    Brackets and parentheses are counted apart. A blank line inside brackets (which a
    paragraph holds only after a line of other white space) leaves every bracket open
    at that point unmatched; parentheses run on to the end of the text.
    """
    partner: dict[int, int] = {}
    brackets: list[int] = []
    parens: list[int] = []
    broken = 0  # the brackets[:broken] saw a blank line
    for mark in _PAIR_MARKS.finditer(text):
        char, at = mark.group(), mark.start()
        if char == "[":
            brackets.append(at)
        elif char == "(":
            parens.append(at)
        elif char == ")":
            if parens:
                partner[parens.pop()] = at
        elif char == "]":
            if brackets:
                opener = brackets.pop()
                partner[opener] = at if len(brackets) >= broken else -1
                broken = min(broken, len(brackets))
        else:
            broken = len(brackets)
    return partner


def _backtick_runs(text: str) -> dict[int, tuple[int, int, int]]:
    """Each run of backticks by start: (its end, the start of the next run of the same
    length, the start of the next run one backtick shorter), -1 for none."""
    runs: dict[int, tuple[int, int, int]] = {}
    after: dict[int, int] = {}  # run length -> start of the nearest such run after
    for run in reversed(list(_BACKTICK_RUN.finditer(text))):
        length = run.end() - run.start()
        runs[run.start()] = (run.end(), after.get(length, -1), after.get(length - 1, -1))
        after[length] = run.start()
    return runs


def _one_line(value: str) -> str:
    """Line endings as spaces, as in a CommonMark code span: inline HTML holding a line
    break could start a Markdown block (a fence) when the page is read."""
    return _LINE_ENDING.sub(" ", value)


# ---------------------------------------------------------------- rendering


@dataclass(frozen=True)
class LinkTarget:
    """Where a reference or mention points, as the render stage resolved it."""

    href: str
    title: str  # the summary or definition shown as a tooltip
    label: str  # the display name used when the reference gives no text
    css: str


def render_rich(rich: Rich, targets: dict[str, LinkTarget], *, inline: bool = False) -> Markup:
    """HTML for parsed rich text; `targets` maps every referenced id to its link."""
    parts = []
    for block in rich.blocks:
        if isinstance(block, Paragraph):
            body = _render_inlines(block.children, targets)
            parts.append(body if inline else f"<p>{body}</p>")
        else:
            items = "".join(f"<li>{_render_inlines(i, targets)}</li>" for i in block.items)
            parts.append(f"<ul>{items}</ul>")
    return Markup(" ".join(parts) if inline else "\n".join(parts))


def _render_inlines(inlines: tuple[Inline, ...], targets: dict[str, LinkTarget]) -> str:
    out = []
    for node in inlines:
        # No line break may reach the page inside a block: Markdown would read the line
        # after it as a new line of the page (a fence, a heading, an attribute list).
        if isinstance(node, Text):
            out.append(html_text(_one_line(node.value)))
        elif isinstance(node, Code):
            out.append(f"<code>{html_text(_one_line(node.value))}</code>")
        elif isinstance(node, Emph):
            out.append(f"<em>{_render_inlines(node.children, targets)}</em>")
        elif isinstance(node, Strong):
            out.append(f"<strong>{_render_inlines(node.children, targets)}</strong>")
        elif isinstance(node, Link):
            out.append(f'<a href="{html_text(_one_line(node.url))}" class="external" '
                       f'rel="nofollow noopener">{_render_inlines(node.children, targets)}</a>')
        else:
            target = targets[node.target]
            if isinstance(node, Mention):
                shown = node.text
            else:
                shown = node.label if node.label is not None else target.label
            out.append(_one_line(anchor(target, shown)))
    return "".join(out)


def anchor(target: LinkTarget, shown: str) -> str:
    title = f' title="{html_text(target.title)}"' if target.title else ""
    return f'<a href="{html_text(target.href)}" class="{target.css}"{title}>{html_text(shown)}</a>'


_TITLED_ANCHOR = re.compile(r'<a href="([^"]*)" class="([^"]*)" title="[^"]*">')


def tooltips_once(page: str) -> str:
    """`page` with each target's tooltip written once, on the first link to it that has one;
    later links to it say `data-tip` instead of repeating the title (an actor's summary is
    often linked ten times on a page). assets/tooltips.js copies the title back onto them
    before Material's `content.tooltips` reads titles, so every link keeps its tooltip.
    Only anchors made by `anchor` match: text on a page is escaped, so it cannot."""
    seen: set[str] = set()

    def once(match: re.Match[str]) -> str:
        href = match.group(1)
        if href in seen:
            return f'<a href="{href}" class="{match.group(2)}" data-tip>'
        seen.add(href)
        return match.group()

    return _TITLED_ANCHOR.sub(once, page)
