"""消息 (待收): what the bot kept for someone it could not reach privately.

The outbox puts a message here when QQ offers no private path to the person
(not a friend of any account, no temporary session through a shared bound
group, or the session refused) and mentions them once a day in a shared
group. The texts are personal data: deleted once shown with /消息, on
/退出 全部 and after OUTBOX_INBOX_DAYS.
"""

from dataclasses import dataclass
from datetime import timedelta

from models import InboxMessage, OutboxMessage
from plugins.core import clock
from plugins.outbox.config import settings

PAGE_CHARS = 500
"""One answer to /消息 holds messages up to this many characters (at least one), so that
with its heading it keeps to a private message's budget (plugins/core/pages.py); a single
longer message is cut into pages read with /下一页."""


@dataclass
class Page:
    messages: list[InboxMessage]
    remaining: int


async def waiting(qq: int) -> int:
    return await InboxMessage.filter(qq=qq).count()


async def next_page(qq: int) -> Page:
    """The oldest waiting messages that fit one answer, and how many are left after them."""
    total = await InboxMessage.filter(qq=qq).count()
    rows = await InboxMessage.filter(qq=qq).order_by("id").limit(50)
    page: list[InboxMessage] = []
    size = 0
    for row in rows:
        if page and size + len(row.text) > PAGE_CHARS:
            break
        page.append(row)
        size += len(row.text)
    return Page(page, total - len(page))


def page_text(page: Page) -> str:
    if not page.messages:
        return "没有暂存给你的消息。"
    lines = [f"暂存给你的消息（{len(page.messages) + page.remaining} 条）："]
    for i, m in enumerate(page.messages, 1):
        lines.append(f"【{i}】{clock.fmt_when(m.created_at)}\n{m.text}")
    if page.remaining:
        lines.append(f"还有 {page.remaining} 条，再发 /消息 查看。")
    else:
        lines.append("以上消息已从暂存中删除。加联青为好友，今后的消息会直接发给你。")
    return "\n".join(lines)


async def clear(page: Page) -> None:
    """Delete the messages the person has now seen."""
    if page.messages:
        await InboxMessage.filter(id__in=[m.id for m in page.messages]).delete()


async def erase(qq: int) -> bool:
    """/退出 全部: the person's waiting messages and the mentions about them."""
    deleted = await InboxMessage.filter(qq=qq).delete()
    mentions = await OutboxMessage.filter(target_type="mention", target=qq).delete()
    return bool(deleted or mentions)


async def expire() -> int:
    """Retention: messages nobody read within OUTBOX_INBOX_DAYS."""
    cutoff = clock.now() - timedelta(days=settings().outbox_inbox_days)
    return await InboxMessage.filter(created_at__lt=cutoff).delete()
