"""Strict YAML reading: bytes in, plain data with a position for every key and value out.

Every scalar stays the string that was typed (no YAML 1.1 guessing); anchors, aliases,
tags, merge keys, duplicate and non-string keys, several documents and deep nesting are
located errors. The libyaml (C) parser is used when present; results are the same without it.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .chars import nfc
from .diagnostics import BriefsError, Diagnostic, Severity

MAX_FILE_BYTES = 512 * 1024
MAX_DEPTH = 16

Loc = tuple[str | int, ...]

_PARSER: dict[str, type] = {"loader": getattr(yaml, "CSafeLoader", yaml.SafeLoader)}

_TAB_INDENT = re.compile(r"^[ ]*\t", re.MULTILINE)
_DIRECTIVE = re.compile(r"^%", re.MULTILINE)
_UNICODE_BREAK = re.compile("[\x85\u2028\u2029]")
_NEEDS_REFERENCE = re.compile(r"\t|\\[uU]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def use_c_loader(enabled: bool) -> None:
    """Switch between the C and the pure-Python parser (tests run both)."""
    _PARSER["loader"] = getattr(yaml, "CSafeLoader", yaml.SafeLoader) if enabled else yaml.SafeLoader


@dataclass(frozen=True)
class Position:
    line: int  # 1-based
    column: int  # 1-based


@dataclass
class Document:
    """One parsed content file: data plus where each piece of it was written."""

    path: str
    text: str
    data: dict[str, Any]
    values: dict[Loc, Position] = field(default_factory=dict)
    keys: dict[Loc, Position] = field(default_factory=dict)
    spans: dict[Loc, tuple[int, int]] = field(default_factory=dict)

    released: bool = False

    def at(self, loc: Loc) -> Position:
        """Where the value at `loc` starts; the nearest written ancestor when it is absent."""
        values = self._positions().values
        while loc:
            if loc in values:
                return values[loc]
            loc = loc[:-1]
        return Position(1, 1)

    def key_at(self, loc: Loc) -> Position:
        return self._positions().keys.get(loc) or self.at(loc)

    def find_in(self, loc: Loc, snippet: str, occurrence: int = 0) -> Position:
        """Where `snippet` is written inside the scalar at `loc` (for errors inside rich text)."""
        span = self._positions().spans.get(loc)
        if span is None or not snippet:
            return self.at(loc)
        start, end = span
        index = start - 1
        for _ in range(occurrence + 1):
            index = self.text.find(snippet, index + 1, end)
            if index < 0:
                return self.at(loc)
        return offset_position(self.text, index)

    def diagnostic(self, loc: Loc, code: str, message: str, hint: str = "",
                   *, key: bool = False, severity: Severity = "error") -> Diagnostic:
        pos = self.key_at(loc) if key else self.at(loc)
        return Diagnostic(self.path, pos.line, pos.column, code, message, hint, severity)

    def release(self, *, keep_text: bool = True) -> None:
        """Drop the raw data and positions (the larger part of a document's memory) once
        the model is validated; the text stays, and a later problem that needs a position
        parses it again (`_positions`), so a valid site never holds them all at once. Once
        every check has passed the text can go too (`keep_text=False`): nothing is left
        to locate."""
        self.data = {}
        self.values = {}
        self.keys = {}
        self.spans = {}
        self.released = keep_text  # without its text, a document has nothing to find
        if not keep_text:
            self.text = ""

    def _positions(self) -> Document:
        """This document's positions, parsed again from its text if they were released."""
        if self.released:
            again = parse_document(self.text, self.path)
            self.values, self.keys, self.spans = again.values, again.keys, again.spans
            self.released = False
        return self


class LoadError(BriefsError):
    """A file that cannot be read or parsed, with every located problem."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        super().__init__("; ".join(d.format_text() for d in diagnostics))


def offset_position(text: str, index: int) -> Position:
    line_start = text.rfind("\n", 0, index) + 1
    return Position(text.count("\n", 0, index) + 1, index - line_start + 1)


def read_text(path: Path, rel: str, max_bytes: int = MAX_FILE_BYTES) -> str:
    """Read a regular UTF-8 file without following links; LoadError says why it cannot be.

    Only regular files are read: a FIFO would block and a device (/dev/zero) never ends,
    so the file is opened without following a link and without blocking, and checked on
    the open descriptor (no race between the check and the read); at most the cap is read.
    """
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | os.O_NONBLOCK | _CLOEXEC)
    except OSError as exc:
        if exc.errno == errno.ELOOP or path.is_symlink():
            raise LoadError([Diagnostic(rel, 1, 1, "symlink", "content files must be regular "
                                        "files, not symbolic links")]) from None
        raise LoadError([Diagnostic(rel, 1, 1, "environment",
                                    f"cannot read file: {exc.strerror or exc}")]) from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise LoadError([Diagnostic(rel, 1, 1, "not-content", "not a content file: not a "
                                        "regular file (a pipe, device or socket)")])
        if info.st_size > max_bytes:
            raise LoadError([Diagnostic(rel, 1, 1, "file-too-large",
                                        f"file is {info.st_size} bytes; the cap is {max_bytes} "
                                        "bytes")])
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            # a buffer of the file's size, not of the cap (a 4 MB buffer per seed was a
            # third of the time spent loading); a file that grew is read on, to the cap
            raw = handle.read(info.st_size + 1)
            if len(raw) > info.st_size:
                raw += handle.read(max_bytes + 1 - len(raw))
    except OSError as exc:
        raise LoadError([Diagnostic(rel, 1, 1, "environment",
                                    f"cannot read file: {exc.strerror or exc}")]) from exc
    finally:
        os.close(fd)
    if len(raw) > max_bytes:  # it grew while being read
        raise LoadError([Diagnostic(rel, 1, 1, "file-too-large",
                                    f"file is over the cap of {max_bytes} bytes")])
    return decode(raw, rel)


def decode(raw: bytes, rel: str) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LoadError([_byte_diagnostic(
            raw, exc.start, rel, "not-utf8",
            f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save it as UTF-8")]) from None
    nul = raw.find(b"\0")
    if nul >= 0:
        raise LoadError([_byte_diagnostic(raw, nul, rel, "nul-byte", "file contains a NUL byte")])
    return text.removeprefix("\ufeff")


def _byte_diagnostic(raw: bytes, at: int, rel: str, code: str, message: str) -> Diagnostic:
    line_start = raw.rfind(b"\n", 0, at) + 1
    column = len(raw[line_start:at].decode("utf-8", errors="replace")) + 1
    return Diagnostic(rel, raw.count(b"\n", 0, at) + 1, column, code, message)


def load_document(path: Path, rel: str) -> Document:
    return parse_document(read_text(path, rel), rel)


def parse_document(text: str, rel: str) -> Document:
    """Parse one YAML document into a Document; LoadError carries every problem found.

    libyaml (C) and PyYAML's Python parser disagree on tabs, escapes and error wording;
    the Python parser is the reference: it parses any file the fast one refuses, and any
    file with a tab or a \\u escape, so both give the same diagnostics.
    """
    breaks = _UNICODE_BREAK.search(text)
    if breaks:
        pos = offset_position(text, breaks.start())
        raise LoadError([Diagnostic(
            rel, pos.line, pos.column, "yaml-syntax",
            f"character U+{ord(breaks.group()):04X} is a line break to YAML but not to "
            "editors (every later line number would be wrong); remove it")])
    directive = _DIRECTIVE.search(text)
    if directive:
        pos = offset_position(text, directive.start())
        raise LoadError([Diagnostic(rel, pos.line, pos.column, "yaml-syntax",
                                    "YAML directives (lines starting with %) are not allowed")])
    loader = _PARSER["loader"]
    if loader is not yaml.SafeLoader and _NEEDS_REFERENCE.search(text):
        loader = yaml.SafeLoader
    try:
        return _parse_with(text, rel, loader)
    except LoadError:
        if loader is yaml.SafeLoader:
            raise
    return _parse_with(text, rel, yaml.SafeLoader)


def _parse_with(text: str, rel: str, loader: type) -> Document:
    builder = _Builder(rel, text)
    try:
        builder.run(yaml.parse(text, Loader=loader))
    except yaml.MarkedYAMLError as exc:
        builder.problems.append(_syntax_diagnostic(exc, text, rel))
    except yaml.reader.ReaderError as exc:
        pos = offset_position(text, exc.position)
        char = exc.character
        code_point = ord(char) if isinstance(char, str) else int(char)
        builder.problems.append(Diagnostic(rel, pos.line, pos.column, "yaml-syntax",
                                           f"character U+{code_point:04X} is not allowed in YAML; "
                                           "remove it"))
    except _Abort:
        pass
    if builder.problems:
        raise LoadError(builder.problems)
    if builder.root is None:
        raise LoadError([Diagnostic(rel, 1, 1, "empty-file", "file holds no YAML document")])
    if not isinstance(builder.root, dict):
        pos = builder.doc.values.get((), Position(1, 1))
        raise LoadError([Diagnostic(rel, pos.line, pos.column, "not-a-mapping",
                                    "document must be a mapping of field names to values, "
                                    f"not {_shape(builder.root)}")])
    builder.doc.data = builder.root
    return builder.doc


def _shape(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    return "a single value" if value is not None else "an empty value"


def _syntax_diagnostic(exc: yaml.MarkedYAMLError, text: str, rel: str) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    tab = _TAB_INDENT.search(text, 0)
    if tab is not None:
        pos = offset_position(text, tab.end() - 1)
        if pos.line <= line:
            return Diagnostic(rel, pos.line, pos.column, "yaml-syntax",
                              "tab character used for indentation; indent with spaces")
    if mark is not None and mark.index < len(text) and text[mark.index] == "\t":
        return Diagnostic(rel, line, column, "yaml-syntax",
                          "tab character where YAML needs a space; separate values with spaces")
    plain = _indentation_problem(exc, text, rel)
    if plain is not None:
        return plain
    problem = (exc.problem or exc.context or "invalid YAML").replace(" '\\t'", "")
    return Diagnostic(rel, line, column, "yaml-syntax", f"invalid YAML: {problem}")


# ---------------------------------------------------------------- indentation, in plain words

_BLOCK_SCALAR = re.compile(r"^( *)(?:- +)?[^\s#:][^:#]*:[ \t]+[|>][-+0-9]*[ \t]*(?:#.*)?$")
_KEY_LINE = re.compile(r"^( *)(?:- +)?([^\s#'\"\-][^:#]*):(?:[ \t]|$)")


_YAML_LINES = re.compile(r"\r\n|\r|\n")  # YAML's line breaks (U+0085 and co are refused)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _indentation_problem(exc: yaml.MarkedYAMLError, text: str, rel: str) -> Diagnostic | None:
    """The usual indentation mistakes, said in plain words at the line at fault (the
    parser names the token after it, often a line later): a line of a text block (`|`,
    `>`) indented less than the block, a key indented less or more than the keys of its
    mapping."""
    mark = exc.problem_mark
    if mark is None:
        return None
    lines = _YAML_LINES.split(text)
    problem = exc.problem or ""
    fault = _outdented_block_line(lines, mark.line)
    if fault is not None:
        number, block, column = fault
        return Diagnostic(rel, number + 1, _indent(lines[number]) + 1, "yaml-syntax",
                          f"this line is indented less than the text block it belongs to "
                          f"(the `|` or `>` on line {block + 1}): indent it to column "
                          f"{column + 1}, like the block's first line")
    if problem.startswith("expected <block end>") or problem == "mapping values are not allowed here":
        number = mark.line
        here = _indent(lines[number]) if number < len(lines) else 0
        columns = _key_columns(lines, number)
        if not columns or here in columns:
            return None
        wanted = " or ".join(str(c + 1) for c in sorted(columns))
        if problem.startswith("expected <block end>"):
            where = "less than the keys above it and more than their parent's"
        else:
            previous = _previous_content_line(lines, mark.line)
            if previous is None:
                return None
            number, here = previous, _indent(lines[previous])
            if here in columns:
                return None
            where = "more than the key above it, so it reads as part of that key's value"
        return Diagnostic(rel, number + 1, here + 1, "yaml-syntax",
                          f"this line is indented {where}: the keys of one mapping start at "
                          f"the same column (column {wanted} here)")
    return None


def _previous_content_line(lines: list[str], number: int) -> int | None:
    for index in range(min(number, len(lines) - 1), -1, -1):
        stripped = lines[index].strip()
        if stripped and not stripped.startswith("#") and _KEY_LINE.match(lines[index]):
            return index
    return None


def _key_columns(lines: list[str], number: int) -> set[int]:
    """The columns at which keys start in the mappings open at line `number`: for each
    smaller indentation met going up, the column of the keys there."""
    columns: set[int] = set()
    limit = None
    for index in range(min(number, len(lines)) - 1, -1, -1):
        line = lines[index]
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _KEY_LINE.match(line)
        if match is None:
            continue
        column = _indent(line) + (len(line[_indent(line):]) - len(line[_indent(line):].lstrip("- ")))
        if limit is None or column < limit:
            columns.add(column)
            limit = column
        if column == 0:
            break
    return columns


def _outdented_block_line(lines: list[str], number: int) -> tuple[int, int, int] | None:
    """A line, at or just before `number`, that left a text block by being indented less
    than the block's text but more than the key that opened it: (line, block line, the
    block's text column), or None."""
    for index in range(min(number, len(lines) - 1), -1, -1):
        match = _BLOCK_SCALAR.match(lines[index])
        if match is None:
            continue
        opener = _indent(lines[index])
        body = [i for i in range(index + 1, len(lines)) if lines[i].strip()]
        if not body:
            return None
        column = _indent(lines[body[0]])
        if column <= opener:
            return None
        for i in body:
            here = _indent(lines[i])
            if here <= opener:
                return None  # the block ended where a key of its mapping starts
            if here < column:
                return (i, index, column) if i <= number + 1 else None
        return None
    return None


class _Abort(Exception):
    pass


@dataclass
class _Frame:
    loc: Loc
    container: dict[str, Any] | list[Any]
    pending_key: str | None = None
    key_expected: bool = True


class _Builder:
    """Builds plain data from parser events, rejecting what content files must not use."""

    def __init__(self, rel: str, text: str) -> None:
        self.rel = rel
        self.doc = Document(rel, text, {})
        self.problems: list[Diagnostic] = []
        self.root: Any = None
        self.stack: list[_Frame] = []
        self.documents = 0
        self.skip_depth = 0  # >0 while skipping the value of a rejected key
        self.lines: list[str] | None = None

    def fail(self, mark: Any, code: str, message: str) -> None:
        self.problems.append(Diagnostic(self.rel, mark.line + 1, mark.column + 1, code, message))

    def run(self, events: Iterator[yaml.Event]) -> None:
        for event in events:
            if isinstance(event, yaml.DocumentStartEvent):
                self.documents += 1
                if self.documents > 1:
                    self.fail(event.start_mark, "multiple-documents",
                              "file holds more than one YAML document; keep one per file")
                    raise _Abort
            elif isinstance(event, yaml.AliasEvent):
                self.fail(event.start_mark, "yaml-alias",
                          f"alias '*{event.anchor}' is not allowed; write the value out")
                self.value(None, event.start_mark, None)
            elif isinstance(event, yaml.ScalarEvent):
                self.check_node(event)
                surrogate = _SURROGATE.search(event.value)
                if surrogate:
                    self.fail(event.start_mark, "yaml-syntax",
                              f"escape for U+{ord(surrogate.group()):04X} is half of a "
                              "surrogate pair, not a character; write the character itself")
                plain = event.style in (None, "")
                if plain and event.end_mark and event.start_mark \
                        and event.end_mark.line > event.start_mark.line:
                    self.check_merged_items(event)
                # Text enters here: normalised once (NFC), so "é" typed two ways is one word.
                value = None if plain and event.value == "" else nfc(event.value)
                self.value(value, event.start_mark, event.end_mark)
            elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                self.check_node(event)
                self.open(event)
            elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                self.close()

    def check_merged_items(self, event: Any) -> None:
        """A plain value whose next lines start with `- `: list items indented deeper than
        the first are read as the first item's text ("a - b - c"), one item, silently."""
        if self.lines is None:  # split once per file, and only for a multi-line plain value
            self.lines = _YAML_LINES.split(self.doc.text)
        lines = self.lines
        for number in range(event.start_mark.line + 1, min(event.end_mark.line + 1, len(lines))):
            stripped = lines[number].lstrip(" ")
            if stripped == "-" or stripped.startswith("- "):
                first = event.start_mark.line + 1
                column = len(lines[number]) - len(stripped) + 1
                self.problems.append(Diagnostic(
                    self.rel, number + 1, column, "merged-list-items",
                    f"this `- ` line is read as more text of the value on line {first}, not as "
                    "a new item: the items of a list start with `- ` at the same column; "
                    f"indent it like the item on line {first}"))
                return

    def check_node(self, event: Any) -> None:
        if event.anchor is not None:
            self.fail(event.start_mark, "yaml-alias",
                      f"anchor '&{event.anchor}' is not allowed; content files do not share values")
        if event.tag is not None:
            self.fail(event.start_mark, "yaml-tag",
                      f"tag '{event.tag}' is not allowed; values are read as text")

    def open(self, event: Any) -> None:
        container: dict[str, Any] | list[Any] = (
            {} if isinstance(event, yaml.MappingStartEvent) else [])
        if len(self.stack) >= MAX_DEPTH:
            self.fail(event.start_mark, "too-deep", f"nesting deeper than {MAX_DEPTH} levels")
            raise _Abort
        parent = self.stack[-1] if self.stack else None
        if parent is not None and parent.key_expected and isinstance(parent.container, dict):
            self.fail(event.start_mark, "non-string-key", "a key must be a plain string")
            raise _Abort
        loc = self.attach(container, event.start_mark, None)
        self.stack.append(_Frame(loc, container))

    def close(self) -> None:
        self.stack.pop()

    def value(self, value: Any, start: Any, end: Any) -> None:
        frame = self.stack[-1] if self.stack else None
        if frame is not None and isinstance(frame.container, dict) and frame.key_expected:
            self.key(frame, value, start)
            return
        self.attach(value, start, end)

    def key(self, frame: _Frame, key: str | None, mark: Any) -> None:
        assert isinstance(frame.container, dict)
        frame.key_expected = False
        if key is None:
            self.fail(mark, "non-string-key", "a key must be a non-empty string")
            key = f"\0empty{mark.index}"
        elif key == "<<":
            self.fail(mark, "merge-key", "merge key '<<' is not allowed; write the fields out")
        elif key in frame.container or ((*frame.loc, key)) in self.doc.keys:
            first = self.doc.keys[(*frame.loc, key)]
            self.fail(mark, "duplicate-key",
                      f"key '{key}' appears twice (first on line {first.line})")
            key = f"\0dup{mark.index}"
        frame.pending_key = key
        self.doc.keys[(*frame.loc, key)] = Position(mark.line + 1, mark.column + 1)

    def attach(self, value: Any, start: Any, end: Any) -> Loc:
        pos = Position(start.line + 1, start.column + 1)
        if not self.stack:
            self.root = value
            loc: Loc = ()
        else:
            frame = self.stack[-1]
            if isinstance(frame.container, dict):
                assert frame.pending_key is not None
                loc = (*frame.loc, frame.pending_key)
                if not frame.pending_key.startswith("\0"):
                    frame.container[frame.pending_key] = value
                frame.key_expected = True
            else:
                loc = (*frame.loc, len(frame.container))
                frame.container.append(value)
        self.doc.values[loc] = pos
        if end is not None:
            self.doc.spans[loc] = (start.index, end.index)
        return loc
