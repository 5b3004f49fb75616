"""outbox and shared answers: mail is queued with the change that causes it; a journal answer
shared with a booking keeps the text it had when booked

Revision ID: d17221ce3989
Revises: 8cc4825d18c4
Create Date: 2026-11-30 00:55:05.950444

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd17221ce3989'
down_revision = '8cc4825d18c4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outbox_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dedup_key', sa.String(length=200), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('about_user_id', sa.Integer(), nullable=True),
    sa.Column('to_address', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('attachments', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('failed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_outbox_messages_user_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['about_user_id'], ['users.id'], name=op.f('fk_outbox_messages_about_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages')),
    sa.UniqueConstraint('dedup_key', name=op.f('uq_outbox_messages_dedup_key'))
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_messages_due', ['sent_at', 'failed_at', 'next_attempt_at'], unique=False)
        batch_op.create_index('ix_outbox_messages_user_id', ['user_id'], unique=False)
        batch_op.create_index('ix_outbox_messages_about_user_id', ['about_user_id'], unique=False)

    with op.batch_alter_table('booking_shares', schema=None) as batch_op:
        batch_op.add_column(sa.Column('module_key', sa.String(length=80), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('question', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('body', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('shared_at', sa.DateTime(timezone=True), nullable=True))

    # Shares made before this revision showed the entry as it is; they keep its current text.
    op.execute(
        "UPDATE booking_shares SET "
        "module_key = (SELECT module_key FROM journal_entries WHERE journal_entries.id = booking_shares.entry_id), "
        "question = (SELECT question FROM journal_entries WHERE journal_entries.id = booking_shares.entry_id), "
        "body = (SELECT body FROM journal_entries WHERE journal_entries.id = booking_shares.entry_id)"
    )
    with op.batch_alter_table('booking_shares', schema=None) as batch_op:
        batch_op.alter_column('module_key', server_default=None)
        batch_op.alter_column('question', server_default=None)
        batch_op.alter_column('body', server_default=None)


def downgrade():
    with op.batch_alter_table('booking_shares', schema=None) as batch_op:
        batch_op.drop_column('shared_at')
        batch_op.drop_column('body')
        batch_op.drop_column('question')
        batch_op.drop_column('module_key')

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_messages_about_user_id')
        batch_op.drop_index('ix_outbox_messages_user_id')
        batch_op.drop_index('ix_outbox_messages_due')

    op.drop_table('outbox_messages')
