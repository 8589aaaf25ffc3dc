"""KID: MOD10 and MOD11 check characters (MOD11's remainder 1 gives «-»), against independent
references (a bank account number is MOD11 with the same weights; Luhn is python-stdnum's)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.no import kontonr

from oppgjor.core.ids import kid
from oppgjor.core.ids.errors import InvalidIdentifier

bases = st.text(alphabet="0123456789", min_size=1, max_size=24)


def test_mod11_agrees_with_the_bank_account_number() -> None:
    """A Norwegian account number's last digit is MOD11 over the first ten, weights 2–7."""
    checked = [n for n in ("86011117947", "15030010087", "12345678903") if kontonr.is_valid(n)]
    assert "86011117947" in checked
    for number in checked:
        assert kid.mod11_check(number[:10]) == number[10]


def test_a_remainder_of_one_gives_a_dash_and_validates_only_as_mod11() -> None:
    made = kid.make("6", "MOD11")
    assert made == "6-"
    assert kid.validate(made) == "6-" and kid.validate(made, "MOD11") == "6-"
    with pytest.raises(InvalidIdentifier, match="kontrollsiffer"):
        kid.validate(made, "MOD10")


@given(bases, st.sampled_from(kid.METHODS))
def test_a_made_kid_validates_and_a_changed_one_does_not(base: str, method: kid.Method) -> None:
    made = kid.make(base, method)
    assert kid.validate(made, method) == made
    if method == "MOD10":
        assert luhn.is_valid(made)
    wrong = made[:-1] + ("0" if made[-1] != "0" else "1")
    if kid.check_character(base, method) != wrong[-1]:
        assert not kid.is_valid(wrong, method)


@pytest.mark.parametrize(
    ("text", "why"),
    [("", "mangler"), ("1", "2–25 tegn"), ("1" * 26, "2–25 tegn"), ("12a4", "bare inneholde"),
     ("1-34", "bare inneholde"), ("1234567890", "kontrollsiffer")],
)  # fmt: skip
def test_what_is_not_a_kid_says_why_in_norwegian(text: str, why: str) -> None:
    with pytest.raises(InvalidIdentifier, match=why):
        kid.validate(text)


def test_spaces_are_ignored_and_a_base_must_be_digits() -> None:
    assert kid.validate(" 1234 5678 97 ") == "1234567897"
    with pytest.raises(InvalidIdentifier):
        kid.make("12a", "MOD10")
    with pytest.raises(InvalidIdentifier):
        kid.make("1" * 25, "MOD11")
