from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0007_privacy')]

    initial = False

    operations = [
        ops.CreateModel(
            name='InboxMessage',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('qq', fields.BigIntField(db_index=True, description='whose message it is')),
                ('text', fields.TextField(unique=False)),
                ('category', fields.CharField(max_length=24)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'inbox_message', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A message kept for someone the bot could not reach privately, read with /消息.'},
            bases=['Model'],
        ),
        ops.AlterField(
            model_name='OutboxMessage',
            name='status',
            field=fields.CharField(default='pending', description='pending|sending|sent|failed|unknown|inboxed|dropped', max_length=10),
        ),
        ops.AddField(
            model_name='OutboxMessage',
            name='attempted_at',
            field=fields.DatetimeField(null=True, description='wall-clock start of a send whose outcome is unknown (timed out)', auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='OutboxMessage',
            name='attempted_by',
            field=fields.BigIntField(null=True, description='the account of that send'),
        ),
        ops.AddField(
            model_name='OutboxMessage',
            name='group_id',
            field=fields.BigIntField(null=True, description='the group the message concerns: a temporary session goes through it'),
        ),
        ops.AddField(
            model_name='OutboxMessage',
            name='via',
            field=fields.CharField(null=True, description='private | temp | inbox: how it went', max_length=8),
        ),
    ]
