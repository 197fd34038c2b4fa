from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0004_activities_requests')]

    initial = False

    operations = [
        ops.CreateModel(
            name='EvaluationPeriod',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('period', fields.CharField(description='2026Q4 or 2026', max_length=8)),
                ('org', fields.ForeignKeyField('models.Organisation', source_field='org_id', db_constraint=True, to_field='id', related_name='evaluation_periods', on_delete=OnDelete.CASCADE)),
                ('confirmed_by', fields.BigIntField()),
                ('confirmed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'evaluation_period', 'app': 'models', 'unique_together': (('period', 'org'),), 'pk_attr': 'id', 'table_description': "An administrator confirmed an organisation's results for a period: they are frozen."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='EvaluationResult',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('period', fields.ForeignKeyField('models.EvaluationPeriod', source_field='period_id', db_constraint=True, to_field='id', related_name='results', on_delete=OnDelete.CASCADE)),
                ('cadre', fields.ForeignKeyField('models.Cadre', source_field='cadre_id', null=True, db_constraint=True, to_field='id', related_name='results', on_delete=OnDelete.CASCADE)),
                ('org', fields.ForeignKeyField('models.Organisation', source_field='org_id', null=True, db_constraint=True, to_field='id', related_name='results', on_delete=OnDelete.CASCADE)),
                ('realization', fields.FloatField(null=True)),
                ('activeness', fields.FloatField(null=True)),
                ('satisfaction', fields.FloatField(null=True)),
                ('composite', fields.FloatField(null=True)),
                ('inputs', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
            ],
            options={'table': 'evaluation_result', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A frozen result of one cadre or one organisation in a confirmed period.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SpotCheck',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('cadre', fields.ForeignKeyField('models.Cadre', source_field='cadre_id', db_constraint=True, to_field='id', related_name='spot_checks', on_delete=OnDelete.CASCADE)),
                ('requested_by', fields.BigIntField()),
                ('sample_size', fields.IntField()),
                ('quarter', fields.CharField(max_length=8)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'spot_check', 'app': 'models', 'pk_attr': 'id', 'table_description': "An administrator's request to ask a sample of a cadre's contacts whether contact is real."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SpotCheckQuestion',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('check', fields.ForeignKeyField('models.SpotCheck', source_field='check_id', db_constraint=True, to_field='id', related_name='questions', on_delete=OnDelete.CASCADE)),
                ('cadre', fields.ForeignKeyField('models.Cadre', source_field='cadre_id', db_constraint=True, to_field='id', related_name='spot_questions', on_delete=OnDelete.CASCADE)),
                ('youth_qq', fields.BigIntField(null=True, description='NULL once the youth asked to be forgotten')),
                ('quarter', fields.CharField(max_length=8)),
                ('answer', fields.CharField(null=True, description='yes | no', max_length=4)),
                ('asked_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('answered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'spot_check_question', 'app': 'models', 'unique_together': (('cadre', 'youth_qq', 'quarter'),), 'indexes': [Index(fields=['check_id'])], 'pk_attr': 'id', 'table_description': 'One youth asked in a spot check. A youth is asked once per cadre per quarter.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Survey',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('org', fields.ForeignKeyField('models.Organisation', source_field='org_id', db_constraint=True, to_field='id', related_name='surveys', on_delete=OnDelete.CASCADE)),
                ('requested_by', fields.BigIntField()),
                ('per_cadre', fields.IntField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('closes_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'survey', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A satisfaction survey of the cadres under an organisation.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SurveyQuestion',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('survey', fields.ForeignKeyField('models.Survey', source_field='survey_id', db_constraint=True, to_field='id', related_name='questions', on_delete=OnDelete.CASCADE)),
                ('cadre', fields.ForeignKeyField('models.Cadre', source_field='cadre_id', db_constraint=True, to_field='id', related_name='survey_questions', on_delete=OnDelete.CASCADE)),
                ('youth_qq', fields.BigIntField(null=True, description='NULL once the youth asked to be forgotten')),
                ('rating', fields.IntField(null=True)),
                ('asked_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('answered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'survey_question', 'app': 'models', 'indexes': [Index(fields=['cadre_id', 'answered_at']), Index(fields=['survey_id'])], 'pk_attr': 'id', 'table_description': 'One youth asked to rate one cadre (1–5). Anonymous to the cadre: only aggregates are shown.'},
            bases=['Model'],
        ),
        ops.AddIndex(
            model_name='Admin',
            index=Index(fields=['org_id']),
        ),
        ops.AddIndex(
            model_name='Application',
            index=Index(fields=['org_id', 'status']),
        ),
        ops.AddIndex(
            model_name='BoundGroup',
            index=Index(fields=['cadre_id']),
        ),
        ops.AddIndex(
            model_name='Cadre',
            index=Index(fields=['org_id']),
        ),
        ops.AddIndex(
            model_name='CaseEvent',
            index=Index(fields=['case_id']),
        ),
        ops.AddIndex(
            model_name='ContactLink',
            index=Index(fields=['youth_id', 'status']),
        ),
        ops.AddIndex(
            model_name='HelpPost',
            index=Index(fields=['cadre_id', 'status']),
        ),
        ops.AddIndex(
            model_name='Invitation',
            index=Index(fields=['cadre_id', 'created_at']),
        ),
        ops.AddIndex(
            model_name='Topic',
            index=Index(fields=['cadre_id', 'created_at']),
        ),
        ops.AddIndex(
            model_name='TopicReply',
            index=Index(fields=['topic_id', 'is_cadre']),
        ),
    ]
