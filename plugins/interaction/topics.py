"""Topics: post, list, summarise, close; the in-memory index that links replies to them."""

import re
from dataclasses import dataclass

from tortoise.expressions import Q

from models import BoundGroup, Cadre, Topic, TopicPost, TopicReply
from models.enums import TopicStatus
from plugins.core import clock
from plugins.core.errors import Forbidden, UsageError
from plugins.core.records import owned
from plugins.core.sql import fetch, in_list
from plugins.core.text import clean, ref
from plugins.identity.orgs import real_name
from plugins.interaction.config import settings

_REF_PREFIX = re.compile(r"^\s*[#＃](\d{1,9})(?!\d)")


# ------------------------------------------------------------------ in-memory index

_posts: dict[tuple[int, int], int] = {}  # (group_id, message_id) -> topic id
_open: dict[int, set[int]] = {}  # group_id -> open topic ids posted there


def index_post(topic_id: int, group_id: int, message_id: int) -> None:
    _posts[(group_id, message_id)] = topic_id
    _open.setdefault(group_id, set()).add(topic_id)


def unindex_topic(topic_id: int) -> None:
    for key in [k for k, t in _posts.items() if t == topic_id]:
        del _posts[key]
    for ids in _open.values():
        ids.discard(topic_id)


async def load_index() -> None:
    """Open topics' posts, from the database (at start-up and periodically)."""
    rows = await TopicPost.filter(topic__status=TopicStatus.open).values_list("topic_id", "group_id", "message_id")
    _posts.clear()
    _open.clear()
    for topic_id, group_id, message_id in rows:
        index_post(topic_id, group_id, message_id)


def clear_index() -> None:
    _posts.clear()
    _open.clear()


def topic_of(group_id: int, reply_to: int | None, text: str) -> int | None:
    """The open topic a group message replies to: by quoting its post, or starting with #N."""
    if reply_to is not None:
        topic_id = _posts.get((group_id, reply_to))
        if topic_id is not None:
            return topic_id
    open_here = _open.get(group_id)
    if open_here:
        m = _REF_PREFIX.match(text)
        if m and int(m.group(1)) in open_here:
            return int(m.group(1))
    return None


def strip_ref(text: str) -> str:
    return _REF_PREFIX.sub("", text, count=1).strip()


# ------------------------------------------------------------------ posting


def parse_topic(text: str) -> tuple[str, str | None]:
    """First line is the title, further lines the body; both checked for length."""
    title, _, body = text.partition("\n")
    title = clean(title, 2000)  # long enough to tell the real length in the error
    body = body.strip()
    if not title:
        raise UsageError("请写话题标题，例如 /话题 周末志愿服务去哪儿？（换行后可写正文）")
    if len(title) > settings().interaction_title_max:
        raise UsageError(
            f"话题标题最多 {settings().interaction_title_max} 个字，现在 {len(title)} 个字：请缩短，其余换行写成正文"
        )
    if len(body) > settings().interaction_body_max:
        raise UsageError(f"话题正文最多 {settings().interaction_body_max} 个字，现在 {len(body)} 个字：请删短一些")
    return title, body or None


def post_text(topic: Topic, cadre: Cadre) -> str:
    lines = [f"【话题 {ref(topic.id)}】{topic.title}"]
    if topic.body:
        lines.append(topic.body)
    lines.append(
        f"——{real_name(cadre.org, cadre.name)}。引用本消息回复，或以 {ref(topic.id)} 开头发言，即为参与讨论。"
    )
    return "\n".join(lines)


async def create_topic(cadre: Cadre, title: str, body: str | None) -> Topic:
    return await Topic.create(cadre=cadre, title=title, body=body, created_at=clock.now())


async def discard(topic: Topic) -> None:
    """A topic that never reached the group (QQ refused the post) is not kept."""
    await topic.delete()


async def record_post(topic_id: int, group_id: int, message_id: int, bot_id: int) -> None:
    index_post(topic_id, group_id, message_id)  # first: replies may arrive at once
    await TopicPost.get_or_create(
        group_id=group_id,
        message_id=message_id,
        defaults={"topic_id": topic_id, "bot_id": bot_id, "posted_at": clock.now()},
    )


