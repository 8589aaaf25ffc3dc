from pathlib import Path

from oppgjor.app.catalogue import SOURCES, render


def test_controls_doc_is_current():
    doc = Path(__file__).parents[2] / "docs" / "controls.md"
    assert doc.read_text(encoding="utf-8") == render()


def test_codes_are_unique():
    codes = [c.code for _, group in SOURCES for c in group]
    assert len(codes) == len(set(codes))
