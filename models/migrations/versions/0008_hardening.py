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
    """Seal the trail written before the chain, body by body in id order, with the chain's
    own hashing (states.audit_chain.event_hash and data_digest: pure functions, the one
    definition of the hash). The rows are read with this revision's columns, not the
    models', which later revisions extend."""
    from states.audit_chain import data_digest, event_hash

    events = sa.table(
        'audit_event', *(sa.column(name) for name in ('id', 'appraisal_id', 'actor_id', 'actor_role', 'operator', 'action',
                                                       'from_state', 'to_state', 'reason')),
        sa.column('at', sa.DateTime(timezone=True)), sa.column('data', sa.JSON), sa.column('data_digest'),
        sa.column('prev_hash'), sa.column('hash'),
    )
    appraisal = sa.table('appraisal', sa.column('id'), sa.column('cycle_id'))
    cycle = sa.table('cycle', sa.column('id'), sa.column('state_body_id'))
    chain = sa.table('audit_chain', sa.column('state_body_id'), sa.column('last_event_id'), sa.column('last_hash'))
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(events, cycle.c.state_body_id).join(appraisal, appraisal.c.id == events.c.appraisal_id)
        .join(cycle, cycle.c.id == appraisal.c.cycle_id).order_by(events.c.id)
    ).mappings().all()
    heads: dict[int, tuple[int, str]] = {}
    for row in rows:
        prev = heads.get(row['state_body_id'], (0, ''))[1]
        digest = data_digest(row['data'], row['reason'])
        sealed = event_hash(prev, dict(row), digest)
        connection.execute(events.update().where(events.c.id == row['id']).values(data_digest=digest, prev_hash=prev, hash=sealed))
        heads[row['state_body_id']] = (row['id'], sealed)
    for body, (last, sealed) in sorted(heads.items()):
        connection.execute(chain.insert().values(state_body_id=body, last_event_id=last, last_hash=sealed))


def downgrade() -> None:
    op.drop_table('audit_chain')
    op.drop_index('ix_audit_event_unsealed', table_name='audit_event')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('data_digest')
        batch_op.drop_column('operator')
