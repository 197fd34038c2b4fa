"""What /退出 全部 does to requests: cases stay (the organisation's problem record), the person goes.

Kept: a case's content and the youth's supplements (they describe the problem)
and the rating number. Removed: the QQ and nickname everywhere (also in the
text of notices already queued or sent to cadres and other youth), rating
comments, and the youth's mutual-help posts' text (personal, not a problem record).
"""

from tortoise.transactions import in_transaction

from models import Case, CaseEvent, HelpPost
from plugins.contacts.links import on_erase
from plugins.core.sql import execute, in_list
from plugins.requests.access import youth_label
from plugins.requests.mutual_help import cancel_matches
from plugins.requests.texts import excerpt

GONE = "（已删除个人信息的青年）"
REMOVED = "（已删除）"
# Outbox categories whose text may name the person or quote their mutual-help post.
NOTICES = ("case_new", "case_escalated", "help_post", "help_match", "help_contact", "help_result")


@on_erase
async def anonymise(qq: int, youth_id: int | None) -> bool:
    """Runs inside the erasing transaction (plugins.contacts.links.erase_person)."""
    labels = [await youth_label(qq), f"QQ {qq}"]  # with the nickname first, then without
    cases = await Case.filter(youth_qq=qq).update(youth_qq=None, show_identity=False, rating_comment=None)
    await CaseEvent.filter(actor_qq=qq, kind="rating").update(actor_qq=None, text=None)
    await CaseEvent.filter(actor_qq=qq, kind="supplement").update(actor_qq=None)
    posts = await HelpPost.filter(qq=qq).values_list("id", "content")
    if posts:
        ids = [p for p, _ in posts]
        await HelpPost.filter(id__in=ids).update(qq=None, content="", status="closed")
        await cancel_matches(ids)
    replacements = [(label, GONE) for label in labels]
    for _, content in posts:
        replacements += [(content, REMOVED), (excerpt(content), REMOVED)]
    await _scrub_notices(replacements)
    return bool(cases) or bool(posts)


async def _scrub_notices(replacements: list[tuple[str, str]]) -> None:
    """Rewrite the person out of queued and sent notices (one UPDATE per phrase)."""
    async with in_transaction() as conn:
        for old, new in replacements:
            if not old:
                continue
            await execute(
                "UPDATE outbox_message SET text = REPLACE(text, ?, ?) "
                f"WHERE category IN ({in_list(list(NOTICES))}) AND text LIKE ?",
                old, new, *NOTICES, f"%{old}%",
                conn=conn,
            )
