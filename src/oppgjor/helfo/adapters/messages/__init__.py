"""Helfo message formats: MsgHead, BehandlerKrav (BKM), AppRec. Only these modules (and
signing) know element names and import lxml (DESIGN.md convention 8)."""
