"""The NPR-melding reader: Melding → Institusjon → Objektholder → Episode → Kontakt / Tilstand /
Tjeneste / Tiltak / Prosedyre / Kode, into the documented activity columns; bad Episodes
reported with their line, files that are not activity messages refused whole."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

import reference
from oppgjor.app.errors import UseCaseError
from oppgjor.app.isf import runs as isf_app
from oppgjor.isf.adapters import batch, npr
from oppgjor.isf.domain import weights

# Synthetic identities only: pasientNr are pseudonymous numbers.
MESSAGE = """<?xml version="1.0" encoding="utf-8"?>
<Melding xmlns="http://www.npr.no/xmlstds/57_0_1_ord" versjon="57.0.1" meldingstype="B"
         fraDatoPeriode="2021-01-01" tilDatoPeriode="2021-04-30" uttakDato="2021-05-03"
         leverandor="oppgjor" navnEPJ="test" versjonEPJ="1" versjonUt="1" lopenr="1">
  <Institusjon institusjonID="974589095">
    <Enhet enhetID="100" sektor="1"/>
    <Enhet enhetID="200" sektor="2"/>
    <Objektholder pasientNr="9001">
      <Pasient pasientNr="9001" kjonn="2" fodselsar="1950"/>
      <Episode episodeID="E1" innDatoTid="2021-03-01T08:00:00" utDatoTid="2021-03-04T12:00:00"
               omsorgsniva="1" debitor="1" utskrKlarDato="2021-03-03">
        <Kontakt kontaktType="2" stedAktivitet="1">
          <Helseperson polUtforende="1"/>
        </Kontakt>
        <RefEnhet enhetID="100" typeEnhet="1"/>
        <Tilstand tilstNr="2"><Kode kodeverk="D" kodeVerdi="I10"/></Tilstand>
        <Tilstand tilstNr="1"><Kode kodeverk="D" kodeVerdi="M16.1"/></Tilstand>
        <Tjeneste startDatoTid="2021-03-02T09:00:00">
          <Tiltak typeTiltak="1">
            <Prosedyre prosNr="1"><Kode kodeverk="Q" kodeVerdi="NFB40"/></Prosedyre>
            <Prosedyre prosNr="2"><Kode kodeverk="S" kodeVerdi="B0044"/></Prosedyre>
          </Tiltak>
        </Tjeneste>
      </Episode>
      <Episode episodeID="E2" innDatoTid="2021-03-20T10:00:00" omsorgsniva="3" drg="908O">
        <Kontakt kontaktType="7" stedAktivitet="1" egenandel="1">
          <Helseperson polUtforende="4"/>
        </Kontakt>
        <RefEnhet enhetID="200" typeEnhet="1"/>
        <Tilstand tilstNr="1"><Kode kodeverk="D" kodeVerdi="F329"/></Tilstand>
      </Episode>
    </Objektholder>
    <Objektholder pasientNr="9002">
      <Episode episodeID="E3" innDatoTid="2021-03-05" omsorgsniva="3" drg="908O">
        <RefEnhet enhetID="100" typeEnhet="1"/>
      </Episode>
      <Episode episodeID="E4" innDatoTid="05.03.2021" omsorgsniva="3" drg="908O">
        <Kontakt kontaktType="1" stedAktivitet="1"><Helseperson polUtforende="1"/></Kontakt>
      </Episode>
      <Episode episodeID="E5" innDatoTid="2021-03-06" omsorgsniva="3" drg="908O">
        <Kontakt kontaktType="1" stedAktivitet="1"><Helseperson polUtforende="1"/></Kontakt>
        <Prosedyre prosNr="1"><Kode kodeverk="X" kodeVerdi="ABC"/></Prosedyre>
      </Episode>
    </Objektholder>
  </Institusjon>
