"""The incremental path: an edit re-renders the pages that read what it changed, no other.

This is caching for the one pipeline, not a second one: the same stages (validate, link,
facets, derive, render, write) run on the edited files, and what the last full run
computed for the others is read from the state (`.briefs-cache/state.sqlite`):
- each entity's facet (`graph.Facet`: all that other pages show of it or derive from it),
- every value of the derived indexes, by the key pages read it with (`related:<id>`,
  `tags:*`, ...: graph.Graph declares how each field is read) with a digest of it,
- the dependency map: every key each page read while rendering, recorded by the one
  accessor every read goes through (`render.recorded`), kept as (key, page) rows,
- the alias table and the id index.

A later run whose only changes are edits of content files (no file added or removed;
seeds, templates, generator code, settings and docs/ as they were) loads, validates and
links the edited files alone and compares their facets with the stored ones. What
changed is a set of keys: `entity:<id>` for each edited file, `facet:<id>` for each
changed facet and, when a changed facet's DeriveInput changed, every derived value whose
digest differs after deriving again from all facets. The pages to render are exactly the
readers of those keys; an entity they read is loaded when they read it.

Anything else returns a FullReason and the caller takes the full path: a problem in an
edited file (the full check then reports every problem of the site, once), a changed name or
alias (names and aliases reach other entities' linked text, and a quote's attribution is
checked against its speaker's names and aliases: link._check_quotes), a page appearing or
disappearing (a tag, a timeline year, a numbered page of a listing, an actor's or term's
full list of briefs: render.listing_paths, compared with the set the state keeps), a state
that is missing, of another format, damaged or out of step with the build cache. Each is
one Reason, raised where it is decided as _FullRun; any other exception is a bug and
propagates.

The state can arrive with the repository, so it holds data only: every blob is JSON written
by generator/serial.py (never a pickle), and a file is used only if it is a regular file
whose schema is exactly the one written here (no trigger, view or other table), read
with plain SELECTs and `PRAGMA trusted_schema=OFF`. Anything else means the full path.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import sqlite3
import stat
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from . import cache, serial, urls
from .aliases import matcher_for_text, running_text
from .diagnostics import BriefsError
from .graph import DERIVED, AnyFacet, Facet, Graph, derive
from .inventory import SEEDS_DIR, ContentFile, content_file, content_rel
from .link import Linked, facet_of, link_entity, split_involved
from .render import (
    TEMPLATES_DIR,
    FacetText,
    Renderer,
    RenderError,
    environment,
    listing_paths,
)
from .urls import Kind, SiteConfig
from .validate import AnyEntity, Content, load_seed, validate_file
from .write import WriteReport, write_files

STATE_FILE = "state.sqlite"
FORMAT = "7"
_SCHEMA = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB)",
    "CREATE TABLE entity (id TEXT PRIMARY KEY, facet BLOB)",
    "CREATE TABLE derived (key TEXT PRIMARY KEY, value BLOB, digest BLOB)",
    "CREATE TABLE reader (key TEXT, page TEXT)",
)
_INDEXES = ("CREATE INDEX reader_key ON reader (key)",
            "CREATE INDEX reader_page ON reader (page)")


# Files SQLite keeps beside a database: stale ones must never be paired with a new state.
_SIDE_FILES = ("-journal", "-wal", "-shm")


class Reason(StrEnum):
    """Why a run takes the full path. The values are stable: tests, `--verbose` and logs
    show them."""

    # the build cache (generator/cache.py): pipeline._no_cache, edited_files
    NO_CACHE = "no-cache"
    CACHE_FORMAT = "cache-format"
    # edited_files, comparing the saved fingerprint with the current one
    CONFIG_CHANGED = "config-changed"
    CODE_CHANGED = "code-changed"
    OUTPUTS_CHANGED = "outputs-changed"
    INPUTS_CHANGED = "inputs-changed"
    TEMPLATES_CHANGED = "templates-changed"
    SEEDS_CHANGED = "seeds-changed"
    # update, from the state (_open_state, _read_meta, StoredFacets) and the edited files
    STATE_MISSING = "state-missing"
    STATE_FORMAT = "state-format"
    STATE_CORRUPT = "state-corrupt"
    STATE_MISMATCH = "state-mismatch"
    CONTENT_ERROR = "content-error"
    RENDER_ERROR = "render-error"
    NAME_CHANGED = "name-changed"
    ALIAS_CHANGED = "alias-changed"
    PAGE_SET_CHANGED = "page-set-changed"  # a tag, a year, a numbered page, a full list


@dataclass(frozen=True)
class FullReason:
    """Why this run took the full path: a stable code and one sentence for people."""

    code: Reason
    message: str

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class _FullRun(BriefsError):
    """This change needs the full path, for `reason`."""

    def __init__(self, code: Reason, message: str) -> None:
        self.reason = FullReason(code, message)
        super().__init__(str(self.reason))


def _listed(paths: Iterable[str], most: int = 3) -> str:
    """Paths for a sentence: the first few, then how many more."""
    shown = sorted(paths)
    more = f" and {len(shown) - most} more" if len(shown) > most else ""
    return ", ".join(shown[:most]) + more


def _path(root: Path) -> Path:
    return root / cache.CACHE_DIR / STATE_FILE


def _dump(value: Any) -> bytes:
    return serial.dumps(value)


def forget(root: Path) -> None:
    for suffix in ("", *_SIDE_FILES):
        with contextlib.suppress(OSError):
            Path(f"{_path(root)}{suffix}").unlink()


@functools.cache
def _expected_schema() -> frozenset[tuple[str, str, str, str | None]]:
    with contextlib.closing(sqlite3.connect(":memory:")) as db:
        for statement in (*_SCHEMA, *_INDEXES):
            db.execute(statement)
        return frozenset(db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"))


def _regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.lstat().st_mode)
    except OSError:
        return False


def _open_state(root: Path) -> sqlite3.Connection:
    """The stored state, if it is a regular file holding exactly the schema written by
    save() (so no trigger or view runs when it is read or updated); else _FullRun."""
    path = _path(root)
    if cache.folder(root) is None or not os.path.lexists(path):
        raise _FullRun(Reason.STATE_MISSING, "no incremental state")
    sides = [Path(f"{path}{suffix}") for suffix in _SIDE_FILES]
    if not _regular(path) or any(os.path.lexists(s) and not _regular(s) for s in sides):
        raise _FullRun(Reason.STATE_FORMAT, "the incremental state is not a regular file")
    try:
        db = sqlite3.connect(f"{path.absolute().as_uri()}?mode=rw", uri=True)
    except sqlite3.Error as exc:
        raise _FullRun(Reason.STATE_CORRUPT, f"the incremental state cannot be opened ({exc})"
                       ) from exc
    try:
        db.execute("PRAGMA trusted_schema=OFF")
        found = frozenset(db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"))
    except sqlite3.Error as exc:
        db.close()
        raise _FullRun(Reason.STATE_CORRUPT, f"the incremental state cannot be read ({exc})"
                       ) from exc
    if found != _expected_schema():
        db.close()
        raise _FullRun(Reason.STATE_FORMAT, "the incremental state has another schema")
    return db


def _decode(blob: Any, expect: Any, what: str) -> Any:
    """A stored value; one this version could not have written means the full path."""
    try:
        return serial.loads(blob, expect)
    except serial.SerialError as exc:
        raise _FullRun(Reason.STATE_CORRUPT,
                       f"the incremental state holds a damaged {what} ({exc})") from exc


def _corrupt(what: str) -> _FullRun:
    return _FullRun(Reason.STATE_CORRUPT, f"the incremental state is inconsistent: {what}")


# ---------------------------------------------------------------- the state of a full run


def save(root: Path, graph: Graph, reads: Mapping[str, Iterable[str]]) -> None:
    """Record the state of a full run; a state that cannot be written only costs speed."""
    base = cache.folder(root, create=True)
    if base is None:
        return
    path = base / STATE_FILE
    tmp = path.with_name(f".{STATE_FILE}.{os.getpid()}.tmp")
    content = graph.content
    try:
        for suffix in ("", *_SIDE_FILES):
            Path(f"{tmp}{suffix}").unlink(missing_ok=True)
        with contextlib.closing(sqlite3.connect(tmp)) as db:
            for statement in _SCHEMA:
                db.execute(statement)
            meta = {
                "format": FORMAT,
                "known_ids": {i: k.value for i, k in content.known_ids.items()},
                "known_seeds": sorted(content.known_seeds),
                "aliases": graph.aliases,
                "pages": listing_paths(graph),  # every page that is not an entity's own
            }
            db.executemany("INSERT INTO meta VALUES (?, ?)",
                           [(k, _dump(v)) for k, v in meta.items()])
            db.executemany("INSERT INTO entity VALUES (?, ?)",  # streamed, row by row
                           ((i, _dump(f)) for i, f in graph.facets.items()))
            wholes = {key for keys in reads.values() for key in keys if key.endswith(":*")}
            db.executemany("INSERT INTO derived VALUES (?, ?, ?)", (
                (key, blob, _digest(blob)) for key, blob in _derived_values(graph, wholes)))
            db.executemany("INSERT INTO reader VALUES (?, ?)",
                           ((key, page) for page, keys in reads.items() for key in keys))
            for statement in _INDEXES:
                db.execute(statement)
            db.commit()
        for suffix in _SIDE_FILES:  # a hot journal of the old state would damage the new
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        tmp.replace(path)
    except (OSError, sqlite3.Error, serial.SerialError):
        with contextlib.suppress(OSError):
            tmp.unlink()
        forget(root)


def _derived_values(graph: Graph, wholes: Iterable[str]) -> Iterator[tuple[str, bytes]]:
    """Every value of the derived indexes as pages read it (graph.Graph, render.recorded):
    `field:key` for each key of a mapping, `field:*` for the whole when a page reads it so."""
    for name in DERIVED:
        value = getattr(graph, name)
        if isinstance(value, Mapping):
            for key, item in value.items():
                yield f"{name}:{key}", _dump(item)
    for key in sorted(set(wholes)):
        name = key.removesuffix(":*")
        if name in DERIVED:
            yield key, _dump(getattr(graph, name))


def _digest(blob: bytes) -> bytes:
    return hashlib.blake2b(blob, digest_size=16).digest()


class StoredFacets(Mapping[str, Facet]):
    """The stored facets, read one entity at a time, with edited entities' new facets."""

    def __init__(self, db: sqlite3.Connection, known: Mapping[str, Kind]) -> None:
        self.db = db
        self.known = known
        self.loaded: dict[str, Facet] = {}

    def __getitem__(self, entity_id: str) -> Facet:
        facet = self.loaded.get(entity_id)
        if facet is None:
            if entity_id not in self.known:
                raise KeyError(entity_id)
            row = self.db.execute("SELECT facet FROM entity WHERE id = ?",
                                  (entity_id,)).fetchone()
            if row is None:
                raise _corrupt(f"no facet for '{entity_id}'")
            facet = self.loaded[entity_id] = self._facet(entity_id, row[0])
        return facet

    def _facet(self, entity_id: str, blob: Any) -> Facet:
        facet: Facet = _decode(blob, AnyFacet, f"facet of '{entity_id}'")
        if facet.kind is not self.known.get(entity_id):
            raise _corrupt(f"the facet of '{entity_id}' is of another kind")
        return facet

    def load_all(self) -> dict[str, Facet]:
        for entity_id, blob in self.db.execute("SELECT id, facet FROM entity"):
            if entity_id not in self.loaded:
                self.loaded[entity_id] = self._facet(entity_id, blob)
        missing = self.known.keys() - self.loaded.keys()
        if missing:
            raise _corrupt(f"no facet for {_listed(missing)}")
        return {i: self.loaded[i] for i in self.known}

    def __contains__(self, entity_id: object) -> bool:
        return entity_id in self.known  # a full run that succeeded: every id is an entity

    def __iter__(self) -> Iterator[str]:
        # whoever walks every entity (a listing page) reads their facets next: one query
        if len(self.loaded) < len(self.known):
            self.load_all()
        return iter(self.known)

    def __len__(self) -> int:
        return len(self.known)


