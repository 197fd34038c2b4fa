from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0002_contacts_outbox')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Exchange',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('cadre', fields.ForeignKeyField('models.Cadre', source_field='cadre_id', db_constraint=True, to_field='id', related_name='exchanges', on_delete=OnDelete.CASCADE)),
                ('group_id', fields.BigIntField()),
                ('youth_qq', fields.BigIntField(description='0 once the youth asked to be forgotten')),
                ('youth_message_id', fields.BigIntField()),
                ('latency_seconds', fields.IntField()),
                ('kind', fields.CharField(description='reply | at | check_in', max_length=8)),
                ('answered_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'exchange', 'app': 'models', 'unique_together': (('group_id', 'youth_message_id'),), 'indexes': [Index(fields=['cadre_id', 'answered_at'])], 'pk_attr': 'id', 'table_description': 'A youth message the cadre answered (quote or @) within the window: one per message.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='JobRun',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key', fields.CharField(unique=True, max_length=120)),
                ('started_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'job_run', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One run of a daily task: the unique key makes two processes run it once.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MessageCount',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('group_id', fields.BigIntField()),
                ('qq', fields.BigIntField(description='0 once the member asked to be forgotten')),
                ('day', fields.DateField()),
                ('cadre', fields.ForeignKeyField('models.Cadre', source_field='cadre_id', db_constraint=True, to_field='id', related_name='message_counts', on_delete=OnDelete.CASCADE)),
                ('is_cadre', fields.BooleanField(default=False, description="the member is the group's cadre")),
                ('count', fields.IntField(default=0)),
            ],
            options={'table': 'message_count', 'app': 'models', 'unique_together': (('group_id', 'qq', 'day'),), 'indexes': [Index(fields=['cadre_id', 'day'])], 'pk_attr': 'id', 'table_description': 'Messages per bound group, member and local day. Counts only, never text.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Topic',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('cadre', fields.ForeignKeyField('models.Cadre', source_field='cadre_id', db_constraint=True, to_field='id', related_name='topics', on_delete=OnDelete.CASCADE)),
                ('title', fields.CharField(max_length=80)),
                ('body', fields.TextField(null=True, unique=False)),
                ('status', fields.CharField(default='open', description='open | closed', max_length=8)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('closed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('text_deleted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'topic', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A discussion a cadre opens. Its text is deleted after the retention period.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TopicPost',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('topic', fields.ForeignKeyField('models.Topic', source_field='topic_id', db_constraint=True, to_field='id', related_name='posts', on_delete=OnDelete.CASCADE)),
                ('group_id', fields.BigIntField()),
                ('message_id', fields.BigIntField()),
                ('bot_id', fields.BigIntField()),
                ('posted_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'topic_post', 'app': 'models', 'unique_together': (('group_id', 'message_id'),), 'pk_attr': 'id', 'table_description': 'Where a topic was posted: quoting this message is replying to the topic.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TopicReply',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('topic', fields.ForeignKeyField('models.Topic', source_field='topic_id', db_constraint=True, to_field='id', related_name='replies', on_delete=OnDelete.CASCADE)),
                ('group_id', fields.BigIntField()),
                ('qq', fields.BigIntField(description='0 once the member asked to be forgotten')),
                ('message_id', fields.BigIntField()),
                ('is_cadre', fields.BooleanField(default=False)),
                ('text', fields.TextField(null=True, unique=False)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'topic_reply', 'app': 'models', 'unique_together': (('group_id', 'message_id'),), 'pk_attr': 'id', 'table_description': 'A message replying to a topic. Text kept for the retention period, then deleted.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='OutboxMessage',
            name='ref_id',
            field=fields.IntField(null=True, description='the record the message is about, for after-send hooks'),
        ),
    ]
