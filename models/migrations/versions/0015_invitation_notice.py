"""an invitation's link made when its notice is delivered: the notice names the invitation

The outbox keeps the invitation's id, never a token; delivery makes the token and stores
only its SHA-256, so an invitation has no hash until its first link is sent.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 14:00:00.000000
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0015'
down_revision: Union[str, None] = '0014'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.alter_column('token_hash', existing_type=sa.String(length=64), nullable=True)
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('invitation_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_notice_invitation_id', ['invitation_id'], unique=False)
        batch_op.create_foreign_key('fk_notice_invitation_id', 'invitation', ['invitation_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.drop_constraint('fk_notice_invitation_id', type_='foreignkey')
        batch_op.drop_index('ix_notice_invitation_id')
        batch_op.drop_column('invitation_id')
    op.execute("DELETE FROM invitation WHERE token_hash IS NULL")
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.alter_column('token_hash', existing_type=sa.String(length=64), nullable=False)