# What each stored value must be (from graph.Graph's annotations); anything else is refused.
_GRAPH_TYPES = typing.get_type_hints(Graph, localns={"Content": Content})
_VALUE_TYPES: dict[str, Any] = {
    name: typing.get_args(_GRAPH_TYPES[name])[1] for name in DERIVED
    if typing.get_origin(_GRAPH_TYPES[name]) is dict}


def _value_type(key: str) -> Any:
    name, _, part = key.partition(":")
    if name not in DERIVED:
        raise _corrupt(f"a value of the unknown index {name[:40]!r}")
    return _GRAPH_TYPES[name] if part == "*" else _VALUE_TYPES[name]


class StoredIndex(Mapping[str, Any]):
    """One derived index of the stored state, read one key at a time (`field:key`); read
    whole (`field:*`) from its stored whole, which exists when a page read it so."""

    def __init__(self, db: sqlite3.Connection, name: str) -> None:
        self.db, self.name = db, name

    def __getitem__(self, key: str) -> Any:
        full = f"{self.name}:{key}"
        row = self.db.execute("SELECT value FROM derived WHERE key = ?", (full,)).fetchone()
        if row is None:
            raise KeyError(key)
        return _decode(row[0], _value_type(full), full)

    @functools.cached_property
    def whole(self) -> Any:
        return stored_whole(self.db, self.name)

    def __iter__(self) -> Iterator[str]:
        return iter(self.whole)

    def __len__(self) -> int:
        return len(self.whole)


