"""one reference counter per kind (BC-0001 is the first report)

Revision ID: domain_refs
Revises: 0001
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "domain_refs"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ref_counter",
        sa.Column("prefix", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("prefix"),
    )
    # Existing submissions keep their refs; each counter starts after the highest number
    # already given with its prefix.
    conn = op.get_bind()
    highest: dict[str, int] = {}
    for (ref,) in conn.execute(sa.text("SELECT ref FROM submission WHERE ref IS NOT NULL")):
        prefix, _, number = ref.partition("-")
        if number.isdigit():
            highest[prefix] = max(highest.get(prefix, 0), int(number))
    for prefix, value in sorted(highest.items()):
        conn.execute(
            sa.text("INSERT INTO ref_counter (prefix, value) VALUES (:p, :v)"), {"p": prefix, "v": value}
        )


def downgrade() -> None:
    op.drop_table("ref_counter")
