"""What the bot tells people about contacts and their data (documented in the README)."""

from models.enums import FIELD_LABELS, Field

FIELD_WORDS = "、".join(FIELD_LABELS.values())

# Both notices are shown in the README word for word (tests/test_docs.py checks it), with
# the settings of `notice_values()` filled in; say exactly what plugins/interaction records.
# The personal-information notice goes to the youth in private (never into the group:
# forty classmates joining would mean forty copies); it keeps to the private budget
# of plugins/core/pages.py (15 lines, 600 characters), the group notice to 6 lines.
CONSENT_NOTICE = (
    "【个人信息说明】和团干部建立联系前，请看看我们会记下什么：\n"
    "· 你的 QQ 号、昵称、你选的领域，你和哪位团干部从哪天开始联系；\n"
    "· 你自己发的诉求、签到、互助和评分；\n"
    "· 在团干部的群里：你每天发言几条（不存聊天内容）、团干部回复你的时间、你回复话题的内容。"
    "同意之前，你的发言只算进不带名字的总数。\n"
    "只用来统计团干部联系青年的情况（“1+100”），方便团干部联系和帮助你，不做别的用途。\n"
    "保存多久：联系记录保存到你退出为止；话题回复的内容连同其上的 QQ 号 {text_days} 天后删除，"
    "答复、签到和评分记录上的 QQ 号 {identity_days} 天后删除，每天的发言条数保存 {count_days} 天，"
    "诉求的内容在解决 {case_days} 天后删除，没确认的申请 {pending_days} 天后删除。\n"
    "随时可以：发 /退出 解除联系，发 /退出 全部 删除你的全部信息。\n"
    "年满 14 周岁、同意的话，发 /同意；未满 14 周岁发 /未满14，我们什么都不记。"
)

GROUP_NOTICE = (
    "【联青】本群的团干部：{name}\n"
    "在这里可以直接找团干部，发 /诉求 说说困难，参加活动。\n"
    "和团干部建立联系：发 /加入（可加领域，如 /加入 学生）。\n"
    "联青只数全群每天发言几条，不存聊天内容；你发 /同意 后才记你本人的条数和话题回复（{text_days} 天后删除）。\n"
    "随时发 /退出 解除联系，/退出 全部 删除你的信息。"
)

FIELD_CHOICES: tuple[tuple[str, Field], ...] = (
    ("学生", Field.student),
    ("上班", Field.enterprise),
    ("机关事业单位", Field.public_sector),
    ("务农", Field.rural),
    ("新职业", Field.new_sectors),
    ("公益组织", Field.social_org),
    ("自己创业", Field.freelance),
    ("其他", Field.other),
)
"""The fields offered to youth, in the words they use (the glossary's labels are for cadres)."""

FIELD_SYNONYMS: dict[str, Field] = {
    **{word: Field.student for word in ("大学生", "中学生", "高中生", "初中生", "研究生", "在校生", "读书", "上学", "中职生", "职校生")},
    **{word: Field.enterprise for word in ("打工", "工人", "企业", "公司", "职员", "上班族", "企业员工", "员工")},
    **{word: Field.public_sector for word in ("机关", "事业单位", "公务员", "老师", "教师", "医生", "护士", "机关事业")},
    **{word: Field.rural for word in ("农民", "农村", "种地", "农业", "农村青年")},
    **{word: Field.new_sectors for word in ("快递", "外卖", "骑手", "网约车", "主播", "新兴领域", "新业态")},
    **{word: Field.social_org for word in ("社会组织", "公益", "社工", "志愿者组织")},
    **{word: Field.freelance for word in ("创业", "个体", "个体户", "自由职业", "自己干")},
    **{label: field for field, label in FIELD_LABELS.items()},
    **{field.value: field for field in Field},
}
"""Other words people type for a field, e.g. 大学生 → 学生."""

FIELD_WORDS = "、".join(word for word, _ in FIELD_CHOICES)


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


def group_notice(name: str) -> str:
    return GROUP_NOTICE.format(name=name, **notice_values())


INVITATION = (
    "你好！{name}想和你建立联系，方便以后交流、听听你的想法和困难。\n"
    "愿意的话，发 /加入 #{cadre_id}；不愿意就不用理会，不会再打扰你。"
)
