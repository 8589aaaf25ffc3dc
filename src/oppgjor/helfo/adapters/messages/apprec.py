"""AppRec v1.0 (applikasjonskvittering): Helfo's answer to a BKM on the XML channel.

Status (kodeverk 8258): 1 OK, 2 Avvist (whole message, errors from 8221), 3 OK with errors in
parts, where each ``Error/@OT`` is the rejected claim's ``RegningNr``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from lxml import etree

from oppgjor.helfo.adapters.messages.xml import NS_APPREC, XmlError

A = f"{{{NS_APPREC}}}"
STATUS_TEXT = {"1": "OK", "2": "Avvist", "3": "OK, feil i delmelding"}
OID_ERRORS = "2.16.578.1.12.4.1.1.8221"  # general errors (whole message)
OID_CLAIM_ERRORS = "2.16.578.1.12.4.1.1.8223"  # KUHR's errors per claim (Error/@OT)


@dataclass(frozen=True)
class AppRecError:
    code: str
    text: str
    reference: str | None  # @OT: the claim number for status 3
    system: str | None = None


@dataclass(frozen=True)
class AppRec:
    id: str
    gen_date: datetime.datetime
    status: str  # 1, 2, 3
    errors: tuple[AppRecError, ...]
    original_msg_id: str
    original_type: str | None = None
    sender: str | None = None

    @property
    def rejected_claims(self) -> dict[str, tuple[str, str]]:
        """Status 3: claim number -> (code, text) from ``Error/@OT``."""
        return {e.reference: (e.code, e.text) for e in self.errors if e.reference}


def parse(root: etree._Element) -> AppRec:
    """An AppRec element (validate it against the XSD first)."""
    if root.tag != A + "AppRec":
        raise XmlError(f"Forventet AppRec, fikk {etree.QName(root).localname}.")
    status = root.find(A + "Status")
    original = root.find(A + "OriginalMsgId")
    if status is None or original is None:
        raise XmlError("AppRec mangler Status eller OriginalMsgId.")
    kind = original.find(A + "MsgType")
    return AppRec(
        id=root.findtext(A + "Id") or "",
        gen_date=datetime.datetime.fromisoformat(root.findtext(A + "GenDate") or ""),
        status=status.get("V") or "",
        errors=tuple(
            AppRecError(e.get("V") or "", e.get("DN") or "", e.get("OT"), e.get("S"))
            for e in root.findall(A + "Error")
        ),
        original_msg_id=original.findtext(A + "Id") or "",
        original_type=None if kind is None else kind.get("V"),
        sender=root.findtext(f"{A}Sender/{A}HCP/{A}Inst/{A}Name"),
    )


def _inst(parent: etree._Element, name: str, org_nr: str) -> None:
    inst = etree.SubElement(
        etree.SubElement(etree.SubElement(parent, A + name), A + "HCP"), A + "Inst"
    )
    etree.SubElement(inst, A + "Name").text = (name == "Sender" and "Helfo") or "Behandler"
    etree.SubElement(inst, A + "Id").text = org_nr
    etree.SubElement(inst, A + "TypeId", V="ENH", DN="Organisasjonsnummeret i Enhetsregister")


def build(
    receipt: AppRec, *, sender_org: str = "889640782", receiver_org: str = "000000000"
) -> etree._Element:
    """An AppRec document: for simulated receipts (demo, tests), in the standard's shape."""
    root = etree.Element(A + "AppRec", nsmap={None: NS_APPREC})
    etree.SubElement(root, A + "MsgType", V="APPREC")
    etree.SubElement(root, A + "MIGversion").text = "1.0 2004-11-21"
    etree.SubElement(root, A + "GenDate").text = receipt.gen_date.replace(microsecond=0).isoformat()
    etree.SubElement(root, A + "Id").text = receipt.id
    _inst(root, "Sender", sender_org)
    _inst(root, "Receiver", receiver_org)
    etree.SubElement(root, A + "Status", V=receipt.status, DN=STATUS_TEXT.get(receipt.status, ""))
    for e in receipt.errors:
        system = e.system or (OID_CLAIM_ERRORS if e.reference else OID_ERRORS)
        attrs = {"S": system, "V": e.code, "DN": e.text}
        if e.reference:
            attrs["OT"] = e.reference
        etree.SubElement(root, A + "Error", attrs)
    original = etree.SubElement(root, A + "OriginalMsgId")
    etree.SubElement(original, A + "MsgType", V=receipt.original_type or "POM")
    etree.SubElement(original, A + "IssueDate").text = receipt.gen_date.replace(
        microsecond=0
    ).isoformat()
    etree.SubElement(original, A + "Id").text = receipt.original_msg_id
    return root
