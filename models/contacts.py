"""Youth, the links they confirm with cadres, cadres' bound groups and their members."""

from tortoise import fields
from tortoise.models import Model


class BotAccount(Model):
    """A QQ account the bot runs as (several may share one database)."""

    id = fields.IntField(primary_key=True)
    self_id = fields.BigIntField(unique=True)
    first_seen = fields.DatetimeField()
    last_seen = fields.DatetimeField()

    class Meta:
        table = "bot_account"


class BoundGroup(Model):
    """A QQ group a cadre uses as a contact channel, one cadre per group."""

    id = fields.IntField(primary_key=True)
    group_id = fields.BigIntField(unique=True)
    name = fields.CharField(max_length=100, default="")
    cadre = fields.ForeignKeyField("models.Cadre", related_name="groups", on_delete=fields.CASCADE)
    cadre_id: int
    bot_id = fields.BigIntField(description="the QQ account that is in the group")
    bound_by = fields.BigIntField()
    bound_at = fields.DatetimeField()
    synced_at = fields.DatetimeField(null=True)
    member_count = fields.IntField(default=0)

    class Meta:
        table = "bound_group"
        indexes = (("cadre_id",),)


class GroupMember(Model):
    """Membership of a bound group (reachable): QQ and role only, no names."""

    id = fields.BigIntField(primary_key=True)
    group_id = fields.BigIntField()
    qq = fields.BigIntField(db_index=True)
    role = fields.CharField(max_length=8, default="member")
    seen_at = fields.DatetimeField()

    class Meta:
        table = "group_member"
        unique_together = (("group_id", "qq"),)


class Youth(Model):
    """A young person who asked to be linked. Personal data is deleted on /退出 全部."""

    id = fields.IntField(primary_key=True)
    qq = fields.BigIntField(unique=True)
    nickname = fields.CharField(max_length=64, default="")
    field = fields.CharField(max_length=16, null=True, description="Field value")
    consented_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "youth"


class ContactLink(Model):
    """Youth ↔ cadre. Counts toward the target only once confirmed by the youth."""

    id = fields.IntField(primary_key=True)
    youth = fields.ForeignKeyField("models.Youth", related_name="links", on_delete=fields.CASCADE)
    youth_id: int
    cadre = fields.ForeignKeyField("models.Cadre", related_name="links", on_delete=fields.CASCADE)
    cadre_id: int
    status = fields.CharField(max_length=12, default="pending", description="pending | confirmed")
    source = fields.CharField(max_length=12, description="group | private | invite")
    group_id = fields.BigIntField(null=True, description="the bound group it was made in")
    created_at = fields.DatetimeField()
    confirmed_at = fields.DatetimeField(null=True, db_index=True)

    class Meta:
        table = "contact_link"
        unique_together = (("youth", "cadre"),)
        indexes = (("cadre_id", "status"), ("youth_id", "status"))


class ContactSnapshot(Model):
    """Anonymous monthly count of a cadre's confirmed contacts (the trend survives deletions)."""

    id = fields.IntField(primary_key=True)
    cadre = fields.ForeignKeyField("models.Cadre", related_name="snapshots", on_delete=fields.CASCADE)
    cadre_id: int
    month = fields.CharField(max_length=7, description="YYYY-MM, local time")
    confirmed = fields.IntField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "contact_snapshot"
        unique_together = (("cadre", "month"),)


class Invitation(Model):
    """One /邀请 sent by a cadre, rationed per cadre per day and per person."""

    id = fields.IntField(primary_key=True)
    cadre = fields.ForeignKeyField("models.Cadre", related_name="invitations", on_delete=fields.CASCADE)
    cadre_id: int
    qq = fields.BigIntField()
    created_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "invitation"
        indexes = (("cadre_id", "created_at"),)


class OptOut(Model):
    """Keyed hashes of QQs that must not be recorded (under 14, or left with /退出 全部)."""

    id = fields.IntField(primary_key=True)
    qq_hash = fields.CharField(max_length=64, unique=True)
    reason = fields.CharField(max_length=16)
    created_at = fields.DatetimeField()

    class Meta:
        table = "opt_out"


class Handover(Model):
    """A departed cadre's youth asked once whether to keep in touch with the successor."""

    id = fields.IntField(primary_key=True)
    youth = fields.ForeignKeyField("models.Youth", related_name="handovers", on_delete=fields.CASCADE)
    youth_id: int
    from_cadre = fields.ForeignKeyField("models.Cadre", related_name="handed_over", on_delete=fields.CASCADE)
    from_cadre_id: int
    to_cadre = fields.ForeignKeyField("models.Cadre", related_name="handed_to", on_delete=fields.CASCADE)
    to_cadre_id: int
    asked_at = fields.DatetimeField()
    answered_at = fields.DatetimeField(null=True)

    class Meta:
        table = "handover"
        unique_together = (("youth", "from_cadre"),)
        indexes = (("to_cadre_id",),)
