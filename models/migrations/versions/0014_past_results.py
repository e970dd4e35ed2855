"""past results: annual results from before a body used bagalau, audited like an action

mne2017 п.46 counts two consecutive unsatisfactory annual results; a body that starts
mid-way imports the earlier ones (servant, year, score, band, the protocol that recorded
them). An audit event is about an appraisal or about such a result, so its appraisal
becomes optional beside the new past_result_id.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 14:00:00.000000
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0014'
down_revision: Union[str, None] = '0013'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_UNSEALED = sa.text('hash IS NULL')


def upgrade() -> None:
    op.create_table(
        'past_result',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('servant_id', sa.Integer(), nullable=False),
        sa.Column('methodology', sa.String(length=40), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('score', sa.Numeric(14, 2), nullable=False),
        sa.Column('band', sa.String(length=20), nullable=False),
        sa.Column('source_no', sa.String(length=80), nullable=False),
        sa.Column('source_date', sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(['servant_id'], ['servant.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('servant_id', 'kind', 'year'),
    )
    op.create_index('ix_past_result_servant_id', 'past_result', ['servant_id'], unique=False)
    # SQLite's batch copies the table: the partial index is dropped and made again around it.
    op.drop_index('ix_audit_event_unsealed', table_name='audit_event')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.alter_column('appraisal_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('past_result_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_audit_event_past_result_id', 'past_result', ['past_result_id'], ['id'])
        batch_op.create_index('ix_audit_event_past_result_id', ['past_result_id'], unique=False)
    op.create_index('ix_audit_event_unsealed', 'audit_event', ['id'], unique=False,
                    sqlite_where=_UNSEALED, postgresql_where=_UNSEALED)


def downgrade() -> None:
    op.execute("DELETE FROM audit_event WHERE past_result_id IS NOT NULL")
    op.drop_index('ix_audit_event_unsealed', table_name='audit_event')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_event_past_result_id')
        batch_op.drop_constraint('fk_audit_event_past_result_id', type_='foreignkey')
        batch_op.drop_column('past_result_id')
        batch_op.alter_column('appraisal_id', existing_type=sa.Integer(), nullable=False)
    op.create_index('ix_audit_event_unsealed', 'audit_event', ['id'], unique=False,
                    sqlite_where=_UNSEALED, postgresql_where=_UNSEALED)
    op.drop_index('ix_past_result_servant_id', table_name='past_result')
    op.drop_table('past_result')
