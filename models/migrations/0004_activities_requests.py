from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0003_interaction')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Activity',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('cadre', fields.ForeignKeyField('models.Cadre', source_field='cadre_id', db_constraint=True, to_field='id', related_name='activities', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(description='offline | face_to_face | survey_visit', max_length=16)),
                ('title', fields.CharField(max_length=80)),
                ('place', fields.CharField(null=True, max_length=80)),
                ('day', fields.DateField(description='local date it takes place')),
                ('code', fields.CharField(description='check-in code, valid on that day', max_length=6)),
                ('head_count', fields.IntField(default=0, description='attendees added by the cadre without check-in')),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'activity', 'app': 'models', 'unique_together': (('day', 'code'),), 'indexes': [Index(fields=['cadre_id', 'day'])], 'pk_attr': 'id', 'table_description': 'An offline activity, face-to-face meeting or survey visit a cadre held.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Case',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('youth_qq', fields.BigIntField(null=True, db_index=True)),
                ('category', fields.CharField(description='confusion | difficulty | suggestion', max_length=12)),
                ('content', fields.TextField(unique=False)),
                ('cadre', fields.ForeignKeyField('models.Cadre', source_field='cadre_id', null=True, db_constraint=True, to_field='id', related_name='cases', on_delete=OnDelete.SET_NULL)),
                ('org', fields.ForeignKeyField('models.Organisation', source_field='org_id', description="the organisation responsible (the cadre's, or the group's)", db_constraint=True, to_field='id', related_name='cases', on_delete=OnDelete.RESTRICT)),
                ('status', fields.CharField(default='open', description='open | waiting | answered | closed', max_length=10)),
                ('source_group_id', fields.BigIntField(null=True)),
                ('show_identity', fields.BooleanField(default=False, description='the youth agreed to be named upward')),
                ('escalated_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('escalation_note', fields.CharField(null=True, max_length=500)),
                ('first_answer_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('waiting_since', fields.DatetimeField(null=True, description='paused: waiting for the youth', auto_now=False, auto_now_add=False)),
                ('paused_seconds', fields.IntField(default=0, description='time spent waiting for the youth')),
                ('reminded_at', fields.DatetimeField(null=True, description='the 48-hour reminder went out', auto_now=False, auto_now_add=False)),
                ('closed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('close_note', fields.CharField(null=True, max_length=500)),
                ('rating', fields.IntField(null=True)),
                ('rating_comment', fields.CharField(null=True, max_length=500)),
                ('rated_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'case', 'app': 'models', 'indexes': [Index(fields=['cadre_id', 'status']), Index(fields=['org_id', 'created_at'])], 'pk_attr': 'id', 'table_description': "A youth's request (诉求). The youth's QQ is NULL once they asked to be forgotten."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CaseEvent',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('case', fields.ForeignKeyField('models.Case', source_field='case_id', db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(max_length=12)),
                ('actor_qq', fields.BigIntField(null=True)),
                ('text', fields.TextField(null=True, unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'case_event', 'app': 'models', 'pk_attr': 'id', 'table_description': "One step in a case's history: reply, supplement, close, escalate, transfer, rating."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CheckIn',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('activity', fields.ForeignKeyField('models.Activity', source_field='activity_id', db_constraint=True, to_field='id', related_name='check_ins', on_delete=OnDelete.CASCADE)),
                ('qq', fields.BigIntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'check_in', 'app': 'models', 'unique_together': (('activity', 'qq'),), 'pk_attr': 'id', 'table_description': 'A youth confirming attendance with the code. qq is NULL once they asked to be forgotten.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='HelpPost',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('cadre', fields.ForeignKeyField('models.Cadre', source_field='cadre_id', db_constraint=True, to_field='id', related_name='help_posts', on_delete=OnDelete.CASCADE)),
                ('qq', fields.BigIntField(null=True)),
                ('kind', fields.CharField(description='need | offer', max_length=8)),
                ('content', fields.CharField(max_length=500)),
                ('status', fields.CharField(default='open', description='open | matched | closed', max_length=10)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'help_post', 'app': 'models', 'pk_attr': 'id', 'table_description': "A need or an offer a youth posts to their cadre's circle (互助)."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='HelpMatch',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('cadre', fields.ForeignKeyField('models.Cadre', source_field='cadre_id', db_constraint=True, to_field='id', related_name='help_matches', on_delete=OnDelete.CASCADE)),
                ('need', fields.ForeignKeyField('models.HelpPost', source_field='need_id', db_constraint=True, to_field='id', related_name='as_need', on_delete=OnDelete.CASCADE)),
                ('offer', fields.ForeignKeyField('models.HelpPost', source_field='offer_id', db_constraint=True, to_field='id', related_name='as_offer', on_delete=OnDelete.CASCADE)),
                ('need_answer', fields.BooleanField(null=True)),
                ('offer_answer', fields.BooleanField(null=True)),
                ('status', fields.CharField(default='asked', description='asked | introduced | declined', max_length=10)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'help_match', 'app': 'models', 'pk_attr': 'id', 'table_description': "A cadre's proposal to introduce a need to an offer. Both youth must agree."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ReminderLog',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('rule', fields.CharField(max_length=32)),
                ('qq', fields.BigIntField()),
                ('period', fields.CharField(description='e.g. 2026Q4, 2026-08-15, 2026W48', max_length=16)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'reminder_log', 'app': 'models', 'unique_together': (('rule', 'qq', 'period'),), 'pk_attr': 'id', 'table_description': 'A reminder already sent: (rule, recipient, period) is unique, so it goes out once.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ReminderSnooze',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('qq', fields.BigIntField(unique=True)),
                ('until', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'reminder_snooze', 'app': 'models', 'pk_attr': 'id', 'table_description': "A cadre's pause of non-deadline reminders (leave, illness)."},
            bases=['Model'],
        ),
    ]
