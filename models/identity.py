"""Organisations, their administrators, cadres and cadres' registration applications."""

from tortoise import fields
from tortoise.models import Model


class Organisation(Model):
    """A node of the league tree. `path` ("1/5/12/") makes subtree queries one LIKE."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=64, unique=True, description="short name, e.g. 浙江省委")
    level = fields.CharField(max_length=16, description="OrgLevel value")
    parent = fields.ForeignKeyField(
        "models.Organisation", related_name="children", null=True, on_delete=fields.RESTRICT
    )
    parent_id: int | None
    path = fields.CharField(max_length=255, db_index=True, default="")
    part_time_target = fields.IntField(null=True, description="raised target for part_time")
    created_at = fields.DatetimeField()

    class Meta:
        table = "organisation"


class Admin(Model):
    """A person (by QQ) who administers an organisation and its subtree."""

    id = fields.IntField(primary_key=True)
    qq = fields.BigIntField(db_index=True)
    org = fields.ForeignKeyField("models.Organisation", related_name="admins", on_delete=fields.CASCADE)
    org_id: int
    created_at = fields.DatetimeField()

    class Meta:
        table = "admin"
        unique_together = (("qq", "org"),)
        indexes = (("org_id",),)


class Cadre(Model):
    """A league cadre with a verified real-name identity."""

    id = fields.IntField(primary_key=True)
    qq = fields.BigIntField(unique=True)
    name = fields.CharField(max_length=32)
    org = fields.ForeignKeyField("models.Organisation", related_name="cadres", on_delete=fields.RESTRICT)
    org_id: int
    category = fields.CharField(max_length=16, description="CadreCategory value")
    wechat = fields.CharField(max_length=64, null=True)
    weibo = fields.CharField(max_length=64, null=True)
    source = fields.CharField(max_length=16, description="CadreSource value")
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()
    left_at = fields.DatetimeField(null=True, description="the term of office ended (离任)")
    former_qq = fields.BigIntField(
        null=True, description="the QQ of a departed cadre (qq becomes -id so they may register again)"
    )
    successor_id = fields.IntField(null=True, description="the cadre named to take over")

    class Meta:
        table = "cadre"
        indexes = (("org_id",),)


class Application(Model):
    """A registration request by someone not on a roster, waiting for an administrator."""

    id = fields.IntField(primary_key=True)
    qq = fields.BigIntField(db_index=True)
    open_for = fields.BigIntField(
        null=True, unique=True, description="the applicant's QQ while pending: one open application"
    )
    name = fields.CharField(max_length=32)
    org = fields.ForeignKeyField(
        "models.Organisation", related_name="applications", on_delete=fields.CASCADE
    )
    org_id: int
    category = fields.CharField(max_length=16)
    status = fields.CharField(max_length=16, default="pending", db_index=True)
    reason = fields.CharField(max_length=200, null=True)
    decided_by = fields.BigIntField(null=True)
    decided_at = fields.DatetimeField(null=True)
    cadre = fields.ForeignKeyField(
        "models.Cadre", related_name="applications", null=True, on_delete=fields.SET_NULL
    )
    cadre_id: int | None
    created_at = fields.DatetimeField()

    class Meta:
        table = "application"
        indexes = (("org_id", "status"),)
