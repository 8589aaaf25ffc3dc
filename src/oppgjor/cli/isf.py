"""CLI: the `isf` command group."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress
from rich.table import Table

from oppgjor.app.errors import UseCaseError
from oppgjor.cli.common import JsonOption, handled
from oppgjor.cli.render import out, print_json
from oppgjor.core.money import format_nok
from oppgjor.isf.domain.prices import Area

SettingsOption = Annotated[
    Path | None, typer.Option(help="YAML med årets priser og andeler der de ikke er offentlige.")
]

isf_group = typer.Typer(
    help="ISF: innsatsstyrt finansiering, priser og NPR-frister.", no_args_is_help=True
)


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
        table = Table(title=f"Rapporteringsfrister til NPR for {year}")
        for column in ("tertial", "dataperiode", "første leveranse", "siste leveranse"):
            table.add_column(column)
        for d in found:
            table.add_row(str(d.tertial), f"{d.period_start:%d.%m}–{d.period_end:%d.%m}",
                          f"{d.first:%d.%m.%Y}", f"{d.final:%d.%m.%Y}")  # fmt: skip
        out.print(table)


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

        kroner = isf_app.price(year, value, which, settings)
        if as_json:
            print_json(
                {"year": year, "area": which.value, "points": str(value), "kroner": str(kroner)}
            )
            return
        out.print(f"ISF {year} {which.value}: {value} poeng = {format_nok(kroner)} kr")


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
            out.print(f"{len(results) - len(failed)} passed, {len(failed)} failed")
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
        out.print(f"{len(parts)} deler lagt sammen: {len(rows)} rader, {points} poeng → {summary}")


@isf_group.command("compute", help="ISF for et års aktivitet: poeng og kroner per område og DRG.")
def compute(
    year: Annotated[int, typer.Option(help="ISF-året.")],
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
    as_json: JsonOption = False,
) -> None:
    with handled(as_json):
        part = _partition(partition)
        with Progress(transient=True, disable=as_json) as progress:
            task = progress.add_task("ISF", total=None)
            from oppgjor.app.isf import runs as isf_app  # Polars loads only for ISF

            result = isf_app.compute(
                year, input_, weights_file=weights, settings=settings, output=output,
                definitions=definitions, regroup=regroup, partition=part,
                step=lambda text: progress.update(task, description=text),
            )  # fmt: skip
        if summary is not None:
            isf_app.write_summary(result.summary, summary)
        totals = result.totals
        if as_json:
            per_area = {a: {"points": str(p), "kroner": str(k)} for a, (p, k) in totals.items()}
            print_json({"records": result.records, "findings": result.findings,
                        "findings_by_code": result.findings_by_code,
                        "bad_rows": result.bad_rows, "totals": per_area})  # fmt: skip
            return
        table = Table(title=f"ISF {year}: {result.records} poster")
        for column in ("område", "poeng", "kroner"):
            table.add_column(column)
        for area, (points, kroner) in totals.items():
            table.add_row(area, f"{points}", format_nok(kroner))
        out.print(table)
        codes = Table(title="Største DRG/STG/TFG etter poeng")
        for column in ("kode", "poeng", "kroner"):
            codes.add_column(column)
        for top in result.top_codes:
            codes.add_row(top.code, f"{top.points}", format_nok(top.kroner))
        out.print(codes)
        if result.findings:
            out.print(f"[yellow]{result.findings} poster med funn (se kolonnen finding):[/]")
            for code, count in result.findings_by_code.items():
                out.print(f"  {code}: {count}")
        for line, reason in result.bad_rows[:20]:
            out.print(f"[red]linje {line}[/]: {reason}")
        if len(result.bad_rows) > 20:
            out.print(f"... og {len(result.bad_rows) - 20} linjer til med feil.")
