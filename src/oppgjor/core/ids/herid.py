"""HER-id: an address in the Norwegian health network address register (Adresseregisteret).

HER-ids are assigned sequentially by Norsk helsenett; they carry no check digit, so only
the form (1–9 digits) is checked.

>>> validate("79768")
'79768'
"""

from __future__ import annotations

from oppgjor.core.ids._digits import NumericIdentifier

_ID = NumericIdentifier("HER-id", 1, 9)
compact = _ID.compact
validate = _ID.validate
is_valid = _ID.is_valid
format = _ID.format
