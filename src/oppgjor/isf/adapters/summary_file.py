"""The ISF summary file (``oppgjor isf compute --summary``): CSV, one row per area, month,
code and institution with records, points and kroner. Written by a run and read back to add
up the parts of a run split by patient partition."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from pathlib import Path

from oppgjor.isf.adapters.batch import SummaryRow

HEADER = ["area", "month", "code", "institution", "records", "points", "kroner"]


class SummaryFileError(ValueError):
    """A file is not a summary oppgjor wrote; the message (bokmål) names the file and line."""


def write(rows: Iterable[SummaryRow], path: Path) -> None:
    """The rows as CSV; kroner left empty where the year's price for the area is not known."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for r in rows:
            writer.writerow([r.area, r.month, r.code, r.institution, r.records, r.points,
                             "" if r.kroner is None else r.kroner])  # fmt: skip


def read(path: Path) -> list[SummaryRow]:
    """The rows of a summary file, with records and points. Kroner are not read (``None``):
    whoever adds rows up computes kroner again from the summed points, rounded once. An
    ``OSError`` passes through; a file of another shape raises :class:`SummaryFileError`."""
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames != HEADER:
            raise SummaryFileError(f"{path.name} er ikke et ISF-sammendrag fra oppgjor.")
        for n, row in enumerate(reader, start=2):
            try:
                records, points = int(row["records"]), Decimal(row["points"])
            except (TypeError, ValueError, InvalidOperation):  # TypeError: a short line
                raise SummaryFileError(f"{path.name} linje {n}: ugyldig tall.") from None
            rows.append(SummaryRow(row["area"], row["month"], row["code"], row["institution"],
                                   records, points, None))  # fmt: skip
    return rows
