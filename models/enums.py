"""Closed vocabularies stored as short strings (glossary names), shown in Chinese.

Stored as plain CharField values rather than enum fields so that migrations do
not import these classes and stay valid when the classes change.
"""

from enum import StrEnum


class OrgLevel(StrEnum):
    central = "central"
    province = "province"
    city = "city"
    county = "county"
    grassroots = "grassroots"

    @property
    def label(self) -> str:
        return ORG_LEVEL_LABELS[self]

    @property
    def rank(self) -> int:
        return list(OrgLevel).index(self)


ORG_LEVEL_LABELS = {
    OrgLevel.central: "中央",
    OrgLevel.province: "省",
    OrgLevel.city: "市",
    OrgLevel.county: "县",
    OrgLevel.grassroots: "基层",
}


class CadreCategory(StrEnum):
    full_time = "full_time"
    seconded = "seconded"
    organ_part_time = "organ_part_time"
    part_time = "part_time"

    @property
    def label(self) -> str:
        return CADRE_CATEGORY_LABELS[self]


CADRE_CATEGORY_LABELS = {
    CadreCategory.full_time: "专职",
    CadreCategory.seconded: "挂职",
    CadreCategory.organ_part_time: "领导机关兼职",
    CadreCategory.part_time: "兼职",
}


class ApplicationStatus(StrEnum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"

    @property
    def label(self) -> str:
        return {"pending": "待审核", "approved": "已通过", "rejected": "已驳回"}[self.value]


class CadreSource(StrEnum):
    roster = "roster"
    application = "application"


def parse_label(enum_cls: type[StrEnum], labels: dict, text: str):
    """The enum member whose Chinese label (or glossary name) is `text`, else None."""
    text = text.strip()
    for member, label in labels.items():
        if text in (label, member.value):
            return member
    return None


class Field(StrEnum):
    """领域: the sector a youth works or studies in."""

    student = "student"
    enterprise = "enterprise"
    public_sector = "public_sector"
    rural = "rural"
    new_sectors = "new_sectors"
    social_org = "social_org"
    freelance = "freelance"
    other = "other"

    @property
    def label(self) -> str:
        return FIELD_LABELS[self]


FIELD_LABELS = {
    Field.student: "学生",
    Field.enterprise: "企业职工",
    Field.public_sector: "机关事业",
    Field.rural: "农村青年",
    Field.new_sectors: "新兴领域",
    Field.social_org: "社会组织",
    Field.freelance: "自由职业",
    Field.other: "其他",
}


class Labelled(StrEnum):
    """A state stored as its glossary name and shown in Chinese (`LABELS` on the class)."""

    @property
    def label(self) -> str:
        return type(self).labels()[self]

    @classmethod
    def labels(cls) -> dict:
        raise NotImplementedError


class LinkStatus(Labelled):
    pending = "pending"
    confirmed = "confirmed"
    ended = "ended"
    """The cadre left and the youth did not move to the successor (kept as history)."""

    @classmethod
    def labels(cls) -> dict:
        return {cls.pending: "待确认", cls.confirmed: "已确认", cls.ended: "已结束"}


class LinkSource(StrEnum):
    group = "group"
    private = "private"
    invite = "invite"


class TopicStatus(Labelled):
    open = "open"
    closed = "closed"

    @classmethod
    def labels(cls) -> dict:
        return {cls.open: "进行中", cls.closed: "已结束"}


class ExchangeKind(StrEnum):
    reply = "reply"
    at = "at"
    check_in = "check_in"


class ActivityKind(Labelled):
    offline = "offline"
    face_to_face = "face_to_face"
    survey_visit = "survey_visit"

    @classmethod
    def labels(cls) -> dict:
        return {cls.offline: "线下活动", cls.face_to_face: "面对面", cls.survey_visit: "调研"}


class CaseCategory(Labelled):
    """诉求 categories (glossary); `other` when the youth named none."""

    confusion = "confusion"
    difficulty = "difficulty"
    suggestion = "suggestion"
    other = "other"

    @classmethod
    def labels(cls) -> dict:
        return {cls.confusion: "思想困惑", cls.difficulty: "实际困难", cls.suggestion: "意见建议", cls.other: "未分类"}


class CaseStatus(Labelled):
    open = "open"
    waiting = "waiting"
    answered = "answered"
    closed = "closed"

    @classmethod
    def labels(cls) -> dict:
        return {cls.open: "待答复", cls.waiting: "待青年补充", cls.answered: "已答复", cls.closed: "已办结"}


class CaseEventKind(Labelled):
    reply = "reply"
    question = "question"
    supplement = "supplement"
    close = "close"
    escalate = "escalate"
    transfer = "transfer"
    rating = "rating"
    remind = "remind"
    urgent_up = "urgent_up"
    refer = "refer"
    refer_result = "refer_result"
    recorded = "recorded"

    @classmethod
    def labels(cls) -> dict:
        return {
            cls.reply: "答复", cls.question: "追问", cls.supplement: "青年补充", cls.close: "办结",
            cls.escalate: "上报", cls.transfer: "转交", cls.rating: "评价", cls.remind: "超时提醒",
            cls.urgent_up: "紧急诉求无人答复，已告知上级", cls.refer: "转介", cls.refer_result: "转介结果",
            cls.recorded: "团干部代记，青年已确认",
        }


class HelpKind(Labelled):
    need = "need"
    offer = "offer"

    @classmethod
    def labels(cls) -> dict:
        return {cls.need: "需要", cls.offer: "提供"}


class HelpStatus(Labelled):
    open = "open"
    matched = "matched"
    closed = "closed"

    @classmethod
    def labels(cls) -> dict:
        return {cls.open: "等待匹配", cls.matched: "已匹配", cls.closed: "已撤回"}


class HelpMatchStatus(StrEnum):
    asked = "asked"
    introduced = "introduced"
    declined = "declined"


class OutboxStatus(StrEnum):
    pending = "pending"
    sending = "sending"
    sent = "sent"
    failed = "failed"
    unknown = "unknown"
    """The send timed out and the OneBot side could not say whether it arrived: not resent."""
    inboxed = "inboxed"
    dropped = "dropped"


class SpotAnswer(StrEnum):
    yes = "yes"
    no = "no"


class TokenKind(StrEnum):
    link = "link"
    session = "session"
