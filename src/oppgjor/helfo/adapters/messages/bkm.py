"""BehandlerKrav (BKM) XML: build from and parse into :class:`content.BkmMessage`.

Element order as Helfo's 2023 test message; the shipped ``BehandlerKrav-oppgjor.xsd`` is
the contract both directions are tested against.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from lxml import etree

from oppgjor.helfo.adapters.messages.content import (
    ID_NAMES,
    OID_PERSON_ID,
    BkmClaim,
    BkmMessage,
    BkmPatient,
    BkmTariff,
    BkmTreatment,
    Coded,
)
from oppgjor.helfo.adapters.messages.xml import NS_BKM, XmlError

B = f"{{{NS_BKM}}}"


def _sub(
    parent: etree._Element, name: str, text: str | None = None, **attrs: str
) -> etree._Element:
    element = etree.SubElement(parent, B + name, {k: v for k, v in attrs.items() if v is not None})
    if text is not None:
        element.text = text
    return element


def _money(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'))}"


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _coded(parent: etree._Element, name: str, c: Coded) -> None:
    _sub(parent, name, V=c.code, S=c.system, DN=c.text)  # type: ignore[arg-type]


def build(message: BkmMessage) -> etree._Element:
    """The BehandlerKrav element; ``Krav`` totals are computed from the claims."""
    root = etree.Element(B + "BehandlerKrav", nsmap={None: NS_BKM})
    for name, value in (("navnEPJ", message.epj_name), ("versjonEPJ", message.epj_version)):
        if value:
            root.set(name, value)
    for name, value in (
        ("Konto", message.account),
        ("Avdeling", message.department),
        ("RESH", message.resh),
    ):
        if value is not None:
            _sub(root, name, value)
    for claim in message.claims:
        _claim(root, claim)
    krav = _sub(root, "Krav")
    _sub(krav, "AntallRegninger", str(message.count))
    _sub(krav, "SumKravSamlet", U="NOK", V=_money(message.total))
    return root


def _claim(root: etree._Element, c: BkmClaim) -> None:
    e = _sub(root, "Enkeltregning")
    if c.guid:
        _sub(e, "Guid", c.guid)
    if c.copayment_paid is not None:
        _sub(
            e,
            "BetaltEgenandel",
            erBetalt=_bool(c.copayment_paid),
            korrigering=_bool(c.copayment_correction),
        )
    if c.credit is not None:
        _sub(e, "Kreditering", _bool(c.credit))
    _sub(e, "RegningNr", c.number)
    _sub(e, "DatoTid", c.time.replace(microsecond=0).isoformat())
    if c.note:
        _sub(e, "Merknad", c.note)
    if c.patient:
        _patient(e, c.patient)
    if c.treatment:
        _treatment(e, c.treatment)


def _patient(parent: etree._Element, p: BkmPatient) -> None:
    e = _sub(parent, "Patient")
    if p.family_name:
        _sub(e, "FamilyName", p.family_name)
    if p.given_name:
        _sub(e, "GivenName", p.given_name)
    if p.birth_date:
        _sub(e, "DateOfBirth", p.birth_date.isoformat())
    if p.sex:
        _sub(e, "Sex", V=p.sex)
    if p.id_value and p.id_type:
        ident = _sub(e, "Ident")
        _sub(ident, "Id", p.id_value)
        _sub(ident, "TypeId", S=OID_PERSON_ID, V=p.id_type, DN=ID_NAMES.get(p.id_type))  # type: ignore[arg-type]


def _treatment(parent: etree._Element, t: BkmTreatment) -> None:
    e = _sub(parent, "Behandling")
    if t.copayment_reason:
        _sub(e, "KodeEgenandel", V=t.copayment_reason.code, DN=t.copayment_reason.text)  # type: ignore[arg-type]
    for d in t.diagnoses:
        _coded(e, "Diagnose", d)
    if t.referral_date:
        _sub(e, "HenvisningsDato", t.referral_date.isoformat())
    if t.referral_id:
        _sub(e, "HenvisningsId", t.referral_id)
    for d in t.referral_diagnoses:
        _coded(e, "HenvisningsDiagnose", d)
    if t.related_practitioner:
        _sub(e, "RelatertBehandler", t.related_practitioner)
    for tariff in t.tariffs:
        x = _sub(e, "Takst")
        _sub(x, "Verdi", U="NOK", V=_money(tariff.amount))
        _sub(x, "Kode", tariff.code)
        _sub(x, "Antall", str(tariff.count))
    total = _sub(e, "SumKrav")
    if t.copayment is not None:
        _sub(total, "EgenandelHonorar", U="NOK", V=_money(t.copayment))
    _sub(total, "Refusjon", U="NOK", V=_money(t.refund))


# -- parsing ---------------------------------------------------------------------------------


def _text(e: etree._Element, name: str) -> str | None:
    found = e.find(B + name)
    return None if found is None else (found.text or "")


def _amount(e: etree._Element | None) -> Decimal | None:
    return None if e is None else Decimal(e.get("V"))


def _codes(e: etree._Element, name: str) -> tuple[Coded, ...]:
    return tuple(Coded(x.get("V"), x.get("S"), x.get("DN")) for x in e.findall(B + name))


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def parse(root: etree._Element) -> BkmMessage:
    """A BehandlerKrav element (validate it first) as content."""
    if root.tag != B + "BehandlerKrav":
        raise XmlError(f"Forventet BehandlerKrav, fikk {etree.QName(root).localname}.")
    claims = tuple(_parse_claim(e) for e in root.findall(B + "Enkeltregning"))
    return BkmMessage(
        claims,
        root.get("navnEPJ"),
        root.get("versjonEPJ"),
        _text(root, "Konto"),
        _text(root, "Avdeling"),
        _text(root, "RESH"),
    )


def _parse_claim(e: etree._Element) -> BkmClaim:
    paid = e.find(B + "BetaltEgenandel")
    credit = _text(e, "Kreditering")
    patient = e.find(B + "Patient")
    treatment = e.find(B + "Behandling")
    return BkmClaim(
        number=_text(e, "RegningNr") or "",
        time=datetime.datetime.fromisoformat(_text(e, "DatoTid") or ""),
        guid=_text(e, "Guid"),
        copayment_paid=None if paid is None else paid.get("erBetalt") in ("true", "1"),
        copayment_correction=paid is not None and paid.get("korrigering") in ("true", "1"),
        credit=None if credit is None else credit in ("true", "1"),
        note=_text(e, "Merknad"),
        patient=None if patient is None else _parse_patient(patient),
        treatment=None if treatment is None else _parse_treatment(treatment),
    )


def _parse_patient(e: etree._Element) -> BkmPatient:
    ident = e.find(B + "Ident")
    sex = e.find(B + "Sex")
    return BkmPatient(
        id_value=None if ident is None else _text(ident, "Id"),
        id_type=None if ident is None else ident.find(B + "TypeId").get("V"),
        family_name=_text(e, "FamilyName"),
        given_name=_text(e, "GivenName"),
        birth_date=_date(_text(e, "DateOfBirth")),
        sex=None if sex is None else sex.get("V"),
    )


def _parse_treatment(e: etree._Element) -> BkmTreatment:
    reason = e.find(B + "KodeEgenandel")
    total = e.find(B + "SumKrav")
    tariffs = tuple(
        BkmTariff(
            _text(x, "Kode") or "",
            _amount(x.find(B + "Verdi")) or Decimal(0),
            int(_text(x, "Antall") or "1"),
        )
        for x in e.findall(B + "Takst")
    )
    return BkmTreatment(
        tariffs=tariffs,
        refund=_amount(total.find(B + "Refusjon")) or Decimal(0),
        copayment=_amount(total.find(B + "EgenandelHonorar")),
        copayment_reason=None if reason is None else Coded(reason.get("V"), "", reason.get("DN")),
        diagnoses=_codes(e, "Diagnose"),
        referral_date=_date(_text(e, "HenvisningsDato")),
        referral_id=_text(e, "HenvisningsId"),
        referral_diagnoses=_codes(e, "HenvisningsDiagnose"),
        related_practitioner=_text(e, "RelatertBehandler"),
    )


def declared_totals(root: etree._Element) -> tuple[int, Decimal]:
    """``Krav/AntallRegninger`` and ``Krav/SumKravSamlet`` as written in the document."""
    krav = root.find(B + "Krav")
    if krav is None:
        raise XmlError("BehandlerKrav mangler Krav.")
    return int(_text(krav, "AntallRegninger") or "0"), _amount(
        krav.find(B + "SumKravSamlet")
    ) or Decimal(0)
