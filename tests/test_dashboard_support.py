"""Shared set-up for the dashboard tests: an HTTP client on NoneBot's app, sign-in, data."""

import re
from datetime import timedelta

import nonebot
import pytest
from httpx import ASGITransport, AsyncClient

from models import Activity, Case, ContactLink, ContactSnapshot, Exchange, Topic, Youth
from plugins.core import clock
from plugins.dashboard import roster_upload, tokens
from tests.narrow import found
from tests.seed import (
    HANGZHOU_ADMIN,
    NINGBO_ADMIN,
    PROVINCE_ADMIN,
    XIHU_ADMIN,
    Tree,
    make_cadre,
    seed_tree,
)

__all__ = ["HANGZHOU_ADMIN", "NINGBO_ADMIN", "PROVINCE_ADMIN", "XIHU_ADMIN"]

XIHU_CADRE = 20001
NINGBO_CADRE = 20002
HANGZHOU_CADRE = 20003
HOSTILE = "<script>alert(1)</script>"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')
_NONCE = re.compile(r'name="nonce" value="([^"]+)"')


def client() -> AsyncClient:
    return AsyncClient(transport=ASGITransport(app=nonebot.get_app()), base_url="http://testserver")


@pytest.fixture(name="web")
async def web_fixture():
    """`web`: an HTTP client on the bot's app (import `web_fixture` to use it)."""
    roster_upload.clear()
    async with client() as c:
        yield c


async def sign_in(web: AsyncClient, qq: int) -> str:
    """Open a session for `qq` the way a browser does; returns the page's CSRF token."""
    secret = await tokens.issue_link(qq, 10)
    page = await web.get(f"/dashboard/login/{secret}")
    assert page.status_code == 200, page.text
    nonce = found(_NONCE, page.text)
    done = await web.post(f"/dashboard/login/{secret}", data={"nonce": nonce})
    assert done.status_code == 303, done.text
    home = await web.get("/dashboard/", follow_redirects=True)
    assert home.status_code == 200, home.text
    return csrf_of(home.text)


def csrf_of(html: str) -> str:
    return found(_CSRF, html)


async def youth(qq: int, field: str | None = "student") -> Youth:
    return await Youth.create(qq=qq, nickname=f"青年{qq}", field=field, consented_at=clock.now(),
                              created_at=clock.now())


async def confirm(youth_: Youth, cadre) -> None:
    await ContactLink.create(youth=youth_, cadre=cadre, status="confirmed", source="private",
                             created_at=clock.now(), confirmed_at=clock.now())


async def world() -> tuple[Tree, dict]:
    """The seed tree, a cadre in 西湖区委, 宁波市委 and 杭州市委, contacts, an activity,
    an exchange, a topic and a case for each; returns the tree and the cadres by QQ."""
    tree = await seed_tree()
    xihu = await make_cadre(XIHU_CADRE, "张三", tree.xihu, "part_time")
    ningbo = await make_cadre(NINGBO_CADRE, "王五", tree.ningbo)
    hangzhou = await make_cadre(HANGZHOU_CADRE, "李四", tree.hangzhou)
    now = clock.now()
    for i, cadre in enumerate((xihu, ningbo, hangzhou)):
        for j in range(3 + i):
            await confirm(await youth(50000 + 10 * i + j), cadre)
        await Activity.create(cadre=cadre, kind="offline", title=f"活动{i}", day=clock.today(),
                              code=f"00000{i}", head_count=5, credited=True, created_at=now)
        await Exchange.create(cadre=cadre, group_id=900 + i, youth_qq=50000 + 10 * i, youth_message_id=i,
                              latency_seconds=60, kind="reply", answered_at=now - timedelta(days=1))
        await Topic.create(cadre=cadre, title=f"话题{i}", created_at=now)
        await Case.create(youth_qq=50000 + 10 * i, category="difficulty", content=f"诉求内容{i}",
                          cadre=cadre, org_id=cadre.org_id, status="open",
                          created_at=now - timedelta(hours=50))
        await ContactSnapshot.create(cadre=cadre, month="2026-10", confirmed=1 + i, updated_at=now)
    return tree, {XIHU_CADRE: xihu, NINGBO_CADRE: ningbo, HANGZHOU_CADRE: hangzhou}
