"""the console at a country's scale: a state body under another, and the indexes its pages ask

A ministry's HR follows who is late in the bodies under it (its committees, their
territorial departments): `state_body.parent_id` names the body one is subordinate to.
My work asks for the appraisals a person assesses, the 360s they were asked to answer,
the calibration sessions and the commissions they sit on: each by the person, so each is
indexed by the person instead of read whole. Who is late is read in due-day and deadline
order, a page at a time: the (status, due) index of deadlines gains the id.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 10:00:00.000000
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0017'
down_revision: Union[str, None] = '0016'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# (table, column) of each index by person
BY_PERSON = (
    ('appraisal', 'assessor_id'),
    ('survey_invitation', 'respondent_id'),
    ('calibration_participant', 'servant_id'),
    ('commission_member', 'servant_id'),
)


def upgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        # A batch copy would drop state_body, which every other table references, and
        # foreign keys are on: SQLite adds a column that references in place instead.
        op.execute('ALTER TABLE state_body ADD COLUMN parent_id INTEGER REFERENCES state_body (id)')
    else:
        op.add_column('state_body', sa.Column('parent_id', sa.Integer(), nullable=True))
        op.create_foreign_key('fk_state_body_parent_id_state_body', 'state_body', 'state_body', ['parent_id'], ['id'])
    op.create_index(op.f('ix_state_body_parent_id'), 'state_body', ['parent_id'], unique=False)
    for table, column in BY_PERSON:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(batch_op.f(f'ix_{table}_{column}'), [column], unique=False)
    with op.batch_alter_table('deadline', schema=None) as batch_op:
        batch_op.drop_index('ix_deadline_status_due')
        batch_op.create_index('ix_deadline_status_due', ['status', 'due', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('deadline', schema=None) as batch_op:
        batch_op.drop_index('ix_deadline_status_due')
        batch_op.create_index('ix_deadline_status_due', ['status', 'due'], unique=False)
    for table, column in BY_PERSON:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_{column}'))
    with op.batch_alter_table('state_body', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_state_body_parent_id'))
        batch_op.drop_constraint('fk_state_body_parent_id_state_body', type_='foreignkey')
        batch_op.drop_column('parent_id')
