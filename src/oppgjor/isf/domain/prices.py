"""ISF refund = Σ points × unit price × ISF share, separately for somatic care and for mental
health care and substance abuse treatment (PHV/TSB). Values are per year; a year whose values
are not public must be supplied by the user, and pricing it without them is refused by name.

>>> p = Prices.for_year(2020, {})
>>> p.refund(Decimal("-155.11"), Area.SOMATIC)
Decimal('-3552639.44')
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from oppgjor.core import parameters

POINTS = Decimal("0.001")
ORE = Decimal("0.01")


class Area(StrEnum):
    SOMATIC = "somatic"
    PHV_TSB = "phv_tsb"


KEYS = {
    Area.SOMATIC: ("unit_price_somatic", "isf_share_somatic"),
    Area.PHV_TSB: ("unit_price_phv_tsb", "isf_share_phv_tsb"),
}


class MissingPrices(LookupError):
    """A year's unit price or ISF share is not known: the user must supply it."""


def points(value: Decimal | int | str) -> Decimal:
    """Points with three decimals (DESIGN.md convention 6)."""
    return Decimal(value).quantize(POINTS, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class AreaPrice:
    unit_price: Decimal
    share: Decimal
    source: str  # "published" or "settings"


@dataclass(frozen=True)
class Prices:
    year: int
    areas: Mapping[Area, AreaPrice]

    @classmethod
    def for_year(cls, year: int, supplied: Mapping[str, Any]) -> Prices:
        """Published values for *year*, overridden or completed by *supplied*
        (``{"somatic": {"unit_price": ..., "share": ...}, "phv_tsb": {...}}``)."""
        shipped = parameters.load("isf")
        day = datetime.date(year, 1, 1)
        areas: dict[Area, AreaPrice] = {}
        for area, (price_key, share_key) in KEYS.items():
            given = supplied.get(area.value) or {}
            price = given.get("unit_price", _published(shipped, price_key, day))
            share = given.get("share", _published(shipped, share_key, day))
            if price is not None and share is not None:
                source = "settings" if given else "published"
                areas[area] = AreaPrice(Decimal(str(price)), Decimal(str(share)), source)
        return cls(year, areas)

    def area(self, area: Area) -> AreaPrice:
        if area not in self.areas:
            raise MissingPrices(
                f"ISF {self.year}: enhetspris og ISF-andel for {area.value} er ikke offentlige "
                f"verdier oppgjor kjenner; oppgi {area.value}.unit_price og {area.value}.share "
                "for året i innstillingsfilen."
            )
        return self.areas[area]

    def refund(self, total_points: Decimal, area: Area) -> Decimal:
        """Kroner for *total_points*, rounded to øre once, at the end."""
        return self.refund_by_area({area: total_points})

    def refund_by_area(self, total_points: Mapping[Area, Decimal]) -> Decimal:
        """Kroner for points summed per area, each area at its own price, rounded to øre
        once over them all."""
        exact = Decimal(0)
        for area, summed in total_points.items():
            price = self.area(area)
            exact += points(summed) * price.unit_price * price.share
        return exact.quantize(ORE, rounding=ROUND_HALF_UP)


def _published(shipped: Mapping[str, parameters.Parameter], key: str, day: datetime.date) -> Any:
    try:
        return shipped[key].at(day)
    except parameters.ParameterError:
        return None


def missing(year: int, supplied: Mapping[str, Any]) -> list[str]:
    """The values the user must supply to price *year*, by name."""
    prices = Prices.for_year(year, supplied)
    return [f"{a.value}.unit_price/share" for a in Area if a not in prices.areas]
