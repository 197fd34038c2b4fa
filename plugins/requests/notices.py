"""What the bot sends on its own about cases: to the handler, the youth and administrators.

Each is one private message within the budget of plugins/core/pages.py (600
characters): text someone typed is shown up to `SHOWN` characters, then where to
read the rest (/诉求 N). To youth a closed case is 已解决 (办结 is the office word).
"""

from models import Case
from plugins.core import clock
from plugins.core.text import ref
from plugins.requests.texts import category_label

SHOWN = 300
NOTE_SHOWN = 120


def body(text: str, n: int, limit: int = SHOWN) -> str:
    """Typed text as shown in a notice: whole, or its start and where to read the rest."""
    text = text.strip()
    if len(text) <= limit:
        return text
    return text[:limit] + f"……（全文发 /诉求 {n} 查看）"


def actions(n: int) -> str:
    return (
        f"答复：/回复 {n} <内容>（以问号结尾表示追问，等青年补充期间不计时）；"
        f"办结：/办结 {n} [说明]；转交：/转交 {n} <团干部编号>；上报：/上报 {n} [说明]"
    )


def new_case(case: Case, youth: str, due_hours: float, *, transferred_from: str | None = None) -> str:
    head = f"【新诉求 {ref(case.id)}】" if transferred_from is None else f"【转交来的诉求 {ref(case.id)}】"
    lines = [
        head + category_label(case.category),
        f"来自：{youth}" + (f"；由{transferred_from}转交" if transferred_from else ""),
        f"内容：{body(case.content, case.id)}",
        f"请在 {due_hours:g} 小时内首次答复（提出于 {clock.fmt_local(case.created_at)}）。",
        actions(case.id),
    ]
    return "\n".join(lines)


def group_continuation(case: Case, handler: str) -> str:
    return (
        f"你在群里提出的诉求已记录：编号 {ref(case.id)}（{category_label(case.category)}），由{handler}跟进。\n"
        f"内容：{body(case.content, case.id)}\n"
        f"为保护隐私，之后请在这里私聊：/补充 {case.id} <内容> 补充情况，/诉求 列表 查看进展。"
    )


def answer(case: Case, handler: str, text: str, *, asks: bool) -> str:
    head = f"【诉求 {ref(case.id)} 的{'追问' if asks else '答复'}】{handler}：\n{body(text, case.id)}"
    if asks:
        return head + f"\n请发送 /补充 {case.id} <内容> 回答。"
    return head + f"\n如需补充请发送 /补充 {case.id} <内容>。"


def supplement(case: Case, text: str) -> str:
    return f"【诉求 {ref(case.id)} 青年补充】\n{body(text, case.id)}\n{actions(case.id)}"


def closed(case: Case, handler: str) -> str:
    note = f"\n说明：{body(case.close_note, case.id)}" if case.close_note else ""
    return (
        f"【诉求 {ref(case.id)} 已解决】{handler}{note}\n"
        f"欢迎打个分（可选，只能评一次）：/评价 {case.id} 5 很及时（1-5 分，5 分最满意）"
    )


def transferred_to_youth(case: Case, handler: str) -> str:
    return f"你的诉求 {ref(case.id)} 已转交{handler}跟进。"


def reminder(case: Case, hours: float) -> str:
    return (
        f"【提醒】诉求 {ref(case.id)}（{category_label(case.category)}，提出于 {clock.fmt_local(case.created_at)}）"
        f"已超过 {hours:g} 小时未答复，请尽快处理：/诉求 {case.id} 查看，/回复 {case.id} <内容> 答复。"
    )


def escalated_to_admin(case: Case, handler: str, note: str, youth: str) -> str:
    return (
        f"【诉求上报 {ref(case.id)}】{category_label(case.category)}，负责：{handler}\n"
        f"上报说明：{body(note, case.id, NOTE_SHOWN)}\n"
        f"提出人：{youth}\n"
        f"内容：{body(case.content, case.id)}\n"
        f"发送 /诉求 {case.id} 查看经过，/清单 查看问题清单，/转交 {case.id} <团干部编号> 改由他人负责。"
    )


def escalated_to_youth(case: Case) -> str:
    return (
        f"你的诉求 {ref(case.id)} 已上报团组织，将列入问题清单。上级只看到内容，看不到你是谁；"
        f"如果愿意让上级知道你的身份以便直接联系，请发送 /诉求 署名 {case.id}（随时可用 /诉求 匿名 {case.id} 撤回）。"
    )


def escalated_to_cadre(case: Case, days: float) -> str:
    return (
        f"诉求 {ref(case.id)} 超过 {days:g} 天未答复，已自动上报组织管理员。"
        f"请尽快答复：/回复 {case.id} <内容>。"
    )
