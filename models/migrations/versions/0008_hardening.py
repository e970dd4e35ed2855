"""hardening: a tamper-evident audit trail that names who really acted

Each audit event gets the hash chaining it to its body's previous event, the digest of its
data (kept when retention blanks the data) and the operator beside the person acted for;
`audit_chain` holds each body's chain head. The events already there are sealed here, body
by body in id order: from now on a transaction seals only the events it wrote, so one left
unsealed would be named as inserted for ever.

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-02 04:20:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


revision: str = '0008'
down_revision: Union[str, None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('operator', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('data_digest', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))
    # The events still to seal, found without a scan of the whole trail.
    op.create_index('ix_audit_event_unsealed', 'audit_event', ['id'], unique=False,
                    sqlite_where=sa.text('hash IS NULL'), postgresql_where=sa.text('hash IS NULL'))
    op.create_table(
        'audit_chain',
        sa.Column('state_body_id', sa.Integer(), nullable=False),
        sa.Column('last_event_id', sa.Integer(), nullable=False),
        sa.Column('last_hash', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['state_body_id'], ['state_body.id']),
        sa.PrimaryKeyConstraint('state_body_id'),
    )
    _seal_existing()


def _seal_existing() -> None:
    """Seal the trail written before the chain, with the chain's own hashing."""
    from sqlmodel import Session

    from states import audit_chain  # the one place the hash is defined; imported when run

    connection = op.get_bind()
    ids = set(connection.execute(sa.text('SELECT id FROM audit_event')).scalars())
    if ids:
        with Session(bind=connection) as session:
            audit_chain.seal(session, ids)


def downgrade() -> None:
    op.drop_table('audit_chain')
    op.drop_index('ix_audit_event_unsealed', table_name='audit_event')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('data_digest')
        batch_op.drop_column('operator')
