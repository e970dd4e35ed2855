"""notices found by the moment they were recorded or sent: the sweep's summary for HR

Each sweep publishes, per state body, the notices it recorded and delivered at its moment
(states/late.py notices_of); without these indexes that was a scan of the whole outbox
every 15 minutes.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 14:30:00.000000
"""
from typing import Sequence, Union

from alembic import op


revision: str = '0013'
down_revision: Union[str, None] = '0012'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.create_index('ix_notice_created_at', ['created_at'], unique=False)
        batch_op.create_index('ix_notice_sent_at', ['sent_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.drop_index('ix_notice_sent_at')
        batch_op.drop_index('ix_notice_created_at')
