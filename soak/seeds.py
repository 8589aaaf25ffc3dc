"""Valid examples each reader starts from: the demo clinic's exported records, messages built
by oppgjor itself (AppRec, a signed BKM), Helfo's published examples when the shared reference
material is at hand, and a small synthetic NPR message."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

from oppgjor.app.clinic import records
from oppgjor.app.helfo import exchange as hx
from oppgjor.helfo.adapters.messages import apprec, xml
from soak.world import NOW, WHO, Settlements, World

KINDS = ("patients", "appointments", "tariffs", "referrers", "practitioners", "series")

# pasientNr are pseudonymous numbers (synthetic)
NPR = """<?xml version="1.0" encoding="utf-8"?>
<Melding xmlns="http://www.npr.no/xmlstds/57_0_1_ord" versjon="57.0.1" meldingstype="B"
 fraDatoPeriode="2021-01-01" tilDatoPeriode="2021-04-30" uttakDato="2021-05-03" lopenr="7">
 <Institusjon institusjonID="974589095">
  <Enhet enhetID="100" sektor="1"/>
  <Objektholder pasientNr="7001">
   <Pasient pasientNr="7001" kjonn="1" fodselsar="1961"/>
   <Episode episodeID="X1" innDatoTid="2021-02-01T08:00:00" utDatoTid="2021-02-02T12:00:00"
    omsorgsniva="1" debitor="1">
    <Kontakt kontaktType="2" stedAktivitet="1"><Helseperson polUtforende="1"/></Kontakt>
    <RefEnhet enhetID="100" typeEnhet="1"/>
    <Tilstand tilstNr="1"><Kode kodeverk="D" kodeVerdi="J18.9"/></Tilstand>
    <Tjeneste startDatoTid="2021-02-01T09:00:00"><Tiltak typeTiltak="1">
     <Prosedyre prosNr="1"><Kode kodeverk="Q" kodeVerdi="NFB40"/></Prosedyre>
    </Tiltak></Tjeneste>
   </Episode>
  </Objektholder>
 </Institusjon>
</Melding>
"""


def shared() -> Path | None:
    root = Path(
        os.environ.get("OPPGJOR_SHARED_DIR") or Path(__file__).resolve().parents[2] / "shared"
    )
    return root / "reference" / "helfo" if (root / "reference").is_dir() else None


def records_seeds(world: World, rows: int = 6) -> dict[str, list[bytes]]:
    """CSV and JSON files of each kind of record (the first rows of the demo's export)."""
    db = world.open()
    try:
        csv = [
            (
                "\n".join(records.export_text(db, k, mask=False).splitlines()[: rows + 1]) + "\n"
            ).encode()
            for k in KINDS
        ]
        js = [
            json.dumps(
                json.loads(records.export_text(db, k, "json", mask=False))[:rows],
                ensure_ascii=False,
            ).encode()
            for k in KINDS
        ]
    finally:
        db.dispose()
    return {"csv": csv, "json": js}


def message_seeds(world: World) -> dict[str, list[bytes]]:
    """AppRec, BKM and KUHR status examples; NPR."""
    db = world.open()
    try:
        sid = Settlements(db).submitted(claims=3)
        sent = hx.create_file(db, sid, actor=WHO, now=NOW)
        bkm = [Path(sent.path).read_bytes()]
    finally:
        db.dispose()
    errors = (apprec.AppRecError("07", "Feil i henvisning", "1042", "2.16.578.1.12.4.1.1.8223"),)
    apprecs = [
        xml.serialise(
            apprec.build(
                apprec.AppRec(str(uuid.uuid4()), NOW, status, errs, str(uuid.uuid4())),
                receiver_org="904571784",
            )
        )
        for status, errs in (("1", ()), ("3", errors), ("2", errors))
    ]
    kuhr = [json.dumps({"behandlerkravmeldinger": [{"status": "MOTTATT"}]}).encode()]
    ref = shared()
    if ref is not None:
        apprecs += [p.read_bytes() for p in sorted((ref / "examples" / "apprec").glob("*.xml"))]
        bkm += [p.read_bytes() for p in sorted((ref / "examples" / "bkm-xml").glob("*.xml"))]
        folder = ref / "kuhr-krav-api" / "examples-json"
        kuhr += [p.read_bytes() for p in sorted(folder.glob("*status*.json"))]
    return {"apprec": apprecs, "bkm": bkm, "kuhr": kuhr, "npr": [NPR.encode()]}
