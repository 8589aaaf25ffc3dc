"""ISF record rules: dated functions over one record at a time (DESIGN.md convention 4).
Numbers come from ``data/parameters/isf.yaml``; logic that changed between years is a separate
function per version (``telephone_2020``, ``telephone_2021``, ``telephone_2022``), chosen by
the year.

Each rule adds to the per-record columns the pipeline carries: ``drg`` (overrides),
``counted`` (does the record give points), ``extra`` (additional points, e.g. the ambulant
supplement), ``extra_code`` (an STG given in addition), ``finding`` and ``applied`` (the rule
versions that touched the record). Sources: shared/seeds/004 (ISF 2020) and 003 (2021→2022).
"""

from __future__ import annotations

import polars as pl

from oppgjor.core import parameters
from oppgjor.isf.domain import findings as F
from oppgjor.isf.rules.common import (
    POINTS,
    SOMATIC,
    Rule,
    add_finding,
    has_any,
    param,
    param_version,
    tag,
)

# -- telephone consultations ----------------------------------------------------------------


def telephone_2020(frame: pl.LazyFrame, year: int) -> pl.LazyFrame:
    """2020: somatic telephone consultations count only as indirect activity 13 with a
    reported co-payment; indirect activity 12 never counts."""
    twelve = SOMATIC & (pl.col("indirect_activity") == "12")
    thirteen_unpaid = (
        SOMATIC
        & (pl.col("indirect_activity") == "13")
        & (pl.col("copayment").fill_null("0") != "1")
    )
    hit = twelve | thirteen_unpaid
    return frame.with_columns(
        pl.when(hit).then(False).otherwise(pl.col("counted")).alias("counted"),
        tag(hit, "telephone_2020"),
    )


def telephone_2021(frame: pl.LazyFrame, year: int) -> pl.LazyFrame:
    """2021: contact type 7 counts with a co-payment; without, it groups to DRG 470."""
    unpaid = SOMATIC & (pl.col("contact_type") == "7") & (pl.col("copayment").fill_null("0") != "1")
    return frame.with_columns(
        pl.when(unpaid).then(pl.lit("470")).otherwise(pl.col("drg")).alias("drg"),
        tag(unpaid, "telephone_2021"),
    )


def telephone_2022(frame: pl.LazyFrame, year: int) -> pl.LazyFrame:
    """2022: contact type 7 counts without the co-payment requirement (nothing to change)."""
    return frame


TELEPHONE: dict[int, Rule] = {2020: telephone_2020, 2021: telephone_2021, 2022: telephone_2022}


def _by_year(versions: dict[int, Rule], year: int) -> Rule:
    chosen = [y for y in versions if y <= year]
    if not chosen:
        raise parameters.ParameterError(f"Ingen regelversjon for {year}")
    return versions[max(chosen)]


# -- record rules with dated numbers ----------------------------------------------------------


def cooperation(frame: pl.LazyFrame, year: int) -> pl.LazyFrame:
    """Cooperation activities: 2020–2021 contact type 5 with one of the listed indirect
    activities and WPBA10/15 → DRG 993O, WPBA20, WRBA24, WMFG10 → 995O; from 2022 STG XS08
    in addition to the ordinary DRG, whatever the form of communication, and for an
    inpatient only when reported ready for discharge."""
    mapping: dict[str, str] = param("cooperation_drgs", year) or {}
    activities: list[str] = param("cooperation_indirect_activities", year) or []
    indirect = (pl.col("contact_type") == "5") & pl.col("indirect_activity").is_in(activities)
    for code, drg in mapping.items():
        hit = indirect & has_any("procedures", [code])
        frame = frame.with_columns(
            pl.when(hit).then(pl.lit(drg)).otherwise(pl.col("drg")).alias("drg"),
            tag(hit, param_version("cooperation_drgs", year)),
        )
    stg = param("cooperation_stg", year)
    if stg:
        inpatient = pl.col("care_level") == "1"
        ready = pl.col("ready_for_discharge").fill_null("0") == "1"
        hit = has_any("procedures", list(stg["procedures"])) & (~inpatient | ready)
        frame = frame.with_columns(
            pl.when(hit)
            .then(pl.lit(stg["code"]))
            .otherwise(pl.col("extra_code"))
            .alias("extra_code"),
            tag(hit, param_version("cooperation_stg", year)),
        )
    return frame


