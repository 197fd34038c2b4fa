"""Chat commands for requests, the problem list and mutual help: declared forms calling services.

Cases are handled in private chat only (their content is private); in a group a
youth may still open a case: the bot acknowledges there without repeating the
content and continues privately.
"""

from dataclasses import dataclass
from typing import Any

from models import Cadre, Case
from models.enums import CaseStatus, HelpKind
from plugins.core import clock, periods
from plugins.core.actor import ADMIN, CADRE, EVERYONE, YOUTH, Actor
from plugins.core.commands import (
    QQ,
    ArgError,
    CadreArg,
    Choice,
    Param,
    PeriodArg,
    Ref,
    Text,
    Word,
    command,
    resolver,
)
from plugins.core.context import CommandContext
from plugins.core.files import send_file
from plugins.core.text import parse_ref, ref
from plugins.identity.orgs import chat_name
from plugins.requests import (
    access,
    cases,
    drafts,
    exports,
    listing,
    mutual_help,
    problems,
    referrals,
    sla,
    urgent,
)
from plugins.requests.texts import (
    CATEGORY_WORDS,
    EVENT_LABELS,
    HELP_KIND_LABELS,
    HELP_STATUS_LABELS,
    STATUS_LABELS,
    Category,
    category_label,
    excerpt,
    split_category,
)

ESCALATED_SHOWN = 10
REFERRALS_SHOWN = 5
LIST_SHOWN = 30
SATISFACTION_MIN = 5  # ratings needed before an average is shown (glossary: satisfaction)
PRIVATE = "诉求的内容只在私聊中处理，请私聊联青发送 {}"
CATEGORY = Choice(
    "类别", optional=True, options=tuple(CATEGORY_WORDS.items()), shown="困惑、困难、建议",
)


@dataclass(frozen=True)
class AtCadre(Param):
    """@<团干部编号> typed as text, or a real @ of the cadre in a group."""

    mention = True
    commits = True

    @property
    def syntax(self) -> str:
        return "@<团干部编号>"

    def parse(self, token: str) -> str:
        if token[:1] in ("@", "＠") and parse_ref(token[1:]) is not None:
            return token[1:]
        raise ArgError(f"“{token[:20]}”不是 @团干部编号")

    async def resolve(self, value: Any) -> Cadre:
        if isinstance(value, int):  # a real @: its QQ
            return await resolver("cadre_qq")(str(value))
        return await resolver("cadre")(value)


def _short(instant) -> str:
    return clock.fmt_when(instant)


# ------------------------------------------------------------------ /诉求


@command(
    "诉求", "列表", roles={
        YOUTH: "自己提出的诉求和进展", CADRE: "自己负责的诉求（超时的在前）", ADMIN: "所辖组织待分派的诉求",
    },
    example="/诉求 列表", private=PRIVATE.format("/诉求 列表"), youth_consent=True,
)
async def list_cmd(ctx: CommandContext) -> None:
    await ctx.reply(await _list_text(ctx.actor), paged=True)


@command(
    "诉求", "署名", Ref("编号", noun="诉求"), role=YOUTH, summary="同意上报时向上级显示你的身份（默认匿名）",
    example="/诉求 署名 3", youth_consent=True,
)
async def sign_cmd(ctx: CommandContext, number: int) -> None:
    case = await cases.set_identity(ctx.user_id, number, True)
    await ctx.reply(f"好的：诉求 {ref(case.id)} 上报时向上级显示你的身份（QQ 号）。发送 /诉求 匿名 {case.id} 可撤回。")


@command(
    "诉求", "匿名", Ref("编号", noun="诉求"), role=YOUTH, summary="撤回署名，上级只看到内容", example="/诉求 匿名 3",
    youth_consent=True,
)
async def unsign_cmd(ctx: CommandContext, number: int) -> None:
    case = await cases.set_identity(ctx.user_id, number, False)
    await ctx.reply(f"好的：诉求 {ref(case.id)} 上报时只显示内容，不显示你是谁。")


