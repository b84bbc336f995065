"""Diagnostics as data: the located problem record, its codes and its output formats."""

from __future__ import annotations

import difflib
import errno
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from .chars import shown

Format = Literal["text", "github", "json"]
# An error stops publishing; a warning is reported and publishing goes on (unless
# `briefs check --strict`).
Severity = Literal["error", "warning"]

# Every code a diagnostic may carry, with the one-line meaning shown by `briefs codes`.
CODES: dict[str, str] = {
    # files and YAML
    "not-content": "a file in briefs/ that is not a brief, actor or term",
    "bad-folder": "briefs/ or seeds/ is missing, a symbolic link or a file",
    "symlink": "content files must be regular files, not symbolic links",
    "file-too-large": "the file is larger than the size cap",
    "not-utf8": "the file is not valid UTF-8",
    "nul-byte": "the file contains a NUL byte",
    "empty-file": "the file holds no YAML document",
    "no-article-text": "a page or text file given to `briefs new seed` holds no article text",
    "yaml-syntax": "the YAML cannot be parsed",
    "merged-list-items": "list items indented unlike the first are read as one item's text",
    "multiple-documents": "a content file holds exactly one YAML document",
    "not-a-mapping": "the document must be a mapping of field names to values",
    "duplicate-key": "a key appears twice in one mapping",
    "non-string-key": "keys must be plain strings",
    "yaml-alias": "anchors and aliases are not allowed",
    "yaml-tag": "explicit YAML tags are not allowed",
    "merge-key": "merge keys (<<) are not allowed",
    "too-deep": "the document nests deeper than the cap",
    # ids and files
    "bad-id": "an id does not match ^[a-z0-9]+(-[a-z0-9]+)*$ or is too long",
    "reserved-id": "the id names a site section or a device",
    "duplicate-id": "two content files have the same id",
    "id-collision": "two file names differ only by case or Unicode normalisation",
    # schema
    "unknown-key": "a key the content model does not define",
    "missing-field": "a required field is absent or empty",
    "wrong-type": "a value has the wrong shape (text, list or mapping)",
    "bad-value": "a value is not one of the allowed choices",
    "too-long": "a text is longer than the field allows",
    "too-short": "a text or list is shorter than the field requires",
    "too-many": "a list has more items than the field allows",
    "bad-text": "a plain text holds a newline, control or invisible character",
    "bad-date": "not a real calendar date in the expected format",
    "bad-url": "a URL whose scheme is not allowed",
    "bad-date-order": "a date comes before the date it follows",
    "duplicate-item": "a list of references names the same id twice",
    "bad-markup": "rich text that the subset cannot express",
    # graph
    "bad-ref": "a reference to an id that does not exist",
    "wrong-kind": "a reference to an entity of a kind the field does not accept",
    "duplicate-alias": "two entities claim the same alias",
    "source-mismatch": "a brief's source field disagrees with its seed's metadata",
    "missing-seed": "the brief's source seed does not exist",
    "quote-not-in-source": "a quote that does not occur in its seed article",
    "quote-not-quoted-in-source": "a quote whose words the seed article narrates, not quotes",
    "quote-speaker-not-in-source": "a quote whose speaker the seed article does not name "
                                   "near it",
    # warnings (publishing goes on)
    "story-summary-stale": "a story's summary was revised before its newest development",
    "watch-overdue": "a pending watch item whose due date passed before the newest development",
    # environment (exit status 2)
    "environment": "the tools or folders the build needs are missing or unusable",
    "template": "a site template failed to render",
    "site-build": "MkDocs failed to build the site",
}


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One located problem. Ordered by path, position, code, then message."""

    path: str
    line: int
    column: int
    code: str
    message: str
    hint: str = ""
    severity: Severity = "error"

    def __post_init__(self) -> None:
        if self.code not in CODES:  # pragma: no cover - a programming error
            raise ValueError(f"unknown diagnostic code {self.code!r}")
        # Messages quote what was typed: a value holding a line break or a control
        # character must not print a second, forged `path:line:col: error[...]` line (which
        # CI would turn into an annotation on another file). Every diagnostic is one line.
        for name in ("path", "message", "hint"):
            value = getattr(self, name)
            if not value.isprintable():
                object.__setattr__(self, name, shown(value))

    def format_text(self) -> str:
        text = (f"{self.path}:{self.line}:{self.column}: {self.severity}[{self.code}]: "
                f"{self.message}")
        return f"{text} ({self.hint})" if self.hint else text

    def format_github(self) -> str:
        hint = f" ({self.hint})" if self.hint else ""
        message = _github_escape(f"[{self.code}] {self.message}{hint}")
        path = _github_escape_property(self.path)
        return f"::{self.severity} file={path},line={self.line},col={self.column}::{message}"

    def as_dict(self) -> dict[str, str | int]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "hint": self.hint,
        }


class BriefsError(Exception):
    """Root of the package's exceptions."""


class DiagnosticsError(BriefsError):
    """Raised by a stage that found content problems; carries all of them."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = sorted(set(diagnostics))
        super().__init__(f"{len(self.diagnostics)} problem(s) found")


class EnvironmentProblem(BriefsError):
    """The machine, not the content, is wrong (exit status 2): one clear sentence."""


def os_reason(exc: OSError) -> str:
    """Why the machine refused, in words a person acts on."""
    return {errno.ENOSPC: "the disk is full", errno.EACCES: "permission denied",
            errno.EPERM: "permission denied", errno.EROFS: "the file system is read-only",
            errno.EDQUOT: "the disk quota is exceeded"}.get(exc.errno or 0,
                                                           exc.strerror or str(exc))


def format_diagnostics(diagnostics: Iterable[Diagnostic], fmt: Format = "text") -> str:
    ordered = sorted(set(diagnostics))
    if fmt == "json":
        return json.dumps([d.as_dict() for d in ordered], ensure_ascii=False, indent=2)
    lines = [d.format_github() if fmt == "github" else d.format_text() for d in ordered]
    return "\n".join(lines)


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice a misspelt key or id most likely meant, or None when nothing is close."""
    close = difflib.get_close_matches(word, sorted(set(choices)), n=1, cutoff=0.75)
    return close[0] if close else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A 'did you mean' hint for a misspelt key or id, or '' when nothing is close."""
    close = closest(word, choices)
    return f"did you mean '{close}'?" if close else ""


def _github_escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_escape_property(text: str) -> str:
    return _github_escape(text).replace(":", "%3A").replace(",", "%2C")
