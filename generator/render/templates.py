"""The Jinja environment over site_templates/pages: escaping by default, compiled once.

Whatever a template prints that is not Markup is plain text, shown exactly as typed.
"""

from __future__ import annotations

import contextlib
import functools
from pathlib import Path
from types import CodeType
from typing import Any
from xml.sax.saxutils import escape as xml_escape

import jinja2
from markupsafe import Markup

from ..text import html_text, md_plain, yaml_string

TEMPLATES_DIR = "site_templates"
PAGE_TEMPLATES = "pages"
ASSETS_DIR = "assets"


def _finalize(value: Any) -> Any:
    """Whatever a template prints that is not Markup is plain text: shown exactly as typed."""
    if isinstance(value, Markup):
        return value
    if value is None:
        raise TypeError("a template printed None")
    return md_plain(str(value))


def environment(root: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(root / TEMPLATES_DIR / PAGE_TEMPLATES)),
        # Compiled templates are kept in memory and in Jinja's per-user folder, never in
        # the project (BytecodeCache): an incremental run does not compile them again.
        bytecode_cache=_bytecode_cache(root),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    # Front matter values reach Material's templates unescaped: HTML-escape, then quote.
    env.filters["front"] = lambda v: yaml_string(html_text(str(v)))
    return env


def xml_environment(markdown: jinja2.Environment) -> jinja2.Environment:
    """The same templates for XML output (the Atom feed): text escaped for XML, and the
    `attr` filter for a double-quoted attribute value."""
    env = jinja2.Environment(
        loader=markdown.loader, bytecode_cache=markdown.bytecode_cache,
        undefined=jinja2.StrictUndefined, autoescape=False, finalize=_xml_text,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, auto_reload=False)
    env.filters["attr"] = lambda v: Markup(xml_escape(str(v), {'"': "&quot;"}))
    return env


def _xml_text(value: Any) -> Any:
    if isinstance(value, Markup):
        return value
    if value is None:
        raise TypeError("a template printed None")
    return Markup(xml_escape(str(value)))


# Compiled templates of this process by Jinja's key (template name and file), with the
# checksum of the source they were compiled from: `briefs serve` compiles each once.
_COMPILED: dict[str, tuple[str, CodeType]] = {}


class BytecodeCache(jinja2.BytecodeCache):
    """Compiled templates: in memory for the life of the process, then in Jinja's private
    per-user folder in the temporary directory (created 0700, ownership checked).

    Never in a folder of the project: the repository can carry any file there, and a
    compiled template (marshalled code, behind a pickled checksum) is code the build runs.
    A cache that cannot be written only costs speed.
    """

    def __init__(self, disk: jinja2.FileSystemBytecodeCache | None) -> None:
        self.disk = disk

    @classmethod
    def for_project(cls, root: Path) -> BytecodeCache:
        disk = _user_cache()
        if disk is not None and Path(disk.directory).resolve().is_relative_to(root.resolve()):
            disk = None  # $TMPDIR inside the project: the repository could fill that too
        return cls(disk)

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        found = _COMPILED.get(bucket.key)
        if found is not None and found[0] == bucket.checksum:
            bucket.code = found[1]
            return
        if self.disk is not None:
            with contextlib.suppress(OSError):
                self.disk.load_bytecode(bucket)
            if bucket.code is not None:
                _COMPILED[bucket.key] = (bucket.checksum, bucket.code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.code is not None:
            _COMPILED[bucket.key] = (bucket.checksum, bucket.code)
        if self.disk is not None:
            with contextlib.suppress(OSError):
                self.disk.dump_bytecode(bucket)


@functools.cache
def _user_cache() -> jinja2.FileSystemBytecodeCache | None:
    try:
        return jinja2.FileSystemBytecodeCache()  # refuses a folder it cannot make private
    except (OSError, RuntimeError):
        return None


def _bytecode_cache(root: Path) -> jinja2.BytecodeCache | None:
    return BytecodeCache.for_project(root)
