"""Finding codes of the clinic records (stable identifiers, public API; see docs/controls.md)."""

from __future__ import annotations

from oppgjor.core.findings import FindingCode, Severity

B, W, INFO = Severity.BLOCKING, Severity.WARNING, Severity.INFO

FIELD_MISSING = FindingCode("FIELD_MISSING", B, "Et påkrevd felt mangler.")
CODE_UNKNOWN = FindingCode("CODE_UNKNOWN", B, "Koden finnes ikke i kodeverket.")
ORGNR_INVALID = FindingCode("ORGNR_INVALID", B, "Organisasjonsnummeret er ugyldig.")
ACCOUNT_INVALID = FindingCode("ACCOUNT_INVALID", B, "Kontonummeret er ugyldig.")
HER_ID_INVALID = FindingCode("HER_ID_INVALID", B, "HER-id er ugyldig.")
RESH_ID_INVALID = FindingCode("RESH_ID_INVALID", B, "RESH-id er ugyldig.")
HPR_INVALID = FindingCode("HPR_INVALID", B, "HPR-nummeret er ugyldig.")
HPR_REQUIRED = FindingCode(
    "HPR_REQUIRED", B, "Profesjonen har helseautorisasjon; HPR-nummer må fylles ut."
)
EMAIL_INVALID = FindingCode("EMAIL_INVALID", B, "E-postadressen er ugyldig.")
NATIONAL_ID_INVALID = FindingCode(
    "NATIONAL_ID_INVALID", B, "Fødselsnummer, D-nummer eller H-nummer er ugyldig."
)
NATIONAL_ID_TYPE_MISMATCH = FindingCode(
    "NATIONAL_ID_TYPE_MISMATCH", B, "Nummeret er av en annen ID-type enn den som er valgt."
)
BIRTH_DATE_MISMATCH = FindingCode(
    "BIRTH_DATE_MISMATCH", W, "Fødselsdatoen stemmer ikke med fødselsnummeret."
)
NATIONALITY_MISSING = FindingCode(
    "NATIONALITY_MISSING", W, "Nasjonalitet bør fylles ut for utenlandske pasienter."
)
REFERRER_ORGNR_MISSING = FindingCode(
    "REFERRER_ORGNR_MISSING",
    W,
    "Kontakten mangler org.nr og kan ikke brukes som henviser eller vurderer i FBV-serier.",
)
REFERRER_HPR_MISSING = FindingCode(
    "REFERRER_HPR_MISSING", W, "En henvisende person bør ha HPR-nummer."
)
DATE_RANGE_INVALID = FindingCode("DATE_RANGE_INVALID", B, "Sluttdato er før startdato.")
AMOUNT_INVALID = FindingCode("AMOUNT_INVALID", B, "Beløpet er ugyldig.")
AMOUNTS_INCONSISTENT = FindingCode(
    "AMOUNTS_INCONSISTENT", W, "Refusjon og egenandel er til sammen mer enn honoraret."
)

CODES: tuple[FindingCode, ...] = (
    FIELD_MISSING,
    CODE_UNKNOWN,
    ORGNR_INVALID,
    ACCOUNT_INVALID,
    HER_ID_INVALID,
    RESH_ID_INVALID,
    HPR_INVALID,
    HPR_REQUIRED,
    EMAIL_INVALID,
    NATIONAL_ID_INVALID,
    NATIONAL_ID_TYPE_MISMATCH,
    BIRTH_DATE_MISMATCH,
    NATIONALITY_MISSING,
    REFERRER_ORGNR_MISSING,
    REFERRER_HPR_MISSING,
    DATE_RANGE_INVALID,
    AMOUNT_INVALID,
    AMOUNTS_INCONSISTENT,
)
