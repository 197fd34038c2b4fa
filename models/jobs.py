"""Runs of daily tasks, claimed once per day across every bot process."""

from tortoise import fields
from tortoise.models import Model


class JobRun(Model):
    """One run of a daily task: the unique key makes two processes run it once."""

    id = fields.IntField(primary_key=True)
    key = fields.CharField(max_length=120, unique=True)
    started_at = fields.DatetimeField()
    finished_at = fields.DatetimeField(null=True)

    class Meta:
        table = "job_run"