@command(
    "诉求", Ref("编号", noun="诉求"), role=EVERYONE, summary="查看一件诉求的内容和处理经过", example="/诉求 3",
    private=PRIVATE.format("{sent}"), youth_consent=True,
)
async def detail_cmd(ctx: CommandContext, number: int) -> None:
    await ctx.reply(await _detail_text(ctx.actor, number), paged=True)


@command(
    "诉求", "代记", QQ("QQ"), CATEGORY, Text("内容", what="诉求内容"), role=CADRE,
    summary="替当面反映问题的青年记下诉求，对方确认后才算数", example="/诉求 代记 50001 困难 实习单位拖欠补贴",
    private=PRIVATE.format("/诉求 代记 <QQ> [类别] <内容>"),
)
async def record_for_cmd(ctx: CommandContext, qq: int, category: Category | None, text: str) -> None:
    if category is None:
        category, text = split_category(text)
    draft = await drafts.record(ctx.cadre, qq, category, text)
    await ctx.reply(
        f"已记下代记 {ref(draft.id)}，已请 QQ {qq} 确认。确认前只有你能看到，不算进任何统计；"
        f"{drafts.DRAFT_DAYS} 天内不确认就删除。"
    )


@command(
    "同意", "代记", Ref("编号", noun="代记"), role=YOUTH, summary="确认团干部替你记下的诉求", example="/同意 代记 2",
    youth_consent=True,
)
async def confirm_draft_cmd(ctx: CommandContext, number: int) -> None:
    case, route = await drafts.confirm(ctx.user_id, number)
    await ctx.reply(
        f"好的，已确认。诉求编号 {ref(case.id)}，由{route.handler}跟进，答复会私聊你。想补充就发 /补充 {case.id} <内容>。"
    )


@command(
    "拒绝", "代记", Ref("编号", noun="代记"), role=YOUTH, summary="团干部替你记下的诉求不对：删除它", example="/拒绝 代记 2",
    youth_consent=True,
)
async def refuse_draft_cmd(ctx: CommandContext, number: int) -> None:
    draft = await drafts.refuse(ctx.user_id, number)
    await ctx.reply(f"好的，代记 {ref(draft.id)} 已删除，已告诉团干部。")


@command(
    "诉求", "紧急", CATEGORY, Text("内容", what="诉求内容"), role=YOUTH,
    summary="遇到欺凌、暴力、伤害自己等急事：马上告诉团干部和组织管理员，给你求助电话",
    example="/诉求 紧急 有同学天天在宿舍打我", youth_consent=True,
)
async def open_urgent_cmd(ctx: CommandContext, category: Category | None, text: str) -> None:
    await _open(ctx, None, category, text, urgent_said=True)


@command(
    "诉求", AtCadre("团干部编号"), CATEGORY, Text("内容", what="诉求内容"), role=YOUTH, summary="向指定的团干部提出诉求",
    example="/诉求 @3 困难 实习单位拖欠补贴", youth_consent=True,
)
async def open_named_cmd(ctx: CommandContext, named: Cadre, category: Category | None, text: str) -> None:
    await _open(ctx, named, category, text)


@command(
    "诉求", CATEGORY, Text("内容", what="诉求内容"), role=YOUTH,
    summary="提出诉求，由你联系的团干部跟进（类别：困惑、困难、建议，可不写）；在群里发送时后续转私聊",
    example="/诉求 困难 食堂饭菜太贵", youth_consent=True,
)
async def open_cmd(ctx: CommandContext, category: Category | None, text: str) -> None:
    await _open(ctx, None, category, text)