def stored_whole(db: sqlite3.Connection, name: str) -> Any:
    key = f"{name}:*"
    row = db.execute("SELECT value FROM derived WHERE key = ?", (key,)).fetchone()
    if row is None:
        raise _corrupt(f"no stored {key}")
    return _decode(row[0], _GRAPH_TYPES[name], key)


@dataclass(frozen=True)
class _Meta:
    known_ids: dict[str, Kind]
    known_seeds: set[str]
    aliases: dict[str, str]
    pages: frozenset[str]


_META: dict[str, Any] = {
    "format": str, "known_ids": dict[str, str], "known_seeds": list[str],
    "aliases": dict[str, str], "pages": list[str],
}


def _read_meta(db: sqlite3.Connection) -> _Meta:
    rows = dict(db.execute("SELECT key, value FROM meta").fetchall())
    if rows.keys() != _META.keys() or any(type(v) is not bytes for v in rows.values()):
        raise _FullRun(Reason.STATE_FORMAT, "the incremental state has other records")

    def load(key: str) -> Any:
        return _decode(rows[key], _META[key], key)

    if load("format") != FORMAT:
        raise _FullRun(Reason.STATE_FORMAT, "the incremental state is of another format")
    kinds = {k.value: k for k in Kind}
    known_ids = {i: kinds.get(k) for i, k in load("known_ids").items()}
    if None in known_ids.values():
        raise _corrupt("an id of an unknown kind")
    return _Meta(typing.cast(dict[str, Kind], known_ids), set(load("known_seeds")),
                 load("aliases"), frozenset(load("pages")))


