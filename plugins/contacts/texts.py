"""What the bot tells people about contacts and their data (documented in the README)."""

from models.enums import FIELD_LABELS

FIELD_WORDS = "、".join(FIELD_LABELS.values())

# Both notices are shown in the README word for word (tests/test_docs.py checks it), with
# the settings of `notice_values()` filled in; say exactly what plugins/interaction records.
CONSENT_NOTICE = (
    "【个人信息告知】与团干部建立联系前，请了解：\n"
    "保存什么：你的 QQ 号和昵称、你选填的领域、你与哪些团干部建立了联系及时间，"
    "以及你自己提出的诉求、签到、互助和评价。"
    "同意后，在团干部绑定的群里还记下你每天的发言条数（不存聊天内容）、团干部答复你的时间、你回复话题的内容；"
    "同意前，你在群里的发言只计入不含身份的总数。\n"
    "用途：统计团干部直接联系青年的情况（“1+100”制度）并方便团干部联系、服务你，不作他用。\n"
    "保存多久：QQ 号、昵称和联系记录保存到你退出为止；话题回复的内容连同其上的 QQ 号 {text_days} 天后删除，"
    "答复、签到和评价记录上的 QQ 号 {identity_days} 天后删除，每天的发言条数保存 {count_days} 天，"
    "诉求的内容在办结 {case_days} 天后删除。"
    "发送 /退出 解除与某位团干部的联系；发送 /退出 全部 立即删除你的全部个人信息，"
    "只保留不含身份的统计数字。未确认的申请 {pending_days} 天后自动删除。\n"
    "已满 14 周岁并同意，请发送 /同意；未满 14 周岁请发送 /未满14，我们不会记录你的信息。"
)

GROUP_NOTICE = (
    "【联青】本群已绑定为团干部联系群\n"
    "{card}\n"
    "机器人记录什么：本群成员名单（QQ 号），全群和团干部每天的发言条数，不保存普通聊天内容。"
    "发送过 /同意 的青年，还记下本人每天的发言条数、团干部答复的记录和回复话题"
    "（引用话题消息或以 #编号 开头）的内容，内容 {text_days} 天后删除；"
    "其他人的发言和话题回复只计数，不记 QQ 号和内容。\n"
    "与团干部建立联系：发送 /加入（可附领域，如 /加入 学生），首次需阅读个人信息告知并发送 /同意。\n"
    "随时退出：发送 /退出；删除你的全部个人信息：发送 /退出 全部。"
)


def notice_values() -> dict[str, int]:
    """The retention settings the notices state, as configured."""
    from plugins.contacts.config import settings
    from plugins.core.config import settings as core_settings
    from plugins.interaction.config import settings as interaction_settings
    from plugins.requests.config import settings as requests_settings

    interaction = interaction_settings()
    return {
        "pending_days": settings().contacts_pending_days,
        "text_days": interaction.interaction_text_retention_days,
        "count_days": interaction.interaction_count_retention_days,
        "identity_days": core_settings().privacy_identity_days,
        "case_days": requests_settings().requests_content_keep_days,
    }


def consent_notice() -> str:
    return CONSENT_NOTICE.format(**notice_values())


def group_notice(card: str) -> str:
    return GROUP_NOTICE.format(card=card, **notice_values())


INVITATION = (
    "你好！{real_name}（{org}团干部）邀请你建立直接联系，方便今后交流、倾听你的意见和困难。"
    "愿意的话，请发送 /加入 {cadre_id}；不愿意请忽略本消息，不会再打扰你。"
)