async def _open(
    ctx: CommandContext, named: Cadre | None, category: Category | None, text: str, *, urgent_said: bool = False
) -> None:
    if category is None:
        category, text = split_category(text)  # "建议：…" with a colon
    case, route = await cases.open_case(
        ctx.user_id, text, category=category, named=named, group_id=ctx.group_id, urgent_said=urgent_said
    )
    if ctx.is_group:
        await ctx.reply(
            f"已收到，编号 {ref(case.id)}，由{route.handler}跟进。为保护隐私，内容不在群里显示；"
            "下一步请私聊联青：/诉求 列表 看进展。"
        )
    elif case.urgent:
        await ctx.reply(
            urgent.youth_help(route.danger) + "\n"
            f"你的诉求已记下，编号 {ref(case.id)}。已马上告诉{route.handler}"
            f"{'和组织管理员' if route.told > 1 else ''}，{urgent.hours():g} 小时内会有人回复你。\n"
            f"想补充就发 /补充 {case.id} <内容>。"
        )
    else:
        await ctx.reply(
            f"已收到，编号 {ref(case.id)}，由{route.handler}跟进（{category.label}），"
            f"一般 {cases.settings().requests_first_answer_hours:g} 小时内答复，答复会私聊你。"
            f"想补充就发 /补充 {case.id} <内容>。"
        )


def _case_line(case: Case, *, show_handler: bool = True, show_org: bool = False) -> str:
    """One line of a list; `show_handler` is the youth's own list (they are the one awaited)."""
    now = clock.now()
    status = STATUS_LABELS.get(case.status, case.status)
    if show_handler:  # the youth's own list, in their words
        status = {CaseStatus.waiting: "待你补充", CaseStatus.closed: "已解决"}.get(CaseStatus(case.status), status)
    parts = [f"{ref(case.id)} {category_label(case.category)}", status]
    if case.urgent:
        parts.insert(1, "紧急")
    if sla.is_overdue(case, now):
        parts.append("已超时")
    if case.escalated_at:
        parts.append("已上报")
    if show_handler:
        parts.append(access.handler_name(case))
    if show_org:
        parts.append(case.org.name)
    parts.append(_short(case.created_at))
    parts.append(excerpt(case.content, 30))
    return "｜".join(parts)


def _lines(found: list[Case], **options) -> str:
    lines = [_case_line(c, **options) for c in found[:LIST_SHOWN]]
    if len(found) > LIST_SHOWN:
        lines.append(f"……还有 {len(found) - LIST_SHOWN} 件，发送 /清单 导出 可得到全部")
    return "\n".join(lines)


async def _list_text(actor: Actor) -> str:
    sections: list[str] = []
    own = await listing.youth_cases(actor.qq) if actor.qq else []
    if own:
        sections.append("你提出的诉求：\n" + _lines(own))
    if actor.cadre is not None:
        assigned = await listing.assigned_cases(actor.cadre)
        body = _lines(assigned, show_handler=False) or "（暂无）"
        sections.append("你负责的诉求（超时的在前）：\n" + body)
        waiting = await drafts.for_cadre(actor.cadre)
        if waiting:
            sections.append("等青年确认的代记（只有你看得到）：\n" + "\n".join(
                f"代记 {ref(d.id)}｜QQ {d.youth_qq}｜{_short(d.created_at)}｜{excerpt(d.content, 30)}" for d in waiting
            ))
    unassigned = await listing.unassigned_cases(actor)
    if unassigned:
        sections.append(
            "待分派的诉求（所辖组织，尚无团干部负责）：\n"
            + _lines(unassigned, show_handler=False, show_org=True)
            + "\n分派：/转交 <编号> <团干部编号>；也可直接 /回复 <编号> <内容>"
        )
    if not sections:
        return "你还没有诉求。发送 /诉求 [类别] <内容> 提出（类别：困惑、困难、建议），由你联系的团干部跟进。"
    sections.append("查看详情：/诉求 <编号>")
    return "\n".join(sections)


