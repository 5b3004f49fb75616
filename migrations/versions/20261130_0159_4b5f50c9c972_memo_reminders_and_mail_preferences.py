"""memo reminders and mail preferences: an unconfirmed memo is reminded of once; learners
choose whether they get the memo mails

Revision ID: 4b5f50c9c972
Revises: 25978b42b06f
Create Date: 2026-11-30 01:59:21.219783

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4b5f50c9c972'
down_revision = '25978b42b06f'
branch_labels = None
depends_on = None


# Plain ALTER TABLE, not batch mode: on SQLite, batch mode would rebuild ``users`` by copying
# and dropping it, and dropping it would delete every row that refers to a person (the
# foreign keys cascade). SQLite adds and (since 3.35) drops these columns in place.


def upgrade():
    op.add_column('bookings', sa.Column('memo_reminder_sent_at', sa.DateTime(timezone=True), nullable=True))
    # Both on for everyone, as for new people: the memo mail was sent to all before.
    op.add_column('users', sa.Column('mail_memo_ready', sa.Boolean(), server_default=sa.true(), nullable=False))
    op.add_column('users', sa.Column('mail_memo_reminder', sa.Boolean(), server_default=sa.true(), nullable=False))

    # Memos written before this revision are not reminded of: their learners were never
    # told that a reminder would come, and an old memo is better left than nagged about.
    op.execute(
        "UPDATE bookings SET memo_reminder_sent_at = memo_written_at "
        "WHERE memo_written_at IS NOT NULL AND learner_confirmed_at IS NULL"
    )


def downgrade():
    op.drop_column('users', 'mail_memo_reminder')
    op.drop_column('users', 'mail_memo_ready')
    op.drop_column('bookings', 'memo_reminder_sent_at')
