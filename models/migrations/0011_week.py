from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0008_reach')]

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
    ]