# ---------------------------------------------------------------- what changed


def edited_files(saved: Mapping[str, Any], current: Mapping[str, Any]) -> list[str] | FullReason:
    """The content files edited since the saved fingerprint, or why the full path is needed
    (a file added or removed, a seed, a template, the code, the settings, docs/ changed)."""
    if saved.get("format") != current.get("format"):
        return FullReason(Reason.CACHE_FORMAT, "the build cache is of another format")
    if saved.get("config") != current.get("config"):
        settings = ("site name", "site URL", "output folder")
        which = [name for name, old, new in zip(settings, saved["config"], current["config"],
                                                strict=False) if old != new]
        return FullReason(Reason.CONFIG_CHANGED,
                          f"the {' and '.join(which) or 'site settings'} changed")
    if saved.get("code") != current.get("code"):
        changed = _differ(saved["code"], current["code"])
        return FullReason(Reason.CODE_CHANGED,
                          f"the generator's code changed: {_listed(changed)}")
    if saved.get("outputs") != current.get("outputs"):
        folder = Path(current["config"][2]).name
        changed = _differ(saved["outputs"], current["outputs"])
        return FullReason(Reason.OUTPUTS_CHANGED,
                          f"{folder}/ was changed outside generation: {_listed(changed)}")
    before, after = saved["inputs"], current["inputs"]
    if before.keys() != after.keys():
        return FullReason(Reason.INPUTS_CHANGED, "files added or removed: "
                          + _listed(before.keys() ^ after.keys()))
    edited = sorted(rel for rel in after if before[rel] != after[rel])
    others = [rel for rel in edited if content_file(rel) is None]
    if others:
        code, what = {TEMPLATES_DIR: (Reason.TEMPLATES_CHANGED, "templates"),
                      SEEDS_DIR: (Reason.SEEDS_CHANGED, "seed articles")}.get(
            others[0].split("/")[0], (Reason.INPUTS_CHANGED, "files that are not content"))
        return FullReason(code, f"{what} changed: {_listed(others)}")
    if not edited:  # same inputs and outputs, yet not fresh: a fingerprint not written here
        return FullReason(Reason.CACHE_FORMAT, "the build cache is of another format")
    return edited


