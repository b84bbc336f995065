"""The `briefs` MkDocs plugin: plain `mkdocs build` and `mkdocs serve` generate docs/ first.

A thin adapter over the pipeline: it calls generate(), reports diagnostics and watches the
content folders when serving. Its other work: the search index after plain `mkdocs build`
and while serving (without holding rebuilds up), and, for serving at scale, docs/ not
watched, theme templates compiled once, and a banner listing the content errors on every
served page while the last generation failed (generator/preview.py). Under `briefs build`
the hooks count MkDocs' pages, read then written, on the reporter the build hands over
(generator/progress.py: `current()`; nothing is reported otherwise, so serving shows no
progress). Every page written is compacted (generator/compact.py: the theme's indentation
out).
"""

from __future__ import annotations

import contextlib
import logging
import sys
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin

from . import site as _site
from .cache import INPUT_DIRS
from .compact import compact_html
from .diagnostics import DiagnosticsError, EnvironmentProblem, format_diagnostics
from .pipeline import generate
from .preview import BannerMiddleware, PreviewStatus
from .progress import current as progress
from .render import BytecodeCache
from .search import BackgroundIndexer, index_site
from .text import front_matter_problem
from .urls import SiteConfig

log = logging.getLogger("mkdocs.plugins.briefs")


class BriefsPlugin(BasePlugin):  # type: ignore[type-arg,no-untyped-call]
    def __init__(self) -> None:
        self.serving = False
        self.indexed = False
        self.indexer = BackgroundIndexer()
        self.preview = PreviewStatus()  # what the served pages' banner lists (serve only)

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"

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
                # would stop serving; the preview keeps the last good pages instead, each
                # served with a banner that lists the problems.
                print(f"briefs: content errors; still serving the last good pages:\n{text}",
                      file=sys.stderr, flush=True)
                self.preview.fail(text.splitlines())
                return config
            raise PluginError(f"content errors:\n{text}") from exc
        self.preview.clear()
        log.debug("briefs: %s", report.describe())
        if report.changed:
            log.info("briefs: %d file(s) written, %d removed", len(report.written),
                     len(report.removed))
        return config

    def on_nav(self, nav: Any, *, config: MkDocsConfig, files: Any) -> Any:
        progress().start("MkDocs read", _page_count(files), "page")
        return nav

    def on_page_content(self, html: str, *, page: Any, config: MkDocsConfig, files: Any) -> str:
        progress().advance()  # one page's Markdown read and converted
        return html

    def on_post_page(self, output: str, *, page: Any, config: MkDocsConfig) -> str:
        progress().advance()  # one page's HTML rendered (written right after)
        return compact_html(output)  # the theme's indentation, on every page: ~4 KB each

    def on_page_markdown(self, markdown: str, *, page: Any, config: MkDocsConfig,
                         files: Any) -> str:
        """A page whose front matter MkDocs' reader refused still starts with it: MkDocs
        would render the block as Markdown. That is a failed build, never a page."""
        if markdown.startswith("---") and front_matter_problem(markdown):
            raise PluginError(f"{page.file.src_uri}: {front_matter_problem(markdown)}; "
                              "the site was not built")
        return markdown

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """The Pagefind search index (`briefs build` builds it itself, after MkDocs).

        Plain `mkdocs build`, and the first build of `briefs serve`: indexed here, before
        the site is served. Each later rebuild while serving is indexed in the background
        and swapped in when done, so search lags an edit by the time indexing takes (a
        second for the included content, about 20 s at 5,000 briefs) and never holds the
        preview up.
        """
        progress().finish()
        if _site.generated_by_caller():
            return
        site_dir = Path(config.site_dir)
        if self.serving and self.indexed:
            self.indexer.start(site_dir)
            return
        try:
            seconds = index_site(site_dir)
        except EnvironmentProblem as exc:
            if not self.serving:
                raise PluginError(str(exc)) from exc
            log.warning("briefs: %s; the preview has no search until the next rebuild", exc)
            return
        self.indexed = True
        log.info("briefs: search index built in %.1f s", seconds)

    def on_shutdown(self) -> None:
        self.indexer.stop()

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Any) -> Any:
        """Serving: the theme's compiled templates are kept between rebuilds (MkDocs makes
        a new template environment, and compiles Material's templates, on every build), in
        memory and in Jinja's private temporary folder, never in the project. Every page is
        read by now: the pages written are counted next."""
        progress().start("MkDocs write", _page_count(files), "page")
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
        # Pages are served with the content-error banner while generation fails: added as
        # they are served, since a dirty rebuild re-renders only the pages that changed.
        server.set_app(BannerMiddleware(server.get_app(), self.preview))
        return server


def _page_count(files: Any) -> int | None:
    """The Markdown pages MkDocs builds (None when a caller gives no file collection)."""
    return None if files is None else len(files.documentation_pages())