async def own_groups(cadre: Cadre) -> list[BoundGroup]:
    return await BoundGroup.filter(cadre=cadre)


async def require_own_group(cadre: Cadre, group_id: int) -> None:
    group = await BoundGroup.get_or_none(group_id=group_id)
    if group is None:
        raise UsageError("本群还没有绑定团干部，请先发送 /绑定本群")
    if group.cadre_id != cadre.id:
        raise Forbidden("只能在自己绑定的群里发起话题")


async def own_topic(cadre: Cadre, token: str | int) -> Topic:
    return await owned(Topic, token, "话题", "/话题 3", cadre.id, "发起")


async def close_topic(cadre: Cadre, token: str | int) -> Topic:
    topic = await own_topic(cadre, token)
    if topic.status == TopicStatus.closed:
        raise UsageError(f"话题 {ref(topic.id)} 已于 {clock.fmt_local(topic.closed_at)} 结束")
    topic.status, topic.closed_at = TopicStatus.closed.value, clock.now()
    await topic.save(update_fields=["status", "closed_at"])
    unindex_topic(topic.id)
    return topic


# ------------------------------------------------------------------ summaries


@dataclass
class Stats:
    """Youth replies, distinct consenting youth among them, anonymous replies, cadre answered.

    Replies from members who have not consented carry no QQ (qq 0), so they cannot
    be told apart: they count as replies but not as people, and are shown on their
    own ("其中 N 条匿名回复不计人数") rather than guessed into the head count.
    """

    replies: int = 0
    people: int = 0
    anonymous: int = 0
    answered: bool = False


@dataclass
class TopicSummary:
    topic: Topic
    stats: Stats
    groups: int


async def summaries(topic_ids: list[int]) -> dict[int, Stats]:
    """Per topic, computed in SQL (see `Stats`)."""
    if not topic_ids:
        return {}
    rows = await fetch(
        "SELECT t.id AS id, "
        "(SELECT COUNT(*) FROM topic_reply r WHERE r.topic_id = t.id AND r.is_cadre = ?) AS replies, "
        "(SELECT COUNT(DISTINCT r.qq) FROM topic_reply r WHERE r.topic_id = t.id AND r.is_cadre = ? "
        "AND r.qq <> 0) AS people, "
        "(SELECT COUNT(*) FROM topic_reply r WHERE r.topic_id = t.id AND r.is_cadre = ? "
        "AND r.qq = 0) AS anonymous, "
        "(SELECT COUNT(*) FROM topic_reply r WHERE r.topic_id = t.id AND r.is_cadre = ?) "
        "+ (SELECT COUNT(*) FROM exchange e JOIN topic_reply r ON r.group_id = e.group_id "
        "AND r.message_id = e.youth_message_id WHERE r.topic_id = t.id) AS answers "
        f"FROM topic t WHERE t.id IN ({in_list(topic_ids)})",
        False, False, False, True, *topic_ids,
    )
    return {
        r["id"]: Stats(int(r["replies"]), int(r["people"]), int(r["anonymous"]), r["answers"] > 0)
        for r in rows
    }


async def recent_topics(cadre: Cadre, limit: int = 10) -> list[tuple[Topic, Stats]]:
    topics = await Topic.filter(cadre=cadre).order_by("-id").limit(limit)
    stats = await summaries([t.id for t in topics])
    return [(t, stats.get(t.id, Stats())) for t in topics]


async def summary(cadre: Cadre, token: str | int) -> TopicSummary:
    topic = await own_topic(cadre, token)
    stats = (await summaries([topic.id]))[topic.id]
    groups = await TopicPost.filter(topic=topic).count()
    return TopicSummary(topic, stats, groups)


async def delete_old_text(before) -> tuple[int, int]:
    """Retention: topic text, and reply text and QQ together, older than `before`; counts stay."""
    replies = await TopicReply.filter(
        Q(text__isnull=False) | ~Q(qq=0), created_at__lt=before
    ).update(text=None, qq=0)
    topics = await Topic.filter(created_at__lt=before, text_deleted_at__isnull=True).update(
        title="", body=None, text_deleted_at=clock.now()
    )
    return replies, topics

