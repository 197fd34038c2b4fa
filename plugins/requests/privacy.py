"""What /退出 全部 does to requests: cases stay (the organisation's problem record), the person goes.

Kept: a case's content and the youth's supplements (they describe the problem)
and the rating number. Removed: the QQ and nickname everywhere (also in the
text of notices already queued or sent to cadres and other youth), rating
comments, and the youth's mutual-help posts' text (personal, not a problem record).
"""

import re
from datetime import timedelta

from tortoise.transactions import in_transaction

from models import Case, CaseDraft, CaseEvent, HelpPost, OutboxMessage, Referral
from models.enums import CaseEventKind, HelpStatus
from plugins.core import clock
from plugins.core.sql import fetch, in_list, values
from plugins.requests.access import youth_label
from plugins.requests.mutual_help import cancel_matches
from plugins.requests.texts import excerpt

GONE = "（已删除个人信息的青年）"
REMOVED = "（已删除）"
# Outbox categories whose text may name the person or quote their mutual-help post.
NOTICES = ("case_new", "case_urgent", "case_escalated", "help_post", "help_match", "help_contact", "help_result")


async def anonymise(qq: int, youth_id: int | None) -> bool:
    """Runs inside the erasing transaction (plugins.contacts.links.erase_person)."""
    labels = [await youth_label(qq), f"QQ {qq}"]  # with the nickname first, then without
    cases = await Case.filter(youth_qq=qq).update(youth_qq=None, show_identity=False, rating_comment=None)
    drafts = await CaseDraft.filter(youth_qq=qq).delete()
    await CaseEvent.filter(actor_qq=qq, kind=CaseEventKind.rating).update(actor_qq=None, text=None)
    await CaseEvent.filter(actor_qq=qq, kind=CaseEventKind.supplement).update(actor_qq=None)
    posts = await HelpPost.filter(qq=qq).values_list("id", "content")
    if posts:
        ids = [p for p, _ in posts]
        await HelpPost.filter(id__in=ids).update(qq=None, content="", status=HelpStatus.closed)
        await cancel_matches(ids)
    replacements = [(label, GONE) for label in labels]
    for _, content in posts:
        replacements += [(content, REMOVED), (excerpt(content), REMOVED)]
    await _scrub_notices(replacements)
    return bool(cases) or bool(posts) or bool(drafts)


def _phrase(text: str) -> re.Pattern[str]:
    """`text` as a whole: a QQ number is never matched inside a longer number."""
    before = r"(?<!\d)" if text[:1].isdigit() else ""
    after = r"(?!\d)" if text[-1:].isdigit() else ""
    return re.compile(before + re.escape(text) + after)


async def _scrub_notices(replacements: list[tuple[str, str]]) -> None:
    """Rewrite the person out of queued and sent notices.

    Candidates are found with LIKE, then each is rewritten in Python: SQL's
    REPLACE would also hit "QQ 123456" when erasing QQ 12345."""
    phrases = [(old, new) for old, new in replacements if old]
    if not phrases:
        return
    likes = " OR ".join("text LIKE ?" for _ in phrases)
    rows = await OutboxMessage.filter(category__in=list(NOTICES)).filter(
        id__in=[
            r["id"]
            for r in await fetch(
                f"SELECT id FROM outbox_message WHERE category IN ({in_list(list(NOTICES))}) AND ({likes})",
                *NOTICES, *[f"%{old}%" for old, _ in phrases],
            )
        ]
    )
    for message in rows:
        text = message.text
        for old, new in phrases:
            text = _phrase(old).sub(new, text)
        if text != message.text:
            await OutboxMessage.filter(id=message.id).update(text=text)


async def expire_content(days: int, help_days: int) -> tuple[int, int]:
    """Retention: a case closed `days` ago keeps category, dates and rating; its content,
    notes, comments and the youth's QQ go. Mutual-help posts lose text and poster after
    `help_days`. Returns (cases, posts) changed."""
    now = clock.now()
    ids = await Case.filter(
        closed_at__lt=now - timedelta(days=days), content_deleted_at__isnull=True
    ).values_list("id", flat=True)
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        async with in_transaction():
            await CaseEvent.filter(case_id__in=chunk).update(text=None)
            await Referral.filter(case_id__in=chunk).update(note=None, outcome=None)
            await CaseEvent.filter(case_id__in=chunk, kind__in=[CaseEventKind.supplement, CaseEventKind.rating]).update(actor_qq=None)
            await Case.filter(id__in=chunk).update(
                content="", close_note=None, escalation_note=None, rating_comment=None,
                youth_qq=None, show_identity=False, content_deleted_at=now,
            )
    old_posts = await values(HelpPost.filter(created_at__lt=now - timedelta(days=help_days), qq__isnull=False), "id")
    if old_posts:
        async with in_transaction():
            await HelpPost.filter(id__in=old_posts).update(qq=None, content="", status=HelpStatus.closed)
            await cancel_matches(old_posts)
    return len(ids), len(old_posts)