def grouping_2020(frame: pl.LazyFrame, year: int) -> pl.LazyFrame:
    """2020–2021: the pre-grouped DRG stands."""
    return frame


def grouping_2022(frame: pl.LazyFrame, year: int) -> pl.LazyFrame:
    """2022: Z51.5 as main condition, and Z50.9 without a secondary condition, group to 470."""
    main = pl.col("main_condition").fill_null("").str.replace(".", "", literal=True)
    no_secondary = pl.col("secondary_conditions").fill_null("").str.strip_chars() == ""
    hit = (main == "Z515") | ((main == "Z509") & no_secondary)
    return frame.with_columns(
        pl.when(hit).then(pl.lit("470")).otherwise(pl.col("drg")).alias("drg"),
        tag(hit, "grouping_2022"),
    )


GROUPING: dict[int, Rule] = {2020: grouping_2020, 2022: grouping_2022}


def expired_drgs(frame: pl.LazyFrame, year: int) -> pl.LazyFrame:
    """A record whose DRG does not exist in its year gives no points and is a finding: the
    DRG expired before the year, or is only introduced in a later one."""
    for name, text in (
        ("expired_drgs", f"{F.DRG_EXPIRED.code}: DRG-en finnes ikke i {year}"),
        ("drgs_not_yet_valid", f"{F.DRG_NOT_YET_VALID.code}: DRG-en finnes først etter {year}"),
    ):
        hit = pl.col("drg").is_in(list(param(name, year)))
        frame = frame.with_columns(
            pl.when(hit).then(False).otherwise(pl.col("counted")).alias("counted"),
            add_finding(hit, text),
            tag(hit, param_version(name, year)),
        )
    return frame


def health_personnel(frame: pl.LazyFrame, year: int) -> pl.LazyFrame:
    """Outpatient contacts outside the procedure DRGs (700/800 series) count only with an
    executing health personnel group in the year's list."""
    allowed: list[str] = param("isf_health_personnel", year)
    series = pl.col("drg").fill_null("").str.slice(0, 1).is_in(["7", "8"]) & (
        pl.col("drg").fill_null("").str.len_chars() >= 3
    )
    outpatient = pl.col("care_level") == "3"
    hit = outpatient & ~series & ~pl.col("health_personnel").fill_null("").is_in(allowed)
    return frame.with_columns(
        pl.when(hit).then(False).otherwise(pl.col("counted")).alias("counted"),
        add_finding(hit, f"{F.PERSONNEL_NOT_ELIGIBLE.code}: utførende helsepersonell gir ikke ISF"),
        tag(hit, param_version("isf_health_personnel", year)),
    )


def stg_without_points(frame: pl.LazyFrame, year: int) -> pl.LazyFrame:
    codes: list[str] = param("stg_without_points", year)
    hit = pl.col("drg").is_in(codes)
    return frame.with_columns(
        pl.when(hit).then(False).otherwise(pl.col("counted")).alias("counted"),
        tag(hit, param_version("stg_without_points", year)),
    )


def special_codes(frame: pl.LazyFrame, year: int) -> pl.LazyFrame:
    invalid: list[str] = param("invalid_special_codes", year)
    recorded: list[str] = param("recorded_special_codes", year)
    bad = has_any("special_codes", invalid)
    noted = has_any("special_codes", recorded) if recorded else pl.lit(False)
    frame = frame.with_columns(
        add_finding(bad, f"{F.SPECIAL_CODE_INVALID.code}: særkoden er ikke gyldig i {year}"),
        tag(bad, param_version("invalid_special_codes", year)),
    )
    version = param_version("recorded_special_codes", year)
    note = f"{version} {' '.join(recorded)} (registrert, ikke prissatt)"
    return frame.with_columns(tag(noted, note))


