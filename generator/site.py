"""The site build, at arm's length: configuration (read the way MkDocs reads it), and the
strict build of site/ by the chosen engine (generator/engines.py), search index included."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from .diagnostics import EnvironmentProblem, os_reason
from .engines import CONFIG_FILE, GENERATED_ENV, MKDOCS, Engine, check_versions, finish, run_child
from .lock import project_lock
from .pipeline import DOCS_DIR
from .progress import NO_PROGRESS, Progress, reporting
from .search import index_site
from .sitecheck import check_links
from .urls import SiteConfig
from .write import recover, staged_folder

SITE_DIR = "site"
DEFAULT_SITE_NAME = "Explainer Briefs"

# True while `briefs build` runs MkDocs on docs it has just generated (the hooks skip then:
# no generation, and the search index is built here, after MkDocs).
_state = {"generated": False}
log = logging.getLogger("mkdocs.plugins.briefs")


def generated_by_caller() -> bool:
    """True while `briefs build` builds docs/ it has just generated: in this process
    (MkDocs), or as the parent of this process (ProperDocs, engines.run_child)."""
    return _state["generated"] or os.environ.get(GENERATED_ENV) == "1"


def load_mkdocs_config(root: Path, **overrides: Any) -> Any:
    check_versions(MKDOCS)
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    path = root / CONFIG_FILE
    if not path.is_file():
        raise EnvironmentProblem(f"no {CONFIG_FILE} in {root.name or root}")
    docs = root / DOCS_DIR
    try:
        recover(docs)  # a run killed mid-swap left docs/ aside: put it back first
        docs.mkdir(exist_ok=True)
    except OSError as exc:
        raise EnvironmentProblem(f"cannot prepare {DOCS_DIR}/: {os_reason(exc)}") from exc
    collector = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collector)
    try:
        return load_config(config_file=str(path), **overrides)
    except MkDocsException as exc:
        details = "; ".join(collector.messages) or str(exc)
        raise EnvironmentProblem(f"{CONFIG_FILE} is not valid: {details}") from exc
    finally:
        logger.removeHandler(collector)


def site_config(root: Path) -> SiteConfig:
    """Site name and URL as MkDocs sees them (site_url follows $SITE_URL).

    Without an mkdocs.yml (another site builder consumes the Markdown) defaults apply;
    any other problem with it is an error, never silently replaced by defaults.
    """
    if not (root / CONFIG_FILE).is_file():
        return SiteConfig(DEFAULT_SITE_NAME, "")
    config = load_mkdocs_config(root)
    return SiteConfig.of(config.site_name, config.site_url)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def build_site(root: Path, site_dir: Path | None = None, *,
               progress: Progress = NO_PROGRESS, engine: Engine = MKDOCS) -> float:
    """The engine's strict build, then the Pagefind search index, into a staging folder
    that replaces site/ only when both succeeded, holding the project lock (no generation
    changes docs/ while the engine reads it). Returns the seconds the search index took.
    Stages and counts go to `progress`: MkDocs' through the plugin's hooks, which find it
    in `generator.progress.current()` while the build runs; another engine's build is one
    stage."""
    target = site_dir or root / SITE_DIR
    if engine is not MKDOCS:
        check_versions(engine)
        with project_lock(root), staged_folder(target) as staging:
            if not (root / CONFIG_FILE).is_file():
                raise EnvironmentProblem(f"no {CONFIG_FILE} in {root.name or root}")
            with progress.stage(f"{engine.label} build"):
                run_child(engine, root, staging)
                finish(engine, staging)
            return _check_and_index(staging, progress)  # the swap follows, as the block ends
    return _build_with_mkdocs(root, target, progress)


def _build_with_mkdocs(root: Path, target: Path, progress: Progress) -> float:
    from mkdocs.commands.build import build
    from mkdocs.exceptions import MkDocsException

    with project_lock(root), staged_folder(target) as staging:
        config = load_mkdocs_config(root, site_dir=str(staging), strict=True)
        collector = _Collect()
        logger = logging.getLogger("mkdocs")
        logger.addHandler(collector)
        _state["generated"] = True
        try:
            with reporting(progress):
                build(config)
        except MkDocsException as exc:
            # Content passed the checks, so a failing build is the templates', the theme's
            # or the machine's problem: an environment error (exit 2), site/ untouched.
            details = "; ".join(collector.messages) or str(exc)
            raise EnvironmentProblem(f"MkDocs build failed, site/ left as it was: "
                                     f"{details}") from exc
        except Exception as exc:
            raise EnvironmentProblem(f"MkDocs crashed ({type(exc).__name__}: {exc}); "
                                     "site/ left as it was") from exc
        finally:
            _state["generated"] = False
            logger.removeHandler(collector)
        seconds = _check_and_index(staging, progress)
        log.info("briefs: search index built in %.1f s", seconds)
    return seconds


def _check_and_index(staging: Path, progress: Progress) -> float:
    """Every engine's site alike: its links checked, then indexed for search. Each raises
    EnvironmentProblem, and site/ is left as it was."""
    with progress.stage("link check"):
        check_links(staging)
    with progress.stage("search index"):
        return index_site(staging)
