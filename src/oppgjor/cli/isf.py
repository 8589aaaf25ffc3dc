"""CLI: the `isf` command group."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn

from oppgjor.app.errors import UseCaseError
from oppgjor.cli.common import JsonOption, handled
from oppgjor.cli.layout import AMOUNT, FIXED, TEXT, table
from oppgjor.cli.render import format_count, out, print_json
from oppgjor.core.money import format_nok
from oppgjor.isf.domain.findings import OUTSIDE_YEAR
from oppgjor.isf.domain.prices import Area

SettingsOption = Annotated[
    Path | None, typer.Option(help="YAML med årets priser og andeler der de ikke er offentlige.")
]

isf_group = typer.Typer(
    help="ISF: innsatsstyrt finansiering, priser og NPR-frister.", no_args_is_help=True
)


NBSP = "\u00a0"  # between digit groups: a number is never broken across lines
AREA_LABELS = {"somatic": "somatikk", "phv_tsb": "PHV/TSB"}
BAD_ROWS = 4  # computed, but rows that could not be used were left out (README exit codes)


def kroner(amount: Decimal) -> str:
    """``2 935,50`` (digit groups joined by a no-break space)."""
    return format_nok(amount).replace(" ", NBSP)


def points_text(value: Decimal) -> str:
    """Points as Norwegians write them, with their three decimals: ``155,110``."""
    sign, text = ("-" if value < 0 else ""), f"{abs(value):,.3f}"
    return sign + text.replace(",", NBSP).replace(".", ",")


@isf_group.command(
    "deadlines", help="NPR-frister for et år (første og siste leveranse per tertial)."
)
def npr_deadlines(
    year: Annotated[int, typer.Option(help="Året aktiviteten gjelder.")],
    as_json: JsonOption = False,
) -> None:
    with handled(as_json):
        from oppgjor.app.isf import runs as isf_app  # Polars loads only for ISF

        found = isf_app.npr_deadlines(year)
        if as_json:
            print_json([d.__dict__ for d in found])
            return
        result = table(
            f"Rapporteringsfrister til NPR for {year}", ("tertial", FIXED),
            ("dataperiode", FIXED), ("første leveranse", FIXED), ("siste leveranse", FIXED),
        )  # fmt: skip
        for d in found:
            result.add_row(str(d.tertial), f"{d.period_start:%d.%m}–{d.period_end:%d.%m}",
                           f"{d.first:%d.%m.%Y}", f"{d.final:%d.%m.%Y}")  # fmt: skip
        out.print(result)


@isf_group.command("price", help="ISF-refusjon for en poengsum: poeng × enhetspris × ISF-andel.")
def price(
    year: Annotated[int, typer.Option(help="ISF-året.")],
    points: Annotated[str, typer.Option(help="Sum korrigerte poeng, f.eks. 155,11.")],
    area: Annotated[str, typer.Option(help="somatic eller phv_tsb.")] = "somatic",
    settings: SettingsOption = None,
    as_json: JsonOption = False,
) -> None:
    with handled(as_json):
        try:
            value = Decimal(points.replace(" ", "").replace(",", "."))
            which = Area(area)
        except (InvalidOperation, ValueError):
            raise UseCaseError(f"Ugyldig poengsum «{points}» eller område «{area}».") from None
        from oppgjor.app.isf import runs as isf_app  # Polars loads only for ISF

        amount = isf_app.price(year, value, which, settings)
        if as_json:
            print_json(
                {"year": year, "area": which.value, "points": str(value), "kroner": str(amount)}
            )
            return
        given = f"{value:,f}".replace(",", NBSP).replace(".", ",")
        out.print(f"ISF {year} {AREA_LABELS[which.value]}: {given} poeng = {kroner(amount)} kr")


@isf_group.command(
    "group", help="Grupper kasus (NordDRG-regresjonsformat) og sammenlign med forventet."
)
def group(
    definitions: Annotated[Path, typer.Option(help="Definisjonsdata: zip, mappe eller json.")],
    cases: Annotated[Path, typer.Option(help="Kasusfil: RegelNr;DRGKode;regel;streng;Returkode.")],
    as_json: JsonOption = False,
) -> None:
    with handled(as_json):
        from oppgjor.app.isf import runs as isf_app  # Polars loads only for ISF

        results = isf_app.group_regression_file(definitions, cases)
        failed = [r for r in results if not r.passed]
        if as_json:
            print_json([{"case": r.number, "expected": [r.expected_drg, r.expected_row],
                         "found": [r.found.drg, r.found.ord] if r.found else None,
                         "passed": r.passed} for r in results])  # fmt: skip
        else:
            for r in results:
                found = f"{r.found.drg} (rad {r.found.ord})" if r.found else "ingen DRG"
                mark = (
                    "ok" if r.passed else f"FEIL, forventet {r.expected_drg} (rad {r.expected_row})"
                )
                out.print(f"{r.number}: {found} {mark}")
            out.print(f"{len(results) - len(failed)} stemmer, {len(failed)} avviker")
    if failed:
        raise typer.Exit(1)


@isf_group.command("demo", help="Skriv syntetisk somatisk aktivitet (pseudonyme pasienter).")
def demo(
    year: Annotated[int, typer.Option(help="Året aktiviteten gjelder.")],
    output: Annotated[Path, typer.Option(help="Fil å skrive: CSV eller Parquet.")],
    records: Annotated[int, typer.Option(help="Antall poster.")] = 10_000,
    as_json: JsonOption = False,
) -> None:
    with handled(as_json):
        from oppgjor.app.isf import runs as isf_app  # Polars loads only for ISF

        written = isf_app.write_demo_activity(year, records, output)
        if as_json:
            print_json({"records": written, "output": str(output)})
            return
        out.print(f"{written} syntetiske aktivitetsposter for {year} skrevet til {output}")


def _partition(text: str | None) -> tuple[int, int] | None:
    if text is None:
        return None
    try:
        part, parts = (int(x) for x in text.split("/"))
    except ValueError:
        raise UseCaseError(f"Ugyldig partisjon «{text}»; skriv K/N, f.eks. 0/4.") from None
    return part, parts


@isf_group.command("combine", help="Legg sammen sammendragene fra en delt kjøring (--partition).")
def combine(
    year: Annotated[int, typer.Option(help="ISF-året.")],
    parts: Annotated[list[Path], typer.Argument(help="Sammendragsfilene (CSV) fra hver del.")],
    summary: Annotated[Path, typer.Option(help="Samlet sammendrag (CSV) å skrive.")],
    settings: SettingsOption = None,
    as_json: JsonOption = False,
) -> None:
    with handled(as_json):
        from oppgjor.app.isf import runs as isf_app  # Polars loads only for ISF

        rows = isf_app.combine_summaries(year, parts, settings)
        isf_app.write_summary(rows, summary)
        points = sum((r.points for r in rows), Decimal(0))
        if as_json:
            print_json({"parts": len(parts), "rows": len(rows), "points": str(points)})
            return
        out.print(f"{len(parts)} deler lagt sammen: {len(rows)} rader, {points_text(points)} "
                  f"poeng → {summary}")  # fmt: skip


def _progress(as_json: bool) -> Progress:
    """A progress bar on stderr (stdout stays clean for --json and pipes), only when stderr
    is a terminal."""
    console = Console(stderr=True)
    return Progress(
        SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), console=console,
        transient=True, disable=as_json or not console.is_terminal,
    )  # fmt: skip


def _outside(result: Any) -> int:
    """Records of another year than the run's: left out of the totals."""
    return int(result.findings_by_code.get(OUTSIDE_YEAR.code, 0))