</Melding>
"""


@pytest.fixture
def message(tmp_path):
    path = tmp_path / "npr.xml"
    path.write_text(MESSAGE, encoding="utf-8")
    return path


def test_an_episode_becomes_one_activity_row(message):
    rows = list(npr.episodes(message))
    assert len(rows) == 5
    first = rows[0]
    assert first["patient_id"] == "9001" and first["institution"] == "974589095"
    assert (first["date_in"], first["date_out"]) == ("2021-03-01", "2021-03-04")
    assert first["main_condition"] == "M161"  # tilstNr 1 is the main condition, dot removed
    assert first["secondary_conditions"] == "I10"
    assert first["procedures"] == "NFB40" and first["special_codes"] == "B0044"
    assert (first["care_level"], first["contact_type"], first["activity_location"]) == (
        "1", "2", "1",
    )  # fmt: skip
    assert first["health_personnel"] == "1" and first["sex"] == "2"
    assert first["area"] == "somatic" and first["unit"] == "100"
    # birth year 1950 → counted from 1 July 1950
    assert first["age_days"] == str((datetime.date(2021, 3, 1) - datetime.date(1950, 7, 1)).days)
    assert first["ready_for_discharge"] == "1"
    assert first["row"] == "11" and first["problem"] is None
    second = rows[1]
    assert second["area"] == "phv_tsb"  # unit 200 is in sektor 2 (psykisk helsevern)
    assert (second["contact_type"], second["copayment"], second["drg"]) == ("7", "1", "908O")
    assert second["ready_for_discharge"] is None


def test_bad_episodes_are_reported_by_line_and_left_out(message):
    good, bad = batch.split(batch.read(message))
    reasons = {int(r): why for r, _, why in bad.collect().iter_rows()}
    assert reasons == {
        11: "mangler DRG (gruppér først: oppgjor isf group)",  # E1 needs --definitions
        34: "Episode mangler Kontakt",
        37: "date_in er ikke en dato (ÅÅÅÅ-MM-DD)",
        40: "Prosedyre-kode ABC har ukjent kodeverk «X»",
    }
    assert good.collect()["patient_id"].to_list() == ["9001"]


def test_xml_activity_is_priced_like_csv(message, tmp_path):
    settings = tmp_path / "isf.yaml"
    settings.write_text(
        "2021:\n  somatic: {unit_price: 48000, share: 0.5}\n"
        "  phv_tsb: {unit_price: 3300, share: 0.3}\n",
        encoding="utf-8",
    )
    # E1 arrives without a DRG: it is a bad row unless grouped first.
    result = isf_app.compute(2021, message, settings=settings)
    assert [line for line, _ in result.bad_rows] == [11, 34, 37, 40]
    assert result.records == 1
    assert result.summary[0].code == "908O" and result.summary[0].area == "phv_tsb"
    assert result.summary[0].points == Decimal("0")  # TD/PHV weight for 908O is not in demo


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<Melding><Institusjon", "er ikke gyldig XML"),
        ("<MsgHead/>", "er ikke en NPR-melding"),
        ('<Melding><Institusjon institusjonID="1"><Objektholder pasientNr="1">'
         '<EpisodeKPP episodeID="1" total="1"/></Objektholder></Institusjon></Melding>',
         "KPP-melding"),
    ],
)  # fmt: skip
def test_files_that_are_not_activity_messages_are_refused_whole(tmp_path, text, message):
    path = tmp_path / "feil.xml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UseCaseError, match=message):
        isf_app.compute(2020, path)


def test_the_public_kpp_example_is_recognised_as_not_activity():
    example = reference.require("reference/isf/npr/kpp-58.0.1/TestMelding_example.xml")
    with pytest.raises(npr.NprError, match="KPP-melding"):
        list(npr.episodes(example))


def test_a_message_with_a_dtd_is_refused(tmp_path):
    path = tmp_path / "entitet.xml"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE Melding [<!ENTITY x "9999">]>'
        '<Melding><Institusjon institusjonID="1"><Objektholder pasientNr="&x;">'
        '<Episode innDatoTid="2021-01-01"><Kontakt kontaktType="1"/></Episode>'
        "</Objektholder></Institusjon></Melding>",
        encoding="utf-8",
    )
    with pytest.raises(npr.NprError, match="DOCTYPE"):
        list(npr.episodes(path))


def test_a_message_on_one_line_keeps_every_episode(tmp_path):
    """Line numbers repeat in a one-line file; the rules must not mix the Episodes up."""
    episode = (
        '<Episode innDatoTid="2021-03-{day}" utDatoTid="2021-03-{end}" omsorgsniva="3" '
        'drg="908O"><Kontakt kontaktType="2" stedAktivitet="1"><Helseperson polUtforende="1"/>'
        '</Kontakt><Prosedyre><Kode kodeverk="S" kodeVerdi="B0044"/></Prosedyre></Episode>'
    )
    body = "".join(episode.format(day=d, end=e) for d, e in (("01", "20"), ("22", "31")))
    path = tmp_path / "en-linje.xml"
    path.write_text(
        f'<Melding><Institusjon institusjonID="1"><Objektholder pasientNr="9001">{body}'
        "</Objektholder></Institusjon></Melding>",
        encoding="utf-8",
    )
    good, bad = batch.split(batch.read(path))
    assert bad.collect().height == 0
    rows = batch.price(good, weights.shipped("demo"), "demo", 2021).collect()
    assert rows["row"].to_list() == [1, 1]
    assert [str(p) for p in rows["points"]] == ["0.350", "0.050"]  # B0044 once in March
    assert rows["finding"][1].startswith("ISF_SPECIAL_CODE_REPEATED")