async def _detail_text(actor: Actor, number: int) -> str:
    case = await access.viewable_case(actor, number)
    now = clock.now()
    status = STATUS_LABELS.get(case.status, case.status)
    flags = ["已解决" if access.is_youth(actor, case) and case.status == CaseStatus.closed else status]
    if case.urgent:
        flags.insert(0, "紧急")
    if sla.is_overdue(case, now):
        flags.append("已超时")
    if case.escalated_at:
        flags.append(f"{_short(case.escalated_at)} 已上报")
    lines = [
        f"【诉求 {ref(case.id)}】{category_label(case.category)}｜{'｜'.join(flags)}",
        f"提出：{clock.fmt_local(case.created_at)}{'（来自群聊）' if case.source_group_id else ''}；"
        f"负责：{access.handler_name(case)}（{case.org.name}）",
    ]
    if not access.is_youth(actor, case):
        lines.append(f"提出人：{await access.identity_for(actor, case)}")
    due = sla.answer_due(case)
    if due is not None:
        lines.append(f"首次答复时限：{clock.fmt_local(due)}")
    elif case.status == CaseStatus.waiting:
        lines.append("正在等青年补充，这段时间不计入答复时限")
    lines.append(f"内容：{case.content}")
    for r in (await referrals.for_cases([case.id])).get(case.id, []):
        lines.append("转介：" + referrals.line(r))
    events = await listing.history(case)
    if events:
        lines.append("经过：")
        for event in events:
            text = f"：{excerpt(event.text, 200)}" if event.text else ""
            lines.append(f"{_short(event.created_at)} {EVENT_LABELS.get(event.kind, event.kind)}{text}")
    if access.is_youth(actor, case) and case.status == CaseStatus.closed and case.rating is None:
        lines.append(f"欢迎打个分：/评价 {case.id} 5 很及时（1-5 分）")
    return "\n".join(lines)


# ------------------------------------------------------------------ youth: /补充 /评价


async def _rate_hint(ctx: CommandContext) -> str | None:
    """/评价 with the number of the sender's own solved, unrated case."""
    waiting = [c for c in await listing.youth_cases(ctx.user_id) if c.status == CaseStatus.closed and c.rating is None]
    return f"/评价 {waiting[0].id} 5 很及时" if waiting else None


async def _supplement_hint(ctx: CommandContext) -> str | None:
    """/补充 with the number of the sender's own open case."""
    open_ = [c for c in await listing.youth_cases(ctx.user_id) if c.status != CaseStatus.closed]
    return f"/补充 {open_[0].id} <内容>" if open_ else None


@command(
    "补充", Ref("编号", noun="诉求"), Text("内容", what="补充内容"), role=YOUTH, summary="回答团干部的追问，或补充诉求的情况",
    example="/补充 3 补贴拖欠了两个月", private=PRIVATE.format("/补充 <编号> <内容>"), youth_consent=True,
    hint=_supplement_hint,
)
async def supplement_cmd(ctx: CommandContext, number: int, text: str) -> None:
    case = await cases.supplement(ctx.user_id, number, text)
    await ctx.reply(f"已补充到诉求 {ref(case.id)}，已转告{access.handler_name(case)}。")


@dataclass(frozen=True)
class Score(Param):
    def parse(self, token: str) -> int:
        word = token.strip().removesuffix("分")
        if not (word.isascii() and word.isdigit()) or not 1 <= int(word) <= 5:
            raise ArgError("评分须为 1 到 5 的整数（5 分最满意）")
        return int(word)


@command(
    "评价", Ref("编号", noun="诉求"), Score("1-5", what=" 1 到 5 的评分"), Text("意见", optional=True), role=YOUTH,
    summary="为已解决的诉求打分（5 分最满意，每件只能评一次）", example="/评价 3 5 很及时",
    private=PRIVATE.format("/评价 <编号> <1-5> [意见]"), youth_consent=True, hint=_rate_hint,
)
async def rate_cmd(ctx: CommandContext, number: int, score: int, comment: str | None) -> None:
    case = await cases.rate(ctx.user_id, number, score, comment)
    await ctx.reply(f"谢谢你的评价！诉求 {ref(case.id)}：{case.rating} 分。")


# ------------------------------------------------------------------ handlers: /回复 /办结 /上报 /转交

