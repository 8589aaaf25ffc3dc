"""An accessibility pass in the browser: every page has a title and one top heading, every
form field a label, every image a text, and text has enough contrast (WCAG AA: 4.5:1, 3:1 for
large text), computed from the colours the browser actually draws."""

from __future__ import annotations

from pathlib import Path
from typing import Any

_CHECK = (Path(__file__).parent / "accessibility.js").read_text(encoding="utf-8")


def problems(page: Any) -> list[str]:
    """What the page lacks; empty when it passes."""
    found: list[str] = page.evaluate(_CHECK)
    return found


def assert_accessible(page: Any) -> None:
    found = problems(page)
    assert not found, f"{page.url}: " + "; ".join(found[:10])
