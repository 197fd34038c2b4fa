"""Restore outbox_message's indexes on SQLite databases upgraded through 0008_reach.

On SQLite, 0008's AlterField of `outbox_message.status` rebuilt the table (SQLite cannot
alter a column in place) and the rebuild did not recreate the table's indexes, so every
SQLite database upgraded through 0008 lost them: the outbox then scans the whole table on
each round. PostgreSQL altered the column in place and kept them. `IF NOT EXISTS` makes
this a no-op wherever the indexes are there (new databases, PostgreSQL); the names are the
ones Tortoise gives them. tests/test_migrations.py compares a migrated database's indexes
with the models' on both databases.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

INDEXES = (
    ("idx_outbox_mess_status_be3025", '"status", "not_before"'),
    ("idx_outbox_mess_target__a07a2f", '"target_type", "target", "sent_at"'),
    ("idx_outbox_mess_sent_by_9f2b0d", '"sent_by", "sent_at"'),
)


class Migration(migrations.Migration):
    dependencies = [('models', '0011_week')]

    initial = False

    operations = [
        ops.RunSQL(f'CREATE INDEX IF NOT EXISTS "{name}" ON "outbox_message" ({columns})', reverse_sql=None)
        for name, columns in INDEXES
    ]