HANDLERS = (CADRE, ADMIN)


@command(
    "回复", Ref("编号", noun="诉求"), Text("内容", what="回复内容"),
    roles={CADRE: "答复诉求；以问号结尾表示追问，等青年补充期间不计时", ADMIN: "答复所辖组织待分派的诉求"},
    example="/回复 3 已联系后勤，下周调整", private=PRIVATE.format("/回复 <编号> <内容>"),
)
async def reply_cmd(ctx: CommandContext, number: int, text: str) -> None:
    result = await cases.reply(ctx.actor, number, text)
    n = result.case.id
    if not result.delivered:
        message = f"已记录对诉求 {ref(n)} 的回复；提出人已删除个人信息，无法送达。"
    elif result.asks:
        message = f"已向青年追问。诉求 {ref(n)} 转为“待青年补充”，等待期间不计入答复时限。"
    else:
        message = f"已答复诉求 {ref(n)}，青年会收到你的答复。处理完毕后发送 /办结 {n} [说明]。"
    await ctx.reply(message)


@command(
    "办结", Ref("编号", noun="诉求"), Text("说明", optional=True),
    roles={CADRE: "办结诉求，并请青年评价", ADMIN: "办结所辖组织待分派的诉求"},
    example="/办结 3 价格已下调", private=PRIVATE.format("/办结 <编号> [说明]"),
)
async def close_cmd(ctx: CommandContext, number: int, note: str | None) -> None:
    case = await cases.close(ctx.actor, number, note)
    told = "已请青年评价。" if case.youth_qq is not None else "提出人已删除个人信息，不再通知。"
    await ctx.reply(f"诉求 {ref(case.id)} 已办结，{told}")


@command(
    "上报", Ref("编号", noun="诉求"), Text("说明", optional=True), role=CADRE,
    summary="把诉求上报组织管理员，列入问题清单", example="/上报 3 多所学校都有反映",
    private=PRIVATE.format("/上报 <编号> [说明]"),
)
async def escalate_cmd(ctx: CommandContext, number: int, note: str | None) -> None:
    case, told = await cases.escalate_by(ctx.actor, number, note)
    who = f"已告知 {len(told)} 名管理员" if told else "该组织暂无其他管理员可通知"
    await ctx.reply(f"诉求 {ref(case.id)} 已上报，列入{case.org.name}的问题清单；{who}。你仍负责跟进答复。")


@command(
    "转交", Ref("编号", noun="诉求"), CadreArg(),
    roles={CADRE: "把诉求交给另一名团干部跟进", ADMIN: "把所辖组织的诉求（包括待分派的）交给团干部"},
    example="/转交 3 #5", private=PRIVATE.format("/转交 <编号> <团干部编号>"),
)
async def transfer_cmd(ctx: CommandContext, number: int, target: Cadre) -> None:
    case, target = await cases.transfer(ctx.actor, number, target)
    await ctx.reply(f"诉求 {ref(case.id)} 已转交{chat_name(target.org, target.name, target.id)}，对方和青年都会收到通知。")


@command(
    "转介", "结果", Ref("编号", noun="诉求"), Text("内容", what="转介结果"),
    roles={CADRE: "记下转介出去的诉求的结果（青年会收到）", ADMIN: "记下所辖组织诉求的转介结果"},
    example="/转介 结果 3 教育局已回复，下周整改", private=PRIVATE.format("/转介 结果 <编号> <内容>"),
)
async def referral_result_cmd(ctx: CommandContext, number: int, text: str) -> None:
    case, r = await referrals.record_outcome(ctx.actor, number, text)
    told = "已告诉青年。" if case.youth_qq is not None else ""
    await ctx.reply(f"已记下诉求 {ref(case.id)} 转给「{r.to}」的结果。{told}")