def _print_run(year: int, input_: Path, result: Any) -> None:
    file_name = input_.name
    if result.bad_rows:
        bad = format_count(len(result.bad_rows))
        out.print(f"[red]{bad} rader i {file_name} kunne ikke brukes og er utelatt[/] "
                  "(linjenummer og årsak står under tabellene).")  # fmt: skip
    if _outside(result):
        outside = format_count(_outside(result))
        out.print(f"[red]{outside} poster i {file_name} er fra et annet år enn {year} og er holdt "
                  f"utenfor summene[/] ({OUTSIDE_YEAR.code}).")  # fmt: skip
    for warning in result.warnings:
        out.print(f"[yellow]{warning}[/]")
    if result.synthetic_weights:
        out.print("[yellow]OBS: SYNTETISKE demovekter (weights_demo.csv), ikke "
                  "Helsedirektoratets: dette er ikke ekte ISF-penger. Oppgi årets vekttabell "
                  "med --weights.[/]")  # fmt: skip
    totals = table(
        f"ISF {year}: {format_count(result.records)} poster",
        ("område", TEXT), ("poeng", AMOUNT), ("kroner", AMOUNT),
    )  # fmt: skip
    for area, (points, amount) in result.totals.items():
        totals.add_row(AREA_LABELS.get(area, area), points_text(points), kroner(amount))
    out.print(totals)
    named = any(result.names.get(top.code) for top in result.top_codes)
    codes = table(
        "Største koder etter poeng",
        ("kode", FIXED), *([("navn", TEXT)] if named else []), ("poeng", AMOUNT),
        ("kroner", AMOUNT),
    )  # fmt: skip
    for top in result.top_codes:
        name = [result.names.get(top.code, "")] if named else []
        codes.add_row(top.code, *name, points_text(top.points), kroner(top.kroner))
    out.print(codes)
    if result.findings:
        out.print(f"[yellow]{format_count(result.findings)} poster med funn (se kolonnen "
                  "finding):[/]")  # fmt: skip
        for code, count in result.findings_by_code.items():
            out.print(f"  {code}: {format_count(count)}")
    for line, reason in result.bad_rows[:20]:
        out.print(f"[red]linje {line}[/]: {reason}")
    if len(result.bad_rows) > 20:
        out.print(f"... og {len(result.bad_rows) - 20} linjer til med feil.")


