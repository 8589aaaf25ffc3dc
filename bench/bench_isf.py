"""ISF grouper throughput on one core with the 2015 NordDRG tables (issue 5: >= 10 000 cases/s).

The tables and cases are read from ../shared (not redistributable; never copied). The cases
are the regression set, repeated to the requested size.
"""

from __future__ import annotations

import csv
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from oppgjor.isf.domain.grouper.definitions import Definitions
from oppgjor.isf.domain.grouper.matching import group, parse_case
from reference import shared

SIZE = 200_000


def batch_run(count: int, year: int) -> None:
    """Child process: price *count* synthetic pre-grouped records, print seconds and peak MB.
    The unit prices and shares not public for the year are synthetic values."""
    import json
    import resource
    import tempfile

    from oppgjor.app.isf import runs as isf_app
    from oppgjor.isf.adapters import batch

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "aktivitet.parquet"
        batch.demo_activity(count, year).write_parquet(path)
        settings = Path(tmp) / "isf.yaml"
        settings.write_text(
            "2020:\n  phv_tsb: {unit_price: 3160, share: 0.3}\n"
            "2022:\n  somatic: {unit_price: 48000, share: 0.5}\n"
            "  phv_tsb: {unit_price: 3300, share: 0.3}\n",
            "utf-8",
        )
        t0 = time.perf_counter()
        result = isf_app.compute(year, path, settings=settings, output=Path(tmp) / "ut.parquet")
        seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    pathways = sum(r.records for r in result.summary if r.code.startswith("HT"))
    print(json.dumps({"records": result.records, "seconds": seconds, "peak": peak,
                      "pathways": pathways, "findings": result.findings}))  # fmt: skip


def npr_xml_run(count: int) -> None:
    """Child process: write a synthetic NPR message of *count* Episodes, read and validate it."""
    import json
    import resource
    import tempfile

    from oppgjor.isf.adapters import batch

    episode = (
        '<Episode innDatoTid="2021-0{m}-10T08:00:00" omsorgsniva="3" drg="908O">'
        '<Kontakt kontaktType="2" stedAktivitet="1"><Helseperson polUtforende="1"/></Kontakt>'
        '<RefEnhet enhetID="1" typeEnhet="1"/><Tilstand tilstNr="1"><Kode kodeverk="D" '
        'kodeVerdi="M161"/></Tilstand><Tjeneste><Tiltak><Prosedyre><Kode kodeverk="Q" '
        'kodeVerdi="NFB40"/></Prosedyre></Tiltak></Tjeneste></Episode>'
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "npr.xml"
        with path.open("w", encoding="utf-8") as out:
            out.write('<Melding versjon="57.0.1"><Institusjon institusjonID="974589095">'
                      '<Enhet enhetID="1" sektor="1"/>')  # fmt: skip
            for n in range(count // 2):
                out.write(f'<Objektholder pasientNr="{n}"><Pasient kjonn="1" fodselsar="1960"/>')
                out.write(episode.format(m=1) + episode.format(m=2) + "</Objektholder>")
            out.write("</Institusjon></Melding>")
        size = path.stat().st_size / 1e6
        t0 = time.perf_counter()
        good, _ = batch.split(batch.read(path))
        records = good.select("row").collect().height
        seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"records": records, "seconds": seconds, "peak": peak, "mb": size}))


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "batch":
        batch_run(int(sys.argv[2]), int(sys.argv[3]))
        return
    if len(sys.argv) == 3 and sys.argv[1] == "xml":
        npr_xml_run(int(sys.argv[2]))
        return
    norddrg = shared() / "reference" / "isf" / "norddrg"
    t0 = time.perf_counter()
    defs = Definitions.load(norddrg / "DefinitionData_NOR_2015_Pr1cN.zip")
    loaded = time.perf_counter() - t0
    rows = list(csv.reader((norddrg / "grouper_testcases_small.csv").open(encoding="utf-8-sig"),
                           delimiter=";"))[1:]  # fmt: skip
    texts = [r[3] for r in rows] * (SIZE // len(rows) + 1)
    texts = texts[:SIZE]
    t0 = time.perf_counter()
    for text in texts:
        group(parse_case(text), defs)
    seconds = time.perf_counter() - t0
    print("ISF grouper (NordDRG 2015 tables, one core):")
    print(f"  tables loaded in {loaded:.2f} s ({len(defs.rows)} decision rows)")
    print(f"  {SIZE} cases (parse + group) in {seconds:.2f} s: {SIZE / seconds:,.0f} cases/s"
          " (target >= 10,000)")  # fmt: skip
    import json
    import subprocess

    print("ISF batch (Polars, pre-grouped, read + validate + rules + price + summarise + write;")
    print("  team codes and care pathways included; a fresh process per year):")
    for year in (2020, 2022):
        done = subprocess.run([sys.executable, __file__, "batch", "1000000", str(year)],
                              capture_output=True, text=True, check=True)  # fmt: skip
        f = json.loads(done.stdout)
        print(f"  {year}: {f['records']:,} records in {f['seconds']:.2f} s, peak {f['peak']:.0f} MB"
              f" ({f['pathways']:,} care pathways, {f['findings']:,} records with findings;"
              " target <= 10 s, <= 2 GB)")  # fmt: skip
    done = subprocess.run([sys.executable, __file__, "xml", "200000"], capture_output=True,
                          text=True, check=True)  # fmt: skip
    f = json.loads(done.stdout)
    print(f"NPR-melding XML ({f['mb']:.0f} MB, streamed): {f['records']:,} Episodes read and"
          f" validated in {f['seconds']:.2f} s ({f['records'] / f['seconds']:,.0f}/s),"
          f" peak {f['peak']:.0f} MB")  # fmt: skip


if __name__ == "__main__":
    main()
