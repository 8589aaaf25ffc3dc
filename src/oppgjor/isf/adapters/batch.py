"""The ISF batch engine on Polars (lazy): read activity, report bad rows, price pre-grouped
records with the year's weights, unit price and ISF share, and summarise.

With the year rules (``isf.rules``), the only code that imports Polars (ADR 0010). Points
are Decimal with 3 decimals; kroner are computed from summed points and rounded to øre once,
at the end. Each record says which table and parameter versions produced its points. Work is
partitioned by patient (``partition``), so a national run can be split across machines and
the summaries added up.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import polars as pl

from oppgjor.isf.adapters import npr
from oppgjor.isf.domain import findings as F
from oppgjor.isf.domain import weights as weight_tables
from oppgjor.isf.domain.grouper.definitions import Definitions
from oppgjor.isf.domain.grouper.matching import group, parse_case
from oppgjor.isf.domain.prices import Area, Prices
from oppgjor.isf.rules import patient, record

# The documented input columns (docs/isf-activity.md); only the first four are required.
COLUMNS = {
    "patient_id": pl.Utf8, "institution": pl.Utf8, "date_in": pl.Utf8, "area": pl.Utf8,
    "unit": pl.Utf8, "provider_type": pl.Utf8, "date_out": pl.Utf8, "care_level": pl.Utf8,
    "contact_type": pl.Utf8, "activity_location": pl.Utf8, "indirect_activity": pl.Utf8,
    "debtor": pl.Utf8, "health_personnel": pl.Utf8, "copayment": pl.Utf8, "sex": pl.Utf8,
    "age_days": pl.Utf8, "main_condition": pl.Utf8, "secondary_conditions": pl.Utf8,
    "procedures": pl.Utf8, "special_codes": pl.Utf8, "drg": pl.Utf8,
    "ready_for_discharge": pl.Utf8,
}  # fmt: skip
REQUIRED = ("patient_id", "institution", "date_in")
POINTS = pl.Decimal(14, 3)


class InputError(ValueError):
    """The activity file cannot be read at all (not a bad row: the whole file)."""


def _read_npr(path: Path) -> pl.LazyFrame:
    try:
        columns = npr.read(path)
    except npr.NprError as exc:
        raise InputError(str(exc)) from None
    frame = pl.LazyFrame(columns, schema={name: pl.Utf8 for name in npr.FIELDS})
    return frame.with_columns(pl.col("row").cast(pl.UInt32)).rename({"problem": "_problem"})


def read(path: Path) -> pl.LazyFrame:
    """CSV (``,`` or ``;``), Parquet or NPR-melding XML, every column as text, with the
    1-based line number of each record in ``row`` (CSV: the header is line 1; XML: the line
    of the Episode) and ``_problem`` (why the reader could not use it, or null)."""
    if not path.is_file():
        raise InputError(f"Finner ikke {path}")
    if path.suffix.lower() == ".xml":
        frame = _read_npr(path)
    elif path.suffix.lower() == ".parquet":
        frame = pl.scan_parquet(path).with_row_index("row", offset=1)
    else:
        try:
            with path.open(encoding="utf-8-sig") as handle:
                header = handle.readline()
        except UnicodeDecodeError:
            raise InputError(
                f"{path.name} er ikke en tekstfil i UTF-8 (CSV); bruk CSV, Parquet eller "
                "NPR-melding (XML)."
            ) from None
        separator = ";" if header.count(";") > header.count(",") else ","
        frame = pl.scan_csv(
            path, separator=separator, infer_schema=False, encoding="utf8-lossy"
        ).with_row_index("row", offset=2)
    names = frame.collect_schema().names()
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise InputError(f"{path.name} mangler kolonnene {', '.join(missing)}")
    present = [pl.col(c).cast(pl.Utf8).str.strip_chars() for c in COLUMNS if c in names]
    absent = [pl.lit(None, dtype=pl.Utf8).alias(c) for c in COLUMNS if c not in names]
    problem = pl.col("_problem") if "_problem" in names else pl.lit(None, dtype=pl.Utf8)
    return frame.select(pl.col("row"), *present, *absent, problem.alias("_problem"))


def _dates(frame: pl.LazyFrame) -> pl.LazyFrame:
    return frame.with_columns(
        pl.col("date_in").str.to_date("%Y-%m-%d", strict=False).alias("day_in"),
        pl.col("date_out").str.to_date("%Y-%m-%d", strict=False).alias("day_out"),
        pl.col("area").fill_null("somatic"),
    )


def _reason() -> pl.Expr:
    """The first reason a record is unusable, or null."""
    blank = {c: pl.col(c).is_null() | (pl.col(c) == "") for c in REQUIRED}
    return (
        pl.when(pl.col("_problem").is_not_null()).then(pl.col("_problem"))
        .when(blank["patient_id"]).then(pl.lit("mangler patient_id"))
        .when(blank["institution"]).then(pl.lit("mangler institution"))
        .when(blank["date_in"] | pl.col("day_in").is_null())
        .then(pl.lit("date_in er ikke en dato (ÅÅÅÅ-MM-DD)"))
        .when(pl.col("date_out").is_not_null() & (pl.col("date_out") != "")
              & pl.col("day_out").is_null())
        .then(pl.lit("date_out er ikke en dato (ÅÅÅÅ-MM-DD)"))
        .when(pl.col("day_out") < pl.col("day_in")).then(pl.lit("date_out er før date_in"))
        .when(~pl.col("area").is_in(["somatic", "phv_tsb"]))
        .then(pl.lit("area må være somatic eller phv_tsb"))
        .when(pl.col("care_level").is_not_null() & ~pl.col("care_level").is_in(["1", "2", "3"]))
        .then(pl.lit("care_level må være 1, 2 eller 3"))
        .when(pl.col("drg").is_null() | (pl.col("drg") == ""))
        .then(pl.lit("mangler DRG (gruppér først: oppgjor isf group)"))
        .otherwise(None)
    )  # fmt: skip


def _case_text(row: dict[str, str | None]) -> str:
    """A record as the NordDRG grouper's case string."""
    los = 0
    if row["date_in"] and row["date_out"]:
        try:
            start = datetime.date.fromisoformat(row["date_in"])
            los = (datetime.date.fromisoformat(row["date_out"]) - start).days
        except ValueError:
            los = 0
    diagnoses = [row["main_condition"] or "", *(row["secondary_conditions"] or "").split()]
    fields = [row["sex"] or "", row["age_days"] or "", "H", str(los), ""]
    for n in range(30):
        code = diagnoses[n].replace(".", "") if n < len(diagnoses) else ""
        fields += [code, ""]
    procedures = (row["procedures"] or "").split()[:99]
    return ",".join(fields + procedures + [""] * (99 - len(procedures)))


