"""Nothing the repository can carry runs code, and two builds at once never publish half a site.

A pull request can commit anything, a `.briefs-cache/` folder included (`git add -f`): a
pickle there, or a compiled Jinja template, would run in the build and the deploy job. Here
malicious pickles and bytecode are planted wherever the build keeps or once kept state, and
generation (cold, then an incremental edit) must never run them and must write what a
clean full run writes. Then two real processes generate one project at once.
"""

from __future__ import annotations

import builtins
import contextlib
import datetime as dt
import os
import pickle
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import jinja2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import cache, incremental, lock, render, serial
from generator.diagnostics import BriefsError, EnvironmentProblem
from generator.graph import (
    DERIVED,
    ActorFacet,
    AnyFacet,
    BriefFacet,
    Edge,
    EventFacet,
    SiteEvent,
    StoryFacet,
    TermFacet,
)
from generator.mkdocs_plugin import BriefsPlugin
from generator.models import PartialDate
from generator.pipeline import check, generate, generate_files
from generator.site import site_config
from generator.text import (
    BulletList,
    Code,
    Emph,
    Link,
    MarkupProblem,
    Mention,
    Paragraph,
    Ref,
    Rich,
    Strong,
    Text,
)
from generator.urls import Kind
from generator.write import WriteReport, recover
from tests.conftest import REPO, examples
from tests.corpus import edit_brief

BRIEF = "xi-lavrov-beijing-talks"


class Payload:
    """Unpickling this creates the marker file: proof that planted data ran code."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (builtins.exec, (f"open({str(self.marker)!r}, 'w').close()",))


@pytest.fixture
def marker(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "code-ran"
    yield path
    assert not path.exists(), "planted data ran code"


@pytest.fixture
def paths(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Which path each generation took after the build cache: 'incremental' or 'full'."""
    taken: list[str] = []
    real = incremental.update

    def spy(*args: Any, **kwargs: Any) -> WriteReport | incremental.FullReason:
        report = real(*args, **kwargs)
        taken.append("full" if isinstance(report, incremental.FullReason) else "incremental")
        return report

    monkeypatch.setattr(incremental, "update", spy)
    return taken


def _docs(root: Path) -> dict[str, bytes]:
    docs = root / "docs"
    return {p.relative_to(docs).as_posix(): p.read_bytes()
            for p in sorted(docs.rglob("*")) if p.is_file()}


def _assert_clean(root: Path) -> None:
    """docs/ holds exactly what a full run writes."""
    assert _docs(root) == generate_files(root, site_config(root)).files


def _jinja_plant(marker: Path) -> bytes:
    """A bytecode-cache file as Jinja reads it: magic, pickled checksum, marshalled code."""
    return jinja2.bccache.bc_magic + pickle.dumps(Payload(marker))


def _plant_jinja(folder: Path, loader: jinja2.BaseLoader, names: list[str],
                 marker: Path) -> None:
    """Files under every name FileSystemBytecodeCache(folder) would read for `names`."""
    folder.mkdir(parents=True, exist_ok=True)
    env = jinja2.Environment(loader=loader)
    for name in names:
        _, filename, _ = loader.get_source(env, name)
        key = jinja2.BytecodeCache().get_cache_key(name, filename)
        (folder / f"__jinja2_{key}.cache").write_bytes(_jinja_plant(marker))


def _plant_state(path: Path, blob: Callable[[str], bytes], meta: dict[str, bytes] | None = None,
                 ids: list[str] | None = None) -> None:
    """A state file with the real schema whose blobs are `blob(what)` (or `meta`'s)."""
    path.unlink(missing_ok=True)
    with contextlib.closing(sqlite3.connect(path)) as db:
        for statement in (*incremental._SCHEMA, *incremental._INDEXES):
            db.execute(statement)
        db.executemany("INSERT INTO meta VALUES (?, ?)",
                       [(k, (meta or {}).get(k, blob(k))) for k in incremental._META])
        db.executemany("INSERT INTO entity VALUES (?, ?)",
                       [(i, blob("facet")) for i in ids or [BRIEF]])
        db.executemany("INSERT INTO derived VALUES (?, ?, ?)",
                       [(f"{name}:*", blob(name), b"") for name in DERIVED])
        db.executemany("INSERT INTO reader VALUES (?, ?)",
                       [(f"entity:{i}", f"briefs/{i}/index.md") for i in ids or [BRIEF]])
        db.commit()


