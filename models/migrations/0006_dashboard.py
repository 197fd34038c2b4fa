from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0005_evaluation_indexes')]

    initial = False

    operations = [
        ops.CreateModel(
            name='DashboardToken',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharField(description='link | session', max_length=8)),
                ('token_hash', fields.CharField(unique=True, description='hex SHA-256 of the secret', max_length=64)),
                ('qq', fields.BigIntField(db_index=True, description='whose link or session')),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('used_at', fields.DatetimeField(null=True, description='link redeemed, or session ended', auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'dashboard_token', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A login link or a session, stored as the SHA-256 of its secret (never the secret).'},
            bases=['Model'],
        ),
    ]
