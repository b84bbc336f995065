"""Which files are content: walks briefs/ and seeds/, takes ids from file names, refuses the rest."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .diagnostics import Diagnostic
from .kinds import FOLDERS, KINDS
from .urls import Kind, fold_id, id_problem

BRIEFS_DIR = "briefs"
SEEDS_DIR = "seeds"
KIND_DIRS = FOLDERS  # sub-folder of briefs/ -> the kind of its files (kinds.py)
_SPECIAL_FILE = "not a regular file (a pipe, device or socket); only regular files are read"


@dataclass(frozen=True)
class ContentFile:
    kind: Kind
    id: str
    rel: str  # path relative to the project root, with forward slashes


@dataclass(frozen=True)
class SeedFiles:
    id: str
    text_rel: str | None
    meta_rel: str | None


@dataclass
class Inventory:
    root: Path
    files: list[ContentFile] = field(default_factory=list)
    seeds: dict[str, SeedFiles] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ids(self) -> dict[str, Kind]:
        return {f.id: f.kind for f in self.files}


def content_rel(kind: Kind, entity_id: str) -> str:
    """Where the content file of an entity lives."""
    folder = KINDS[kind].folder
    return f"{BRIEFS_DIR}/{folder + '/' if folder else ''}{entity_id}.yaml"


def content_file(rel: str) -> ContentFile | None:
    """The entity a path under briefs/ holds by the layout rules (None if it holds none);
    whether the id is acceptable is for discover() to say."""
    parts = rel.split("/")
    if parts[0] != BRIEFS_DIR or not rel.endswith(".yaml") or len(parts) not in (2, 3):
        return None
    if len(parts) == 3 and (not parts[1] or parts[1] not in KIND_DIRS):
        return None
    kind = KIND_DIRS[parts[1]] if len(parts) == 3 else Kind.BRIEF
    return ContentFile(kind, parts[-1][: -len(".yaml")], rel)


def folder_problems(root: Path) -> list[Diagnostic]:
    """briefs/ and seeds/ must be real folders of the project: a missing one, or a link
    (git can commit one), would publish a site without its content and say nothing."""
    problems = []
    for name in (BRIEFS_DIR, SEEDS_DIR):
        path = root / name
        if path.is_symlink():
            why = "is a symbolic link; content folders must be real folders of the project"
        elif not path.exists():
            why = "is missing; create it (an empty site is never published by accident)"
        elif not path.is_dir():
            why = "is a file; it must be a folder"
        else:
            continue
        problems.append(Diagnostic(name, 1, 1, "bad-folder", f"{name}/ {why}"))
    return problems


def discover(root: Path) -> Inventory:
    inventory = Inventory(root, diagnostics=folder_problems(root))
    if inventory.diagnostics:
        return inventory
    _walk_briefs(inventory, root / BRIEFS_DIR)
    _walk_seeds(inventory, root / SEEDS_DIR)
    _check_collisions(inventory)
    return inventory


def _entries(folder: Path) -> list[os.DirEntry[str]]:
    with os.scandir(folder) as it:
        return sorted(it, key=lambda e: e.name)


def _walk_briefs(inventory: Inventory, briefs: Path) -> None:
    for sub, kind in KIND_DIRS.items():
        folder = briefs / sub if sub else briefs
        if sub and (folder.is_symlink() or (folder.exists() and not folder.is_dir())):
            inventory.diagnostics.append(_not_content(f"{BRIEFS_DIR}/{sub}",
                                                      "must be a folder, not a link or file"))
            continue
        if not folder.is_dir():
            continue
        for entry in _entries(folder):
            rel = f"{BRIEFS_DIR}/{sub + '/' if sub else ''}{entry.name}"
            if not sub and entry.name in KIND_DIRS:
                continue  # the kind folders are walked (or refused) on their own
            _add_file(inventory, entry, rel, kind)


_folders = [f"briefs/{folder}" for folder in KIND_DIRS if folder]
_KIND_FOLDERS = ", ".join(_folders[:-1]) + " and " + _folders[-1]


def _add_file(inventory: Inventory, entry: os.DirEntry[str], rel: str, kind: Kind) -> None:
    if entry.is_symlink():
        inventory.diagnostics.append(Diagnostic(rel, 1, 1, "symlink",
                                                "content files must be regular files, not "
                                                "symbolic links; the link was not followed"))
        return
    if entry.is_dir(follow_symlinks=False):
        inventory.diagnostics.append(_not_content(
            rel, f"folders other than {_KIND_FOLDERS} are not content"))
        return
    if not entry.is_file(follow_symlinks=False):
        inventory.diagnostics.append(_not_content(rel, _SPECIAL_FILE))
        return
    if not entry.name.endswith(".yaml"):
        hint = " (rename it to .yaml)" if entry.name.endswith(".yml") else ""
        inventory.diagnostics.append(_not_content(
            rel, f"only <id>.yaml files are content here{hint}; move this file out of briefs/"))
        return
    entity_id = entry.name[: -len(".yaml")]
    problem = id_problem(entity_id)
    if problem:
        inventory.diagnostics.append(Diagnostic(rel, 1, 1, problem[0], problem[1]))
        return
    inventory.files.append(ContentFile(kind, entity_id, rel))


def _walk_seeds(inventory: Inventory, seeds: Path) -> None:
    texts: dict[str, str] = {}
    metas: dict[str, str] = {}
    for entry in _entries(seeds):
        rel = f"{SEEDS_DIR}/{entry.name}"
        if entry.name.startswith("."):
            continue
        if entry.is_symlink():
            inventory.diagnostics.append(Diagnostic(rel, 1, 1, "symlink",
                                                    "seed files must be regular files, not "
                                                    "symbolic links; the link was not followed"))
            continue
        if not entry.is_dir(follow_symlinks=False) and not entry.is_file(follow_symlinks=False):
            inventory.diagnostics.append(_not_content(rel, _SPECIAL_FILE))
            continue
        stem, dot, ext = entry.name.rpartition(".")
        if not dot or ext not in ("txt", "yaml") or entry.is_dir(follow_symlinks=False):
            inventory.diagnostics.append(_not_content(
                rel, "seeds/ holds <id>.txt articles and optional <id>.yaml metadata only"))
            continue
        problem = id_problem(stem)
        if problem:
            inventory.diagnostics.append(Diagnostic(rel, 1, 1, problem[0], problem[1]))
            continue
        (texts if ext == "txt" else metas)[stem] = rel
    for seed_id in sorted(texts.keys() | metas.keys()):
        if seed_id not in texts:
            inventory.diagnostics.append(Diagnostic(
                metas[seed_id], 1, 1, "missing-seed",
                f"metadata for seed '{seed_id}' but no {SEEDS_DIR}/{seed_id}.txt"))
            continue
        inventory.seeds[seed_id] = SeedFiles(seed_id, texts.get(seed_id), metas.get(seed_id))


def _check_collisions(inventory: Inventory) -> None:
    by_id: dict[str, ContentFile] = {}
    by_fold: dict[str, ContentFile] = {}
    kept: list[ContentFile] = []
    for file in sorted(inventory.files, key=lambda f: f.rel):
        first = by_id.get(file.id)
        if first is not None:
            inventory.diagnostics.append(Diagnostic(
                file.rel, 1, 1, "duplicate-id",
                f"id '{file.id}' is already used by {first.rel}; briefs, actors, terms and "
                "stories share one namespace"))
            continue
        folded = by_fold.get(fold_id(file.id))
        if folded is not None:
            inventory.diagnostics.append(Diagnostic(
                file.rel, 1, 1, "id-collision",
                f"file name collides with {folded.rel} on case-insensitive file systems"))
            continue
        by_id[file.id] = by_fold[fold_id(file.id)] = file
        kept.append(file)
    inventory.files = kept


def _not_content(rel: str, why: str) -> Diagnostic:
    return Diagnostic(rel, 1, 1, "not-content", f"not a content file: {why}")