def ambulant_supplement(frame: pl.LazyFrame, year: int) -> pl.LazyFrame:
    """Contacts at the patient's home (4) or another ambulant place (5) get a supplement
    weight per area; DRGs listed as not eligible get none. A year without a known weight
    gives a finding, not a guess."""
    ambulant = pl.col("activity_location").is_in(["4", "5"])
    ineligible: list[str] = param("ambulant_ineligible_drgs", year)
    eligible = ambulant & ~pl.col("drg").is_in(ineligible) & pl.col("counted")
    somatic = param("ambulant_supplement_somatic", year)
    phv = param("ambulant_supplement_phv_tsb", year)
    if somatic is None or phv is None:
        return frame.with_columns(
            add_finding(
                eligible, f"{F.PARAMETER_UNKNOWN.code}: ambulant tillegg for {year} er ikke kjent"
            ),
        )
    weight = pl.when(SOMATIC).then(pl.lit(str(somatic))).otherwise(pl.lit(str(phv)))
    supplement = weight.str.to_decimal(scale=3).cast(POINTS)
    frame = frame.with_columns(
        pl.when(eligible)
        .then(pl.col("extra") + supplement)
        .otherwise(pl.col("extra"))
        .alias("extra"),
        tag(eligible & SOMATIC, param_version("ambulant_supplement_somatic", year)),
    )
    return frame.with_columns(
        tag(eligible & ~SOMATIC, param_version("ambulant_supplement_phv_tsb", year))
    )


def provider_types(frame: pl.LazyFrame, year: int) -> pl.LazyFrame:
    """Who gets ISF (2022 section 8): the provider type decides which activity counts; day
    surgery (``2K``) is day treatment in a surgical group (needs ``surgical`` from the weight
    table, so this runs after the weights are joined). An unknown type is a finding."""
    table: dict[str, list[str]] | None = param("isf_provider_types", year)
    if not table:
        return frame
    known = pl.col("provider_type").is_in(list(table))
    given = pl.col("provider_type").is_not_null() & (pl.col("provider_type") != "")
    level = pl.col("care_level").fill_null("")
    day_surgery = (level == "2") & pl.col("surgical").fill_null(False)
    allowed = pl.lit(False)
    for provider, levels in table.items():
        plain = [x for x in levels if x != "2K"]
        ok = level.is_in(plain) | (day_surgery if "2K" in levels else pl.lit(False))
        allowed = allowed | ((pl.col("provider_type") == provider) & ok)
    excluded = given & known & ~allowed
    unknown = given & ~known
    frame = frame.with_columns(
        pl.when(excluded).then(False).otherwise(pl.col("counted")).alias("counted"),
        add_finding(
            excluded, f"{F.PROVIDER_NOT_ELIGIBLE.code}: aktiviteten gir ikke ISF for tjenesteyteren"
        ),
    ).with_columns(
        add_finding(
            unknown, f"{F.PROVIDER_TYPE_UNKNOWN.code}: ukjent tjenesteytertype; sjekk provider_type"
        ),
    )
    return frame.with_columns(tag(excluded, param_version("isf_provider_types", year)))


def rules_for(year: int) -> list[Rule]:
    """The ordered rule registry for *year*: DRG overrides first, then what counts, then
    additions."""
    return [
        _by_year(TELEPHONE, year),
        cooperation,
        _by_year(GROUPING, year),
        expired_drgs,
        health_personnel,
        stg_without_points,
        special_codes,
        ambulant_supplement,
    ]


def apply(frame: pl.LazyFrame, year: int) -> pl.LazyFrame:
    """The year's record rules over *frame*, after the columns they work on are added."""
    frame = frame.with_columns(
        pl.lit(True).alias("counted"),
        pl.lit(0).cast(POINTS).alias("extra"),
        pl.lit(None, dtype=pl.Utf8).alias("extra_code"),
        pl.lit(None, dtype=pl.Utf8).alias("finding"),
        pl.lit("").alias("applied"),
    )
    for rule in rules_for(year):
        frame = rule(frame, year)
    return frame
