"""The outbox transport: a signed BKM in MsgHead written to the message server's outbox."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from oppgjor.helfo.adapters import signing
from oppgjor.helfo.adapters.messages import bkm, msghead, xml
from oppgjor.helfo.adapters.messages import mapping as submission
from oppgjor.helfo.domain.transport import Submission


@dataclass(frozen=True)
class Addressing:
    """Who sends and who receives, and which message type (POM, LOM) the practice uses."""

    sender: msghead.Party
    receiver: msghead.Party
    msg_type: str = "POM"
    test: bool = False


def render(
    sub: Submission,
    addressing: Addressing,
    creds: signing.Credentials | None,
    now: datetime.datetime,
) -> tuple[str, bytes]:
    """The message id and the bytes of the (signed, when *creds*) MsgHead with its BKM,
    validated against MsgHead 1.2 and the BKM schema before anything is written."""
    message = submission.bkm_message(sub)
    header = msghead.Header(
        str(uuid.uuid4()), now, addressing.msg_type, addressing.sender, addressing.receiver,
        addressing.test,
    )  # fmt: skip
    document = msghead.wrap(header, bkm.build(message))
    if creds is not None:
        document = signing.sign(document, creds)
    xml.validate(document, "msghead+bkm")
    return header.msg_id, xml.serialise(document)
