"""The EHF validator on the official material (read from ../shared, never copied): the official
Peppol BIS Billing 3.0.21 examples pass with no fatal finding, and the CEN EN16931 unit-test
fragments make exactly the rule they are about fire (or not)."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

import reference
from oppgjor.insurance.adapters.validation import (
    XSD_RULE,
    Artefacts,
    ValidationSetupError,
    Validator,
    parse,
)

EHF = ("reference", "ehf")
VEFA = "{http://difi.no/xsd/vefa/validator/1.0}"


@pytest.fixture(scope="module")
def validator() -> Validator:
    ehf = reference.require(*EHF)
    return Validator(
        Artefacts(
            xsd_dir=ehf / "ubl-2.1" / "xsdrt",
            cen_xslt=ehf / "peppol-bis-billing-3.0.21" / "xslt" / "CEN-EN16931-UBL.xslt",
            peppol_xslt=ehf / "peppol-bis-billing-3.0.21" / "xslt" / "PEPPOL-EN16931-UBL.xslt",
        )
    )


def _examples() -> list[Path]:
    folder = reference.path(*EHF, "peppol-bis-billing-3.0.21", "examples")
    return sorted(folder.glob("*.xml")) if folder.is_dir() else []


@reference.needed
def test_every_official_example_passes_with_no_fatal_finding(validator: Validator) -> None:
    examples = _examples()
    assert len(examples) == 10
    for path in examples:
        report = validator.validate(path.read_bytes())
        assert report.peppol_checked
        assert report.fatal == [], (path.name, report.fatal[:3])


@reference.needed
def test_a_broken_invoice_is_fatal_by_schema_and_by_rule(validator: Validator) -> None:
    base = reference.path(*EHF, "peppol-bis-billing-3.0.21", "examples", "base-example.xml")
    text = base.read_bytes()
    no_total = text.replace(b"<cbc:PayableAmount", b"<cbc:Bogus", 1).replace(
        b"</cbc:PayableAmount>", b"</cbc:Bogus>", 1
    )
    report = validator.validate(no_total)
    rules = {f.rule for f in report.fatal}
    assert XSD_RULE in rules  # an element the schema does not know
    assert "BR-15" in rules  # the amount due for payment (BT-115) is missing (EN16931)
    # a Norwegian organisation number (0192) with a wrong check digit: Peppol's own rule
    norwegian = reference.path(*EHF, "peppol-bis-billing-3.0.21", "examples", "vat-category-O.xml")
    good = norwegian.read_bytes()
    assert b'schemeID="0192">987654325<' in good
    bad = good.replace(b'schemeID="0192">987654325<', b'schemeID="0192">987654321<')
    assert "PEPPOL-COMMON-R041" not in {f.rule for f in validator.validate(good).fatal}
    assert "PEPPOL-COMMON-R041" in {f.rule for f in validator.validate(bad).fatal}


def _fragments(limit: int) -> list[tuple[str, str, str, bytes]]:
    """(file, expected flag, rule, document) of the first *limit* CEN unit-test files."""
    folder = reference.path(*EHF, "cen-en16931-1.3.16", "test", "Invoice-unit-UBL")
    cases = []
    for path in sorted(folder.glob("BR-*.xml"))[:limit] if folder.is_dir() else []:
        tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
        for test in tree.getroot().iterfind(f"{VEFA}test"):
            document = next(c for c in test if isinstance(c.tag, str) and c.tag != f"{VEFA}assert")
            for kind in ("success", "error", "warning"):
                for expected in test.iterfind(f"{VEFA}assert/{VEFA}{kind}"):
                    cases.append((path.name, kind, (expected.text or "").strip(),
                                  etree.tostring(document)))  # fmt: skip
    return cases


@reference.needed
def test_the_cen_unit_fragments_fire_the_rule_they_are_about(validator: Validator) -> None:
    cases = _fragments(60)
    assert len(cases) > 100
    for name, kind, rule, document in cases:
        fired = {f.rule for f in validator.schematron(document)}
        if kind == "success":
            assert rule not in fired, (name, rule)
        else:
            assert rule in fired, (name, kind, rule, sorted(fired)[:8])


@reference.needed
def test_without_peppols_stylesheet_the_report_says_so() -> None:
    ehf = reference.require(*EHF)
    cen_only = Validator(
        Artefacts(ehf / "ubl-2.1" / "xsdrt",
                  ehf / "peppol-bis-billing-3.0.21" / "xslt" / "CEN-EN16931-UBL.xslt")
    )  # fmt: skip
    report = cen_only.validate(_examples()[0].read_bytes())
    assert report.peppol_checked is False and report.fatal == []


def test_missing_artefacts_and_non_xml_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(ValidationSetupError, match="Finner ikke UBL-skjemaet"):
        Validator(Artefacts(tmp_path, tmp_path / "cen.xslt"))
    with pytest.raises(ValueError, match="ikke gyldig XML"):
        parse(b"<Invoice><unclosed>")
    with pytest.raises(ValueError, match="ikke gyldig XML"):
        parse(b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>')
