import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oppgjor.core.ids import InvalidIdentifier, account, hpr, national_id, orgnr
from oppgjor.core.money import InvalidAmount, format_nok, nok

births = st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2024, 12, 31))
individuals = st.integers(min_value=0, max_value=999)
TODAY = datetime.date(2026, 11, 23)


@given(births, individuals, st.sampled_from(list(national_id.Kind)))
def test_made_numbers_validate_and_decode(born, individual, kind):
    number = national_id.make(born, individual, kind_=kind)
    if number is None:  # no valid check digits, or the individual number fits no century
        return
    assert national_id.validate(number, today=TODAY) == number
    assert national_id.kind(number) is kind
    assert national_id.birth_date(number) == born


@given(births, individuals, st.integers(min_value=0, max_value=8), st.integers(1, 9))
def test_any_single_digit_change_is_detected(born, individual, position, delta):
    number = national_id.make(born, individual)
    if number is None:
        return
    changed = number[:position] + str((int(number[position]) + delta) % 10) + number[position + 1 :]
    assert not national_id.is_valid(changed)


@given(births, individuals)
def test_synthetic_numbers_only_in_test_installations(born, individual):
    number = national_id.make(born, individual, synthetic=True)
    if number is None:
        return
    assert national_id.is_synthetic(number)
    assert national_id.validate(number, allow_synthetic=True, today=TODAY) == number
    with pytest.raises(InvalidIdentifier, match="syntetisk"):
        national_id.validate(number, allow_synthetic=False, today=TODAY)


def test_error_messages_mask_the_number():
    with pytest.raises(InvalidIdentifier) as exc:
        national_id.validate("15058612337")
    assert "15058612337" not in str(exc.value)
    assert "150586*****" in str(exc.value)


def test_future_birth_date_is_refused():
    number = national_id.make(datetime.date(2026, 12, 24), 600)
    assert number is not None
    with pytest.raises(InvalidIdentifier, match="fram i tid"):
        national_id.validate(number, today=TODAY)


@pytest.mark.parametrize("bad", ["", "123", "1505861233X", "150586123371"])
def test_malformed_national_ids(bad):
    assert not national_id.is_valid(bad)


@pytest.mark.parametrize(
    "typed",
    ["15916400184", " 159164 00184 ", "159164-00184", "159.164.00184", "１５９１６４００１８４"],
)
def test_national_ids_are_compacted_to_their_digits(typed):
    assert national_id.compact(typed) == "15916400184"


def test_orgnr_and_account():
    assert orgnr.validate("889 640 782") == "889640782"
    assert not orgnr.is_valid("889640781")
    with pytest.raises(InvalidIdentifier, match="Organisasjonsnummer"):
        orgnr.validate("12345678")
    assert account.validate("8601.11.17947") == "86011117947"
    with pytest.raises(InvalidIdentifier, match="kontrollsiffer"):
        account.validate("86011117948")


def test_hpr_is_checked_for_form_only():
    assert hpr.validate(" 9 144 889 ") == "9144889"
    for bad in ("12a45", "1234567890", "0"):
        assert not hpr.is_valid(bad)


def test_money_is_decimal_and_never_float():
    assert nok("1 234,5") == Decimal("1234.50")
    assert nok("kr 99.999") == Decimal("100.00")
    assert format_nok(Decimal("1234567.5")) == "1 234 567,50"
    with pytest.raises(TypeError):
        nok(1.5)  # type: ignore[arg-type]
    with pytest.raises(InvalidAmount):
        nok("tolv")