GROUPING_INPUT = ("sex", "age_days", "date_in", "date_out", "main_condition",
                  "secondary_conditions", "procedures")  # fmt: skip


def assign_drg(
    frame: pl.LazyFrame, definitions: Definitions, regroup: bool = False
) -> pl.LazyFrame:
    """Group records that arrive without a DRG (all of them with *regroup*); a record the
    grouper cannot place keeps no DRG and is reported as a bad row."""

    def group_one(row: dict[str, str | None]) -> str | None:
        found = group(parse_case(_case_text(row)), definitions)
        return found.drg if found else None

    needs = pl.lit(True) if regroup else (pl.col("drg").is_null() | (pl.col("drg") == ""))
    grouped = pl.struct(*GROUPING_INPUT).map_elements(group_one, return_dtype=pl.Utf8)
    return frame.with_columns(
        pl.when(needs).then(grouped).otherwise(pl.col("drg")).alias("drg"),
    )


def split(
    frame: pl.LazyFrame, definitions: Definitions | None = None, regroup: bool = False
) -> tuple[pl.LazyFrame, pl.LazyFrame]:
    """(usable records, bad rows with ``row`` and ``reason``): nothing is dropped silently.
    With *definitions*, records without a DRG are grouped first."""
    if definitions is not None:
        frame = assign_drg(frame, definitions, regroup)
    checked = _dates(frame).with_columns(_reason().alias("reason"))
    good = checked.filter(pl.col("reason").is_null()).drop("reason", "_problem")
    bad = checked.filter(pl.col("reason").is_not_null()).select("row", "patient_id", "reason")
    return good, bad


def split_year(good: pl.LazyFrame, year: int) -> tuple[pl.LazyFrame, int]:
    """(the usable records of *year*, how many belong to another year). A record's year is
    that of its discharge (``date_out``), or of ``date_in`` when it has none: a stay from
    30 December to 3 January counts in the new year, as its points do in ISF."""
    in_year = pl.coalesce("day_out", "day_in").dt.year() == year
    outside = good.filter(~in_year).select(pl.len()).collect().item()
    return good.filter(in_year), int(outside)


def partition_of(parts: int) -> pl.Expr:
    """A patient's partition among *parts*: every record of a patient lands in the same one.
    Polars' hash is stable for one Polars version, so all machines of a split run must use
    the same oppgjor installation."""
    return (pl.col("patient_id").hash() % parts).cast(pl.Int64)


def only_partition(frame: pl.LazyFrame, part: int, parts: int) -> pl.LazyFrame:
    """The records of the patients in partition *part* of *parts*."""
    return frame.filter(partition_of(parts) == part)


