"""The practice as a row: its fields as the CLI's options (with Norwegian help) and read from
text like any record's row, so ``practice set`` and ``practice update`` give the messages an
import gives."""

from __future__ import annotations

from oppgjor.clinic.adapters.record_files import RowSpec
from oppgjor.clinic.adapters.rows import RowReader
from oppgjor.clinic.domain.model import Practice


def _practice(r: RowReader) -> Practice:
    return Practice(
        name=r.req("name"),
        org_nr=r.req("org_nr"),
        her_id=r.text("her_id"),
        resh_id=r.text("resh_id"),
        account_number=r.text("account_number"),
        practice_type=r.text("practice_type"),
        helfo_practice_id=r.text("helfo_practice_id"),
        contact_email=r.text("contact_email"),
    )


PRACTICE = RowSpec(
    columns={
        "name": "Navn",
        "org_nr": "Organisasjonsnummer",
        "her_id": "HER-id",
        "resh_id": "RESH-id",
        "account_number": "Kontonummer",
        "practice_type": "KUHR praksistype, f.eks. FRBE",
        "helfo_practice_id": "Helfo praksis-id",
        "contact_email": "E-post for utbetalingsvedtak",
    },
    build=_practice,
    key=lambda _: "praksis",
)
