"""Text rules: the rich-text subset (parse and render) and escaping for every output context.

Plain text is shown literally wherever it lands; rich text is parsed into a small tree of
the allowed constructs, everything else in it stays literal text. Nothing typed in YAML
reaches a page except through a function of this module.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Union

from markupsafe import Markup

from .urls import link_scheme_problem

# ---------------------------------------------------------------- character rules

# Zero-width, bidi controls and other invisible format characters are never content.
_INVISIBLE = re.compile(
    "[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]"
)


_ZWJ = "\u200d"  # joins emoji sequences: allowed between two visible characters


def bad_character(value: str, *, multiline: bool) -> tuple[int, str] | None:
    """(index, reason) of the first character that cannot be content text, or None."""
    # Fast path: str.isprintable() is False for every category refused below (and for
    # spaces other than U+0020, which are fine: the slow loop then decides).
    if multiline:
        if all(line.replace("\t", " ").isprintable() for line in value.split("\n")):
            return None
    elif value.isprintable():
        return None
    for index, char in enumerate(value):
        if char == "\n" and multiline:
            continue
        if char in "\n\r\u2028\u2029\x85":
            return index, "must be a single line (no line breaks)"
        if char == "\t" and multiline:
            continue
        category = unicodedata.category(char)
        if char == _ZWJ and 0 < index < len(value) - 1 and not value[index - 1].isspace():
            continue
        if category in ("Cc", "Cs", "Co", "Cn", "Cf", "Zl", "Zp") or _INVISIBLE.match(char):
            return index, (f"contains the invisible or control character U+{ord(char):04X}; "
                           "remove it")
    return None


def text_problem(value: str, *, multiline: bool) -> str | None:
    found = bad_character(value, multiline=multiline)
    return found[1] if found else None


def shown(value: str) -> str:
    """Text for a message: invisible and control characters written as \\uXXXX."""
    return "".join(f"\\u{ord(c):04x}" if bad_character(c, multiline=False) or c == "\t"
                   else c for c in value)


_SENTENCE_BREAK = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")
_ABBREVIATIONS = frozenset({"Mr", "Mrs", "Ms", "Dr", "St", "Jr", "Sr", "Gen", "Col", "Lt", "Sgt",
                            "Prof", "Rev", "Gov", "Sen", "Rep", "No", "vs", "etc", "Inc", "Co"})


def count_sentences(value: str) -> int:
    """Sentences in running text, not counting the stops of initials and abbreviations."""
    count = 1
    for match in _SENTENCE_BREAK.finditer(value.strip()):
        head = value[: match.start()].split()
        word = head[-1].lstrip("(\"“‘") if head else ""
        if value[match.start()] == "." and (
            (len(word) == 1 and word.isupper()) or word in _ABBREVIATIONS or "." in word
        ):
            continue
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
    """A double-quoted YAML scalar (for front matter). Non-ASCII stays as typed: YAML has
    no surrogate-pair escapes, so an escaped emoji would void the whole front matter."""
    return Markup(json.dumps(value, ensure_ascii=False))


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


def parse_rich(source: str) -> Rich:
    """Parse the rich-text subset. Unknown syntax stays literal; bad links are problems."""
    parser = _InlineParser()
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
                    blocks.append(Paragraph(parser.parse("\n".join(paragraph))))
                    paragraph = []
                items.append([line[marker.end():]])
            elif items:
                items[-1].append(line.strip())
            else:
                paragraph.append(line.strip())
        if paragraph:
            blocks.append(Paragraph(parser.parse("\n".join(paragraph))))
        if items:
            blocks.append(BulletList(tuple(parser.parse("\n".join(i)) for i in items)))
    return Rich(source, tuple(blocks), tuple(parser.problems))


class _InlineParser:
    def __init__(self) -> None:
        self.problems: list[MarkupProblem] = []

    def parse(self, text: str, *, in_link: bool = False) -> tuple[Inline, ...]:
        out: list[Inline] = []
        buf: list[str] = []
        i = 0

        def flush() -> None:
            if buf:
                out.append(Text("".join(buf)))
                buf.clear()

        while i < len(text):
            special = _SPECIAL.search(text, i)
            if special is None:
                buf.append(text[i:])
                break
            if special.start() > i:
                buf.append(text[i:special.start()])
                i = special.start()
            char = text[i]
            if char == "\\" and i + 1 < len(text) and text[i + 1] in _PUNCT:
                buf.append(text[i + 1])
                i += 2
                continue
            parsed = self._construct(text, i, in_link=in_link)
            if parsed is None:
                buf.append(char)
                i += 1
                continue
            node, i = parsed
            flush()
            out.append(node)
        flush()
        return tuple(out)

    def _construct(self, text: str, i: int, *, in_link: bool) -> tuple[Inline, int] | None:
        char = text[i]
        if char == "`":
            rest = text[i:]
            run = len(rest) - len(rest.lstrip("`"))
            fence = "`" * run
            end = text.find(fence, i + run)
            while end >= 0 and text.startswith("`", end + run):  # a longer run is no match
                end = text.find(fence, end + run + 1)
            if end > i + run:
                return Code(text[i + run:end]), end + run
            return Text(fence), i + run
        if char == "[" and text.startswith("[[", i) and not in_link:
            return self._ref(text, i)
        if char == "[" and not in_link:
            return self._link(text, i)
        if text.startswith("**", i):
            return self._delimited(text, i, "**", Strong, in_link=in_link)
        if char == "*":
            return self._delimited(text, i, "*", Emph, in_link=in_link)
        return None

    def _ref(self, text: str, i: int) -> tuple[Inline, int] | None:
        end = text.find("]]", i + 2)
        if end < 0:
            return None
        inner = text[i + 2:end]
        if "\n" in inner or "[" in inner:
            return None
        target, sep, label = inner.partition("|")
        source = text[i:end + 2]
        target = target.strip()
        if sep and not label.strip():
            self.problems.append(MarkupProblem(source, "bad-markup",
                                               f"reference '{source}' has an empty label"))
        return Ref(target, label.strip() if sep else None, source), end + 2

    def _link(self, text: str, i: int) -> tuple[Inline, int] | None:
        close = _matching_bracket(text, i)
        if close < 0 or not text.startswith("(", close + 1):
            return None
        end = _matching_paren(text, close + 1)
        if end < 0:
            return None
        url = text[close + 2:end].strip()
        label = text[i + 1:close]
        source = text[i:end + 1]
        problem = link_scheme_problem(url)
        if problem:
            self.problems.append(MarkupProblem(source, "bad-url", f"link '{url}': {problem}"))
        if not label.strip():
            self.problems.append(MarkupProblem(source, "bad-markup", "a link needs visible text"))
        return Link(url, self.parse(label, in_link=True)), end + 1

    def _delimited(self, text: str, i: int, delim: str, node: type[Emph] | type[Strong],
                   *, in_link: bool) -> tuple[Inline, int] | None:
        start = i + len(delim)
        if start >= len(text) or text[start].isspace():
            return None
        j = start
        while True:
            j = text.find(delim, j)
            if j < 0:
                return None
            if delim == "*" and text.startswith("**", j):
                # skip a nested strong run entirely
                inner = text.find("**", j + 2)
                if inner < 0:
                    return None
                j = inner + 2
                continue
            if j > start and not text[j - 1].isspace() and text[j - 1] != "\\":
                if delim == "**" and text.startswith("***", j):
                    j += 1  # `**a *b***`: the last two close the strong run
                break
            j += len(delim)
        return node(self.parse(text[start:j], in_link=in_link)), j + len(delim)


def _matching_paren(text: str, i: int) -> int:
    """Index of the `)` closing the `(` at i, allowing balanced parentheses inside URLs.

    The search runs to the end of the paragraph: `[text](url with a space)` or a URL
    broken over two lines is a link the editor meant, reported as a bad URL rather than
    silently shown as text.
    """
    depth = 0
    for j in range(i, len(text)):
        if text[j] == "(":
            depth += 1
        elif text[j] == ")":
            depth -= 1
            if depth == 0:
                return j
    return -1


def _matching_bracket(text: str, i: int) -> int:
    depth = 0
    for j in range(i, len(text)):
        if text[j] == "\\":
            continue
        if text[j] == "[":
            depth += 1
        elif text[j] == "]":
            depth -= 1
            if depth == 0:
                return j
        elif text[j] == "\n" and depth > 0 and text[j - 1] == "\n":
            return -1
    return -1


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
        if isinstance(node, Text):
            out.append(html_text(" ".join(node.value.split("\n"))))
        elif isinstance(node, Code):
            out.append(f"<code>{html_text(node.value)}</code>")
        elif isinstance(node, Emph):
            out.append(f"<em>{_render_inlines(node.children, targets)}</em>")
        elif isinstance(node, Strong):
            out.append(f"<strong>{_render_inlines(node.children, targets)}</strong>")
        elif isinstance(node, Link):
            out.append(f'<a href="{html_text(node.url)}" rel="nofollow noopener">'
                       f"{_render_inlines(node.children, targets)}</a>")
        else:
            target = targets[node.target]
            if isinstance(node, Mention):
                shown = node.text
            else:
                shown = node.label if node.label is not None else target.label
            out.append(anchor(target, shown))
    return "".join(out)


def anchor(target: LinkTarget, shown: str) -> str:
    title = f' title="{html_text(target.title)}"' if target.title else ""
    return f'<a href="{html_text(target.href)}" class="{target.css}"{title}>{html_text(shown)}</a>'
