"""Safe XML parsing and the shipped schemas.

Every parse goes through :func:`parse`: no DTDs, no entity expansion, no network, no huge
trees, and a size limit, so an XML bomb or an external entity is an error, never work.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

from lxml import etree

MAX_BYTES = 50 * 1024 * 1024  # a BKM with 10 000 claims is about 15 MB

NS_MSGHEAD = "http://www.kith.no/xmlstds/msghead/2006-05-24"
NS_BKM = "http://www.kith.no/xmlstds/bkm/2006-12-20"
NS_APPREC = "http://www.kith.no/xmlstds/apprec/2004-11-21"
NS_DSIG = "http://www.w3.org/2000/09/xmldsig#"


class XmlError(ValueError):
    """The document is not safe, not well-formed, or not valid against its schema."""


def _parser(*, comments: bool = True) -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=not comments,
    )


def parse(data: bytes, *, max_bytes: int = MAX_BYTES, comments: bool = True) -> etree._Element:
    """Parse untrusted XML bytes into an element; DTDs and entities are refused.
    ``comments=False`` drops comments, as XML canonicalisation (and so a signature) does:
    signed documents are read that way (``1<!-- x -->0`` is then ``10``, as signed).

    >>> parse(b"<a>1<!-- x -->0</a>").text, parse(b"<a>1<!-- x -->0</a>", comments=False).text
    ('1', '10')
    """
    if len(data) > max_bytes:
        raise XmlError(f"Filen er for stor ({len(data)} byte; grensen er {max_bytes}).")
    try:
        root = etree.fromstring(data, _parser(comments=comments))
    except etree.XMLSyntaxError as exc:
        raise XmlError(f"Ikke gyldig XML: {exc}") from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise XmlError("XML med DOCTYPE/DTD tas ikke imot (entiteter er slått av).")
    for node in root.iter():
        if isinstance(node, etree._Entity):
            raise XmlError("XML med entiteter tas ikke imot.")
    return root


def _xsd_dir() -> Path:
    return Path(str(resources.files("oppgjor.data").joinpath("xsd")))


@lru_cache(maxsize=8)
def schema(name: str) -> etree.XMLSchema:
    """A shipped schema: ``msghead+bkm`` (MsgHead carrying a BehandlerKrav), ``bkm``, ``apprec``."""
    base = _xsd_dir()
    if name == "msghead+bkm":
        driver = f"""<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:import namespace="{NS_MSGHEAD}" schemaLocation="{(base / "MsgHead-v1_2.xsd").as_uri()}"/>
  <xs:import namespace="{NS_BKM}" schemaLocation="{(base / "BehandlerKrav-oppgjor.xsd").as_uri()}"/>
</xs:schema>"""
        doc = etree.fromstring(driver.encode(), _parser(), base_url=base.as_uri() + "/")
        return etree.XMLSchema(doc)
    files = {"bkm": "BehandlerKrav-oppgjor.xsd", "apprec": "AppRec-v1.0.xsd"}
    doc = etree.parse(str(base / files[name]), _parser())
    return etree.XMLSchema(doc)


def validate(element: etree._Element, name: str) -> None:
    """Raise :class:`XmlError` listing the first schema errors."""
    checker = schema(name)
    if not checker.validate(element):
        errors = "; ".join(f"linje {e.line}: {e.message}" for e in list(checker.error_log)[:5])
        raise XmlError(f"Ikke gyldig mot {name}-skjemaet: {errors}")


def serialise(root: etree._Element) -> bytes:
    """UTF-8 bytes with an XML declaration, as sent."""
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return data
