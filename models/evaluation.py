"""Evaluation: spot checks, satisfaction surveys, and confirmed (frozen) results."""

from tortoise import fields
from tortoise.models import Model


class SpotCheck(Model):
    """An administrator's request to ask a sample of a cadre's contacts whether contact is real."""

    id = fields.IntField(primary_key=True)
    cadre = fields.ForeignKeyField("models.Cadre", related_name="spot_checks", on_delete=fields.CASCADE)
    cadre_id: int
    requested_by = fields.BigIntField()
    sample_size = fields.IntField()
    quarter = fields.CharField(max_length=8)
    created_at = fields.DatetimeField()

    class Meta:
        table = "spot_check"


class SpotCheckQuestion(Model):
    """One youth asked in a spot check. A youth is asked once per cadre per quarter."""

    id = fields.IntField(primary_key=True)
    check = fields.ForeignKeyField("models.SpotCheck", related_name="questions", on_delete=fields.CASCADE)
    check_id: int
    cadre = fields.ForeignKeyField("models.Cadre", related_name="spot_questions", on_delete=fields.CASCADE)
    cadre_id: int
    youth_qq = fields.BigIntField(null=True, description="NULL once the youth asked to be forgotten")
    quarter = fields.CharField(max_length=8)
    answer = fields.CharField(max_length=4, null=True, description="yes | no")
    asked_at = fields.DatetimeField()
    answered_at = fields.DatetimeField(null=True)

    class Meta:
        table = "spot_check_question"
        unique_together = (("cadre", "youth_qq", "quarter"),)
        indexes = (("check_id",),)


class Survey(Model):
    """A satisfaction survey of the cadres under an organisation."""

    id = fields.IntField(primary_key=True)
    org = fields.ForeignKeyField("models.Organisation", related_name="surveys", on_delete=fields.CASCADE)
    org_id: int
    requested_by = fields.BigIntField()
    per_cadre = fields.IntField()
    created_at = fields.DatetimeField()
    closes_at = fields.DatetimeField()

    class Meta:
        table = "survey"


class SurveyQuestion(Model):
    """One youth asked to rate one cadre (1–5). Anonymous to the cadre: only aggregates are shown."""

    id = fields.IntField(primary_key=True)
    survey = fields.ForeignKeyField("models.Survey", related_name="questions", on_delete=fields.CASCADE)
    survey_id: int
    cadre = fields.ForeignKeyField("models.Cadre", related_name="survey_questions", on_delete=fields.CASCADE)
    cadre_id: int
    youth_qq = fields.BigIntField(null=True, description="NULL once the youth asked to be forgotten")
    rating = fields.IntField(null=True)
    asked_at = fields.DatetimeField()
    answered_at = fields.DatetimeField(null=True)

    class Meta:
        table = "survey_question"
        indexes = (("cadre_id", "answered_at"), ("survey_id",))


class EvaluationPeriod(Model):
    """An administrator confirmed an organisation's results for a period: they are frozen."""

    id = fields.IntField(primary_key=True)
    period = fields.CharField(max_length=8, description="2026Q4 or 2026")
    org = fields.ForeignKeyField("models.Organisation", related_name="evaluation_periods", on_delete=fields.CASCADE)
    org_id: int
    confirmed_by = fields.BigIntField()
    confirmed_at = fields.DatetimeField()

    class Meta:
        table = "evaluation_period"
        unique_together = (("period", "org"),)


class EvaluationResult(Model):
    """A frozen result of one cadre or one organisation in a confirmed period."""

    id = fields.IntField(primary_key=True)
    period = fields.ForeignKeyField("models.EvaluationPeriod", related_name="results", on_delete=fields.CASCADE)
    period_id: int
    cadre = fields.ForeignKeyField("models.Cadre", related_name="results", null=True, on_delete=fields.CASCADE)
    cadre_id: int | None
    org = fields.ForeignKeyField("models.Organisation", related_name="results", null=True, on_delete=fields.CASCADE)
    org_id: int | None
    realization = fields.FloatField(null=True)
    activeness = fields.FloatField(null=True)
    satisfaction = fields.FloatField(null=True)
    composite = fields.FloatField(null=True)
    inputs = fields.JSONField(default=dict)

    class Meta:
        table = "evaluation_result"


class CadreSummary(Model):
    """Per-cadre measures' inputs, recomputed for all cadres at once by one INSERT ... SELECT.

    Read by the rankings, /评估 of an organisation and the dashboard's overview and cadre
    list. Holds counts only, no youth. Rebuilt nightly, when older than
    EVALUATION_SUMMARY_MAX_AGE_MINUTES, when the cadres changed and after an erasure."""

    cadre_id = fields.IntField(primary_key=True)
    computed_at = fields.DatetimeField()
    confirmed = fields.IntField(default=0)
    overlap = fields.IntField(default=0, description="confirmed contacts also confirmed by CONTACTS_OVERLAP_CADRES others")
    spot_yes = fields.IntField(default=0)
    spot_answered = fields.IntField(default=0)
    topics_answered = fields.IntField(default=0)
    exchanges = fields.IntField(default=0)
    check_ins = fields.IntField(default=0)
    requests_received = fields.IntField(default=0)
    requests_on_time = fields.IntField(default=0)
    recent_activities = fields.IntField(default=0)
    face_to_face_year = fields.IntField(default=0, description="face-to-face activities in the last 365 days")
    ratings = fields.IntField(default=0)
    rating_sum = fields.IntField(default=0)
    quarter_activities = fields.IntField(default=0, description="credited activities this calendar quarter")
    face_to_face_this_year = fields.IntField(default=0, description="face-to-face activities this calendar year")
    exchanges_30 = fields.IntField(default=0, description="youth answered in the last 30 days")

    class Meta:
        table = "cadre_summary"


class OrgMonthSummary(Model):
    """Per organisation subtree and local month before the current one (the overview's eleven
    past months): exchanges, activities and new requests. Rebuilt with cadre_summary, the
    current month is always counted live. Counts only."""

    id = fields.IntField(primary_key=True)
    org_id = fields.IntField()
    month = fields.CharField(max_length=7, description="YYYY-MM, local time")
    exchanges = fields.IntField(default=0)
    activities = fields.IntField(default=0)
    requests = fields.IntField(default=0)
    computed_at = fields.DatetimeField()

    class Meta:
        table = "org_month_summary"
        unique_together = (("org_id", "month"),)


class OrgYouthSummary(Model):
    """Per organisation subtree and youth field: distinct confirmed youth and those confirmed by
    CONTACTS_OVERLAP_CADRES cadres or more in the subtree. Rebuilt with cadre_summary. Counts only."""

    id = fields.IntField(primary_key=True)
    org_id = fields.IntField()
    field_key = fields.CharField(max_length=16, description="the Field value, empty when not filled in")
    youth = fields.IntField(default=0)
    overlap = fields.IntField(default=0)
    computed_at = fields.DatetimeField()

    class Meta:
        table = "org_youth_summary"
        unique_together = (("org_id", "field_key"),)
