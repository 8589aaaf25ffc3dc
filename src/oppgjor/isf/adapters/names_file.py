"""A file of DRG/STG/TFG names (``--names``): CSV ``code,text`` (a third column, e.g. a note,
is ignored), comma or semicolon separated, the shape of the name lists SKDE publishes
(``drg_names_2022.csv``). Not shipped: the user points at the year's list."""

from __future__ import annotations

import csv
from pathlib import Path


class NamesFileError(ValueError):
    """The names file is not of that shape; the message (bokmål) names the file and line."""


def read(path: Path) -> dict[str, str]:
    """code → name. An ``OSError`` passes through."""
    text = path.read_text(encoding="utf-8-sig")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    rows = csv.reader(text.splitlines(), delimiter=delimiter)
    header = [h.strip().lower() for h in next(rows, [])]
    if header[:2] != ["code", "text"]:
        raise NamesFileError(f"{path.name}: forventet kolonnene code,text på første linje.")
    names = {}
    for n, row in enumerate(rows, start=2):
        if not row or not row[0].strip():
            continue
        if len(row) < 2:
            raise NamesFileError(f"{path.name} linje {n}: mangler navnet (code,text).")
        names[row[0].strip()] = row[1].strip()
    return names
