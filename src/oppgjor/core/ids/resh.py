"""RESH-id: an organisational unit in the specialist health service register (Reshregisteret).

RESH-ids are sequential numbers without a check digit, so only the form (1–9 digits)
is checked.

>>> validate("123456")
'123456'
"""

from __future__ import annotations

from oppgjor.core.ids._digits import NumericIdentifier

_ID = NumericIdentifier("RESH-id", 1, 9)
compact = _ID.compact
validate = _ID.validate
is_valid = _ID.is_valid
format = _ID.format
