"""Which characters a text field refuses (clinic/adapters/rows.bad_characters): the quick
look over a whole value names exactly the characters the per-character rule does."""

from __future__ import annotations

import sys
import unicodedata

from oppgjor.clinic.adapters.rows import bad_characters


def test_every_code_point_is_judged_by_its_unicode_category() -> None:
    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        refused = unicodedata.category(ch) in ("Cc", "Cs") and ch not in "\t\n\r"
        assert (bad_characters(f"a{ch}b") is not None) == refused, hex(code)


def test_the_message_names_the_characters_found() -> None:
    assert (
        bad_characters("Kari\x00Nord\x07") == "inneholder tegn som ikke kan lagres (U+0000, U+0007)"
    )
    assert bad_characters("Kari\tNord") is None
