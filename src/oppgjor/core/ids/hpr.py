"""HPR-nummer: the Health Personnel Register number (helsepersonellnummer).

HPR numbers are assigned sequentially by Helsedirektoratet; no public check-digit rule is
documented, so only the form (1–9 digits) is checked (DESIGN.md convention 2).

>>> validate("9 144 889")
'9144889'
"""

from __future__ import annotations

from oppgjor.core.ids._digits import NumericIdentifier

_ID = NumericIdentifier("HPR-nummer", 1, 9)
compact = _ID.compact
validate = _ID.validate
is_valid = _ID.is_valid
format = _ID.format
