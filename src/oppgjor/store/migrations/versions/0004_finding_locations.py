"""control findings: structured location (kind, ref, field, row)

Revision ID: 0004
Revises: 0003

Findings saved before this revision have only the rendered text (``regning[5].takst[0]``);
they are read into the new columns here, once, with the grammar the text was written in
(an optional ``rad N.``, then ``kind[ref]``, then a field path). This parser is the
migration's own copy, so later changes to the code do not change what the migration did.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_ROW = re.compile(r"rad (0|[1-9][0-9]*)(?:\.(.+))?", re.DOTALL)
_RECORD = re.compile(r"([^.\[\]]+)\[([^\]]*)\](?:\.(.+))?", re.DOTALL)


def _parse(text: str) -> dict[str, object]:
    row = None
    if m := _ROW.fullmatch(text):
        row, text = int(m[1]), m[2] or ""
    if (m := _RECORD.fullmatch(text)) and len(m[1]) <= 20 and len(m[2]) <= 64:
        return {"kind": m[1], "ref": m[2], "field": m[3] or "", "row": row}
    return {"kind": "", "ref": None, "field": text, "row": row}


def upgrade() -> None:
    with op.batch_alter_table("control_finding", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("location_kind", sa.String(length=20), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("location_ref", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("location_field", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("location_row", sa.Integer(), nullable=True))
    findings = sa.table(
        "control_finding",
        sa.column("id", sa.Integer()),
        sa.column("location", sa.String()),
        sa.column("location_kind", sa.String()),
        sa.column("location_ref", sa.String()),
        sa.column("location_field", sa.String()),
        sa.column("location_row", sa.Integer()),
    )
    conn = op.get_bind()
    for id_, text in conn.execute(sa.select(findings.c.id, findings.c.location)).all():
        parsed = _parse(text)
        conn.execute(
            findings.update()
            .where(findings.c.id == id_)
            .values(
                location_kind=parsed["kind"],
                location_ref=parsed["ref"],
                location_field=parsed["field"],
                location_row=parsed["row"],
            )
        )
    with op.batch_alter_table("control_finding", schema=None) as batch_op:
        batch_op.alter_column("location_kind", server_default=None)
        batch_op.alter_column("location_field", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("control_finding", schema=None) as batch_op:
        batch_op.drop_column("location_row")
        batch_op.drop_column("location_field")
        batch_op.drop_column("location_ref")
        batch_op.drop_column("location_kind")