def _stored_meta(root: Path) -> dict[str, bytes]:
    state = root / cache.CACHE_DIR / incremental.STATE_FILE
    with contextlib.closing(sqlite3.connect(state)) as db:
        return dict(db.execute("SELECT key, value FROM meta"))


def _stored_ids(root: Path) -> list[str]:
    state = root / cache.CACHE_DIR / incremental.STATE_FILE
    with contextlib.closing(sqlite3.connect(state)) as db:
        return [i for (i,) in db.execute("SELECT id FROM entity")]


# ---------------------------------------------------------------- planted caches


def test_planted_pickles_and_bytecode_never_run(project: Path, marker: Path,
                                                paths: list[str]) -> None:
    config = site_config(project)
    folder = project / cache.CACHE_DIR
    folder.mkdir()
    evil = pickle.dumps(Payload(marker))
    for name in ("generate.pickle", cache.CACHE_FILE, "state.pickle"):
        (folder / name).write_bytes(evil)
    _plant_state(folder / incremental.STATE_FILE, lambda _: evil)
    pages = project / "site_templates" / "pages"
    loader = jinja2.FileSystemLoader(str(pages))
    names = sorted(p.name for p in pages.iterdir())
    for sub in ("jinja", "theme"):  # where earlier versions kept compiled templates
        _plant_jinja(folder / sub, loader, names, marker)

    generate(project, config)  # cold
    assert not marker.exists()
    _assert_clean(project)

    # An attacker whose state survives (its fingerprint matched): the pickled blobs, then
    # valid format and indexes with pickled facets and derived values.
    real_meta, ids = _stored_meta(project), _stored_ids(project)
    for tag, meta in (("1", None), ("2", {"format": real_meta["format"]}), ("3", real_meta)):
        (folder / "generate.pickle").write_bytes(evil)
        _plant_state(folder / incremental.STATE_FILE, lambda _: evil, meta, ids)
        edit_brief(project, BRIEF, tag)
        generate(project, config)
        assert not marker.exists()
        _assert_clean(project)
    assert paths == ["full", "full", "full"]

    edit_brief(project, BRIEF, "4")  # the state the full runs wrote is used again
    assert generate(project, config).written == [f"briefs/{BRIEF}/index.md", "contribute/index.md"]
    assert paths[-1] == "incremental"
    _assert_clean(project)


def test_planted_theme_bytecode_never_runs_when_serving(project: Path, marker: Path) -> None:
    from mkdocs.theme import Theme

    theme = Theme(name="material", custom_dir=str(project / "site_templates" / "overrides"))
    env = theme.get_env()  # the theme's templates as MkDocs loads them
    assert env.loader is not None
    names = ["404.html", "main.html", "base.html"]
    _plant_jinja(project / cache.CACHE_DIR / "theme", env.loader, names, marker)
    plugin = BriefsPlugin()
    plugin.on_startup(command="serve", dirty=True)
    config: Any = SimpleNamespace(config_file_path=str(project / "mkdocs.yml"))
    env = plugin.on_env(env, config=config, files=None)
    for name in names:
        env.get_template(name)
    assert not marker.exists()
    bcc = env.bytecode_cache
    assert isinstance(bcc, render.BytecodeCache)
    assert bcc.disk is None or not Path(bcc.disk.directory).resolve().is_relative_to(project)