def _differ(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


# ---------------------------------------------------------------- the incremental run


def update(root: Path, config: SiteConfig, docs: Path, edited: list[str]
           ) -> WriteReport | FullReason:
    """Regenerate the pages that read what the `edited` files changed, or say why the full
    path is needed; only the named conditions (_FullRun, the state's database failing, a
    page that fails to render) lead there, any other exception propagates. The state is
    updated in the same transaction as nothing else: if writing the pages fails, it is
    rolled back and still describes docs/."""
    try:
        with contextlib.closing(_open_state(root)) as db:
            files = [content_file(rel) for rel in edited]
            report = _Run(root, config, db).run([f for f in files if f is not None], docs)
            db.commit()
            return report
    except _FullRun as exc:
        return exc.reason
    except sqlite3.Error as exc:  # damaged, locked or read-only: the full run writes it anew
        return FullReason(Reason.STATE_CORRUPT, f"the incremental state failed ({exc})")
    except RenderError as exc:
        return FullReason(Reason.RENDER_ERROR,
                          f"a page failed to render; the full run reports it ({exc})")


class _Loading(dict[str, Any]):
    """An entity mapping of the incremental graph: an entity not loaded yet is loaded (and
    validated and linked) the first time a page reads it."""

    def __init__(self, load: Callable[[str], Any]) -> None:
        super().__init__()
        self.load = load

    def __missing__(self, entity_id: str) -> Any:
        value = self[entity_id] = self.load(entity_id)
        return value


class _Run:
    def __init__(self, root: Path, config: SiteConfig, db: sqlite3.Connection) -> None:
        meta = _read_meta(db)
        self.root, self.config, self.db, self.meta = root, config, db, meta
        self.stored = StoredFacets(db, meta.known_ids)
        self.content = Content(known_ids=meta.known_ids, known_seeds=meta.known_seeds)
        # the entities no page has read yet are loaded when one does
        for name in Content.FIELDS.values():
            setattr(self.content, name, _Loading(self._entity))
        self.linked: dict[str, Linked] = {}

    def _entity(self, entity_id: str) -> AnyEntity:
        kind = self.meta.known_ids.get(entity_id)
        if kind is None:
            raise KeyError(entity_id)
        self.load(ContentFile(kind, entity_id, content_rel(kind, entity_id)))
        return typing.cast(AnyEntity, self.content.of_kind(kind)[entity_id])

    def _linked(self, entity_id: str) -> Linked:
        if entity_id not in self.linked:
            self._entity(entity_id)
        return self.linked[entity_id]

    def load(self, file: ContentFile) -> AnyEntity:
        """Validate and link one content file; any problem means the full path."""
        if self.meta.known_ids.get(file.id) is not file.kind:
            raise _FullRun(Reason.STATE_MISMATCH,
                           f"the incremental state does not list {file.rel}")
        entity, problems = validate_file(self.root, file)
        if entity is None or problems:
            raise _content_error(file.rel)
        dict.__setitem__(self.content.of_kind(file.kind), file.id, entity)
        model = entity.model
        if file.kind is Kind.BRIEF:
            self._load_seed(model.source.seed)
        text = "\n".join(running_text(model))
        linked = link_entity(entity, self.content, matcher_for_text(self.meta.aliases, text))
        if linked.problems:
            raise _content_error(file.rel)
        self.linked[file.id] = linked
        return typing.cast(AnyEntity, entity)

    def _load_seed(self, seed_id: str) -> None:
        if seed_id not in self.meta.known_seeds or seed_id in self.content.seeds:
            return
        meta_rel = f"{SEEDS_DIR}/{seed_id}.yaml"
        seed, problems = load_seed(self.root, seed_id, f"{SEEDS_DIR}/{seed_id}.txt",
                                   meta_rel if (self.root / meta_rel).is_file() else None)
        if seed is None or problems:
            raise _content_error(f"{SEEDS_DIR}/{seed_id}.txt")
        self.content.seeds[seed_id] = seed

    def run(self, files: list[ContentFile], docs: Path) -> WriteReport:
        edited = [self.load(file) for file in files]
        names = FacetText(self.stored, "name")
        new = {e.id: facet_of(e, self.linked[e.id], names) for e in edited}
        changed = {i: f for i, f in new.items() if f != self.stored[i]}
        # names and aliases reach other entities' linked text and the quotes they attribute
        for entity_id, facet in changed.items():
            before, rel = self.stored[entity_id], content_rel(facet.kind, entity_id)
            if facet.name != before.name:
                raise _FullRun(Reason.NAME_CHANGED, f"the name in {rel} changed")
            if facet.aliases != before.aliases:
                raise _FullRun(Reason.ALIAS_CHANGED, f"the aliases in {rel} changed")
        # What changed, as pages read it (render.recorded): each edited entity's own data,
        # each changed facet and, when derive's inputs changed, each derived value.
        keys = {f"entity:{e.id}" for e in edited} | {
            f"facet:{i}" for i, f in changed.items() if f.shown() != self.stored[i].shown()}
        rederive = any(f.derive_input() != self.stored[i].derive_input()
                       for i, f in changed.items())
        self.stored.loaded.update(changed)
        graph = Graph(self.content, facets=self.stored, aliases=self.meta.aliases,
                      rich=_Loading(lambda i: self._linked(i).rich),
                      brief_actors=_Loading(lambda i: self._involved(i)[0]),
                      brief_terms=_Loading(lambda i: self._involved(i)[1]))
        updates: list[tuple[str, bytes | None]] = []
        if rederive:
            updates = self._derive(graph)
            keys |= {key for key, _ in updates}
        else:
            for name in DERIVED:  # as stored: read one key at a time
                setattr(graph, name, StoredIndex(self.db, name) if name in _VALUE_TYPES
                        else _LazyWhole(self.db, name))
        dirty = sorted(self._readers(keys))
        renderer = Renderer(graph, environment(self.root), self.config)
        pages = dict(renderer.page(page) for page in dirty)
        report = write_files(docs, {p: t.encode("utf-8") for p, t in pages.items()})
        self._record(changed, updates, renderer.page_reads)
        return report

    def _involved(self, entity_id: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        return split_involved(self._linked(entity_id).involved, self.meta.known_ids)

    def _derive(self, graph: Graph) -> list[tuple[str, bytes | None]]:
        """Derive the indexes again from every facet; return each stored value that
        differs now (key, new blob or None when it is gone)."""
        facets = self.stored.load_all()
        derive(graph, facets)
        pages = frozenset(listing_paths(graph))
        if pages != self.meta.pages:  # a page to add or remove
            raise _FullRun(Reason.PAGE_SET_CHANGED, "pages added or removed: "
                           + _listed(pages ^ self.meta.pages))
        stored = dict(self.db.execute("SELECT key, digest FROM derived"))
        wholes = [key for key in stored if key.endswith(":*")]
        updates: list[tuple[str, bytes | None]] = []
        for key, blob in _derived_values(graph, wholes):
            if stored.pop(key, None) != _digest(blob):
                updates.append((key, blob))
        updates += [(key, None) for key in stored]  # values that are gone
        return updates

    def _readers(self, keys: Iterable[str]) -> Iterator[str]:
        seen: set[str] = set()
        for key in keys:
            for (page,) in self.db.execute("SELECT page FROM reader WHERE key = ?", (key,)):
                if page in seen:
                    continue
                if not self._is_page(page):  # only pages of the stored site are rendered
                    raise _corrupt(f"a reader of '{key[:60]}' that is no page")
                seen.add(page)
                yield page

    def _is_page(self, page: object) -> bool:
        if not isinstance(page, str):
            return False
        return page in self.meta.pages or urls.page_owner(page, self.meta.known_ids) is not None

    def _record(self, changed: Mapping[str, Facet], updates: list[tuple[str, bytes | None]],
                reads: Mapping[str, frozenset[str]]) -> None:
        """Bring the state up to date with this run (committed by the caller)."""
        for entity_id, facet in changed.items():
            self.db.execute("UPDATE entity SET facet = ? WHERE id = ?", (_dump(facet), entity_id))
        for key, blob in updates:
            self.db.execute("DELETE FROM derived WHERE key = ?", (key,))
            if blob is not None:
                self.db.execute("INSERT INTO derived VALUES (?, ?, ?)",
                                (key, blob, _digest(blob)))
        for page, keys in reads.items():
            self.db.execute("DELETE FROM reader WHERE page = ?", (page,))
            self.db.executemany("INSERT INTO reader VALUES (?, ?)", [(k, page) for k in keys])


class _LazyWhole(Sequence[Any]):
    """A derived sequence of the stored state (events, edges, briefs by date), decoded
    when a page first reads it."""

    def __init__(self, db: sqlite3.Connection, name: str) -> None:
        self.db, self.name = db, name

    @functools.cached_property
    def whole(self) -> Any:
        return stored_whole(self.db, self.name)

    def __getitem__(self, index: Any) -> Any:
        return self.whole[index]

    def __len__(self) -> int:
        return len(self.whole)


def _content_error(rel: str) -> _FullRun:
    return _FullRun(Reason.CONTENT_ERROR, f"{rel} has a problem; the full check reports "
                    "every problem")

