"""Dated parameters (DESIGN.md convention 4): numbers that change by date live in YAML under
``data/parameters/``, each with its source; the value for a day is the one with the latest
start on or before it.

A file maps parameter names to::

    claim_expiry_months:
      description: Frist for å sende regning til Helfo (måneder etter behandlingsmåneden)
      values:
        1997-05-01: 6
      metadata:
        reference: folketrygdloven § 22-14 (3)

>>> d = datetime.date
>>> p = Parameter("x", "", ((d(2020, 1, 1), 1), (d(2022, 1, 1), 2)), "doc")
>>> p.at(d(2021, 6, 1)), p.at(d(2022, 1, 1)), p.version(d(2023, 1, 1))
(1, 2, 'x@2022-01-01')

A finding or amount that used dated values names them, ``name@start`` joined by ``;``:

>>> versions((p, d(2021, 6, 1)), (p, d(2022, 3, 1)), (p, d(2021, 1, 1)))
'x@2020-01-01;x@2022-01-01'
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml


class ParameterError(LookupError):
    """A parameter is missing, has no value for the date, or its file is malformed."""


@dataclass(frozen=True)
class Parameter:
    name: str
    description: str
    values: tuple[tuple[datetime.date, Any], ...]  # sorted by start date
    reference: str

    def _entry(self, day: datetime.date) -> tuple[datetime.date, Any]:
        chosen = None
        for start, value in self.values:
            if start <= day:
                chosen = (start, value)
        if chosen is None:
            raise ParameterError(f"{self.name} har ingen verdi gyldig {day.isoformat()}")
        return chosen

    def at(self, day: datetime.date) -> Any:
        """The value in force on *day*."""
        return self._entry(day)[1]

    def version(self, day: datetime.date) -> str:
        """``name@start``: which dated value applies on *day* (for traceability)."""
        return f"{self.name}@{self._entry(day)[0].isoformat()}"


def versions(*used: tuple[Parameter, datetime.date]) -> str:
    """Which dated values were used (each parameter with the day it was read for): their
    versions ``name@YYYY-MM-DD``, each once, in the order first used, joined by ``;``."""
    return ";".join(dict.fromkeys(p.version(day) for p, day in used))


def _parse(name: str, raw: Any, source: str) -> Parameter:
    if not isinstance(raw, dict) or not isinstance(raw.get("values"), dict) or not raw["values"]:
        raise ParameterError(f"{source}: {name} mangler «values»")
    reference = (raw.get("metadata") or {}).get("reference")
    if not reference:
        raise ParameterError(f"{source}: {name} mangler metadata.reference (kilde)")
    values = []
    for start, value in raw["values"].items():
        if not isinstance(start, datetime.date):
            raise ParameterError(f"{source}: {name}: «{start}» er ikke en dato (ÅÅÅÅ-MM-DD)")
        values.append((start, value))
    return Parameter(name, str(raw.get("description", "")), tuple(sorted(values)), str(reference))


def parse(text: str, source: str = "<tekst>") -> dict[str, Parameter]:
    """Parameters from YAML text (safe loader: no tags, no code)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ParameterError(f"{source}: ugyldig YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ParameterError(f"{source}: forventet en liste av parametere")
    return {str(k): _parse(str(k), v, source) for k, v in data.items()}


@lru_cache(maxsize=16)
def load(name: str) -> dict[str, Parameter]:
    """The shipped parameter file ``data/parameters/<name>.yaml``."""
    path = resources.files("oppgjor.data").joinpath("parameters", f"{name}.yaml")
    return parse(path.read_text(encoding="utf-8"), f"parameters/{name}.yaml")