def test_compiled_templates_never_live_in_the_project(project: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    generate(project, site_config(project))
    assert sorted(p.name for p in (project / cache.CACHE_DIR).iterdir()) == [
        cache.CACHE_FILE, incremental.STATE_FILE]
    # $TMPDIR inside the project: Jinja's per-user folder would be the repository's too.
    inside = jinja2.FileSystemBytecodeCache(str(project / "tmp"))
    monkeypatch.setattr(render.templates, "_user_cache", lambda: inside)
    assert render.BytecodeCache.for_project(project).disk is None
    assert render.BytecodeCache.for_project(project.parent / "elsewhere").disk is inside


def test_crafted_state_schema_is_refused_before_any_query(project: Path, paths: list[str],
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    """A state with a trigger, a view in place of a table, or an extra table is not read:
    the only statements run on it are the pragma and the schema check."""
    config = site_config(project)
    generate(project, config)
    state = project / cache.CACHE_DIR / incremental.STATE_FILE
    statements: list[str] = []
    real_connect = sqlite3.connect

    def connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        db: sqlite3.Connection = real_connect(*args, **kwargs)
        db.set_trace_callback(statements.append)
        return db

    monkeypatch.setattr(sqlite3, "connect", connect)
    crafts = [
        "CREATE TRIGGER t AFTER UPDATE ON entity BEGIN DELETE FROM reader; END",
        "DROP TABLE entity; CREATE VIEW entity (id, facet, slice, digest) AS "
        "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) "
        "SELECT x, x, x, x FROM n",
        "CREATE TABLE extra (x)",
    ]
    for tag, craft in enumerate(crafts):
        with contextlib.closing(real_connect(state)) as db:
            db.executescript(craft)
        statements.clear()
        edit_brief(project, BRIEF, str(tag))
        generate(project, config)
        assert statements[:2] == ["PRAGMA trusted_schema=OFF",
                                  "SELECT type, name, tbl_name, sql FROM sqlite_master"]
        assert not any("FROM meta" in s or "FROM entity" in s for s in statements), statements
        _assert_clean(project)
    assert paths == ["full"] * len(crafts)
    with contextlib.closing(real_connect(state)) as db:
        kinds = sorted(t for (t,) in db.execute("SELECT type FROM sqlite_master"))
    assert kinds == sorted(t for t, *_ in incremental._expected_schema())
    assert kinds.count("table") == len(incremental._SCHEMA)


def test_links_in_the_cache_folder_are_not_followed(project: Path, tmp_path: Path,
                                                    paths: list[str]) -> None:
    config = site_config(project)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "precious.sqlite").write_bytes(b"keep")
    (project / cache.CACHE_DIR).symlink_to(outside)  # the whole folder, committed as a link
    generate(project, config)
    edit_brief(project, BRIEF, "1")
    generate(project, config)  # no cache folder: no fingerprint, the full path at once
    assert sorted(p.name for p in outside.iterdir()) == ["precious.sqlite"]
    _assert_clean(project)

    (project / cache.CACHE_DIR).unlink()
    generate(project, config)
    state = project / cache.CACHE_DIR / incremental.STATE_FILE
    state.unlink()
    state.symlink_to(outside / "precious.sqlite")  # the state file as a link
    edit_brief(project, BRIEF, "2")
    generate(project, config)
    assert (outside / "precious.sqlite").read_bytes() == b"keep"
    assert state.is_file() and not state.is_symlink()
    _assert_clean(project)

    fingerprint = project / cache.CACHE_DIR / cache.CACHE_FILE
    fingerprint.unlink()
    fingerprint.symlink_to("/dev/zero")  # endless, were it read
    edit_brief(project, BRIEF, "3")
    generate(project, config)
    assert fingerprint.is_file() and not fingerprint.is_symlink()
    assert paths == ["full"]
    _assert_clean(project)


def test_cache_reads_only_regular_files(tmp_path: Path) -> None:
    target = tmp_path / "data"
    target.write_bytes(b"{}")
    link = tmp_path / "link"
    link.symlink_to(target)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    assert cache.read_regular(target) == b"{}"
    assert cache.read_regular(link) is None
    assert cache.read_regular(fifo) is None  # would block forever if opened for reading
    assert cache.read_regular(target, limit=1) is None


def test_an_old_or_foreign_fingerprint_is_ignored(project: Path, marker: Path) -> None:
    folder = project / cache.CACHE_DIR
    folder.mkdir()
    for data in (b"[]", b'{"format": 1}', b'{"format": 2, "config": [], "code": [], '
                 b'"inputs": {}, "outputs": {}}', b"\xff\xfe", b"[" * 100_000,
                 pickle.dumps(Payload(marker))):
        (folder / cache.CACHE_FILE).write_bytes(data)
        assert cache.load(project) is None


# ---------------------------------------------------------------- the codec

_texts = st.text(max_size=12)
_ids = st.text(alphabet="abcz-09", min_size=1, max_size=8)


def _tuples(elements: st.SearchStrategy[Any], size: int = 3) -> st.SearchStrategy[Any]:
    return st.lists(elements, max_size=size).map(tuple)


_inline: st.SearchStrategy[Any] = st.deferred(lambda: st.one_of(
    st.builds(Text, _texts), st.builds(Code, _texts),
    st.builds(Emph, _tuples(_inline)), st.builds(Strong, _tuples(_inline)),
    st.builds(Link, _texts, _tuples(_inline)),
    st.builds(Ref, _ids, st.none() | _texts, _texts), st.builds(Mention, _ids, _texts)))
_rich = st.builds(
    Rich, _texts,
    _tuples(st.builds(Paragraph, _tuples(_inline))
            | st.builds(BulletList, _tuples(_tuples(_inline)))),
    _tuples(st.builds(MarkupProblem, _texts, _texts, _texts), 2))
_partial = st.builds(PartialDate, st.integers(1, 9999), st.integers(0, 12), st.integers(0, 31))
_events = st.builds(EventFacet, _partial, _rich, _tuples(_ids))
_facets = (
    st.builds(BriefFacet, name=_texts, tooltip=_texts, aliases=_tuples(_texts),
              date=st.dates(), updated=st.none() | st.dates(), tags=_tuples(_ids),
              involved=_tuples(_ids), events=_tuples(_events, 2),
              relations=_tuples(st.tuples(_ids, _ids, _texts)),
              updates=_tuples(st.tuples(st.dates(), _texts,
                                        st.sampled_from(("update", "correction")))),
              story=_texts)
    | st.builds(ActorFacet, name=_texts, tooltip=_texts, aliases=_tuples(_texts),
                actor_kind=_texts, role=_texts, summary=_rich, members=_tuples(_ids),
                affiliation=_texts)
    | st.builds(TermFacet, name=_texts, tooltip=_texts, aliases=_tuples(_texts),
                used_by=_tuples(_ids))
    | st.builds(StoryFacet, name=_texts, tooltip=_texts, status=_texts,
                updated=st.none() | st.dates(), tags=_tuples(_ids)))
_site_events = st.builds(SiteEvent, _partial, _ids, st.integers(0, 99), _tuples(_ids))
_edges = st.builds(Edge, _ids, _ids, _texts, st.none() | _ids)
_values = st.recursive(
    st.none() | st.booleans() | st.integers() | _texts | st.dates() | st.sampled_from(Kind)
    | _facets | _events | _site_events | _edges | _rich | _partial | _inline,
    lambda inner: (_tuples(inner) | st.lists(inner, max_size=3)
                   | st.dictionaries(_texts, inner, max_size=3)),
    max_leaves=12)


@settings(max_examples=examples(300), deadline=None)
@given(value=_values)
def test_serial_round_trips_every_registered_type(value: Any) -> None:
    back = serial.loads(serial.dumps(value))
    assert back == value
    assert repr(back) == repr(value)  # types and fields compared outside __eq__ too


def test_every_registered_type_is_generated() -> None:
    """The property above covers the whole allow-list."""
    covered = {BriefFacet, ActorFacet, TermFacet, StoryFacet, EventFacet, SiteEvent, Edge, PartialDate,
               Rich, Paragraph, BulletList, MarkupProblem, Text, Code, Emph, Strong, Link, Ref,
               Mention}
    assert set(serial.REGISTERED) == covered


def test_serial_round_trips_a_real_state(project: Path) -> None:
    graph, problems = check(project)
    assert problems == []
    values: list[Any] = [graph.facets, graph.aliases]
    values += [getattr(graph, name) for name in DERIVED]
    for value in values:
        assert repr(serial.loads(serial.dumps(value))) == repr(value)
    # every stored derived value reads back as its field's type, key by key and whole
    stored = dict(incremental._derived_values(graph, [f"{name}:*" for name in DERIVED]))
    assert len(stored) > len(DERIVED)
    for key, blob in stored.items():
        name, _, part = key.partition(":")
        value = getattr(graph, name) if part == "*" else getattr(graph, name)[part]
        assert repr(serial.loads(blob, incremental._value_type(key))) == repr(value)
    facet = graph.facets[BRIEF]
    assert serial.loads(serial.dumps(facet), AnyFacet) == facet
    with pytest.raises(serial.SerialError):  # a brief's facet is not an actor's
        serial.loads(serial.dumps(facet), ActorFacet)


REFUSED = [
    b"",
    b"not json",
    b"\x80\x04K\x01.",  # a pickle
    b"1.5",
    b"NaN",
    b'{"Evil": {}}',
    b'{"SiteConfig": {"site_name": "x", "site_url": "y"}}',  # a dataclass, not registered
    b'{"Graph": {}}',
    b'{"os.system": ["id"]}',
    b'{"__import__": "os"}',
    b'{"Text": {"value": "x", "extra": 1}}',
    b'{"Text": {}}',
    b'{"Text": {"value": 3}}',
    b'{"Text": ["x"]}',
    b'{"Text": {"value": "x"}, "Code": {"value": "y"}}',
    b'{}',
    b'{"Paragraph": {"children": [{"date": "2024-01-01"}]}}',
    b'{"Facet": {"name": "n", "tooltip": "t"}}',  # the base class is not registered
    b'{"BriefFacet": {"kind": {"kind": "brief"}, "name": "n", "tooltip": "t"}}',  # no such field
    b'{"BriefFacet": {"name": "n", "tooltip": "t", "date": "2024"}}',  # not a date
    b'{"Edge": {"source": "a", "target": "b", "label": "c", "brief": ["x"]}}',
    b'{"date": "not a date"}',
    b'{"date": 20240101}',
    b'{"kind": "dragon"}',
    b'{"list": {"a": 1}}',
    b'{"dict": [1, 2]}',
    b"[" * 50_000 + b"]" * 50_000,
    b"1" * 5000,
]


@pytest.mark.parametrize("data", REFUSED, ids=lambda d: d[:40].decode("latin-1"))
def test_serial_refuses_anything_else(data: bytes) -> None:
    with pytest.raises(serial.SerialError):
        serial.loads(data)


def test_serial_checks_the_expected_type() -> None:
    text = serial.dumps(Text("x"))
    assert serial.loads(text, Text) == Text("x")
    for wrong in (BriefFacet, Code, str, tuple[Text, ...], dict[str, Text]):
        with pytest.raises(serial.SerialError):
            serial.loads(text, wrong)
    assert serial.loads(serial.dumps({"a": ("b",)}), dict[str, tuple[str, ...]]) == {"a": ("b",)}


@pytest.mark.parametrize("value", [
    {1: "x"}, {Kind.BRIEF: "x"}, {"a"}, frozenset(), 1.5, b"x", object(), dt.datetime(2024, 1, 1),
    lock, SimpleNamespace(), Payload(Path("x")),
])
def test_serial_cannot_write_what_it_cannot_read(value: Any) -> None:
    with pytest.raises(serial.SerialError):
        serial.dumps(value)


def test_serial_error_is_a_value_error_of_the_package() -> None:
    assert issubclass(serial.SerialError, ValueError)
    assert issubclass(serial.SerialError, BriefsError)


# ---------------------------------------------------------------- two runs at once

# A child `briefs generate`. "slow": stage everything, say so, then wait for the test's
# go-ahead before the swap. "nolock": take no project lock (recovery alone must be safe).
CHILD = textwrap.dedent("""
    import contextlib, os, sys, time
    from pathlib import Path
    from generator import pipeline, write
    from generator.cli import main

    root, mode, flags = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
    if mode == "slow":
        real = write.swap_in
        def swap_in(target, stage):
            def slow(folder):
                stage(folder)
                (flags / "staged").write_text(str(os.getpid()))
                deadline = time.monotonic() + 120
                while not (flags / "go").exists() and time.monotonic() < deadline:
                    time.sleep(0.02)
            real(target, slow)
        write.swap_in = swap_in
    elif mode == "nolock":
        pipeline.project_lock = lambda root, timeout=None: contextlib.nullcontext()
    sys.exit(main(["--root", str(root), "generate"]))
""")


Spawn = Callable[..., subprocess.Popen[bytes]]


@pytest.fixture
def spawn() -> Iterator[Spawn]:
    """Popen for the test; every child is stopped and reaped when the test ends."""
    children: list[subprocess.Popen[bytes]] = []

    def _spawn(args: list[str], **kwargs: Any) -> subprocess.Popen[bytes]:
        children.append(subprocess.Popen(args, cwd=REPO, **kwargs))
        return children[-1]

    yield _spawn
    for child in children:
        if child.poll() is None:
            child.kill()
        child.wait(timeout=30)
        for stream in (child.stdin, child.stdout):
            if stream is not None:
                stream.close()


def _child(spawn: Spawn, root: Path, mode: str, flags: Path, name: str
           ) -> tuple[subprocess.Popen[bytes], Path]:
    err = flags / f"{name}.err"
    with err.open("wb") as sink:
        proc = spawn([sys.executable, "-c", CHILD, str(root), mode, str(flags)],
                     stdout=subprocess.DEVNULL, stderr=sink)
    return proc, err


def _wait_for(condition: Callable[[], bool], what: str, limit: float = 120) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def _finish(proc: subprocess.Popen[bytes], err: Path) -> str:
    assert proc.wait(timeout=120) == 0, err.read_text(encoding="utf-8")
    return err.read_text(encoding="utf-8")


def _leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith((".docs.", ".site.")))


