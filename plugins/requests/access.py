"""Who may see and do what with a case, and how people are named to each other.

- the youth who opened a case sees it, supplements it, rates it and decides
  whether administrators may see who they are (`show_identity`);
- the assigned cadre handles it; a case without a cadre (routed to the
  administrators of a group's organisation) is handled by those administrators;
- administrators of the case's organisation or above see its content (not the
  youth's identity unless agreed) and may transfer it.
"""

from models import Cadre, Case, Youth
from plugins.core.actor import Actor
from plugins.core.errors import Forbidden, NotFound, UsageError
from plugins.core.text import parse_ref, ref
from plugins.identity.admins import admins_of
from plugins.identity.orgs import LEAGUE, chat_name

ANONYMOUS = "匿名（青年未同意显示身份）"


def parse_number(token: str | int | None, what: str = "诉求编号") -> int:
    if isinstance(token, int):
        return token
    number = parse_ref(token or "")
    if number is None:
        raise UsageError(f"请写{what}，例如 3 或 #3")
    return number


async def load_case(number: int) -> Case:
    case = await Case.get_or_none(id=number).prefetch_related("cadre__org", "org")
    if case is None:
        raise NotFound(f"没有编号为 {ref(number)} 的诉求，可发送 /诉求 列表 查看")
    return case


def is_youth(actor: Actor, case: Case) -> bool:
    return actor.qq is not None and case.youth_qq == actor.qq


def is_assigned(actor: Actor, case: Case) -> bool:
    return actor.cadre is not None and case.cadre_id == actor.cadre.id


def can_view(actor: Actor, case: Case) -> bool:
    """Content: the youth, the assigned cadre, administrators of the case's organisation or above."""
    return is_youth(actor, case) or is_assigned(actor, case) or actor.administers(case.org)


def can_handle(actor: Actor, case: Case) -> bool:
    """Answer, close, escalate: the assigned cadre; the administrators when nobody is assigned."""
    if case.cadre_id is not None:
        return is_assigned(actor, case)
    return actor.administers(case.org)


def can_see_identity(actor: Actor, case: Case) -> bool:
    return is_youth(actor, case) or is_assigned(actor, case) or case.show_identity


async def handled_case(actor: Actor, token: str | int | None) -> Case:
    case = await load_case(parse_number(token))
    if not can_handle(actor, case):
        raise Forbidden(f"诉求 {ref(case.id)} 不是你负责的，不能处理")
    return case


async def viewable_case(actor: Actor, token: str | int | None) -> Case:
    case = await load_case(parse_number(token))
    if not can_view(actor, case):
        raise Forbidden(f"诉求 {ref(case.id)} 不是你提出或负责的，无权查看")
    return case


async def own_case(qq: int, token: str | int | None) -> Case:
    case = await load_case(parse_number(token))
    if case.youth_qq != qq:
        raise Forbidden(f"诉求 {ref(case.id)} 不是你提出的")
    return case


def handler_name(case: Case) -> str:
    """Who follows the case up, as the youth reads it."""
    if case.cadre_id is not None and isinstance(case.cadre, Cadre):
        return chat_name(case.cadre.org, case.cadre.name)
    return f"{LEAGUE}{case.org.name}管理员"


async def handler_qqs(case: Case) -> list[int]:
    if case.cadre_id is not None and isinstance(case.cadre, Cadre):
        return [case.cadre.qq]
    return await admins_of(case.org)


async def youth_label(qq: int | None) -> str:
    """The youth as shown to whoever may see their identity."""
    if qq is None:
        return "（已删除个人信息的青年）"
    youth = await Youth.get_or_none(qq=qq)
    return f"QQ {qq}" + (f"（{youth.nickname}）" if youth and youth.nickname else "")


async def youth_labels(qqs: list[int]) -> dict[int, str]:
    """youth_label for many people in one query."""
    if not qqs:
        return {}
    nicknames = dict(await Youth.filter(qq__in=list(set(qqs))).values_list("qq", "nickname"))
    return {qq: f"QQ {qq}" + (f"（{nicknames[qq]}）" if nicknames.get(qq) else "") for qq in qqs}


async def identity_for(actor: Actor | None, case: Case) -> str:
    if case.youth_qq is None:
        return "（已删除个人信息）"
    if actor is None or can_see_identity(actor, case):
        return await youth_label(case.youth_qq)
    return ANONYMOUS
