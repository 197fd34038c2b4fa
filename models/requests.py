"""Youth requests tracked as cases, their history, and mutual help among youth."""

from tortoise import fields
from tortoise.models import Model


class Case(Model):
    """A youth's request (诉求). The youth's QQ is NULL once they asked to be forgotten."""

    id = fields.IntField(primary_key=True)
    youth_qq = fields.BigIntField(null=True, db_index=True)
    category = fields.CharField(max_length=12, description="confusion | difficulty | suggestion")
    content = fields.TextField()
    cadre = fields.ForeignKeyField(
        "models.Cadre", related_name="cases", null=True, on_delete=fields.SET_NULL
    )
    cadre_id: int | None
    org = fields.ForeignKeyField(
        "models.Organisation", related_name="cases", on_delete=fields.RESTRICT,
        description="the organisation responsible (the cadre's, or the group's)",
    )
    org_id: int
    status = fields.CharField(max_length=10, default="open", description="open | waiting | answered | closed")
    source_group_id = fields.BigIntField(null=True)
    show_identity = fields.BooleanField(default=False, description="the youth agreed to be named upward")
    escalated_at = fields.DatetimeField(null=True)
    escalation_note = fields.CharField(max_length=500, null=True)
    first_answer_at = fields.DatetimeField(null=True)
    waiting_since = fields.DatetimeField(null=True, description="paused: waiting for the youth")
    paused_seconds = fields.IntField(default=0, description="time spent waiting for the youth")
    reminded_at = fields.DatetimeField(null=True, description="the 48-hour reminder went out")
    closed_at = fields.DatetimeField(null=True)
    close_note = fields.CharField(max_length=500, null=True)
    rating = fields.IntField(null=True)
    rating_comment = fields.CharField(max_length=500, null=True)
    rated_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(db_index=True)
    content_deleted_at = fields.DatetimeField(
        null=True, description="content, notes and identity deleted after REQUESTS_CONTENT_KEEP_DAYS"
    )
    urgent = fields.BooleanField(
        default=False, db_default=False, description="the urgent path: answer within REQUESTS_URGENT_HOURS, priority notices"
    )
    urgent_by = fields.CharField(
        max_length=8, null=True, description="youth (/诉求 紧急) | phrase (matched, shown to handlers only)"
    )
    urgent_escalated_at = fields.DatetimeField(
        null=True, description="unanswered urgent case repeated to the next level's administrators"
    )

    class Meta:
        table = "case"
        # The last two cover the open/overdue/escalated counts by cadre and by organisation
        # (dashboard figures): on the province's 200,000 cases, SQLite 0.60 -> 0.08 s and 0.38 ->
        # 0.05 s, read from the index instead of the rows with their text.
        indexes = (
            ("cadre_id", "status"),
            ("org_id", "created_at"),
            ("cadre_id", "status", "first_answer_at", "created_at", "paused_seconds", "urgent"),
            ("org_id", "status", "first_answer_at", "created_at", "paused_seconds", "urgent", "escalated_at"),
            # The problem list's counts per category for a period (0.45 -> 0.22 s for the province's year).
            ("org_id", "created_at", "category", "status", "first_answer_at", "paused_seconds", "urgent",
             "escalated_at", "rating"),
        )


class CaseEvent(Model):
    """One step in a case's history: reply, supplement, close, escalate, transfer, rating."""

    id = fields.IntField(primary_key=True)
    case = fields.ForeignKeyField("models.Case", related_name="events", on_delete=fields.CASCADE)
    case_id: int
    kind = fields.CharField(max_length=12)
    actor_qq = fields.BigIntField(null=True)
    text = fields.TextField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "case_event"
        indexes = (("case_id",),)


class CaseDraft(Model):
    """A concern a cadre heard offline and recorded for a youth (代记), waiting for the youth.

    Visible to the cadre only and counted nowhere. Confirmed, it becomes a case and this row
    goes. Refused, or unanswered after 7 days, it is deleted."""

    id = fields.IntField(primary_key=True)
    cadre = fields.ForeignKeyField("models.Cadre", related_name="case_drafts", on_delete=fields.CASCADE)
    cadre_id: int
    youth_qq = fields.BigIntField(db_index=True)
    category = fields.CharField(max_length=12)
    content = fields.TextField()
    created_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "case_draft"


class Referral(Model):
    """A case passed to a body outside the league (12355, 青年之声, a department, school or company)."""

    id = fields.IntField(primary_key=True)
    case = fields.ForeignKeyField("models.Case", related_name="referrals", on_delete=fields.CASCADE)
    case_id: int
    to = fields.CharField(max_length=50, description="where it went (free text)")
    note = fields.CharField(max_length=500, null=True)
    actor_qq = fields.BigIntField(description="the cadre or administrator who referred it")
    created_at = fields.DatetimeField()
    follow_up_at = fields.DatetimeField(description="REQUESTS_REFERRAL_FOLLOWUP_DAYS later")
    reminded_at = fields.DatetimeField(null=True, description="the follow-up reminder went out (once)")
    outcome = fields.CharField(max_length=500, null=True)
    outcome_at = fields.DatetimeField(null=True)

    class Meta:
        table = "referral"
        indexes = (("case_id",), ("follow_up_at",))


class HelpPost(Model):
    """A need or an offer a youth posts to their cadre's circle (互助)."""

    id = fields.IntField(primary_key=True)
    cadre = fields.ForeignKeyField("models.Cadre", related_name="help_posts", on_delete=fields.CASCADE)
    cadre_id: int
    qq = fields.BigIntField(null=True)
    kind = fields.CharField(max_length=8, description="need | offer")
    content = fields.CharField(max_length=500)
    status = fields.CharField(max_length=10, default="open", description="open | matched | closed")
    created_at = fields.DatetimeField()

    class Meta:
        table = "help_post"
        indexes = (("cadre_id", "status"),)


class HelpMatch(Model):
    """A cadre's proposal to introduce a need to an offer. Both youth must agree."""

    id = fields.IntField(primary_key=True)
    cadre = fields.ForeignKeyField("models.Cadre", related_name="help_matches", on_delete=fields.CASCADE)
    cadre_id: int
    need = fields.ForeignKeyField("models.HelpPost", related_name="as_need", on_delete=fields.CASCADE)
    need_id: int
    offer = fields.ForeignKeyField("models.HelpPost", related_name="as_offer", on_delete=fields.CASCADE)
    offer_id: int
    need_answer = fields.BooleanField(null=True)
    offer_answer = fields.BooleanField(null=True)
    status = fields.CharField(max_length=10, default="asked", description="asked | introduced | declined")
    created_at = fields.DatetimeField()

    class Meta:
        table = "help_match"
