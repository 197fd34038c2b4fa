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
