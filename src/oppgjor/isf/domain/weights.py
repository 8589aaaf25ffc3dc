"""Cost-weight tables (kostnadsvekter) per DRG/STG/TFG, one table per ISF year.

The user provides the year's table (Helsedirektoratet publishes them with the rules); oppgjor
ships a clearly labelled synthetic demo table and the single 2020 weight confirmed publicly.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path

COLUMNS = ("code", "system", "area", "weight", "trim_point", "day_weight", "day", "outpatient",
           "surgical")  # fmt: skip
SYSTEMS = ("DRG", "STG", "TFG", "SÆRKODE")  # SÆRKODE: points for a special code, e.g. B0044
ALIASES = {"SAERKODE": "SÆRKODE"}
AREAS = ("somatic", "phv_tsb")


class WeightTableError(ValueError):
    """A row of the weight table cannot be used; the message names the line."""


@dataclass(frozen=True)
class Weight:
    code: str
    system: str
    area: str
    weight: Decimal  # points, 3 decimals
    trim_point: int | None
    day_weight: Decimal | None
    day: bool
    outpatient: bool
    surgical: bool
    name: str = ""  # the optional column ``name``: the group's name, shown next to the code


def _decimal(text: str, line: int, column: str) -> Decimal:
    try:
        return Decimal(text.strip().replace(",", ".")).quantize(Decimal("0.001"))
    except InvalidOperation:
        raise WeightTableError(f"linje {line}: {column} «{text}» er ikke et tall") from None


def parse(text: str, source: str) -> list[Weight]:
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    reader = csv.DictReader(lines)
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise WeightTableError(f"{source}: mangler kolonner {', '.join(missing)}")
    weights = []
    for n, row in enumerate(reader, start=2):
        system, area = row["system"].strip().upper(), row["area"].strip()
        system = ALIASES.get(system, system)
        if system not in SYSTEMS or area not in AREAS or not row["code"].strip():
            raise WeightTableError(f"{source} linje {n}: ukjent system/område eller tom kode")
        weights.append(
            Weight(
                row["code"].strip(), system, area, _decimal(row["weight"], n, "weight"),
                int(row["trim_point"]) if row["trim_point"].strip() else None,
                _decimal(row["day_weight"], n, "day_weight") if row["day_weight"].strip() else None,
                row["day"].strip() == "1", row["outpatient"].strip() == "1",
                row["surgical"].strip() == "1", (row.get("name") or "").strip(),
            )
        )  # fmt: skip
    return weights


def lookup(table: Sequence[Weight]) -> dict[tuple[str, str], Decimal]:
    """(code, area) → weight."""
    return {(w.code, w.area): w.weight for w in table}


def names(table: Sequence[Weight]) -> dict[str, str]:
    """code → name, for the codes whose row has one."""
    return {w.code: w.name for w in table if w.name}


def load(path: Path) -> list[Weight]:
    return parse(path.read_text(encoding="utf-8"), path.name)


def shipped(name: str) -> list[Weight]:
    """``demo`` (synthetic) or ``confirmed_2020``."""
    text = resources.files("oppgjor.data").joinpath("isf", f"weights_{name}.csv").read_text("utf-8")
    return parse(text, f"weights_{name}.csv")