@isf_group.command(
    "compute",
    help="ISF for et års aktivitet: poeng og kroner per område og DRG. Utgangskode 4: "
    "beregnet, men rader som ikke kunne brukes er utelatt (antallet står først).",
)
def compute(
    year: Annotated[int, typer.Option(help="ISF-året (poster fra andre år holdes utenfor).")],
    input_: Annotated[
        Path, typer.Option("--input", help="Aktivitet: CSV, Parquet eller NPR-melding (XML).")
    ],
    weights: Annotated[
        Path | None, typer.Option(help="Årets vekttabell (standard: SYNTETISK demo).")
    ] = None,
    settings: SettingsOption = None,
    output: Annotated[Path | None, typer.Option(help="Resultat per post (CSV/Parquet).")] = None,
    summary: Annotated[Path | None, typer.Option(help="Oppsummering (CSV).")] = None,
    definitions: Annotated[
        Path | None, typer.Option(help="NordDRG-definisjonsdata: grupperer poster uten DRG.")
    ] = None,
    regroup: Annotated[
        bool, typer.Option("--regroup", help="Grupper også poster med DRG.")
    ] = False,
    partition: Annotated[
        str | None,
        typer.Option(help="Bare pasientene i del K av N, f.eks. 0/4 (legg sammen med combine)."),
    ] = None,
    names: Annotated[Path | None, typer.Option(help="Navn på DRG/STG/TFG: CSV code,text.")] = None,
    as_json: JsonOption = False,
) -> None:
    with handled(as_json):
        part = _partition(partition)
        with _progress(as_json) as progress:
            task = progress.add_task("ISF", total=5)
            from oppgjor.app.isf import runs as isf_app  # Polars loads only for ISF

            result = isf_app.compute(
                year, input_, weights_file=weights, settings=settings, output=output,
                definitions=definitions, regroup=regroup, partition=part, names=names,
                step=lambda text: progress.update(task, description=text, advance=1),
            )  # fmt: skip
        if summary is not None:
            isf_app.write_summary(result.summary, summary)
        if as_json:
            per_area = {a: {"points": str(p), "kroner": str(k)}
                        for a, (p, k) in result.totals.items()}  # fmt: skip
            top = [{"code": t.code, "name": result.names.get(t.code), "points": str(t.points),
                    "kroner": str(t.kroner)} for t in result.top_codes]  # fmt: skip
            print_json({"records": result.records, "findings": result.findings,
                        "findings_by_code": result.findings_by_code,
                        "bad_rows": result.bad_rows, "synthetic_weights": result.synthetic_weights,
                        "warnings": result.warnings, "totals": per_area,
                        "top_codes": top})  # fmt: skip
        else:
            _print_run(year, input_, result)
    if result.bad_rows or _outside(result):
        raise typer.Exit(BAD_ROWS)