@pytest.fixture
def flags(tmp_path: Path) -> Path:
    folder = tmp_path / "flags"
    folder.mkdir()
    return folder


@pytest.mark.slow  # two real generations racing: seconds each, run by `make test` and CI
@pytest.mark.parametrize("mode", ["locked", "nolock"])
def test_two_generations_at_once_publish_a_complete_docs(project: Path, flags: Path,
                                                         spawn: Spawn, mode: str) -> None:
    """A stages its whole tree and stops before the swap; B starts then. With the lock, B
    waits for A (and says so); without it, B's recovery leaves A's staging folder alone and
    both publish complete trees. Either way both succeed and docs/ is complete."""
    expected = generate_files(project, site_config(project)).files
    first, first_err = _child(spawn, project, "slow", flags, "first")
    try:
        _wait_for(lambda: (flags / "staged").exists() or first.poll() is not None,
                  "the first run to stage")
        assert first.poll() is None, first_err.read_text(encoding="utf-8")
        staging = project / f".docs.new-{first.pid}"
        assert staging.is_dir()
        second, second_err = _child(spawn, project,
                                    "normal" if mode == "locked" else "nolock", flags, "second")
        if mode == "locked":
            waiting = (f"waiting for another build of this project (pid {first.pid}) "
                       "to finish")
            _wait_for(lambda: waiting in second_err.read_text(encoding="utf-8")
                      or second.poll() is not None, "the second run to wait")
            assert second.poll() is None, second_err.read_text(encoding="utf-8")
        else:
            assert second.wait(timeout=120) == 0, second_err.read_text(encoding="utf-8")
            _assert_clean(project)  # the second run published a complete tree
        assert staging.is_dir(), "the second run removed the first run's staging folder"
        staged = {p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file()}
        assert staged == set(expected)
    finally:
        (flags / "go").touch()
    _finish(first, first_err)
    said = _finish(second, second_err)
    assert said.count("waiting for another build") == (1 if mode == "locked" else 0)
    _assert_clean(project)
    assert _leftovers(project) == []


