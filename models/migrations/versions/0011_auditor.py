"""auditor: accounts that read a state body's compliance and protocols, never a score

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 04:45:00.000000
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0011'
down_revision: Union[str, None] = '0010'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'auditor',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('state_body_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['account_id'], ['account.id']),
        sa.ForeignKeyConstraint(['state_body_id'], ['state_body.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('account_id', 'state_body_id'),
    )
    op.create_index('ix_auditor_account_id', 'auditor', ['account_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_auditor_account_id', table_name='auditor')
    op.drop_table('auditor')
