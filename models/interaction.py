"""Online interaction: daily message counts, topics and their replies, two-way exchanges."""

from tortoise import fields
from tortoise.models import Model


class MessageCount(Model):
    """Messages per bound group, member and local day. Counts only, never text."""

    id = fields.BigIntField(primary_key=True)
    group_id = fields.BigIntField()
    qq = fields.BigIntField(description="0 once the member asked to be forgotten")
    day = fields.DateField()
    cadre = fields.ForeignKeyField("models.Cadre", related_name="message_counts", on_delete=fields.CASCADE)
    cadre_id: int
    is_cadre = fields.BooleanField(default=False, description="the member is the group's cadre")
    count = fields.IntField(default=0)

    class Meta:
        table = "message_count"
        unique_together = (("group_id", "qq", "day"),)
        indexes = (("cadre_id", "day"),)


class Topic(Model):
    """A discussion a cadre opens. Its text is deleted after the retention period."""

    id = fields.IntField(primary_key=True)
    cadre = fields.ForeignKeyField("models.Cadre", related_name="topics", on_delete=fields.CASCADE)
    cadre_id: int
    title = fields.CharField(max_length=80)
    body = fields.TextField(null=True)
    status = fields.CharField(max_length=8, default="open", description="open | closed")
    created_at = fields.DatetimeField(db_index=True)
    closed_at = fields.DatetimeField(null=True)
    text_deleted_at = fields.DatetimeField(null=True)

    class Meta:
        table = "topic"
        indexes = (("cadre_id", "created_at"),)


class TopicPost(Model):
    """Where a topic was posted: quoting this message is replying to the topic."""

    id = fields.IntField(primary_key=True)
    topic = fields.ForeignKeyField("models.Topic", related_name="posts", on_delete=fields.CASCADE)
    topic_id: int
    group_id = fields.BigIntField()
    message_id = fields.BigIntField()
    bot_id = fields.BigIntField()
    posted_at = fields.DatetimeField()

    class Meta:
        table = "topic_post"
        unique_together = (("group_id", "message_id"),)


class TopicReply(Model):
    """A message replying to a topic. Text kept for the retention period, then deleted."""

    id = fields.BigIntField(primary_key=True)
    topic = fields.ForeignKeyField("models.Topic", related_name="replies", on_delete=fields.CASCADE)
    topic_id: int
    group_id = fields.BigIntField()
    qq = fields.BigIntField(description="0 once the member asked to be forgotten")
    message_id = fields.BigIntField()
    is_cadre = fields.BooleanField(default=False)
    text: str | None = fields.TextField(null=True)  # type: ignore[assignment]  # None once erased
    created_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "topic_reply"
        unique_together = (("group_id", "message_id"),)
        indexes = (("topic_id", "is_cadre"),)


class Exchange(Model):
    """A youth message the cadre answered (quote or @) within the window: one per message."""

    id = fields.BigIntField(primary_key=True)
    cadre = fields.ForeignKeyField("models.Cadre", related_name="exchanges", on_delete=fields.CASCADE)
    cadre_id: int
    group_id = fields.BigIntField()
    youth_qq = fields.BigIntField(description="0 once the youth asked to be forgotten")
    youth_message_id = fields.BigIntField()
    latency_seconds = fields.IntField()
    kind = fields.CharField(max_length=8, description="reply | at | check_in")
    answered_at = fields.DatetimeField()

    class Meta:
        table = "exchange"
        unique_together = (("group_id", "youth_message_id"),)
        indexes = (("cadre_id", "answered_at"),)
