"""survey answer pool: anonymous answers wait sealed and are released in shuffled batches

Revision ID: 25978b42b06f
Revises: d17221ce3989
Create Date: 2026-11-30 01:55:08.893846

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '25978b42b06f'
down_revision = 'd17221ce3989'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('survey_answer_pool',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('sealed', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_answer_pool')),
    sqlite_with_rowid=False
    )


def downgrade():
    op.drop_table('survey_answer_pool')
