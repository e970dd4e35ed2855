"""notices about a state body: the weekly compliance report to its head of HR

A notice was always about one appraisal; the weekly report is about a whole body, so a
notice now names an appraisal or a state body.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21 08:37:21.023743
"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0006'
down_revision: Union[str, None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('state_body_id', sa.Integer(), nullable=True))
        batch_op.alter_column('appraisal_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_index(batch_op.f('ix_notice_state_body_id'), ['state_body_id'], unique=False)
        batch_op.create_foreign_key('fk_notice_state_body_id', 'state_body', ['state_body_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.drop_constraint('fk_notice_state_body_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_notice_state_body_id'))
        batch_op.alter_column('appraisal_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('state_body_id')