@command(
    "转介", Ref("编号", noun="诉求"), Word("去向"), Text("说明", optional=True),
    roles={
        CADRE: "把诉求转给团外的部门（如 12355、青年之声、区教育局），到期提醒你跟进结果",
        ADMIN: "把所辖组织的诉求转给团外的部门",
    },
    example="/转介 3 区教育局 已电话说明情况", private=PRIVATE.format("/转介 <编号> <去向> [说明]"),
)
async def referral_cmd(ctx: CommandContext, number: int, to: str, note: str | None) -> None:
    case, r = await referrals.refer(ctx.actor, number, to, note)
    await ctx.reply(
        f"已记下：诉求 {ref(case.id)} 转给「{r.to}」。青年会收到通知；"
        f"{clock.fmt_local(r.follow_up_at, '%m-%d')} 还没有结果会提醒你跟进。有结果发 /转介 结果 {case.id} <内容>。"
    )


# ------------------------------------------------------------------ /清单


@command(
    "清单", "导出", PeriodArg("期间", optional=True),
    roles={CADRE: "把问题清单导出为 .xlsx 文件（汇总、诉求明细两张表）", ADMIN: "导出所辖组织的问题清单 .xlsx"},
    example="/清单 导出 2026Q4",
)
async def export_cmd(ctx: CommandContext, period: periods.Period | None) -> None:
    await _export(ctx, ctx.actor, period or periods.parse(None))


@command(
    "清单", PeriodArg("期间", optional=True),
    roles={
        CADRE: "问题清单：本人负责的诉求按类别统计、超时与上报、共性问题（期间：本月、本季度、2026Q4 等）",
        ADMIN: "所辖组织的问题清单，列出上报事项",
    },
    example="/清单 本季度",
)
async def problems_cmd(ctx: CommandContext, period: periods.Period | None) -> None:
    scope = problems.scope_for(ctx.actor)
    await ctx.reply(await _problems_text(scope, period or periods.parse(None), with_content=not ctx.is_group))


async def _problems_text(scope: problems.Scope, period: problems.Period, *, with_content: bool) -> str:
    summary = await problems.summarise(scope, period)
    t = summary.total
    lines = [
        f"【问题清单】{scope.title}｜{period.label}",
        f"诉求 {t.total} 件：未办结 {t.pending}，超时未答复 {t.overdue}，已上报 {t.escalated}，已办结 {t.closed}",
    ]
    if with_content and t.urgent:
        lines.append(f"其中紧急 {t.urgent} 件（欺凌、暴力、伤害自己等，{urgent.hours():g} 小时内答复）")
    categories = problems.ordered_categories(summary)
    if with_content:
        for category, n in categories:
            lines.append(
                f"{category_label(category)}：{n.total} 件（未办结 {n.pending}，超时 {n.overdue}，上报 {n.escalated}，办结 {n.closed}）"
            )
    elif categories:  # a group reads one line of numbers, not a table
        lines.append("｜".join(f"{category_label(c)} {n.total}" for c, n in categories))
    if t.rated >= SATISFACTION_MIN:
        lines.append(f"评价 {t.rated} 次，平均 {t.average:.1f} 分")
    elif t.rated:
        lines.append(f"评价 {t.rated} 次（满 {SATISFACTION_MIN} 次后显示平均分）")
    if with_content:
        themes = await problems.common_themes(scope, period)
        if themes:
            lines.append("共性问题：" + "、".join(f"{w}（{n} 件）" for w, n in themes))
        referred = await problems.referrals_in(scope, period)
        if referred:
            answered = sum(1 for r in referred if r.outcome is not None)
            lines.append(f"转介到团外 {len(referred)} 次（有结果 {answered}）：")
            for r in referred[:REFERRALS_SHOWN]:
                lines.append(f"诉求 {ref(r.case_id)} → " + excerpt(referrals.line(r), 60))
            if len(referred) > REFERRALS_SHOWN:
                lines.append(f"……还有 {len(referred) - REFERRALS_SHOWN} 次，发送 /清单 导出 {period.key} 查看全部")
        items = listing.overdue_first(await problems.escalated(scope, period, ESCALATED_SHOWN + 1))
        if items:
            lines.append(f"上报事项（{t.escalated} 件）：")
            for case in items[:ESCALATED_SHOWN]:
                who = "署名：" + await access.youth_label(case.youth_qq) if case.show_identity and case.youth_qq else "匿名"
                lines.append(
                    f"{ref(case.id)} {category_label(case.category)}｜{case.org.name}｜{_short(case.escalated_at)} 上报｜"
                    f"{who}｜{excerpt(case.content, 60)}"
                )
            if t.escalated > ESCALATED_SHOWN:
                lines.append(f"……还有 {t.escalated - ESCALATED_SHOWN} 件，发送 /清单 导出 {period.key} 查看全部")
    else:
        lines.append("（群里只显示统计数字；详情请私聊联青发 /清单）")
        return "\n".join(lines)
    lines.append(f"导出 .xlsx：/清单 导出 {period.key}")
    return "\n".join(lines)


