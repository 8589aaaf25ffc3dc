"""The ISF settings file: the user's unit prices and ISF shares for years whose values are not
public, as YAML, ``2021: {somatic: {unit_price: .., share: ..}, phv_tsb: {...}}``. Read with
``yaml.safe_load`` only (no tags, no code). A unit price must be a positive number and a share
a fraction from 0 to 1 (``0.5``, not ``50`` or ``5``): anything else is refused, and every
refusal shows the expected shape (:data:`EXAMPLE`)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from oppgjor.isf.domain.prices import Area

EXAMPLE = """\
2021:
  somatic: {unit_price: 47000, share: 0.5}   # enhetspris i kr, ISF-andel 0-1
  phv_tsb: {unit_price: 3200, share: 0.25}"""


class SettingsError(ValueError):
    """The settings file cannot be used; the message (bokmål) names the file and the value
    and ends with the expected shape."""

    def __init__(self, problem: str) -> None:
        super().__init__(f"{problem}\nForventet form på innstillingsfilen (YAML):\n{EXAMPLE}")


def _number(text: Any) -> Decimal | None:
    if isinstance(text, bool):
        return None
    try:
        value = Decimal(str(text).strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _check(name: str, year: int, area: str, values: dict[str, Any]) -> None:
    for key in ("unit_price", "share"):
        value = _number(values.get(key))
        where = f"{name}: {year}.{area}.{key}"
        if value is None:
            raise SettingsError(f"{where} mangler eller er ikke et tall.")
        if key == "unit_price" and value <= 0:
            raise SettingsError(f"{where} = {values[key]} må være et positivt beløp i kroner.")
        if key == "share" and not 0 <= value <= 1:
            raise SettingsError(
                f"{where} = {values[key]} er utenfor 0–1; skriv andelen som en brøk "
                "(0.5 for 50 prosent)."
            )


def read(path: Path, year: int) -> dict[str, Any]:
    """The values for *year* (``{}`` when the file has none), each checked; what
    :meth:`oppgjor.isf.domain.prices.Prices.for_year` takes as *supplied*."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise SettingsError(f"Kan ikke lese innstillingsfilen {path.name}: {exc}") from None
    if not isinstance(data, dict):
        raise SettingsError(f"{path.name}: forventet år som nøkler (f.eks. 2021:).")
    year_values = data.get(year) or data.get(str(year)) or {}
    if not isinstance(year_values, dict):
        raise SettingsError(f"{path.name}: {year} må ha områdene somatic og/eller phv_tsb.")
    for area, values in year_values.items():
        if area not in {a.value for a in Area} or not isinstance(values, dict):
            raise SettingsError(f"{path.name}: ukjent område «{area}» for {year}.")
        _check(path.name, year, area, values)
    return dict(year_values)
