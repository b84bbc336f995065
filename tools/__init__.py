"""Tooling for CI and maintainers, outside the generator package (not installed with it)."""