async def _export(ctx: CommandContext, actor: Actor, period: problems.Period) -> None:
    """Write the workbook and hand it over as a file: full privately, without content in a group."""
    path, name, count = await exports.build(actor, period, with_content=not ctx.is_group)
    await send_file(ctx, path, name)
    note = "（群文件不含诉求内容；含内容的版本请私聊联青发送 /清单 导出）" if ctx.is_group else ""
    await ctx.reply(f"已发送问题清单文件 {name}：{period.label}，{count} 件诉求。{note}")


# ------------------------------------------------------------------ /互助


@command(
    "互助", "需要", Text("内容", what="互助内容"), role=YOUTH, summary="在你联系的团干部的联系青年中发布需要的帮助",
    example="/互助 需要 找人一起练英语口语", youth_consent=True,
)
async def help_need_cmd(ctx: CommandContext, text: str) -> None:
    await _post_help(ctx, "需要", text)


@command(
    "互助", "提供", Text("内容", what="互助内容"), role=YOUTH, summary="发布你能提供的帮助",
    example="/互助 提供 可以教高中数学", youth_consent=True,
)
async def help_offer_cmd(ctx: CommandContext, text: str) -> None:
    await _post_help(ctx, "提供", text)


async def _post_help(ctx: CommandContext, action: str, text: str) -> None:
    item, cadre = await mutual_help.post(ctx.user_id, mutual_help.check_kind(action), text, ctx.group_id)
    await ctx.reply(
        f"已发布互助 {ref(item.id)}（{action}）到{cadre.org.name}{cadre.name}的联系青年圈："
        "圈内青年能看到内容，看不到你是谁；团干部牵线、双方都同意后才会互换联系方式。"
    )


@command(
    "互助", "列表", roles={YOUTH: "查看圈内的互助（不显示发布人）", CADRE: "查看联系青年发布的全部互助及待同意的介绍"},
    example="/互助 列表", private="互助的内容只在私聊中查看，请私聊联青发送 /互助 列表", youth_consent=True,
)
async def help_list_cmd(ctx: CommandContext) -> None:
    cadre = ctx.actor.cadre
    await ctx.reply(await (_cadre_help_text(cadre) if cadre else _youth_help_text(ctx.user_id)))


@command(
    "互助", "匹配", Ref("需要编号", noun="互助"), Ref("提供编号", noun="互助"), role=CADRE,
    summary="为一条需要和一条提供牵线，双方都同意后互换联系方式", example="/互助 匹配 3 5",
)
async def help_match_cmd(ctx: CommandContext, need: int, offer: int) -> None:
    found = await mutual_help.match(ctx.cadre, need, offer)
    await ctx.reply(
        f"已发出互助介绍 {ref(found.id)}：需要 {ref(found.need_id)} ↔ 提供 {ref(found.offer_id)}。"
        "已分别征求两位青年的同意，双方都同意后才互换联系方式。"
    )


