"""Finding codes of the ISF engine (catalogued in docs/controls.md). A record's ``finding``
column holds ``CODE: message``; the record stays in the result, with the points the rule
allows (often none), so a controller sees it instead of losing it."""

from __future__ import annotations

from oppgjor.core.findings import FindingCode, Severity

W, INFO = Severity.WARNING, Severity.INFO

DRG_UNKNOWN_IN_YEAR = FindingCode(
    "ISF_DRG_UNKNOWN_IN_YEAR", W, "DRG/STG-en har ingen vekt i årets vekttabell (0 poeng)."
)
DRG_EXPIRED = FindingCode("ISF_DRG_EXPIRED", W, "DRG-en er utgått før året (0 poeng).")
DRG_NOT_YET_VALID = FindingCode(
    "ISF_DRG_NOT_YET_VALID", W, "DRG/STG/TFG-en finnes først fra et senere år (0 poeng)."
)
PERSONNEL_NOT_ELIGIBLE = FindingCode(
    "ISF_PERSONNEL_NOT_ELIGIBLE", W,
    "Poliklinisk kontakt utenfor prosedyre-DRG-ene med helsepersonell som ikke gir ISF.",
)  # fmt: skip
SPECIAL_CODE_INVALID = FindingCode(
    "ISF_SPECIAL_CODE_INVALID", W, "Særkoden er ikke gyldig i året (f.eks. B0015 fra 2020)."
)
PARAMETER_UNKNOWN = FindingCode(
    "ISF_PARAMETER_UNKNOWN", W, "Årets verdi for regelen står ikke i kildene; ingen gjetning."
)
PROVIDER_NOT_ELIGIBLE = FindingCode(
    "ISF_PROVIDER_NOT_ELIGIBLE", W, "Aktiviteten gir ikke ISF for denne typen tjenesteyter."
)
PROVIDER_TYPE_UNKNOWN = FindingCode(
    "ISF_PROVIDER_TYPE_UNKNOWN", W, "Ukjent tjenesteytertype (provider_type)."
)
WEIGHT_UNKNOWN = FindingCode(
    "ISF_WEIGHT_UNKNOWN", W,
    "Særkoden eller tjenesteforløpet har ingen vekt i årets vekttabell (ingen poeng/forløp).",
)  # fmt: skip
TEAM_FOLLOWUP_SHORT = FindingCode(
    "ISF_TEAM_FOLLOWUP_SHORT", W,
    "Teamsærkoden (B0044/B0045) teller ikke: oppfølgingen dekker under halve måneden.",
)  # fmt: skip
SPECIAL_CODE_REPEATED = FindingCode(
    "ISF_SPECIAL_CODE_REPEATED", INFO,
    "Teamsærkoden er registrert mer enn én gang for pasienten i måneden; teller én gang.",
)  # fmt: skip
OUTSIDE_YEAR = FindingCode(
    "ISF_OUTSIDE_YEAR", W,
    "Posten gjelder et annet år enn kjøringen (--year); den er holdt utenfor summene.",
)  # fmt: skip

CODES = (
    DRG_UNKNOWN_IN_YEAR, DRG_EXPIRED, DRG_NOT_YET_VALID, PERSONNEL_NOT_ELIGIBLE,
    SPECIAL_CODE_INVALID, PARAMETER_UNKNOWN, PROVIDER_NOT_ELIGIBLE, PROVIDER_TYPE_UNKNOWN,
    WEIGHT_UNKNOWN, TEAM_FOLLOWUP_SHORT, SPECIAL_CODE_REPEATED, OUTSIDE_YEAR,
)  # fmt: skip