def weights_frame(table: Sequence[weight_tables.Weight]) -> pl.LazyFrame:
    """DRG, STG and TFG weights (special-code weights are looked up by the patient rules)."""
    groups = [w for w in table if w.system != "SÆRKODE"]
    return pl.LazyFrame(
        {
            "drg": [w.code for w in groups],
            "area": [w.area for w in groups],
            "weight": [str(w.weight) for w in groups],
            "surgical": [w.surgical for w in groups],
        }
    ).with_columns(pl.col("weight").str.to_decimal(scale=3).cast(POINTS))


def price(
    good: pl.LazyFrame, table: Sequence[weight_tables.Weight], table_name: str, year: int
) -> pl.LazyFrame:
    """Points per record: the year's record rules (``isf.rules.record``) first, then the
    weight of the DRG and of any STG given in addition, plus supplements; then the rules over
    a patient's records (``isf.rules.patient``: team special codes, care pathways). A DRG
    without a weight in the year's table is a finding (points 0), not a silent zero. A
    pathway's trigger carries the TFG weight and its members give no points of their own."""
    weighted = weights_frame(table)
    extra = weighted.rename({"drg": "extra_code", "weight": "extra_weight"}).drop("surgical")
    by_code = weight_tables.lookup(table)
    joined = record.provider_types(
        record.apply(good.with_row_index("_id"), year)
        .join(weighted, on=["drg", "area"], how="left")
        .join(extra, on=["extra_code", "area"], how="left"),
        year,
    )
    joined = patient.care_pathways(patient.team_codes(joined, year, by_code), year, by_code)
    unknown = pl.col("weight").is_null() & pl.col("counted") & pl.col("pathway").is_null()
    base = (
        pl.when(pl.col("tfg").is_not_null()).then(pl.col("tfg_weight"))
        .when(pl.col("counted")).then(pl.col("weight").fill_null(0))
        .otherwise(0)
    )  # fmt: skip
    member = pl.col("pathway").is_not_null() & pl.col("tfg").is_null()
    stg = pl.col("extra_weight").fill_null(0).cast(POINTS)
    total = (base.cast(POINTS) + pl.col("extra") + stg).cast(POINTS)
    return (
        joined.with_columns(
            pl.when(member).then(pl.lit(0).cast(POINTS)).otherwise(total).alias("points"),
            pl.when(member).then(pl.lit(0).cast(POINTS)).otherwise(stg).alias("extra_points"),
            pl.when(unknown & pl.col("finding").is_null())
            .then(
                pl.lit(
                    f"{F.DRG_UNKNOWN_IN_YEAR.code}: DRG-en finnes ikke i vekttabellen for {year}"
                )
            )
            .otherwise(pl.col("finding"))
            .alias("finding"),
            pl.concat_str(pl.lit(f"weights:{table_name}; isf:{year}; "), pl.col("applied")).alias(
                "rules"
            ),
            pl.coalesce("day_out", "day_in").dt.strftime("%Y-%m").alias("month"),
            partition_of(1_000_000).alias("partition"),
        )
        .sort("_id")
        .drop("_id", "weight", "extra_weight", "tfg_weight", "applied", "surgical")
    )


@dataclass(frozen=True)
class SummaryRow:
    area: str
    month: str
    code: str  # the DRG, the TFG of a care pathway, or an STG given in addition (XS08)
    institution: str
    records: int
    points: Decimal
    kroner: Decimal | None  # None when the year's price for the area is not known


def summarise(priced: pl.LazyFrame, prices: Prices) -> list[SummaryRow]:
    """Per area, month, DRG/STG/TFG and institution. A record's STG given in addition is
    summed under the STG; a pathway's points under its TFG."""
    keys = ["area", "month", "code", "institution"]
    own = priced.select(
        "area", "month", "institution", pl.coalesce("tfg", "drg").alias("code"),
        (pl.col("points") - pl.col("extra_points")).alias("points"),
    )  # fmt: skip
    stg = priced.filter(pl.col("extra_code").is_not_null() & (pl.col("extra_points") != 0))
    stg = stg.select("area", "month", "institution", pl.col("extra_code").alias("code"),
                     pl.col("extra_points").alias("points"))  # fmt: skip
    grouped = (
        pl.concat([own, stg])
        .group_by(keys)
        .agg(pl.len().alias("records"), pl.col("points").sum().alias("points"))
        .sort(keys)
        .collect()
    )
    rows = []
    for r in grouped.iter_rows(named=True):
        area = Area(r["area"])
        points = Decimal(str(r["points"]))
        kroner = prices.refund(points, area) if area in prices.areas else None
        rows.append(SummaryRow(r["area"], r["month"], r["code"], r["institution"], r["records"],
                               points, kroner))  # fmt: skip
    return rows


@dataclass(frozen=True)
class CodeTotal:
    code: str  # a DRG, STG or TFG, over every area, month and institution
    points: Decimal
    kroner: Decimal  # from the summed points, rounded to øre once


