"""An EHF document (a UBL 2.1 Invoice or CreditNote) checked by the official rules before it
leaves: the UBL 2.1 XSD (lxml), then the CEN EN16931 and the Peppol BIS Billing 3.0 Schematron,
as the compiled XSLT 2.0 the official validators run (saxonche: one Saxon processor per
process, each stylesheet compiled once per :class:`Validator`).

The Peppol stylesheet carries no licence, so it is never shipped: a validator without it says
so (:attr:`Report.peppol_checked`), and the caller must tell the user that Peppol's own rules
were not run."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from saxonche import PySaxonProcessor, PyXsltExecutable

SVRL = {"svrl": "http://purl.oclc.org/dsdl/svrl"}
UBL = "urn:oasis:names:specification:ubl:schema:xsd:"
SCHEMAS = {"Invoice": "UBL-Invoice-2.1.xsd", "CreditNote": "UBL-CreditNote-2.1.xsd"}
XSD_RULE = "UBL-XSD"  # a finding of the schema itself (the rule sets name their own ids)

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                          huge_tree=False)  # fmt: skip
_lock = threading.RLock()  # processor() is also asked while a transform holds it
_processor: PySaxonProcessor | None = None


class ValidationSetupError(Exception):
    """The rules cannot be loaded (a missing or broken artefact): a configuration error."""


@dataclass(frozen=True)
class Artefacts:
    """Where the official artefacts are: the UBL 2.1 runtime schemas (``xsdrt``, with
    ``maindoc/`` and ``common/``), the CEN XSLT and, if configured, the Peppol XSLT."""

    xsd_dir: Path
    cen_xslt: Path
    peppol_xslt: Path | None = None


@dataclass(frozen=True)
class RuleFinding:
    rule: str  # the rule's id (BR-CO-13, PEPPOL-EN16931-R003, NO-R-001) or UBL-XSD
    flag: str  # "fatal" or "warning" (as the rule set says)
    location: str  # the XPath of what it is about ("" for the schema's line-based ones)
    text: str

    @property
    def fatal(self) -> bool:
        return self.flag == "fatal"


@dataclass
class Report:
    findings: list[RuleFinding] = field(default_factory=list)
    peppol_checked: bool = False

    @property
    def fatal(self) -> list[RuleFinding]:
        return [f for f in self.findings if f.fatal]

    @property
    def warnings(self) -> list[RuleFinding]:
        return [f for f in self.findings if not f.fatal]


def processor() -> PySaxonProcessor:
    """The one Saxon processor of this process."""
    global _processor
    with _lock:
        if _processor is None:
            _processor = PySaxonProcessor(license=False)
        return _processor


def _compiled(path: Path) -> PyXsltExecutable:
    if not path.is_file():
        raise ValidationSetupError(f"Finner ikke regelfilen {path}")
    try:
        return processor().new_xslt30_processor().compile_stylesheet(stylesheet_file=str(path))
    except Exception as exc:  # saxonche raises its own errors with Saxon's message
        raise ValidationSetupError(f"Kan ikke kompilere {path.name}: {exc}") from None


def _schema(folder: Path, name: str) -> etree.XMLSchema:
    path = folder / "maindoc" / name
    if not path.is_file():
        raise ValidationSetupError(f"Finner ikke UBL-skjemaet {path}")
    return etree.XMLSchema(etree.parse(str(path), _PARSER))


def parse(document: bytes) -> etree._Element:
    """The document's root, parsed with entities, DTDs and the network off; ValueError
    (in Norwegian) when it is not XML, or declares a DOCTYPE (no EHF document does)."""
    try:
        root = etree.fromstring(document, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"Dokumentet er ikke gyldig XML: {exc}") from None
    if root.getroottree().docinfo.doctype:
        raise ValueError("Dokumentet er ikke gyldig XML for EHF: det har en DOCTYPE.")
    return root


class Validator:
    """The rules loaded once; :meth:`validate` any number of documents (thread-safe: Saxon's
    transforms are guarded by one lock, lxml's schema per call)."""

    def __init__(self, artefacts: Artefacts) -> None:
        self.schemas = {root: _schema(artefacts.xsd_dir, name) for root, name in SCHEMAS.items()}
        self.rules = [_compiled(artefacts.cen_xslt)]
        if artefacts.peppol_xslt is not None:
            self.rules.append(_compiled(artefacts.peppol_xslt))
        self.peppol = artefacts.peppol_xslt is not None

    def validate(self, document: bytes) -> Report:
        """Every finding of the schema and of the rule sets (the rules run even when the
        schema fails, as the official validators do)."""
        root = parse(document)
        name = etree.QName(root).localname
        report = Report(peppol_checked=self.peppol)
        schema = self.schemas.get(name)
        if schema is None or etree.QName(root).namespace != f"{UBL}{name}-2":
            report.findings.append(RuleFinding(XSD_RULE, "fatal", "/",
                                               "Dokumentet er verken en UBL Invoice eller "
                                               "CreditNote."))  # fmt: skip
            return report
        if not schema.validate(root):
            report.findings += [RuleFinding(XSD_RULE, "fatal", f"linje {e.line}", e.message)
                                for e in schema.error_log]  # fmt: skip
        report.findings += self.schematron(document)
        return report

    def schematron(self, document: bytes) -> list[RuleFinding]:
        """The rule sets' failed assertions on *document* (no schema check: for fragments)."""
        found: list[RuleFinding] = []
        with _lock:
            node = processor().parse_xml(xml_text=document.decode("utf-8"))
            outputs = [rules.transform_to_string(xdm_node=node) for rules in self.rules]
        for output in outputs:
            svrl = etree.fromstring(output.encode("utf-8"), _PARSER)
            for failed in svrl.iterfind("svrl:failed-assert", SVRL):
                text = " ".join(failed.findtext("svrl:text", "", SVRL).split())
                found.append(RuleFinding(failed.get("id", ""), failed.get("flag", "fatal"),
                                         failed.get("location", ""), text))  # fmt: skip
        return found
