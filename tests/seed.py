"""A small league tree and its people, created through the same services the bot uses."""

from dataclasses import dataclass

from models import Admin, Cadre, Organisation
from models.enums import CadreSource, OrgLevel
from plugins.core import clock
from plugins.identity.orgs import insert_org

PROVINCE_ADMIN = 30001
HANGZHOU_ADMIN = 30002
NINGBO_ADMIN = 30003
XIHU_ADMIN = 30004


@dataclass
class Tree:
    province: Organisation
    hangzhou: Organisation
    xihu: Organisation
    ningbo: Organisation


async def seed_tree() -> Tree:
    """浙江省委 → 杭州市委 → 杭州市西湖区委; 浙江省委 → 宁波市委; one admin each."""
    province = await insert_org("浙江省委", OrgLevel.province, None)
    hangzhou = await insert_org("杭州市委", OrgLevel.city, province)
    xihu = await insert_org("杭州市西湖区委", OrgLevel.county, hangzhou)
    ningbo = await insert_org("宁波市委", OrgLevel.city, province)
    now = clock.now()
    for qq, org in (
        (PROVINCE_ADMIN, province),
        (HANGZHOU_ADMIN, hangzhou),
        (NINGBO_ADMIN, ningbo),
        (XIHU_ADMIN, xihu),
    ):
        await Admin.create(qq=qq, org=org, created_at=now)
    return Tree(province, hangzhou, xihu, ningbo)


async def make_cadre(
    qq: int, name: str, org: Organisation, category: str = "full_time", source: str = "roster"
) -> Cadre:
    now = clock.now()
    return await Cadre.create(
        qq=qq, name=name, org=org, category=category,
        source=CadreSource(source).value, created_at=now, updated_at=now,
    )


async def consenting(*qqs: int) -> None:
    """Youth who have sent /同意 (nothing about a youth is stored before that)."""
    from plugins.contacts.links import consent

    for qq in qqs:
        await consent(qq, f"用户{qq}")
