"""What the ISF pages show of a finished run: its summary rows added up by month (per area)
and by DRG/STG/TFG, the run's progress in percent, and the years whose prices are published.

>>> from oppgjor.isf.adapters.batch import SummaryRow
>>> rows = [SummaryRow("somatic", "2020-01", "D01", "A", 2, Decimal("1.5"), Decimal("10")),
...         SummaryRow("phv_tsb", "2020-01", "D01", "B", 1, Decimal("0.5"), None),
...         SummaryRow("somatic", "2020-02", "D02", "A", 1, Decimal("3"), Decimal("20"))]
>>> [(m.month, m.records, sorted(m.points.items())) for m in by_month(rows)][0]
('2020-01', 3, [('phv_tsb', Decimal('0.5')), ('somatic', Decimal('1.5'))])
>>> [(c.code, c.records, c.points, c.kroner) for c in by_code(rows)]
[('D02', 1, Decimal('3'), Decimal('20')), ('D01', 3, Decimal('2.0'), None)]
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from oppgjor.app.errors import UseCaseError
from oppgjor.app.isf import jobs as isf_jobs
from oppgjor.core.findings import Severity
from oppgjor.isf.adapters.batch import SummaryRow
from oppgjor.isf.domain.findings import CODES
from oppgjor.isf.domain.prices import Area, MissingPrices, Prices
from oppgjor.store import Database
from oppgjor.store.jobs import DONE, JobRow

FIRST_PRICED_YEAR = 2015
SHOWN_RECORDS = 200  # records with one finding code shown on a page


@dataclass
class MonthTotal:
    month: str  # YYYY-MM
    records: int = 0
    points: dict[str, Decimal] = field(default_factory=dict)  # per area


@dataclass
class CodeTotal:
    code: str
    records: int = 0
    points: Decimal = Decimal(0)
    kroner: Decimal | None = Decimal(0)  # None when a row of the code has no price


def by_month(rows: Iterable[SummaryRow]) -> list[MonthTotal]:
    """Records and points per month (per area), months in order."""
    months: dict[str, MonthTotal] = {}
    for row in rows:
        total = months.setdefault(row.month, MonthTotal(row.month))
        total.records += row.records
        total.points[row.area] = total.points.get(row.area, Decimal(0)) + row.points
    return [months[m] for m in sorted(months)]


def by_code(rows: Iterable[SummaryRow]) -> list[CodeTotal]:
    """Records, points and kroner per DRG/STG/TFG, the most points first."""
    codes: dict[str, CodeTotal] = {}
    for row in rows:
        total = codes.setdefault(row.code, CodeTotal(row.code))
        total.records += row.records
        total.points += row.points
        total.kroner = None if total.kroner is None or row.kroner is None else (
            total.kroner + row.kroner)  # fmt: skip
    return sorted(codes.values(), key=lambda c: (-c.points, c.code))


@dataclass(frozen=True)
class FindingCount:
    code: str
    severity: Severity
    title: str  # what the code means (bokmål)
    records: int


def findings(counts: dict[str, int]) -> list[FindingCount]:
    """The records with a finding, per code, with what the code means; the most first."""
    known = {c.code: c for c in CODES}
    found = [FindingCount(code, known[code].severity if code in known else Severity.WARNING,
                          known[code].title if code in known else "", count)
             for code, count in counts.items()]  # fmt: skip
    return sorted(found, key=lambda f: (-f.records, f.code))


def percent(job: JobRow) -> int:
    """How far a run has come, 0–100 (as the API's ``progress_percent``)."""
    if job.state == DONE:
        return 100
    done = int(100 * job.done / job.total) if job.total else 0
    return max(0, min(done, 100))


def published_years(until: int) -> list[int]:
    """The years (up to *until*) whose somatic unit price and ISF share oppgjor knows; other
    years need a settings file."""
    return [year for year in range(FIRST_PRICED_YEAR, until + 1)
            if Area.SOMATIC in Prices.for_year(year, {}).areas]  # fmt: skip


def records_with_finding(
    db: Database, run_id: int, code: str, limit: int = SHOWN_RECORDS
) -> tuple[list[dict[str, str]], int]:
    """The first *limit* records of a finished run whose finding has *code* (national ids
    masked), and how many there are."""
    found: list[dict[str, str]] = []
    count = 0
    for record in csv.DictReader(isf_jobs.records_csv(db, run_id)):
        if record.get("finding", "").split(":", 1)[0].strip() == code:
            count += 1
            if len(found) < limit:
                found.append(record)
    return found, count


@dataclass(frozen=True)
class PriceLine:
    """``isf price``: points × unit price × ISF share for a year and area."""

    year: int
    area: Area
    points: Decimal
    unit_price: Decimal
    share: Decimal
    kroner: Decimal


def price_line(year: int, points: Decimal, area: Area) -> PriceLine:
    """The refund for *points* with the year's published unit price and ISF share."""
    prices = Prices.for_year(year, {})
    try:
        known = prices.area(area)
    except MissingPrices as exc:
        raise UseCaseError(str(exc)) from None
    return PriceLine(year, area, points, known.unit_price, known.share,
                     prices.refund(points, area))  # fmt: skip
