"""the appraisal schedule: per unit, the day the appraisal starts

mne2017 п.14: HR sets the schedule with the commission chair and notifies the servants and
assessors 10 calendar days before the appraisal starts; typical2023 п.11: the appointing
official approves it.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 14:00:00.000000
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0016'
down_revision: Union[str, None] = '0015'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'schedule_entry',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('state_body_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('period', sa.String(length=10), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('starts_on', sa.Date(), nullable=False),
        sa.Column('drafted_by', sa.Integer(), nullable=False),
        sa.Column('drafted_on', sa.Date(), nullable=False),
        sa.Column('chair_id', sa.Integer(), nullable=True),
        sa.Column('approved_by', sa.Integer(), nullable=True),
        sa.Column('approved_on', sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(['state_body_id'], ['state_body.id']),
        sa.ForeignKeyConstraint(['unit_id'], ['unit.id']),
        sa.ForeignKeyConstraint(['drafted_by'], ['servant.id']),
        sa.ForeignKeyConstraint(['chair_id'], ['servant.id']),
        sa.ForeignKeyConstraint(['approved_by'], ['servant.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('state_body_id', 'kind', 'period', 'unit_id'),
    )
    op.create_index(op.f('ix_schedule_entry_state_body_id'), 'schedule_entry', ['state_body_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_schedule_entry_state_body_id'), table_name='schedule_entry')
    op.drop_table('schedule_entry')
