"""The one queue for messages the bot sends on its own initiative."""

from tortoise import fields
from tortoise.models import Model


class OutboxMessage(Model):
    """An unsolicited (or follow-up) message waiting for budget, quiet hours or a connection."""

    id = fields.BigIntField(primary_key=True)
    target_type = fields.CharField(max_length=8, description="private | group")
    target = fields.BigIntField(description="QQ or group id")
    text = fields.TextField()
    category = fields.CharField(max_length=24, description="what rule produced it")
    bulk = fields.BooleanField(default=True, description="counts against the per-recipient cap")
    urgent = fields.BooleanField(
        default=False, db_default=False, description="an urgent case's notice: ignores quiet hours and daily caps, sent first"
    )
    dedup_key = fields.CharField(max_length=160, null=True, unique=True)
    bot_id = fields.BigIntField(null=True, description="preferred sending account")
    ref_id = fields.IntField(null=True, description="the record the message is about, for after-send hooks")
    status = fields.CharField(
        max_length=10, default="pending",
        description="pending|sending|sent|failed|unknown|inboxed|dropped",
    )
    attempts = fields.IntField(default=0)
    last_error = fields.CharField(max_length=200, null=True)
    not_before = fields.DatetimeField()
    created_at = fields.DatetimeField()
    claimed_at = fields.DatetimeField(null=True)
    sent_at = fields.DatetimeField(null=True)
    sent_by = fields.BigIntField(null=True)
    group_id = fields.BigIntField(
        null=True, description="the group the message concerns: a temporary session goes through it"
    )
    via = fields.CharField(max_length=8, null=True, description="private | temp | inbox: how it went")
    attempted_at = fields.DatetimeField(
        null=True, description="wall-clock start of a send whose outcome is unknown (timed out)"
    )
    attempted_by = fields.BigIntField(null=True, description="the account of that send")

    class Meta:
        table = "outbox_message"
        indexes = (("status", "not_before"), ("target_type", "target", "sent_at"), ("sent_by", "sent_at"))


class InboxMessage(Model):
    """A message kept for someone the bot could not reach privately, read with /消息.

    Personal data: deleted when read, on /退出 全部 and after OUTBOX_INBOX_DAYS."""

    id = fields.BigIntField(primary_key=True)
    qq = fields.BigIntField(db_index=True, description="whose message it is")
    text = fields.TextField()
    category = fields.CharField(max_length=24)
    created_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "inbox_message"
