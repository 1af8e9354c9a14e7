"""co-responsible departments get a copy (抄送) of the assignment letter

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 00:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('assignment_letter_copies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('letter_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_assignment_letter_copies_department_id_departments')),
    sa.ForeignKeyConstraint(['letter_id'], ['assignment_letters.id'], name=op.f('fk_assignment_letter_copies_letter_id_assignment_letters'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment_letter_copies')),
    sa.UniqueConstraint('letter_id', 'department_id', name=op.f('uq_assignment_letter_copies_letter_id'))
    )
    with op.batch_alter_table('assignment_letter_copies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignment_letter_copies_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignment_letter_copies_letter_id'), ['letter_id'], unique=False)


def downgrade():
    with op.batch_alter_table('assignment_letter_copies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignment_letter_copies_letter_id'))
        batch_op.drop_index(batch_op.f('ix_assignment_letter_copies_department_id'))
    op.drop_table('assignment_letter_copies')