@command(
    "互助", "同意", Ref("介绍编号", noun="介绍"), role=YOUTH, summary="同意与对方互换联系方式", example="/互助 同意 2",
    youth_consent=True,
)
async def help_agree_cmd(ctx: CommandContext, number: int) -> None:
    await _answer(ctx, number, True)


@command(
    "互助", "拒绝", Ref("介绍编号", noun="介绍"), role=YOUTH, summary="不同意这次介绍", example="/互助 拒绝 2",
    youth_consent=True,
)
async def help_refuse_cmd(ctx: CommandContext, number: int) -> None:
    await _answer(ctx, number, False)


async def _answer(ctx: CommandContext, number: int, agree: bool) -> None:
    result = await mutual_help.answer(ctx.user_id, number, agree)
    n = result.match.id
    await ctx.reply(
        {
            "waiting": f"已记录你的同意。等对方也同意后，会把双方的联系方式发给你们（介绍 {ref(n)}）。",
            "introduced": f"双方都同意了！对方的联系方式会私聊发给你（介绍 {ref(n)}）。",
            "declined": f"好的，已取消介绍 {ref(n)}，不会告知对方你的任何信息。",
        }[result.outcome]
    )


@command(
    "互助", "撤回", Ref("编号", noun="互助"), role=YOUTH, summary="撤回自己发布的互助", example="/互助 撤回 3",
    youth_consent=True,
)
async def help_withdraw_cmd(ctx: CommandContext, number: int) -> None:
    item = await mutual_help.withdraw(ctx.user_id, number)
    await ctx.reply(f"已撤回互助 {ref(item.id)}。")


async def _youth_help_text(qq: int) -> str:
    listing = await mutual_help.for_youth(qq)
    if not listing.posts and not listing.matches:
        return "你所在的联系青年圈里还没有互助。发布：/互助 需要 <内容> 或 /互助 提供 <内容>。"
    lines = ["互助（你所在的联系青年圈，不显示发布人）："]
    for item in listing.posts:
        mine = f"（我发布的，{HELP_STATUS_LABELS.get(item.status, item.status)}）" if item.id in listing.own else ""
        lines.append(f"{ref(item.id)} {HELP_KIND_LABELS[item.kind]}：{excerpt(item.content, 60)}{mine}")
    for m in listing.matches:
        side = "need_answer" if m.need_id in listing.own else "offer_answer"
        if getattr(m, side) is None:
            lines.append(f"待你回复的介绍 {ref(m.id)}：/互助 同意 {m.id} 或 /互助 拒绝 {m.id}")
    lines.append("发布：/互助 需要 <内容>、/互助 提供 <内容>；撤回：/互助 撤回 <编号>")
    return "\n".join(lines)


def _answer_word(value: bool | None) -> str:
    return {None: "未回复", True: "已同意", False: "不同意"}[value]


async def _cadre_help_text(cadre: Cadre) -> str:
    listing = await mutual_help.for_cadre(cadre)
    if not listing.posts:
        return "你的联系青年还没有发布互助。青年可发送 /互助 需要 <内容> 或 /互助 提供 <内容>。"
    lines = ["你的联系青年圈里的互助："]
    for kind in (HelpKind.need, HelpKind.offer):
        items = [p for p in listing.posts if p.kind == kind]
        if items:
            lines.append(f"{HELP_KIND_LABELS[kind]}：")
            lines += [
                f"{ref(p.id)} {excerpt(p.content, 60)}｜{listing.names.get(p.qq, '（已删除）') if p.qq else '（已删除）'}｜"
                f"{HELP_STATUS_LABELS.get(p.status, p.status)}"
                for p in items
            ]
    for m in listing.matches:
        lines.append(
            f"介绍 {ref(m.id)}：需要 {ref(m.need_id)}（{_answer_word(m.need_answer)}）↔ "
            f"提供 {ref(m.offer_id)}（{_answer_word(m.offer_answer)}）"
        )
    lines.append("牵线：/互助 匹配 <需要编号> <提供编号>")
    return "\n".join(lines)

