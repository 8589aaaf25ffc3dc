"""BKM, MsgHead, AppRec and signing against Helfo's real 2023 test message and the
standard's AppRec examples (read from ../shared, never copied), and against bad input."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from lxml import etree

import reference
from oppgjor.helfo.adapters import signing
from oppgjor.helfo.adapters.messages import apprec, bkm, msghead, xml
from oppgjor.helfo.adapters.messages.content import BkmClaim, BkmMessage, BkmTariff, BkmTreatment

HELFO = reference.path("reference", "helfo")
SAMPLE = HELFO / "examples" / "bkm-xml" / "2023_08_29T12_56_58_328.p7m.deenveloped.ungz"
SIGNED_AT = datetime.datetime(2023, 8, 29, 12, tzinfo=datetime.UTC)


def canonical(element):
    copy = etree.fromstring(etree.tostring(element))
    for node in copy.iter():
        if node.text is not None and not node.text.strip():
            node.text = None
        if node.tail is not None and not node.tail.strip():
            node.tail = None
    return etree.tostring(copy, method="c14n", exclusive=True)


@pytest.fixture(scope="module")
def sample():
    reference.require()
    return xml.parse(SAMPLE.read_bytes())


@pytest.fixture(scope="module")
def creds(tmp_path_factory):
    path = tmp_path_factory.mktemp("cert") / "test.p12"
    path.write_bytes(signing.make_test_certificate("974760673", "Testklinikk", b"pw"))
    return signing.load_pkcs12(path, b"pw")


def test_the_real_sample_validates_against_our_schemas(sample):
    xml.validate(sample, "msghead+bkm")
    header, content = msghead.unwrap(sample)
    xml.validate(content, "bkm")
    assert header.msg_type == "POM" and header.receiver.her_id == "79768"


def test_round_trip_of_the_real_sample_keeps_the_content(sample):
    _, content = msghead.unwrap(sample)
    message = bkm.parse(content)
    assert [c.number for c in message.claims] == ["36281", "36282"]
    assert message.claims[1].treatment.copayment_reason.code == "F"
    assert canonical(bkm.build(message)) == canonical(content)
    assert bkm.parse(bkm.build(message)) == message
    count, total = bkm.declared_totals(content)
    assert (count, total) == (message.count, message.total) == (2, Decimal("375.00"))


def test_the_real_signature_verifies_at_its_time_and_not_after_expiry(sample):
    cert = signing.verify(sample, at=SIGNED_AT)
    assert "SPEARE AS" in cert.subject.rfc4514_string()
    with pytest.raises(signing.SignatureError):
        signing.verify(sample, at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))


def built(claims):
    message = BkmMessage(tuple(claims), epj_name="oppgjor")
    header = msghead.Header(
        "11111111-2222-3333-4444-555555555555", datetime.datetime(2026, 3, 1, 12), "POM",
        msghead.Party("Klinikk", "8141253", "974760673"),
        msghead.Party("Helfo", "79768", "889640782"),
    )  # fmt: skip
    return msghead.wrap(header, bkm.build(message))


def claim(number, refund, credit=False):
    tariff = BkmTariff("201b", Decimal("375.00"), 1)
    treatment = BkmTreatment((tariff,), Decimal(refund))
    return BkmClaim(
        str(number), datetime.datetime(2026, 2, 2, 9), credit=credit, treatment=treatment
    )


def test_our_message_is_valid_and_its_totals_hold_with_credits_negative(creds):
    document = built([claim(1, "375.00"), claim(2, "375.00"), claim(3, "-375.00", credit=True)])
    signed = signing.sign(document, creds)
    xml.validate(signed, "msghead+bkm")
    _, content = msghead.unwrap(xml.parse(xml.serialise(signed)))
    count, total = bkm.declared_totals(content)
    assert count == len(content.findall(f"{{{xml.NS_BKM}}}Enkeltregning")) == 3
    assert total == Decimal("375.00")
    refunds = [Decimal(e.get("V")) for e in content.iter(f"{{{xml.NS_BKM}}}Refusjon")]
    assert sum(refunds) == total and min(refunds) < 0


def test_our_signature_is_shaped_like_helfos_and_verifies(creds, sample):
    signed = signing.sign(built([claim(1, "375.00")]), creds)
    ours, theirs = signed[-1], sample[-1]
    ds = "{http://www.w3.org/2000/09/xmldsig#}"

    def algorithms(sig):
        return [e.get("Algorithm") for e in sig.iter() if e.get("Algorithm")] + [
            r.get("URI") for r in sig.iter(ds + "Reference")
        ]

    assert algorithms(ours) == algorithms(theirs)
    assert ours.find(f"{ds}KeyInfo/{ds}X509Data/{ds}X509Certificate") is not None
    assert signing.verify(xml.parse(xml.serialise(signed)), trusted=creds.certificate)


def test_a_changed_or_wrapped_message_fails_verification(creds):
    signed = xml.serialise(signing.sign(built([claim(1, "375.00"), claim(2, "10.00")]), creds))
    with pytest.raises(signing.SignatureError):
        signing.verify(
            xml.parse(signed.replace(b'V="10.00"', b'V="99.00"')), trusted=creds.certificate
        )
    root = xml.parse(signed)
    signature = root[-1]
    root.remove(signature)
    root.insert(0, signature)  # signature moved: no longer the enveloped last child
    with pytest.raises(signing.SignatureError, match="siste element"):
        signing.verify(root, trusted=creds.certificate)
    root = xml.parse(signed)
    root[-1].find(".//{http://www.w3.org/2000/09/xmldsig#}Reference").set("URI", "#x")
    with pytest.raises(signing.SignatureError, match="hele meldingen"):
        signing.verify(root, trusted=creds.certificate)


def test_certificates_expired_soon_expiring_and_wrong_password(tmp_path):
    now = datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC)
    path = tmp_path / "c.p12"
    path.write_bytes(signing.make_test_certificate("974760673", "K", b"pw", now=now, days=20))
    creds = signing.load_pkcs12(path, b"pw")
    assert "dager igjen" in signing.expiry_warning(creds, now)
    with pytest.raises(signing.CertificateError, match="ikke gyldig ennå"):
        signing.expiry_warning(creds, now - datetime.timedelta(days=1))
    long = tmp_path / "long.p12"
    long.write_bytes(signing.make_test_certificate("974760673", "K", b"pw", now=now, days=365))
    assert signing.expiry_warning(signing.load_pkcs12(long, b"pw"), now) is None
    with pytest.raises(signing.CertificateError, match="gikk ut"):
        signing.expiry_warning(creds, now + datetime.timedelta(days=21))
    with pytest.raises(signing.CertificateError, match="feil passord"):
        signing.load_pkcs12(path, b"wrong")
    assert creds.org_nr() == "974760673"


@pytest.mark.parametrize(
    "name", ["example-ok.xml", "example-avvist.xml", "example-ok-feil-i-delmelding.xml"]
)
@reference.needed
def test_the_standards_apprec_examples_parse(name):
    root = xml.parse((HELFO / "examples" / "apprec" / name).read_bytes())
    xml.validate(root, "apprec")
    receipt = apprec.parse(root)
    assert receipt.status in ("1", "2", "3") and receipt.original_msg_id
    if receipt.status == "3":
        assert receipt.rejected_claims == {
            "93495": ("07", "Feilbruk av kveldstakst"),
            "93498": ("16", "Gammel takst brukt"),
        }


def test_a_built_apprec_is_valid_and_reads_back():
    errors = (apprec.AppRecError("07", "Feil", "1042"),)
    receipt = apprec.AppRec("r1", datetime.datetime(2026, 3, 1, 8), "3", errors, "m1")
    element = apprec.build(receipt)
    xml.validate(element, "apprec")
    again = apprec.parse(element)
    assert (again.status, again.original_msg_id, again.rejected_claims) == (
        "3",
        "m1",
        {"1042": ("07", "Feil")},
    )


LAUGH = b'<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;">'
BAD = {
    "bomb": b'<?xml version="1.0"?><!DOCTYPE l [' + LAUGH + b"]><l>&c;</l>",
    "external entity": (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>'
    ),
    "truncated": b'<AppRec xmlns="http://www.kith.no/xmlstds/apprec/2004-11-21"><MsgType ',
}


@pytest.mark.parametrize("name", list(BAD))
def test_unsafe_or_broken_xml_is_refused(name):
    with pytest.raises(xml.XmlError):
        xml.parse(BAD[name])


@reference.needed
def test_a_wrong_namespace_fails_the_schema():
    data = (HELFO / "examples" / "apprec" / "example-ok.xml").read_bytes()
    root = xml.parse(data.replace(b"apprec/2004-11-21", b"apprec/2099-01-01"))
    with pytest.raises(xml.XmlError, match="Ikke gyldig"):
        xml.validate(root, "apprec")


def test_a_file_over_the_size_limit_is_refused():
    with pytest.raises(xml.XmlError, match="for stor"):
        xml.parse(b"<a/>" + b" " * 100, max_bytes=50)


def test_credits_and_copayment_registrations_are_expressed_as_the_mapping_says(creds):
    from oppgjor.helfo.adapters.messages.content import BkmPatient

    patient = BkmPatient("15916400184", "FNR")
    full = BkmClaim("7", datetime.datetime(2026, 2, 2, 9), "11111111-2222-3333-4444-555555555555",
                    copayment_paid=False, credit=False, patient=patient,
                    treatment=BkmTreatment((BkmTariff("LE2", Decimal("212.00"), 1),),
                                           Decimal("212.00"), Decimal("243.00")))  # fmt: skip
    negative = BkmTreatment(full.treatment.tariffs, Decimal("-212.00"))
    credit = BkmClaim(full.number, full.time, full.guid, credit=True, patient=patient,
                      treatment=negative)  # fmt: skip
    paid_later = BkmClaim(full.number, full.time, full.guid, copayment_paid=True,
                          copayment_correction=True)  # fmt: skip
    document = signing.sign(built([full, credit, paid_later]), creds)
    xml.validate(document, "msghead+bkm")
    _, content = msghead.unwrap(document)
    parsed = bkm.parse(content)
    assert [c.credit for c in parsed.claims] == [False, True, None]
    assert parsed.claims[2].patient is None and parsed.claims[2].copayment_correction
    assert parsed.claims[0].guid == parsed.claims[1].guid == parsed.claims[2].guid
    assert bkm.declared_totals(content) == (3, Decimal("0.00"))


def test_readers_refuse_odd_shapes_with_their_own_error_not_a_crash():
    """Found by the soak's generated input: a MsgHead with a GenDate that is no date, a KUHR
    status nested deeper than the parser goes, a status field of another shape."""
    import pytest as _pytest

    from oppgjor.helfo.adapters.messages import kuhr_json as kj
    from oppgjor.helfo.adapters.messages import msghead as mh
    from oppgjor.helfo.adapters.messages import xml as x

    ns = "http://www.kith.no/xmlstds/msghead/2006-05-24"
    bkm_ns = mh.NS_BKM
    doc = (
        f'<MsgHead xmlns="{ns}"><MsgInfo><Type V="BKM"/><MsgId>1</MsgId><GenDate>i går</GenDate>'
        f'</MsgInfo><Document><RefDoc><Content><BehandlerKrav xmlns="{bkm_ns}"/></Content>'
        "</RefDoc></Document></MsgHead>"
    ).encode()
    with _pytest.raises(x.XmlError, match="GenDate"):
        mh.unwrap(x.parse(doc))
    with _pytest.raises(ValueError, match="dypt"):
        kj.loads(b"[" * 100_000 + b"]" * 100_000)
    with _pytest.raises(ValueError, match="feil slag"):
        kj.parse_status({"behandlerkravmeldinger": [{"vedtak": ["ikke", "et", "objekt"]}]})
