"""The urgent path: bullying, violence, abuse, self-harm and suicide never wait.

A case is urgent when the youth says so (/诉求 紧急 …) or its text contains one
of the urgent phrases (a data file, REQUESTS_URGENT_PHRASES). Then:

- the youth's acknowledgement starts with the 12355 hotline (and 110/120 when a
  phrase suggests immediate danger);
- the handler and every administrator of the case's organisation get a private
  message at once: the outbox's `urgent` flag lets it past quiet hours, daily caps
  and pacing (the only messages that have it);
- the first answer is due within REQUESTS_URGENT_HOURS; unanswered by then, the
  administrators one level up are told, once (`escalate_due`, idempotent).

Which phrase matched is never stored or shown; the flag is seen only by the youth,
the handler and administrators of the organisation or above, and no score uses it.
"""

from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from pathlib import Path

from nonebot.log import logger
from tortoise.transactions import in_transaction

from models import Case, CaseEvent, Organisation
from models.enums import CaseEventKind
from plugins.core import clock
from plugins.core.records import first_time
from plugins.core.sql import epoch, fetch
from plugins.core.text import ref
from plugins.identity.admins import admins_of
from plugins.outbox import enqueue
from plugins.requests import notices
from plugins.requests.config import settings
from plugins.requests.texts import category_label

BUILTIN = Path(__file__).with_name("urgent_phrases.txt")
HOTLINE = "12355 青少年服务台（直接拨打 12355，有专业的人陪你聊）"
DANGER = "如果你现在有危险，马上打 110 报警，受伤了打 120。"
BATCH = 200


@dataclass(frozen=True)
class Phrases:
    all: tuple[str, ...]
    danger: tuple[str, ...]


def _normal(text: str) -> str:
    return "".join(text.split()).lower()


@cache
def _load(path: str) -> Phrases:
    file = Path(path) if path else BUILTIN
    words: list[str] = []
    danger: list[str] = []
    for line in file.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        is_danger = line.startswith(("!", "！"))
        word = _normal(line[1:] if is_danger else line)
        if word:
            words.append(word)
            if is_danger:
                danger.append(word)
    return Phrases(tuple(words), tuple(danger))


def phrases() -> Phrases:
    return _load(settings().requests_urgent_phrases)


def clear_cache() -> None:
    _load.cache_clear()


@dataclass(frozen=True)
class Match:
    urgent: bool
    danger: bool


def match(text: str) -> Match:
    """Whether the text contains an urgent phrase, and one suggesting immediate danger."""
    found = phrases()
    norm = _normal(text)
    danger = any(w in norm for w in found.danger)
    return Match(danger or any(w in norm for w in found.all), danger)


def hours() -> float:
    return settings().requests_urgent_hours


def youth_help(danger: bool) -> str:
    """The first lines every youth with an urgent case reads."""
    return (DANGER + "\n" if danger else "") + f"想找人说说，可以打 {HOTLINE}。"


# ------------------------------------------------------------------ notices


def to_handler(case: Case, youth: str, *, admin: bool) -> str:
    by = "青年标为紧急" if case.urgent_by == "youth" else "联青按内容判断为紧急"
    lines = [
        f"【紧急诉求 {ref(case.id)}】{category_label(case.category)}（{by}）",
        f"来自：{youth}",
        f"内容：{notices.body(case.content, case.id)}",
        f"请在 {hours():g} 小时内答复：/回复 {case.id} <内容>。没人答复会告知上级。",
    ]
    if admin:
        lines[-1] = f"负责：{_handler(case)}。请确认有人在 {hours():g} 小时内答复：/诉求 {case.id} 查看。"
    return "\n".join(lines)


def to_next_level(case: Case) -> str:
    return (
        f"【紧急诉求 {ref(case.id)} 无人答复】{category_label(case.category)}，{case.org.name}，"
        f"提出于 {clock.fmt_local(case.created_at)}，超过 {hours():g} 小时没人答复。\n"
        f"内容：{notices.body(case.content, case.id)}\n"
        f"请马上联系负责的{_handler(case)}：/诉求 {case.id} 查看，/转交 {case.id} <团干部编号> 改由他人负责。"
    )


def _handler(case: Case) -> str:
    from plugins.requests.access import handler_name

    return handler_name(case)


async def notify_opened(case: Case, youth: str, handler_qqs: list[int]) -> list[int]:
    """Inside open_case's transaction: the handler(s) and the organisation's administrators."""
    told: list[int] = []
    for person in handler_qqs:
        await enqueue(
            person, to_handler(case, youth, admin=False), category="case_urgent",
            bulk=False, urgent=True, dedup_key=f"case:{case.id}:urgent:{person}",
        )
        told.append(person)
    from plugins.requests.access import ANONYMOUS

    shown = youth if case.show_identity else ANONYMOUS
    for person in await admins_of(case.org):
        if person in told or person == case.youth_qq:
            continue
        await enqueue(
            person, to_handler(case, shown, admin=True), category="case_urgent",
            bulk=False, urgent=True, dedup_key=f"case:{case.id}:urgent:{person}",
        )
        told.append(person)
    return told


# ------------------------------------------------------------------ escalation


async def _next_level(case: Case) -> list[int]:
    """Administrators of the parent organisation (of the organisation itself at the top)."""
    if case.org.parent_id is None:
        return []
    parent = await Organisation.get(id=case.org.parent_id)
    told = set(await admins_of(case.org))
    return [qq for qq in await admins_of(parent) if qq not in told and qq != case.youth_qq]


async def escalate_due() -> int:
    """Urgent cases with no answer after REQUESTS_URGENT_HOURS: tell the next level, once."""
    now = clock.now()
    before = (now - timedelta(hours=hours())).timestamp()
    rows = await fetch(
        'SELECT id FROM "case" WHERE urgent AND status = \'open\' AND first_answer_at IS NULL '
        f"AND urgent_escalated_at IS NULL AND {epoch('created_at')} + paused_seconds <= CAST(? AS DOUBLE PRECISION) "
        "ORDER BY created_at LIMIT ?",
        before, BATCH,
    )
    ids = [r["id"] for r in rows]
    if not ids:
        return 0
    done = 0
    for case in await Case.filter(id__in=ids).order_by("created_at").prefetch_related("cadre__org", "org"):
        targets = await _next_level(case)
        async with in_transaction():
            if not await first_time(case, "urgent_escalated_at", urgent_escalated_at=now):
                continue  # another process did it
            await CaseEvent.create(case=case, kind=CaseEventKind.urgent_up, actor_qq=None, text=None, created_at=now)
            for person in targets:
                await enqueue(
                    person, to_next_level(case), category="case_urgent",
                    bulk=False, urgent=True, dedup_key=f"case:{case.id}:urgent_up:{person}",
                )
        if not targets:
            logger.warning(f"urgent case #{case.id} unanswered and nobody above {case.org.name} to tell")
        done += 1
    return done
