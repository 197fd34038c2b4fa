"""Rations that must survive erasure, and settings the deployment keeps in its database."""

from tortoise import fields
from tortoise.models import Model


class DailyUse(Model):
    """How often someone used a rationed action on a local day, keyed by the keyed hash of their QQ.

    Counting rows such as cases by QQ would reset when /退出 全部 anonymises them,
    this count does not, and it holds no QQ. Rows older than two days are deleted."""

    id = fields.IntField(primary_key=True)
    key_hash = fields.CharField(max_length=64, description="HMAC of the QQ (LIANQING_HASH_SECRET)")
    day = fields.DateField()
    kind = fields.CharField(max_length=16, description="case | help_post | bad_code")
    count = fields.IntField(default=0)

    class Meta:
        table = "daily_use"
        unique_together = (("key_hash", "day", "kind"),)


class SystemSetting(Model):
    """A value the deployment must keep consistent across processes (e.g. the hash secret's fingerprint)."""

    id = fields.IntField(primary_key=True)
    key = fields.CharField(max_length=40, unique=True)
    value = fields.CharField(max_length=200)

    class Meta:
        table = "system_setting"
