from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='BotAccount',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('self_id', fields.BigIntField(unique=True)),
                ('first_seen', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('last_seen', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'bot_account', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A QQ account the bot runs as (several may share one database).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='BoundGroup',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('group_id', fields.BigIntField(unique=True)),
                ('name', fields.CharField(default='', max_length=100)),
                ('cadre', fields.ForeignKeyField('models.Cadre', source_field='cadre_id', db_constraint=True, to_field='id', related_name='groups', on_delete=OnDelete.CASCADE)),
                ('bot_id', fields.BigIntField(description='the QQ account that is in the group')),
                ('bound_by', fields.BigIntField()),
                ('bound_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('synced_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('member_count', fields.IntField(default=0)),
            ],
            options={'table': 'bound_group', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A QQ group a cadre uses as a contact channel, one cadre per group.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ContactSnapshot',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('cadre', fields.ForeignKeyField('models.Cadre', source_field='cadre_id', db_constraint=True, to_field='id', related_name='snapshots', on_delete=OnDelete.CASCADE)),
                ('month', fields.CharField(description='YYYY-MM, local time', max_length=7)),
                ('confirmed', fields.IntField()),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'contact_snapshot', 'app': 'models', 'unique_together': (('cadre', 'month'),), 'pk_attr': 'id', 'table_description': "Anonymous monthly count of a cadre's confirmed contacts (the trend survives deletions)."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='GroupMember',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('group_id', fields.BigIntField()),
                ('qq', fields.BigIntField(db_index=True)),
                ('role', fields.CharField(default='member', max_length=8)),
                ('seen_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'group_member', 'app': 'models', 'unique_together': (('group_id', 'qq'),), 'pk_attr': 'id', 'table_description': 'Membership of a bound group (reachable): QQ and role only, no names.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Invitation',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('cadre', fields.ForeignKeyField('models.Cadre', source_field='cadre_id', db_constraint=True, to_field='id', related_name='invitations', on_delete=OnDelete.CASCADE)),
                ('qq', fields.BigIntField()),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'invitation', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One /邀请 sent by a cadre, rationed per cadre per day and per person.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OptOut',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('qq_hash', fields.CharField(unique=True, max_length=64)),
                ('reason', fields.CharField(max_length=16)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'opt_out', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Keyed hashes of QQs that must not be recorded (under 14, or left with /退出 全部).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OutboxMessage',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('target_type', fields.CharField(description='private | group', max_length=8)),
                ('target', fields.BigIntField(description='QQ or group id')),
                ('text', fields.TextField(unique=False)),
                ('category', fields.CharField(description='what rule produced it', max_length=24)),
                ('bulk', fields.BooleanField(default=True, description='counts against the per-recipient cap')),
                ('dedup_key', fields.CharField(null=True, unique=True, max_length=160)),
                ('bot_id', fields.BigIntField(null=True, description='preferred sending account')),
                ('status', fields.CharField(default='pending', description='pending|sending|sent|failed', max_length=10)),
                ('attempts', fields.IntField(default=0)),
                ('last_error', fields.CharField(null=True, max_length=200)),
                ('not_before', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('claimed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('sent_by', fields.BigIntField(null=True)),
            ],
            options={'table': 'outbox_message', 'app': 'models', 'indexes': [Index(fields=['status', 'not_before']), Index(fields=['target_type', 'target', 'sent_at']), Index(fields=['sent_by', 'sent_at'])], 'pk_attr': 'id', 'table_description': 'An unsolicited (or follow-up) message waiting for budget, quiet hours or a connection.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Youth',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('qq', fields.BigIntField(unique=True)),
                ('nickname', fields.CharField(default='', max_length=64)),
                ('field', fields.CharField(null=True, description='Field value', max_length=16)),
                ('consented_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'youth', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A young person who asked to be linked. Personal data is deleted on /退出 全部.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ContactLink',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('youth', fields.ForeignKeyField('models.Youth', source_field='youth_id', db_constraint=True, to_field='id', related_name='links', on_delete=OnDelete.CASCADE)),
                ('cadre', fields.ForeignKeyField('models.Cadre', source_field='cadre_id', db_constraint=True, to_field='id', related_name='links', on_delete=OnDelete.CASCADE)),
                ('status', fields.CharField(default='pending', description='pending | confirmed', max_length=12)),
                ('source', fields.CharField(description='group | private | invite', max_length=12)),
                ('group_id', fields.BigIntField(null=True, description='the bound group it was made in')),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('confirmed_at', fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'contact_link', 'app': 'models', 'unique_together': (('youth', 'cadre'),), 'indexes': [Index(fields=['cadre_id', 'status'])], 'pk_attr': 'id', 'table_description': 'Youth ↔ cadre. Counts toward the target only once confirmed by the youth.'},
            bases=['Model'],
        ),
    ]
