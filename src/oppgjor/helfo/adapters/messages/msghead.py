"""MsgHead v1.2 (hodemelding): the envelope a BehandlerKrav travels in."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from lxml import etree

from oppgjor.helfo.adapters.messages.content import OID_ORG_ID
from oppgjor.helfo.adapters.messages.xml import NS_BKM, NS_MSGHEAD, XmlError

M = f"{{{NS_MSGHEAD}}}"
MESSAGE_TYPES = {"POM": "Poliklinisk oppgjørsmelding", "LOM": "Legeoppgjørsmelding"}
ORG_IDS = {"HER": "HER-id", "ENH": "Organisasjonsnummeret i Enhetsregister"}


@dataclass(frozen=True)
class Party:
    name: str
    her_id: str | None
    org_nr: str | None


@dataclass(frozen=True)
class Header:
    msg_id: str
    gen_date: datetime.datetime
    msg_type: str  # POM, LOM
    sender: Party
    receiver: Party
    test: bool = False  # ProcessingStatus T instead of P


def _sub(
    parent: etree._Element, name: str, text: str | None = None, **attrs: str
) -> etree._Element:
    element = etree.SubElement(parent, M + name, attrs)
    if text is not None:
        element.text = text
    return element


def _party(parent: etree._Element, name: str, party: Party) -> None:
    org = _sub(_sub(parent, name), "Organisation")
    _sub(org, "OrganisationName", party.name)
    for kind, value in (("HER", party.her_id), ("ENH", party.org_nr)):
        if value:
            ident = _sub(org, "Ident")
            _sub(ident, "Id", value)
            _sub(ident, "TypeId", DN=ORG_IDS[kind], S=OID_ORG_ID, V=kind)


def wrap(
    header: Header, content: etree._Element, description: str = "BehandlerKrav"
) -> etree._Element:
    """A MsgHead around *content* (e.g. a BehandlerKrav), ready to be signed."""
    root = etree.Element(M + "MsgHead", nsmap={None: NS_MSGHEAD})
    info = _sub(root, "MsgInfo")
    _sub(info, "Type", DN=MESSAGE_TYPES.get(header.msg_type, header.msg_type), V=header.msg_type)
    _sub(info, "MIGversion", "v1.2 2006-05-24")
    _sub(info, "GenDate", header.gen_date.replace(microsecond=0).isoformat())
    _sub(info, "MsgId", header.msg_id)
    status = ("T", "Test") if header.test else ("P", "Produksjon")
    _sub(info, "ProcessingStatus", DN=status[1], V=status[0])
    _party(info, "Sender", header.sender)
    _party(info, "Receiver", header.receiver)
    ref = _sub(_sub(root, "Document"), "RefDoc")
    _sub(ref, "MsgType", DN="XML-instans", V="XML")
    _sub(ref, "MimeType", "text/xml")
    _sub(ref, "Description", description)
    _sub(ref, "Content").append(content)
    return root


def _party_of(info: etree._Element, name: str) -> Party:
    org = info.find(f"{M}{name}/{M}Organisation")
    if org is None:
        raise XmlError(f"MsgHead mangler {name}.")
    ids = {
        i.find(M + "TypeId").get("V"): i.findtext(M + "Id")
        for i in org.findall(M + "Ident")
        if i.find(M + "TypeId") is not None
    }
    return Party(org.findtext(M + "OrganisationName") or "", ids.get("HER"), ids.get("ENH"))


def unwrap(root: etree._Element) -> tuple[Header, etree._Element]:
    """The header and the BehandlerKrav of a MsgHead."""
    if root.tag != M + "MsgHead":
        raise XmlError(f"Forventet MsgHead, fikk {etree.QName(root).localname}.")
    info = root.find(M + "MsgInfo")
    content = root.find(f"{M}Document/{M}RefDoc/{M}Content/{{{NS_BKM}}}BehandlerKrav")
    if info is None or content is None:
        raise XmlError("MsgHead mangler MsgInfo eller BehandlerKrav.")
    status, kind = info.find(M + "ProcessingStatus"), info.find(M + "Type")
    try:
        gen_date = datetime.datetime.fromisoformat(info.findtext(M + "GenDate") or "")
    except ValueError:
        raise XmlError("MsgHead har ikke en gyldig GenDate.") from None
    if kind is None or not kind.get("V"):
        raise XmlError("MsgHead mangler meldingstype (MsgInfo/Type).")
    header = Header(
        msg_id=info.findtext(M + "MsgId") or "",
        gen_date=gen_date,
        msg_type=kind.get("V") or "",
        sender=_party_of(info, "Sender"),
        receiver=_party_of(info, "Receiver"),
        test=status is not None and status.get("V") == "T",
    )
    return header, content
