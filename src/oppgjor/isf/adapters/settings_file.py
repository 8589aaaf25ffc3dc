"""The ISF settings file: the user's unit prices and ISF shares for years whose values are not
public, as YAML, ``2021: {somatic: {unit_price: .., share: ..}, phv_tsb: {...}}``. Read with
``yaml.safe_load`` only (no tags, no code)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from oppgjor.isf.domain.prices import Area


class SettingsError(ValueError):
    """The settings file cannot be used; the message (bokmål) names the file and the value."""


def read(path: Path, year: int) -> dict[str, Any]:
    """The values for *year* (``{}`` when the file has none), each checked to be a number;
    what :meth:`oppgjor.isf.domain.prices.Prices.for_year` takes as *supplied*."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise SettingsError(f"Kan ikke lese innstillingsfilen {path.name}: {exc}") from None
    if not isinstance(data, dict):
        raise SettingsError(f"{path.name}: forventet år som nøkler (f.eks. 2021:).")
    year_values = data.get(year) or data.get(str(year)) or {}
    for area, values in year_values.items():
        if area not in {a.value for a in Area} or not isinstance(values, dict):
            raise SettingsError(f"{path.name}: ukjent område «{area}» for {year}.")
        for key in ("unit_price", "share"):
            try:
                Decimal(str(values[key]))
            except (KeyError, InvalidOperation):
                raise SettingsError(
                    f"{path.name}: {year}.{area}.{key} mangler eller er ikke et tall."
                ) from None
    return dict(year_values)
