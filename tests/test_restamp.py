"""tools/restamp.py: a fresh checkout plus a restored cache takes the warm path, and only
files whose bytes match the manifest get their recorded time back."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

from generator import cache, incremental
from generator.pipeline import generate
from generator.site import site_config
from tests.conftest import copy_project
from tools.restamp import main

FOLDERS = ["briefs", "seeds", "site_templates"]
OLD = 1_600_000_000_123_456_789  # ns: a time no checkout gives


def manifest_of(root: Path) -> dict[str, list[object]]:
    files: dict[str, list[object]] = json.loads(
        (root / ".briefs-cache" / "ci-stamps.json").read_text(encoding="utf-8"))["files"]
    return files


def checkout(source: Path, dest: Path) -> None:
    """What a CI run sees: the inputs with new times (a checkout), the cache and docs/ with
    their times to the nanosecond (actions/cache's GNU tar --posix keeps them)."""
    dest.mkdir()
    for name in [*FOLDERS, "mkdocs.yml"]:
        path = source / name
        if path.is_dir():
            shutil.copytree(path, dest / name, copy_function=shutil.copyfile)
        else:
            shutil.copyfile(path, dest / name)
    for name in (".briefs-cache", "docs"):
        shutil.copytree(source / name, dest / name)  # copy2: times kept


def test_a_checkout_with_the_restored_cache_is_fresh_after_restamping(tmp_path: Path) -> None:
    """The CI sequence, at one path (the fingerprint holds the docs folder's path)."""
    build = tmp_path / "build"
    project = copy_project(build / "project")
    generate(project, site_config(project))
    assert main(["save", ".briefs-cache/ci-stamps.json", *FOLDERS, "--root", str(project)]) == 0
    kept = tmp_path / "kept"
    project.rename(kept)

    checkout(kept, project)
    config = site_config(project)
    saved = cache.load(project)
    assert not cache.is_fresh(saved, cache.fingerprint(project, config, project / "docs"))

    assert main(["restore", ".briefs-cache/ci-stamps.json", *FOLDERS, "--root",
                 str(project)]) == 0
    assert cache.is_fresh(saved, cache.fingerprint(project, config, project / "docs"))

    # an edited brief keeps its checkout time: only it is seen as edited
    shutil.rmtree(project)
    checkout(kept, project)
    brief = sorted((project / "briefs").glob("*.yaml"))[0]
    brief.write_text(brief.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    main(["restore", ".briefs-cache/ci-stamps.json", *FOLDERS, "--root", str(project)])
    current = cache.fingerprint(project, config, project / "docs")
    assert saved is not None
    assert incremental.edited_files(saved, current) == [
        brief.relative_to(project).as_posix()]


def test_only_files_with_the_recorded_bytes_get_the_recorded_time(tmp_path: Path) -> None:
    root = tmp_path / "p"
    (root / "briefs").mkdir(parents=True)
    same, edited, same_size = (root / "briefs" / n for n in ("same.yaml", "edited.yaml",
                                                              "same-size.yaml"))
    for path in (same, edited, same_size):
        path.write_text("id: x\n", encoding="utf-8")
        os.utime(path, ns=(OLD, OLD))
    main(["save", "m.json", "briefs", "--root", str(root)])
    for path in (same, edited, same_size):
        path.touch()  # a checkout: new times
    edited.write_text("id: x, longer\n", encoding="utf-8")
    same_size.write_text("id: y\n", encoding="utf-8")  # same size, other bytes
    new = (root / "briefs" / "new.yaml")
    new.write_text("id: n\n", encoding="utf-8")
    main(["restore", "m.json", "briefs", "--root", str(root)])
    assert same.stat().st_mtime_ns == OLD
    for path in (edited, same_size, new):
        assert path.stat().st_mtime_ns != OLD


def test_the_manifest_names_no_path_to_touch(tmp_path: Path) -> None:
    """Only files found under the folders are touched; links are neither followed nor
    changed; a manifest of the wrong shape is ignored."""
    root = tmp_path / "p"
    (root / "briefs").mkdir(parents=True)
    outside = tmp_path / "outside.txt"
    outside.write_text("secret\n", encoding="utf-8")
    (root / "briefs" / "link.yaml").symlink_to(outside)
    before = outside.stat().st_mtime_ns
    manifest = root / "m.json"
    digest = hashlib.sha256(b"secret\n").hexdigest()
    manifest.write_text(json.dumps({"format": 1, "files": {
        "../outside.txt": [digest, 7, OLD], "briefs/link.yaml": [digest, 7, OLD],
        str(outside): [digest, 7, OLD]}}), encoding="utf-8")
    assert main(["restore", "m.json", "briefs", "--root", str(root)]) == 0
    assert outside.stat().st_mtime_ns == before
    assert (root / "briefs" / "link.yaml").lstat().st_mtime_ns != OLD

    for junk in ("[]", '{"format": 1, "files": []}', '{"format": 9, "files": {}}', "{",
                 '{"format": 1, "files": {"briefs/a.yaml": ["x", -1, "t"]}}'):
        manifest.write_text(junk, encoding="utf-8")
        assert main(["restore", "m.json", "briefs", "--root", str(root)]) == 0


def test_save_records_regular_files_only(tmp_path: Path) -> None:
    root = tmp_path / "p"
    (root / "briefs" / "sub").mkdir(parents=True)
    (root / "briefs" / "sub" / "a.yaml").write_text("a\n", encoding="utf-8")
    (root / "briefs" / "link.yaml").symlink_to(root / "briefs" / "sub" / "a.yaml")
    (root / "briefs" / "linked-dir").symlink_to(root / "briefs" / "sub")
    main(["save", ".briefs-cache/ci-stamps.json", "briefs", "missing", "--root", str(root)])
    assert set(manifest_of(root)) == {"briefs/sub/a.yaml"}
