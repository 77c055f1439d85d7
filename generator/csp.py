"""Content-Security-Policy for the built pages (filled in by the hardening work)."""

from __future__ import annotations


def apply_csp(html: str) -> str:
    """The page with its Content-Security-Policy in place."""
    return html
