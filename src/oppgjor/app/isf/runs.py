"""ISF use cases: reporting deadlines and pricing points with the year's values."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from oppgjor.app import files
from oppgjor.app.errors import UseCaseError
from oppgjor.core import parameters
from oppgjor.isf.adapters import batch, names_file, settings_file, summary_file
from oppgjor.isf.domain import deadlines, prices, weights
from oppgjor.isf.domain import findings as F
from oppgjor.isf.domain.grouper.definitions import Definitions
from oppgjor.isf.domain.grouper.matching import Grouping, group, parse_case


class SettingsFileError(UseCaseError):
    """The settings file cannot be used: a usage error (exit code 2), nothing is computed."""

    exit_code = 2


def _settings(path: Path | None, year: int) -> dict[str, Any]:
    """The user's values for *year* from the settings file, if one is given."""
    if path is None:
        return {}
    try:
        return settings_file.read(path, year)
    except settings_file.SettingsError as exc:
        raise SettingsFileError(str(exc)) from None


def price(year: int, total_points: Decimal, area: prices.Area, settings: Path | None) -> Decimal:
    try:
        return prices.Prices.for_year(year, _settings(settings, year)).refund(total_points, area)
    except prices.MissingPrices as exc:
        raise UseCaseError(str(exc)) from None


def npr_deadlines(year: int) -> list[deadlines.Deadline]:
    try:
        return deadlines.deadlines(year)
    except parameters.ParameterError as exc:
        raise UseCaseError(f"NPR-fristene for {year} er ikke kjent: {exc}.") from None


@dataclass(frozen=True)
class GroupedCase:
    number: str
    expected_drg: str
    expected_row: str
    found: Grouping | None

    @property
    def passed(self) -> bool:
        return self.found is not None and (self.found.drg, self.found.ord) == (
            self.expected_drg,
            self.expected_row,
        )


def group_regression_file(definitions: Path, cases: Path) -> list[GroupedCase]:
    """Group every case of a file in the NordDRG regression format
    (``RegelNr;DRGKode;DRGGrupperingsregel;DRGGrupperingsstreng;Returkode``)."""
    try:
        defs = Definitions.load(definitions)
    except (OSError, ValueError, KeyError, StopIteration) as exc:
        raise UseCaseError(f"Kan ikke lese definisjonsdata {definitions}: {exc}") from None
    try:
        lines = cases.read_text(encoding="utf-8-sig").splitlines()
    except OSError as exc:
        raise UseCaseError(f"Kan ikke lese {cases}: {exc.strerror}") from None
    result = []
    for n, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("RegelNr"):
            continue
        parts = line.split(";")
        if len(parts) < 4:
            raise UseCaseError(f"{cases.name} linje {n}: forventet RegelNr;DRGKode;regel;streng.")
        try:
            case = parse_case(parts[3])
        except ValueError as exc:
            raise UseCaseError(f"{cases.name} linje {n}: {exc}") from None
        result.append(GroupedCase(parts[0], parts[1], parts[2], group(case, defs)))
    return result


@dataclass(frozen=True)
class ComputeResult:
    records: int
    bad_rows: list[tuple[int, str]]  # (line, reason)
    findings_by_code: dict[str, int]
    summary: list[batch.SummaryRow]
    output: Path | None
    # per area: (points, kroner from the summed points, rounded to øre once)
    totals: dict[str, tuple[Decimal, Decimal]]
    top_codes: list[batch.CodeTotal]  # the codes with the most points, kroner rounded once
    synthetic_weights: bool = False  # priced with the shipped demo table: not real ISF money
    warnings: list[str] = field(default_factory=list)  # bokmål, for the user
    names: dict[str, str] = field(default_factory=dict)  # DRG/STG/TFG code → name, where known

    @property
    def findings(self) -> int:
        """Records with a finding."""
        return sum(self.findings_by_code.values())


def _definitions(path: Path | None, regroup: bool, year: int) -> tuple[Definitions | None, str]:
    """The definition tables, and a warning when they are of another year than the run."""
    if path is None:
        if regroup:
            raise UseCaseError("Omgruppering krever definisjonsdata (--definitions).")
        return None, ""
    try:
        defs = Definitions.load(path)
    except (OSError, ValueError, KeyError, StopIteration) as exc:
        raise UseCaseError(f"Kan ikke lese definisjonsdata {path}: {exc}") from None
    if defs.year is not None and defs.year != year:
        return defs, (
            f"ADVARSEL: definisjonsdataene ({defs.name}) er for {defs.year}, kjøringen for "
            f"{year}; poster uten DRG grupperes etter {defs.year}-logikken."
        )
    return defs, ""


def _names(
    path: Path | None, table: list[weights.Weight], defs: Definitions | None
) -> dict[str, str]:
    """Names of the codes: the definition tables' (when they carry names), the weight
    table's ``name`` column, then the names file (``--names``), the later winning."""
    found = dict(defs.drg_names) if defs is not None else {}
    found.update(weights.names(table))
    if path is not None:
        try:
            found.update(names_file.read(path))
        except names_file.NamesFileError as exc:
            raise UseCaseError(str(exc)) from None
        except OSError as exc:
            raise UseCaseError(f"Kan ikke lese {path}: {exc.strerror}") from None
    return found


