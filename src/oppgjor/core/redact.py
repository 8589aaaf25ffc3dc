"""Text that may leave the building (error messages, log files) with personal data taken out.

Every run of eleven digits — the shape of a national id, also written ``150586 12345`` — is
masked to its first six, whether or not it is a valid number (an invalid one may be a typo of a
real one). A database driver's echo of the values it was given (SQLAlchemy's
``[parameters: ...]``, PostgreSQL's ``DETAIL:  Key (...)=(...)`` and ``Failing row contains``)
is dropped whole: it holds names and birth dates as well.

>>> mask_national_ids("fnr 15058612345, konto 1234.56.78903, 150586 12345")
'fnr 150586*****, konto 1234.56.78903, 150586*****'
>>> redact('duplicate key\\nDETAIL:  Key (id_value)=(15058612345) already exists.')
'duplicate key\\nDETAIL:  [skjult]'
>>> redact("[SQL: INSERT INTO patient VALUES (?, ?)]\\n[parameters: ('Kari', '15058612345')]")
'[SQL: INSERT INTO patient VALUES (?, ?)]\\n[parameters: skjult]'
"""

from __future__ import annotations

import re

HIDDEN = "skjult"

_NATIONAL_ID = re.compile(r"(?<!\d)(\d{6}) ?\d{5}(?!\d)")
# SQLAlchemy writes "[parameters: ...]" up to the line that follows it (or the end)
_PARAMETERS = re.compile(r"\[parameters: .*?\](?=\n|$)", re.DOTALL)
_DETAIL = re.compile(r"^(DETAIL: +).*$", re.MULTILINE)


def mask_national_ids(text: str) -> str:
    """*text* with every eleven-digit run shown as its first six digits and ``*****``."""
    return _NATIONAL_ID.sub(r"\1*****", text)


def redact(text: str) -> str:
    """*text* without a database's echo of values, and with national ids masked."""
    text = _PARAMETERS.sub(f"[parameters: {HIDDEN}]", text)
    text = _DETAIL.sub(rf"\g<1>[{HIDDEN}]", text)
    return mask_national_ids(text)
