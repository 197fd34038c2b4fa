"""The cadre's public identity card (亮身份) and contact channels."""

from collections.abc import Awaitable, Callable

from models import Cadre, Organisation
from models.enums import CadreCategory, OrgLevel
from plugins.core import clock, periods
from plugins.core.errors import UsageError
from plugins.core.text import clean, ref
from plugins.identity.orgs import real_name, target_for

CHANNELS = {"微信": "wechat", "微博": "weibo"}
ProfileText = Callable[[int], Awaitable[str]]
_youth_profile: list[ProfileText] = []


def set_youth_profile(profile: ProfileText) -> ProfileText:
    """What /我的 shows someone who is not a cadre: the contacts plugin's /资料 text
    (contacts depends on identity, so it hands the function over at setup)."""
    _youth_profile[:] = [profile]
    return profile


async def youth_profile(qq: int) -> str | None:
    return await _youth_profile[0](qq) if _youth_profile else None
CLEAR_WORDS = {"删除", "清除", "无"}


async def _org(cadre: Cadre) -> Organisation:
    return cadre.org if isinstance(cadre.org, Organisation) else await cadre.org


async def card_text(cadre: Cadre) -> str:
    """Real name, organisation, category and public channels, as posted by /名片 (4 lines,
    within a group message's budget)."""
    org = await _org(cadre)
    channels = [f"QQ {cadre.qq}"]
    if cadre.wechat:
        channels.append(f"微信 {cadre.wechat}")
    if cadre.weibo:
        channels.append(f"微博 {cadre.weibo}")
    return "\n".join(
        [
            f"【团干部名片】{real_name(org, cadre.name)}",
            f"{org.name}（{OrgLevel(org.level).label}级）· {CadreCategory(cadre.category).label}团干部",
            "联系方式：" + "；".join(channels),
            f"想和我建立联系：发 /加入 {ref(cadre.id)}",
        ]
    )


async def status_text(cadre: Cadre) -> str:
    """/我的 for a cadre: the card plus number, target and registration date."""
    target = await target_for(cadre)
    return "\n".join(
        [
            await card_text(cadre),
            f"状态：已认证（{clock.fmt_local(cadre.created_at, '%Y-%m-%d')} 起），团干部编号 {ref(cadre.id)}",
            f"联系目标：不少于 {target} 名青年，{periods.target_deadline()}，并保持稳定",
        ]
    )


def channels_text(cadre: Cadre) -> str:
    return (
        f"你公开的联系方式：QQ {cadre.qq}；微信 {cadre.wechat or '未设置'}；"
        f"微博 {cadre.weibo or '未设置'}。设置：/联系方式 微信 <号>"
    )


async def set_channel(cadre: Cadre, kind_word: str, value_text: str) -> str | None:
    """Set or clear (删除) a public channel; returns the stored value."""
    field = CHANNELS.get(kind_word)
    if field is None:
        raise UsageError("联系方式须为 微信 或 微博（QQ 已自动公开）")
    value = clean(value_text, 64)
    if not value:
        raise UsageError(f"请写上{kind_word}号，例如 /联系方式 {kind_word} zhangsan")
    if any(ch.isspace() for ch in value):
        raise UsageError(f"{kind_word}号不能含空格")
    stored = None if value in CLEAR_WORDS else value
    setattr(cadre, field, stored)
    cadre.updated_at = clock.now()
    await cadre.save(update_fields=[field, "updated_at"])
    return stored
