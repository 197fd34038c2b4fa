from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0009_perf')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ActivityFeedback',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('activity', fields.ForeignKeyField('models.Activity', source_field='activity_id', db_constraint=True, to_field='id', related_name='feedback_answers', on_delete=OnDelete.CASCADE)),
                ('qq', fields.BigIntField(null=True, db_index=True)),
                ('score', fields.IntField(null=True)),
                ('asked_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('answered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'activity_feedback', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One 1-5 answer after an activity. qq is kept only until answered (then NULL).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CaseDraft',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('cadre', fields.ForeignKeyField('models.Cadre', source_field='cadre_id', db_constraint=True, to_field='id', related_name='case_drafts', on_delete=OnDelete.CASCADE)),
                ('youth_qq', fields.BigIntField(db_index=True)),
                ('category', fields.CharField(max_length=12)),
                ('content', fields.TextField(unique=False)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'case_draft', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A concern a cadre heard offline and recorded for a youth (代记), waiting for the youth.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Referral',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('case', fields.ForeignKeyField('models.Case', source_field='case_id', db_constraint=True, to_field='id', related_name='referrals', on_delete=OnDelete.CASCADE)),
                ('to', fields.CharField(description='where it went (free text)', max_length=50)),
                ('note', fields.CharField(null=True, max_length=500)),
                ('actor_qq', fields.BigIntField(description='the cadre or administrator who referred it')),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('follow_up_at', fields.DatetimeField(description='REQUESTS_REFERRAL_FOLLOWUP_DAYS later', auto_now=False, auto_now_add=False)),
                ('reminded_at', fields.DatetimeField(null=True, description='the follow-up reminder went out (once)', auto_now=False, auto_now_add=False)),
                ('outcome', fields.CharField(null=True, max_length=500)),
                ('outcome_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'referral', 'app': 'models', 'indexes': [Index(fields=['case_id']), Index(fields=['follow_up_at'])], 'pk_attr': 'id', 'table_description': 'A case passed to a body outside the league (12355, 青年之声, a department, school or company).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SignUp',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('activity', fields.ForeignKeyField('models.Activity', source_field='activity_id', db_constraint=True, to_field='id', related_name='sign_ups', on_delete=OnDelete.CASCADE)),
                ('qq', fields.BigIntField(db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'sign_up', 'app': 'models', 'unique_together': (('activity', 'qq'),), 'pk_attr': 'id', 'table_description': "A youth's place at a posted activity. Deleted on /取消报名 and /退出 全部."},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Activity',
            name='capacity',
            field=fields.IntField(null=True, description='places, NULL for no limit'),
        ),
        ops.AddField(
            model_name='Activity',
            name='feedback',
            field=fields.BooleanField(default=False, description='ask who checked in for 1-5 afterwards (no score uses it)', db_default=False),
        ),
        ops.AddField(
            model_name='Activity',
            name='posted_at',
            field=fields.DatetimeField(null=True, description="posted to the cadre's bound groups for sign-up", auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Activity',
            name='signed_up',
            field=fields.IntField(default=0, description='current sign-ups (a conditional UPDATE keeps the limit)', db_default=0),
        ),
        ops.AddField(
            model_name='Case',
            name='urgent',
            field=fields.BooleanField(default=False, description='the urgent path: answer within REQUESTS_URGENT_HOURS, priority notices', db_default=False),
        ),
        ops.AddField(
            model_name='Case',
            name='urgent_by',
            field=fields.CharField(null=True, description='youth (/诉求 紧急) | phrase (matched, shown to handlers only)', max_length=8),
        ),
        ops.AddField(
            model_name='Case',
            name='urgent_escalated_at',
            field=fields.DatetimeField(null=True, description="unanswered urgent case repeated to the next level's administrators", auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='OutboxMessage',
            name='urgent',
            field=fields.BooleanField(default=False, description="an urgent case's notice: ignores quiet hours and daily caps, sent first", db_default=False),
        ),
    ]
