"""a person of the body outside the B corps: a head's assessor who is never appraised

mne2017 п.4: a head's direct manager may be a vice-minister or an akim's deputy, a person
of the body without a B-corps appraisal of their own; HR flags them in the import.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 05:00:00.000000
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0012'
down_revision: Union[str, None] = '0011'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # A plain ADD COLUMN, not a batch: with a default that is an expression a batch copies
    # the table on SQLite, and dropping the old `servant` breaks the foreign keys of a
    # database that has people in it.
    op.add_column('servant', sa.Column('outside_b_corps', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('servant', schema=None) as batch_op:
        batch_op.drop_column('outside_b_corps')
