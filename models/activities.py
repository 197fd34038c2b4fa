"""Offline activities, check-ins, and the record of reminders already sent."""

from tortoise import fields
from tortoise.models import Model


class Activity(Model):
    """An offline activity, face-to-face meeting or survey visit a cadre held."""

    id = fields.IntField(primary_key=True)
    cadre = fields.ForeignKeyField("models.Cadre", related_name="activities", on_delete=fields.CASCADE)
    cadre_id: int
    kind = fields.CharField(max_length=16, description="offline | face_to_face | survey_visit")
    title = fields.CharField(max_length=80)
    place = fields.CharField(max_length=80, null=True)
    day = fields.DateField(description="local date it takes place")
    code = fields.CharField(max_length=6, description="check-in code, valid on that day")
    head_count = fields.IntField(default=0, description="attendees added by the cadre without check-in")
    credited = fields.BooleanField(
        default=False, db_default=False, description="someone checked in or a head count above zero was recorded: it counts"
    )
    created_at = fields.DatetimeField()
    posted_at = fields.DatetimeField(null=True, description="posted to the cadre's bound groups for sign-up")
    capacity = fields.IntField(null=True, description="places, NULL for no limit")
    signed_up = fields.IntField(default=0, db_default=0, description="current sign-ups (a conditional UPDATE keeps the limit)")
    feedback = fields.BooleanField(default=False, db_default=False, description="ask who checked in for 1-5 afterwards (no score uses it)")

    class Meta:
        table = "activity"
        unique_together = (("day", "code"),)
        indexes = (("cadre_id", "day"),)


class CheckIn(Model):
    """A youth confirming attendance with the code. qq is NULL once they asked to be forgotten."""

    id = fields.IntField(primary_key=True)
    activity = fields.ForeignKeyField("models.Activity", related_name="check_ins", on_delete=fields.CASCADE)
    activity_id: int
    qq = fields.BigIntField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "check_in"
        unique_together = (("activity", "qq"),)


class SignUp(Model):
    """A youth's place at a posted activity. Deleted on /取消报名 and /退出 全部."""

    id = fields.IntField(primary_key=True)
    activity = fields.ForeignKeyField("models.Activity", related_name="sign_ups", on_delete=fields.CASCADE)
    activity_id: int
    qq = fields.BigIntField(db_index=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "sign_up"
        unique_together = (("activity", "qq"),)


class ActivityFeedback(Model):
    """One 1-5 answer after an activity. qq is kept only until answered (then NULL)."""

    id = fields.IntField(primary_key=True)
    activity = fields.ForeignKeyField("models.Activity", related_name="feedback_answers", on_delete=fields.CASCADE)
    activity_id: int
    qq = fields.BigIntField(null=True, db_index=True)
    score = fields.IntField(null=True)
    asked_at = fields.DatetimeField()
    answered_at = fields.DatetimeField(null=True)

    class Meta:
        table = "activity_feedback"


class ReminderLog(Model):
    """A reminder already sent: (rule, recipient, period) is unique, so it goes out once."""

    id = fields.IntField(primary_key=True)
    rule = fields.CharField(max_length=32)
    qq = fields.BigIntField()
    period = fields.CharField(max_length=16, description="e.g. 2026Q4, 2026-08-15, 2026W48")
    created_at = fields.DatetimeField()

    class Meta:
        table = "reminder_log"
        unique_together = (("rule", "qq", "period"),)


class ReminderSnooze(Model):
    """A cadre's pause of non-deadline reminders (leave, illness)."""

    id = fields.IntField(primary_key=True)
    qq = fields.BigIntField(unique=True)
    until = fields.DatetimeField()

    class Meta:
        table = "reminder_snooze"


class CardOptOut(Model):
    """A cadre who turned the Monday card off with /提醒 周卡 关闭."""

    id = fields.IntField(primary_key=True)
    qq = fields.BigIntField(unique=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "card_opt_out"
