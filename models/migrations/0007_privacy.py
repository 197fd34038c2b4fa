from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0006_dashboard')]

    initial = False

    operations = [
        ops.CreateModel(
            name='DailyUse',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key_hash', fields.CharField(description='HMAC of the QQ (LIANQING_HASH_SECRET)', max_length=64)),
                ('day', fields.DateField()),
                ('kind', fields.CharField(description='case | help_post | bad_code', max_length=16)),
                ('count', fields.IntField(default=0)),
            ],
            options={'table': 'daily_use', 'app': 'models', 'unique_together': (('key_hash', 'day', 'kind'),), 'pk_attr': 'id', 'table_description': 'How often someone used a rationed action on a local day, keyed by the keyed hash of their QQ.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SystemSetting',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key', fields.CharField(unique=True, max_length=40)),
                ('value', fields.CharField(max_length=200)),
            ],
            options={'table': 'system_setting', 'app': 'models', 'pk_attr': 'id', 'table_description': "A value the deployment must keep consistent across processes (e.g. the hash secret's fingerprint)."},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Activity',
            name='credited',
            field=fields.BooleanField(default=False, db_default=False, description='someone checked in or a head count above zero was recorded: it counts'),
        ),
        ops.AddField(
            model_name='Case',
            name='content_deleted_at',
            field=fields.DatetimeField(null=True, description='content, notes and identity deleted after REQUESTS_CONTENT_KEEP_DAYS', auto_now=False, auto_now_add=False),
        ),
        # Activities already held keep their credit: attended, or a head count recorded.
        ops.RunSQL(
            "UPDATE activity SET credited = (head_count > 0 OR EXISTS "
            "(SELECT 1 FROM check_in c WHERE c.activity_id = activity.id))",
            reverse_sql="",
        ),
    ]
