"""Explainer briefs: structured YAML in, Markdown pages and an MkDocs Material site out.

The pipeline (see pipeline.py): inventory.discover -> validate.validate -> link.link ->
pipeline.docs_files (render, one page at a time) -> write.write_stream, then
site.build_site runs MkDocs. An incremental run is the same stages over the edited files,
with the rest read from the state (incremental.py).

Where rules live: each kind of content in kinds.py (folder, model, rich and reference
fields); characters and normalisation in chars.py; escaping and the rich-text subset in
text.py; ids, paths and links in urls.py; diagnostics and the exception root
(BriefsError) in diagnostics.py; the build cache in cache.py and the incremental state in
incremental.py (plain data, serial.py); how pages read each field of the graph in
graph.Graph (`read_as`), recorded by render/views.py `recorded`; what the derived indexes
read of an entity in graph.DeriveInput; routes, forward and reverse, in urls.py; one build
at a time in lock.py.
"""

from __future__ import annotations

from .diagnostics import BriefsError, Diagnostic, DiagnosticsError, EnvironmentProblem
from .pipeline import check, generate, generate_files
from .urls import SiteConfig

__all__ = [
    "BriefsError",
    "Diagnostic",
    "DiagnosticsError",
    "EnvironmentProblem",
    "SiteConfig",
    "check",
    "generate",
    "generate_files",
]
