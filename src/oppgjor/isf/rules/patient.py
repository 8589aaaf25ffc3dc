"""ISF rules over a patient's records together (team special codes, care pathways), run after
the weights are joined: they need the weight of a special code or of a care pathway's TFG.

Both work on windows per patient (``over``/joins keyed by ``patient_id``), so they stay
correct when a national run is split by patient partition. They match records by ``_id``,
the record's position in the validated input (a line number need not be unique: a whole
XML message may be one line), given before any join can reorder the rows.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import polars as pl

from oppgjor.isf.domain import findings as F
from oppgjor.isf.rules.common import (
    POINTS,
    SOMATIC,
    add_finding,
    has_any,
    param,
    param_version,
    tag,
)

Weights = dict[tuple[str, str], Decimal]


def _weight_of(code: str, weights: Weights) -> pl.Expr:
    """The weight of *code* for the record's area, or null when the table has none."""
    somatic, phv = weights.get((code, "somatic")), weights.get((code, "phv_tsb"))
    value = (
        pl.when(SOMATIC)
        .then(pl.lit(None if somatic is None else str(somatic), pl.Utf8))
        .otherwise(pl.lit(None if phv is None else str(phv), pl.Utf8))
    )
    return value.str.to_decimal(scale=3).cast(POINTS)


def team_codes(frame: pl.LazyFrame, year: int, weights: Weights) -> pl.LazyFrame:
    """Team special codes (B0044, B0045): the weight of the code counts at most once per
    patient and calendar month (on the first record carrying it), and only when the team
    followed the patient for at least half of the month: from the first day to the last day
    in the month covered by the patient's records with the code (an episode counts from its
    date in to its date out). Further records with the code that month, and a month with
    shorter follow-up, are findings without points. Only the records carrying a code are
    windowed; the rest pass through untouched."""
    spec = param("team_special_codes", year)
    if not spec:
        return frame
    version = param_version("team_special_codes", year)
    share = Fraction(str(spec["min_share_of_month"]))  # exact: days × share, no float
    day = pl.coalesce("day_out", "day_in")
    start, end = day.dt.month_start(), day.dt.month_end()
    key = ["patient_id", "_month"]
    for code in spec["codes"]:
        has = has_any("special_codes", [code]) & pl.col("counted")
        covered = (pl.col("_last").max() - pl.col("_first").min()).over(key).dt.total_days() + 1
        verdicts = (
            frame.filter(has)
            .select(
                "_id", "patient_id", start.alias("_month"),
                pl.max_horizontal(pl.col("day_in"), start).alias("_first"),
                pl.min_horizontal(day, end).alias("_last"), end.dt.day().alias("_days"),
                pl.col("_id").sort_by("day_in", "_id").first().over("patient_id", start)
                .alias("_n"),
            )
            .select(
                "_id", (covered * share.denominator
                        >= pl.col("_days").cast(pl.Int64) * share.numerator)
                .alias("_enough"), (pl.col("_n") == pl.col("_id")).alias("_first_in_month"),
            )
        )  # fmt: skip
        weight = _weight_of(code, weights)
        coded = pl.col("_enough").is_not_null()
        enough = pl.col("_enough").fill_null(False)
        counts = enough & pl.col("_first_in_month") & weight.is_not_null()
        frame = (
            frame.join(verdicts, on="_id", how="left")
            .with_columns(
                pl.when(counts)
                .then(pl.col("extra") + weight.fill_null(0).cast(POINTS))
                .otherwise(pl.col("extra"))
                .alias("extra"),
                add_finding(
                    coded & weight.is_null(),
                    f"{F.WEIGHT_UNKNOWN.code}: {code} mangler i vekttabellen for {year}",
                ),
                tag(counts, f"{version} {code}"),
            )
            .with_columns(
                add_finding(
                    coded & ~enough,
                    f"{F.TEAM_FOLLOWUP_SHORT.code}: {code} teller bare når teamet har fulgt opp "
                    "pasienten minst halve kalendermåneden",
                )
            )
            .with_columns(
                add_finding(
                    enough & ~pl.col("_first_in_month"),
                    f"{F.SPECIAL_CODE_REPEATED.code}: {code} teller én gang per pasient og måned",
                )
            )
            .drop("_enough", "_first_in_month")
        )
    return frame


