"""The `briefs` MkDocs plugin: plain `mkdocs build` and `mkdocs serve` generate docs/ first.

A thin adapter over the pipeline: it calls generate(), reports diagnostics and watches the
content folders when serving. Its only other work is for serving at scale: the search
index kept whole across dirty rebuilds, docs/ not watched, theme templates compiled once.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority

from . import site as _site
from .cache import INPUT_DIRS
from .diagnostics import DiagnosticsError, EnvironmentProblem, format_diagnostics
from .pipeline import generate
from .render import BytecodeCache
from .text import front_matter_problem
from .urls import SiteConfig

log = logging.getLogger("mkdocs.plugins.briefs")


class BriefsPlugin(BasePlugin):  # type: ignore[type-arg,no-untyped-call]
    def __init__(self) -> None:
        self.serving = False
        self.dirty = False
        self.built: set[str] = set()

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"
        self.dirty = dirty

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if _site.generated_by_caller():
            return config
        root = Path(config.config_file_path).parent
        try:
            report = generate(root, SiteConfig.of(config.site_name, config.site_url),
                              Path(config.docs_dir))
        except (DiagnosticsError, EnvironmentProblem) as exc:
            text = (format_diagnostics(exc.diagnostics) if isinstance(exc, DiagnosticsError)
                    else str(exc))
            if self.serving:
                # Printed, not logged: MkDocs counts logged errors and, in strict mode,
                # would stop serving; the preview keeps the last good pages instead.
                print(f"briefs: content errors; still serving the last good pages:\n{text}",
                      file=sys.stderr, flush=True)
                return config
            raise PluginError(f"content errors:\n{text}") from exc
        log.debug("briefs: %s", report.describe())
        if report.changed:
            log.info("briefs: %d file(s) written, %d removed", len(report.written),
                     len(report.removed))
        return config

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        self.built = set()

    def on_page_markdown(self, markdown: str, *, page: Any, config: MkDocsConfig,
                         files: Any) -> str:
        """A page whose front matter MkDocs' reader refused still starts with it: MkDocs
        would render the block as Markdown. That is a failed build, never a page."""
        if markdown.startswith("---") and front_matter_problem(markdown):
            raise PluginError(f"{page.file.src_uri}: {front_matter_problem(markdown)}; "
                              "the site was not built")
        return markdown

    def on_page_context(self, context: Any, *, page: Any, config: MkDocsConfig,
                        nav: Any) -> Any:
        self.built.add(page.url)
        return context

    @event_priority(100)  # before the search plugin writes its index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Dirty rebuilds (`briefs serve`): the search index keeps every page.

        Material's search merges a dirty rebuild into the previous index assuming one page
        was rebuilt, and drops or duplicates entries when an edit rebuilds several (a
        brief and the lists that show it). Here the previous entries of every page that
        was not rebuilt are kept, the rebuilt pages' entries replace theirs, and the
        plugin is told there is nothing left to merge.
        """
        search = next((p for p in config.plugins.values()
                       if hasattr(p, "search_index_prev")), None)
        previous = getattr(search, "search_index_prev", None)
        if not self.dirty or search is None or previous is None:
            return
        kept = [entry for entry in previous.entries
                if entry["location"].split("#")[0] not in self.built]
        search.search_index.entries = kept + search.search_index.entries
        search.search_index_prev = None

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Any) -> Any:
        """Serving: the theme's compiled templates are kept between rebuilds (MkDocs makes
        a new template environment, and compiles Material's templates, on every build), in
        memory and in Jinja's private temporary folder, never in the project."""
        if self.serving:
            env.bytecode_cache = BytecodeCache.for_project(Path(config.config_file_path).parent)
        return env

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        root = Path(config.config_file_path).parent
        for folder in INPUT_DIRS:  # what generation reads: an edit there rebuilds
            if (root / folder).is_dir():
                server.watch(str(root / folder))
        # docs/ is written by the generator during each build: watching it would start a
        # second, useless build after every edit.
        with contextlib.suppress(KeyError, ValueError):
            server.unwatch(config.docs_dir)
        return server
