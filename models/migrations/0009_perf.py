from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0008_reach')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CadreSummary',
            fields=[
                ('cadre_id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('computed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('confirmed', fields.IntField(default=0)),
                ('overlap', fields.IntField(default=0, description='confirmed contacts also confirmed by CONTACTS_OVERLAP_CADRES others')),
                ('spot_yes', fields.IntField(default=0)),
                ('spot_answered', fields.IntField(default=0)),
                ('topics_answered', fields.IntField(default=0)),
                ('exchanges', fields.IntField(default=0)),
                ('check_ins', fields.IntField(default=0)),
                ('requests_received', fields.IntField(default=0)),
                ('requests_on_time', fields.IntField(default=0)),
                ('recent_activities', fields.IntField(default=0)),
                ('face_to_face_year', fields.IntField(default=0, description='face-to-face activities in the last 365 days')),
                ('ratings', fields.IntField(default=0)),
                ('rating_sum', fields.IntField(default=0)),
                ('quarter_activities', fields.IntField(default=0, description='credited activities this calendar quarter')),
                ('face_to_face_this_year', fields.IntField(default=0, description='face-to-face activities this calendar year')),
                ('exchanges_30', fields.IntField(default=0, description='youth answered in the last 30 days')),
            ],
            options={'table': 'cadre_summary', 'app': 'models', 'pk_attr': 'cadre_id', 'table_description': "Per-cadre measures' inputs, recomputed for all cadres at once by one INSERT ... SELECT."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OrgYouthSummary',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('org_id', fields.IntField()),
                ('field_key', fields.CharField(description='the Field value, empty when not filled in', max_length=16)),
                ('youth', fields.IntField(default=0)),
                ('overlap', fields.IntField(default=0)),
                ('computed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'org_youth_summary', 'app': 'models', 'unique_together': (('org_id', 'field_key'),), 'pk_attr': 'id', 'table_description': 'Per organisation subtree and youth field: distinct confirmed youth and those confirmed by'},
            bases=['Model'],
        ),
    ]