def care_pathways(frame: pl.LazyFrame, year: int, weights: Weights) -> pl.LazyFrame:
    """Care pathways (TFG): a counted record whose DRG is a trigger opens a pathway; the
    patient's related records at the same institution (DRG, and the main condition's
    prefix where the table gives one) within the window around the trigger and in the same
    calendar year are gathered into it. Two triggers give two pathways; a record that fits
    several goes to the nearest trigger (the earlier one on a tie). The trigger carries the
    TFG's weight (``tfg``, ``tfg_weight``); every member gets ``pathway`` and gives no points
    of its own. A trigger whose TFG has no weight in the year's table opens no pathway (a
    finding; the records keep their DRG points)."""
    spec = param("care_pathways", year)
    none = [
        pl.lit(None, dtype=pl.Utf8).alias("tfg"),
        pl.lit(None, dtype=pl.Utf8).alias("pathway"),
        pl.lit(None, dtype=POINTS).alias("tfg_weight"),
    ]
    if not spec:
        return frame.with_columns(*none)
    version = param_version("care_pathways", year)
    triggers: dict[str, str] = spec["triggers"]
    day_last = pl.coalesce("day_out", "day_in")
    tfg = pl.col("drg").replace_strict(triggers, default=None, return_dtype=pl.Utf8)
    tfg_weight = pl.lit(None, dtype=pl.Utf8)
    for code in set(triggers.values()):
        tfg_weight = (
            pl.when(tfg == code).then(_weight_of(code, weights).cast(pl.Utf8)).otherwise(tfg_weight)
        )
    keyed = frame.with_columns(
        pl.when(pl.col("counted")).then(tfg).otherwise(None).alias("_tfg"),
        tfg_weight.str.to_decimal(scale=3).cast(POINTS).alias("_tfg_weight"),
    )
    opens = pl.col("_tfg").is_not_null() & pl.col("_tfg_weight").is_not_null()
    keyed = keyed.with_columns(
        pl.when(opens)
        .then(pl.concat_str(pl.col("_tfg"), pl.col("institution"), pl.col("patient_id"),
                            pl.col("day_in").dt.strftime("%Y-%m-%d"), pl.col("row").cast(pl.Utf8),
                            separator=":"))
        .otherwise(None)
        .alias("_opened"),
        add_finding(
            pl.col("_tfg").is_not_null() & pl.col("_tfg_weight").is_null(),
            f"{F.WEIGHT_UNKNOWN.code}: tjenesteforløpet mangler i vekttabellen for {year}",
        ),
    )  # fmt: skip
    opened = keyed.filter(pl.col("_opened").is_not_null()).select(
        "patient_id", "institution", pl.col("_opened").alias("_path"),
        pl.col("day_in").alias("_t_in"), day_last.alias("_t_out"),
    )  # fmt: skip
    related = pl.LazyFrame(
        {
            "drg": [r["drg"] for r in spec["related"]],
            "_diagnosis": [r.get("diagnosis") or "" for r in spec["related"]],
            "_before": [r.get("days_before") for r in spec["related"]],
            "_after": [r.get("days_after") for r in spec["related"]],
        },
        schema={"drg": pl.Utf8, "_diagnosis": pl.Utf8, "_before": pl.Int64, "_after": pl.Int64},
    )
    main = pl.col("main_condition").fill_null("").str.replace(".", "", literal=True)
    excluded = list(spec.get("excluded_contact_types") or [])
    candidates = (
        keyed.filter(
            pl.col("counted") & pl.col("_opened").is_null()
            & ~pl.col("contact_type").fill_null("").is_in(excluded)
        )
        .select("_id", "patient_id", "institution", "drg", "day_in", main.alias("_main"))
        .join(related, on="drg", how="inner")
        .filter(pl.col("_main").str.starts_with(pl.col("_diagnosis")))
    )  # fmt: skip
    days = pl.duration(days=1)
    members = (
        candidates.join(opened, on=["patient_id", "institution"], how="inner")
        .filter(
            (pl.col("day_in").dt.year() == pl.col("_t_in").dt.year())
            & (pl.col("_before").is_null()
               | (pl.col("day_in") >= pl.col("_t_in") - days * pl.col("_before")))
            & (pl.col("_after").is_null()
               | (pl.col("day_in") <= pl.col("_t_out") + days * pl.col("_after")))
        )
        .with_columns((pl.col("day_in") - pl.col("_t_in")).dt.total_days().abs().alias("_dist"))
        .sort("_id", "_dist", "_t_in", "_path")
        .unique(subset="_id", keep="first", maintain_order=True)
        .select("_id", "_path")
    )  # fmt: skip
    joined = keyed.join(members, on="_id", how="left")
    pathway = pl.coalesce("_opened", "_path")
    return joined.with_columns(
        pl.when(pl.col("_opened").is_not_null()).then(pl.col("_tfg")).otherwise(None).alias("tfg"),
        pathway.alias("pathway"),
        pl.when(pl.col("_opened").is_not_null()).then(pl.col("_tfg_weight")).otherwise(None)
        .alias("tfg_weight"),
        tag(pathway.is_not_null(), version),
    ).drop("_tfg", "_tfg_weight", "_opened", "_path")  # fmt: skip
