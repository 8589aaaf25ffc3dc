"""Modules a newcomer can read (DESIGN.md convention 11, issue 10): none over 400 lines,
migrations aside."""

from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "oppgjor"
LIMIT = 400


def test_no_module_is_over_the_limit():
    sizes = {
        str(path.relative_to(SRC)): len(path.read_text(encoding="utf-8").splitlines())
        for path in SRC.rglob("*.py")
        if "migrations" not in path.parts
    }
    assert len(sizes) > 100  # the walk found the package
    assert {name: n for name, n in sizes.items() if n > LIMIT} == {}