def compute(
    year: int,
    activity: Path,
    *,
    weights_file: Path | None = None,
    settings: Path | None = None,
    output: Path | None = None,
    definitions: Path | None = None,
    regroup: bool = False,
    partition: tuple[int, int] | None = None,
    names: Path | None = None,
    step: Callable[[str], None] = lambda _: None,
) -> ComputeResult:
    """Price a year's pre-grouped activity: bad rows reported with their line and reason and
    left out; records of another year than *year* left out of the sums and counted as the
    finding ISF_OUTSIDE_YEAR; a year whose unit price or share is not known is refused by
    name. With *partition* ``(k, n)`` only the patients of partition k of n are priced (a
    split run; :func:`combine_summaries` adds the parts up). *step* is told each stage,
    naming the kind of input while it is read (for a progress bar)."""
    if partition is not None and not (partition[1] >= 1 and 0 <= partition[0] < partition[1]):
        raise UseCaseError("Partisjon må være K/N med 0 <= K < N, f.eks. 0/4.")
    prices_ = prices.Prices.for_year(year, _settings(settings, year))
    try:
        table = weights.load(weights_file) if weights_file else weights.shipped("demo")
    except (OSError, weights.WeightTableError) as exc:
        raise UseCaseError(f"Vekttabellen kan ikke brukes: {exc}") from None
    name = weights_file.name if weights_file else "weights_demo.csv (SYNTETISK)"
    defs, warning = _definitions(definitions, regroup, year)
    step(f"leser {INPUT_KINDS.get(activity.suffix.lower(), 'CSV')}")
    try:
        frame = batch.read(activity)
        if partition is not None:
            frame = batch.only_partition(frame, *partition)
        good, bad = batch.split(frame, defs, regroup)
        areas = set(good.select("area").unique().collect()["area"].to_list())
        good, outside = batch.split_year(good, year)
    except (batch.InputError, OSError) as exc:
        raise UseCaseError(str(exc)) from None
    missing = [a for a in areas if prices.Area(a) not in prices_.areas]
    if missing:
        raise UseCaseError(str(prices.MissingPrices(
            f"ISF {year}: enhetspris og ISF-andel mangler for {', '.join(sorted(missing))}; "
            "oppgi dem i innstillingsfilen (--settings)."
        )))  # fmt: skip
    step("beregner poeng")
    try:
        priced = batch.price(good, table, name, year).collect().lazy()
    except parameters.ParameterError as exc:
        raise UseCaseError(f"ISF-reglene for {year} finnes ikke i oppgjor: {exc}.") from None
    step("oppsummerer")
    summary = batch.summarise(priced, prices_)
    if output is not None:
        step("skriver resultat")
        # one row per patient contact (patient number, birth year, codes): not for others
        files.reserve(output, files.DEFAULT_MODE)
        batch.write(priced, output)
        files.restrict(output, files.DEFAULT_MODE)
    bad_rows = [(int(r), str(why)) for r, _, why in bad.collect().iter_rows()]
    findings = batch.count_findings(priced)
    if outside:
        findings = dict(sorted({**findings, F.OUTSIDE_YEAR.code: outside}.items()))
    points: dict[str, Decimal] = {}
    for row in summary:
        points[row.area] = points.get(row.area, Decimal(0)) + row.points
    totals = {a: (p, prices_.refund(p, prices.Area(a))) for a, p in sorted(points.items())}
    records = priced.select("row").collect().height
    top = batch.top_codes(summary, prices_)
    return ComputeResult(
        records, bad_rows, findings, summary, output, totals, top,
        synthetic_weights=weights_file is None, warnings=[warning] if warning else [],
        names=_names(names, table, defs),
    )  # fmt: skip


INPUT_KINDS = {".csv": "CSV", ".parquet": "Parquet", ".xml": "NPR-melding (XML)"}


def write_demo_activity(year: int, records: int, output: Path) -> int:
    """Synthetic somatic activity (pseudonymous patients) for trying the engine: CSV or
    Parquet by suffix. Returns the number of records written."""
    if records < 1:
        raise UseCaseError("Antall poster må være minst 1.")
    frame = batch.demo_activity(records, year, phv_tsb=False)
    output.parent.mkdir(parents=True, exist_ok=True)
    if output.suffix.lower() == ".parquet":
        frame.write_parquet(output)
    else:
        frame.write_csv(output)
    return frame.height


def _read_summaries(parts: list[Path]) -> list[batch.SummaryRow]:
    rows: list[batch.SummaryRow] = []
    for path in parts:
        try:
            rows += summary_file.read(path)
        except summary_file.SummaryFileError as exc:
            raise UseCaseError(str(exc)) from None
        except OSError as exc:
            raise UseCaseError(f"Kan ikke lese {path}: {exc.strerror}") from None
    return rows


def combine_summaries(
    year: int, parts: list[Path], settings: Path | None = None
) -> list[batch.SummaryRow]:
    """Add up the summaries of a split run (``--partition``): records and points per area,
    month, code and institution; kroner computed again from the summed points, rounded
    once. A file that is not such a summary is refused by name, nothing is written."""
    prices_ = prices.Prices.for_year(year, _settings(settings, year))
    sums: dict[tuple[str, str, str, str], tuple[int, Decimal]] = {}
    for r in _read_summaries(parts):
        key = (r.area, r.month, r.code, r.institution)
        records, points = sums.get(key, (0, Decimal(0)))
        sums[key] = (records + r.records, points + r.points)
    rows = []
    for (area, month, code, institution), (records, points) in sorted(sums.items()):
        try:
            which = prices.Area(area)
        except ValueError:
            raise UseCaseError(f"Ukjent område «{area}» i sammendraget.") from None
        if which not in prices_.areas:
            raise UseCaseError(
                f"ISF {year}: enhetspris og ISF-andel mangler for {area}; "
                "oppgi dem i innstillingsfilen (--settings)."
            )
        kroner = prices_.refund(points, which)
        rows.append(batch.SummaryRow(area, month, code, institution, records, points, kroner))
    return rows


def write_summary(rows: list[batch.SummaryRow], path: Path) -> None:
    """The summary file (``--summary``) of a run or of combined parts."""
    summary_file.write(rows, path)