def top_codes(rows: Sequence[SummaryRow], prices: Prices, count: int = 10) -> list[CodeTotal]:
    """The *count* codes with the most points in a summary (ties in the rows' order): points
    summed per code, then kroner from the summed points with the year's prices (each area at
    its own), rounded once; never a sum of the rows' rounded kroner. Every area in *rows*
    must have a price (:func:`oppgjor.app.isf.runs.compute` refuses a run without)."""
    by_code: dict[str, dict[Area, Decimal]] = {}
    for r in rows:
        per_area = by_code.setdefault(r.code, {})
        area = Area(r.area)
        per_area[area] = per_area.get(area, Decimal(0)) + r.points
    totals = [
        CodeTotal(code, sum(per_area.values(), Decimal(0)), prices.refund_by_area(per_area))
        for code, per_area in by_code.items()
    ]
    return sorted(totals, key=lambda total: -total.points)[:count]


def count_findings(priced: pl.LazyFrame) -> dict[str, int]:
    """Records with a finding, per finding code (the text before the first colon)."""
    counted = (
        priced.filter(pl.col("finding").is_not_null())
        .group_by(pl.col("finding").str.split(":").list.first().alias("code"))
        .agg(pl.len().alias("records"))
        .sort("code")
        .collect()
    )
    return {str(code): int(n) for code, n in counted.iter_rows()}


def write(frame: pl.LazyFrame, path: Path) -> None:
    """Per-record results, CSV or Parquet by suffix."""
    out = frame.drop("day_in", "day_out")
    if path.suffix.lower() == ".parquet":
        out.sink_parquet(path)
    else:
        out.sink_csv(path)


def demo_activity(count: int, year: int, seed: int = 1, phv_tsb: bool = True) -> pl.DataFrame:
    """Synthetic pre-grouped activity (pseudonymous patients, demo codes) for benchmarks and
    the demo: hip replacements that open care pathways with related contacts, and team
    special codes, so the rules over a patient's records are exercised too. Without
    *phv_tsb* only somatic care (whose 2020 price and share are public)."""
    hips = ["209D", "209E"] if year < 2022 else ["209U", "209V"]
    codes = ["442", *hips, "908O", "923O", "996O", "998O", *(["TD11"] if phv_tsb else [])]
    conditions = ["S720", "M161", "M161", "M161", "Z478", "Z478", "M161", "F329"][: len(codes)]
    start = datetime.date(year, 1, 1)
    frame = (
        pl.DataFrame({"n": pl.int_range(0, count, eager=True)})
        .with_columns((pl.col("n") * 7919 + seed).alias("k"))
        .with_columns((pl.col("k") % len(codes)).alias("c"))
    )
    stay = pl.col("c") < 3
    team = (pl.col("k") % 10 == 3) & ~stay  # a team follow-up episode: the 1st to the 21st
    day = pl.lit(start).dt.offset_by((pl.col("k") % 360).cast(pl.Utf8) + "d")
    day_in = pl.when(team).then(day.dt.month_start()).otherwise(day)
    return frame.select(
        ("P" + (pl.col("k") % max(count // 5, 1)).cast(pl.Utf8)).alias("patient_id"),
        ("HF" + (pl.col("k") % 20).cast(pl.Utf8)).alias("institution"),
        day_in.dt.strftime("%Y-%m-%d").alias("date_in"),
        pl.when(stay).then(day_in.dt.offset_by((pl.col("k") % 5).cast(pl.Utf8) + "d"))
        .when(team).then(day_in.dt.offset_by("20d"))
        .dt.strftime("%Y-%m-%d").alias("date_out"),
        pl.col("c").replace_strict(list(range(len(codes))), codes).alias("drg"),
        pl.col("c").replace_strict(list(range(len(codes))), conditions).alias("main_condition"),
        pl.when(stay).then(pl.lit("1")).otherwise(pl.lit("3")).alias("care_level"),
        pl.lit("1").alias("health_personnel"),
        pl.when(team).then(pl.lit("B0044")).alias("special_codes"),
    ).with_columns(
        pl.when(pl.col("drg") == "TD11").then(pl.lit("phv_tsb")).otherwise(pl.lit("somatic"))
        .alias("area")
    )  # fmt: skip


def frame_of(records: Sequence[dict[str, str]]) -> pl.LazyFrame:
    """Records given in code (tests, the API later) in the shape :func:`read` produces."""
    data = {c: [r.get(c) for r in records] for c in COLUMNS}
    frame = pl.LazyFrame(data, schema={c: pl.Utf8 for c in COLUMNS})
    return frame.with_row_index("row", offset=1).with_columns(
        pl.lit(None, dtype=pl.Utf8).alias("_problem")
    )
