from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Organisation',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(unique=True, description='short name, e.g. 浙江省委', max_length=64)),
                ('level', fields.CharField(description='OrgLevel value', max_length=16)),
                ('parent', fields.ForeignKeyField('models.Organisation', source_field='parent_id', null=True, db_constraint=True, to_field='id', related_name='children', on_delete=OnDelete.RESTRICT)),
                ('path', fields.CharField(default='', db_index=True, max_length=255)),
                ('part_time_target', fields.IntField(null=True, description='raised target for part_time')),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'organisation', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A node of the league tree. `path` ("1/5/12/") makes subtree queries one LIKE.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Admin',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('qq', fields.BigIntField(db_index=True)),
                ('org', fields.ForeignKeyField('models.Organisation', source_field='org_id', db_constraint=True, to_field='id', related_name='admins', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'admin', 'app': 'models', 'unique_together': (('qq', 'org'),), 'pk_attr': 'id', 'table_description': 'A person (by QQ) who administers an organisation and its subtree.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Cadre',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('qq', fields.BigIntField(unique=True)),
                ('name', fields.CharField(max_length=32)),
                ('org', fields.ForeignKeyField('models.Organisation', source_field='org_id', db_constraint=True, to_field='id', related_name='cadres', on_delete=OnDelete.RESTRICT)),
                ('category', fields.CharField(description='CadreCategory value', max_length=16)),
                ('wechat', fields.CharField(null=True, max_length=64)),
                ('weibo', fields.CharField(null=True, max_length=64)),
                ('source', fields.CharField(description='CadreSource value', max_length=16)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'cadre', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A league cadre with a verified real-name identity.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Application',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('qq', fields.BigIntField(db_index=True)),
                ('open_for', fields.BigIntField(null=True, unique=True, description="the applicant's QQ while pending: one open application")),
                ('name', fields.CharField(max_length=32)),
                ('org', fields.ForeignKeyField('models.Organisation', source_field='org_id', db_constraint=True, to_field='id', related_name='applications', on_delete=OnDelete.CASCADE)),
                ('category', fields.CharField(max_length=16)),
                ('status', fields.CharField(default='pending', db_index=True, max_length=16)),
                ('reason', fields.CharField(null=True, max_length=200)),
                ('decided_by', fields.BigIntField(null=True)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('cadre', fields.ForeignKeyField('models.Cadre', source_field='cadre_id', null=True, db_constraint=True, to_field='id', related_name='applications', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'application', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A registration request by someone not on a roster, waiting for an administrator.'},
            bases=['Model'],
        ),
    ]
