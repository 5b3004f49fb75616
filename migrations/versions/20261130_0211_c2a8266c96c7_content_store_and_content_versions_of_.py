"""content store: published versions of the course tree, drafts and file blobs; learner
records note the content version they were made in (0: the shipped files)

Revision ID: c2a8266c96c7
Revises: 4b5f50c9c972
Create Date: 2026-11-30 02:11:09.195908

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c2a8266c96c7'
down_revision = '4b5f50c9c972'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('content_blobs',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_content_blobs'))
    )
    op.create_table('content_drafts',
    sa.Column('part', sa.String(length=160), nullable=False),
    sa.Column('files', sa.JSON(), nullable=False),
    sa.Column('base_number', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_content_drafts_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('part', name=op.f('pk_content_drafts'))
    )
    op.create_table('content_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('manifest', sa.JSON(), nullable=False),
    sa.Column('tree_hash', sa.String(length=64), nullable=False),
    sa.Column('changed', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('restored_from', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_content_versions_author_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_content_versions')),
    sa.UniqueConstraint('number', name=op.f('uq_content_versions_number'))
    )
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content_version', sa.Integer(), server_default='0', nullable=False))

    with op.batch_alter_table('quiz_first_answers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content_version', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('question_hash', sa.String(length=64), server_default='', nullable=False))
        # The question analysis groups by wording too: the covering index includes it.
        batch_op.drop_index('ix_quiz_first_answers_analysis')
        batch_op.create_index('ix_quiz_first_answers_analysis', ['module_key', 'question_key', 'question_hash', 'chosen', 'user_id', 'score', 'rest'], unique=False)

    with op.batch_alter_table('section_reads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content_version', sa.Integer(), server_default='0', nullable=False))



def downgrade():
    with op.batch_alter_table('section_reads', schema=None) as batch_op:
        batch_op.drop_column('content_version')

    with op.batch_alter_table('quiz_first_answers', schema=None) as batch_op:
        batch_op.drop_index('ix_quiz_first_answers_analysis')
        batch_op.create_index('ix_quiz_first_answers_analysis', ['module_key', 'question_key', 'chosen', 'user_id', 'score', 'rest'], unique=False)
        batch_op.drop_column('question_hash')
        batch_op.drop_column('content_version')

    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.drop_column('content_version')

    op.drop_table('content_versions')
    op.drop_table('content_drafts')
    op.drop_table('content_blobs')
