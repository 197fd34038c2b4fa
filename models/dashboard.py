"""Web dashboard sign-in: one-time login links and the sessions they open."""

from tortoise import fields
from tortoise.models import Model


class DashboardToken(Model):
    """A login link or a session, stored as the SHA-256 of its secret (never the secret)."""

    id = fields.IntField(primary_key=True)
    kind = fields.CharField(max_length=8, description="link | session")
    token_hash = fields.CharField(max_length=64, unique=True, description="hex SHA-256 of the secret")
    qq = fields.BigIntField(db_index=True, description="whose link or session")
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField(db_index=True)
    used_at = fields.DatetimeField(null=True, description="link redeemed, or session ended")

    class Meta:
        table = "dashboard_token"
