"""a servant's surname, given name and patronymic

The forms print "surname, name, patronymic" in that order (typical2023 annexes); a full name
as one text cannot be turned round reliably, so the import now carries the three parts.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 04:10:00.000000
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0009'
down_revision: Union[str, None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('servant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('surname', sa.String(), nullable=True))
        batch_op.add_column(sa.Column('given_name', sa.String(), nullable=True))
        batch_op.add_column(sa.Column('patronymic', sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('servant', schema=None) as batch_op:
        batch_op.drop_column('patronymic')
        batch_op.drop_column('given_name')
        batch_op.drop_column('surname')
