from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0008_reach')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Case',
            name='urgent',
            field=fields.BooleanField(default=False, description='the urgent path: answer within REQUESTS_URGENT_HOURS, priority notices'),
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
            field=fields.BooleanField(default=False, description="an urgent case's notice: ignores quiet hours and daily caps, sent first"),
        ),
    ]