def test_a_second_run_waits_for_the_lock_holder(project: Path, flags: Path,
                                                spawn: Spawn) -> None:
    with lock.project_lock(project):
        proc, err = _child(spawn, project, "normal", flags, "run")
        waiting = f"waiting for another build of this project (pid {os.getpid()}) to finish"
        _wait_for(lambda: waiting in err.read_text(encoding="utf-8") or proc.poll() is not None,
                  "the run to wait")
        assert proc.poll() is None, err.read_text(encoding="utf-8")
        assert not (project / "docs" / "index.md").exists()
    _finish(proc, err)
    _assert_clean(project)


def test_a_run_gives_up_after_the_timeout(project: Path, spawn: Spawn) -> None:
    holder = spawn(
        [sys.executable, "-c", "import sys; from pathlib import Path; "
         "from generator.lock import project_lock\n"
         "with project_lock(Path(sys.argv[1])):\n print('held', flush=True); sys.stdin.read()",
         str(project)], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert holder.stdout is not None and holder.stdout.readline() == b"held\n"
    started = time.monotonic()
    with pytest.raises(EnvironmentProblem, match=f"pid {holder.pid}.*still running"), \
            lock.project_lock(project, timeout=0.3):
        pass
    assert time.monotonic() - started < 5
    assert holder.stdin is not None
    holder.stdin.close()
    assert holder.wait(timeout=30) == 0
    with lock.project_lock(project, timeout=5):  # released when its holder exited
        pass


def test_the_lock_is_reentrant_in_a_thread_and_exclusive_between_threads(project: Path) -> None:
    outcome: list[str] = []

    def other() -> None:
        try:
            with lock.project_lock(project, timeout=0.2):
                outcome.append("entered")
        except EnvironmentProblem:
            outcome.append("timed out")

    with lock.project_lock(project), lock.project_lock(project):
        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
    assert outcome == ["timed out"]
    other()
    assert outcome == ["timed out", "entered"]


def test_build_holds_the_lock_across_generation_and_the_site_build(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`briefs build` holds it from generation to the end of the MkDocs build (the fakes
    below take no lock of their own), and build_site takes it when called alone."""
    import mkdocs.commands.build

    from generator import pipeline, site
    from generator.cli import main

    held: list[tuple[str, bool]] = []
    monkeypatch.setattr(pipeline, "generate", lambda *a, **k: held.append(("generate",
                                                                           bool(lock._held))))
    real_build_site = site.build_site

    def build_site(root: Path, **kwargs: Any) -> float:
        held.append(("build_site", bool(lock._held)))
        return real_build_site(root, **kwargs)

    monkeypatch.setattr(site, "build_site", build_site)
    monkeypatch.setattr(mkdocs.commands.build, "build",
                        lambda config: held.append(("mkdocs", bool(lock._held))))
    assert main(["--root", str(project), "build"]) == 0
    assert held == [("generate", True), ("build_site", True), ("mkdocs", True)]
    assert not lock._held
    held.clear()
    real_build_site(project)
    assert held == [("mkdocs", True)]
    assert not lock._held


def test_recover_removes_only_the_folders_of_dead_runs(tmp_path: Path, spawn: Spawn) -> None:
    target = tmp_path / "docs"
    live = spawn([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    dead = spawn([sys.executable, "-c", "pass"])
    dead.wait()
    for tag in ("new", "old"):
        for pid in (live.pid, dead.pid):
            folder = tmp_path / f".docs.{tag}-{pid}"
            folder.mkdir()
            (folder / "index.md").write_text(f"{tag} {pid}", encoding="utf-8")
    # docs/ missing: a live run is between its two renames, a dead one was killed there
    recover(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["docs", f".docs.new-{live.pid}", f".docs.old-{live.pid}"])
    assert (target / "index.md").read_text(encoding="utf-8") == f"old {dead.pid}"
    assert live.stdin is not None
    live.stdin.close()
    live.wait(timeout=30)
    recover(target)  # now that run is gone too
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs"]
