from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0010_act')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CardOptOut',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('qq', fields.BigIntField(unique=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'card_opt_out', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A cadre who turned the Monday card off with /提醒 周卡 关闭.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Handover',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('youth', fields.ForeignKeyField('models.Youth', source_field='youth_id', db_constraint=True, to_field='id', related_name='handovers', on_delete=OnDelete.CASCADE)),
                ('from_cadre', fields.ForeignKeyField('models.Cadre', source_field='from_cadre_id', db_constraint=True, to_field='id', related_name='handed_over', on_delete=OnDelete.CASCADE)),
                ('to_cadre', fields.ForeignKeyField('models.Cadre', source_field='to_cadre_id', db_constraint=True, to_field='id', related_name='handed_to', on_delete=OnDelete.CASCADE)),
                ('asked_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('answered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'handover', 'app': 'models', 'unique_together': (('youth', 'from_cadre'),), 'indexes': [Index(fields=['to_cadre_id'])], 'pk_attr': 'id', 'table_description': "A departed cadre's youth asked once whether to keep in touch with the successor."},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Cadre',
            name='former_qq',
            field=fields.BigIntField(null=True, description='the QQ of a departed cadre (qq becomes -id so they may register again)'),
        ),
        ops.AddField(
            model_name='Cadre',
            name='left_at',
            field=fields.DatetimeField(null=True, description='the term of office ended (离任)', auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Cadre',
            name='successor_id',
            field=fields.IntField(null=True, description='the cadre named to take over'),
        ),
    ]
