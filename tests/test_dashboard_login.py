"""Dashboard sign-in: /登录 links (one use, 10 minutes, hashed), sessions, sign-out."""

import re
from datetime import timedelta

from nonebug import App

from models import Admin, DashboardToken
from plugins.core import clock
from plugins.dashboard import tokens
from tests.helpers import Contains, converse, group, private
from tests.narrow import found
from tests.seed import HANGZHOU_ADMIN, make_cadre, seed_tree
from tests.test_dashboard_support import csrf_of, sign_in, web_fixture  # noqa: F401

LINK = "http://127.0.0.1:8080/dashboard/login/"
_NONCE = re.compile(r'name="nonce" value="([^"]+)"')


async def _press_enter(web, secret: str):
    page = await web.get(f"/dashboard/login/{secret}")
    assert page.status_code == 200
    return await web.post(f"/dashboard/login/{secret}", data={"nonce": found(_NONCE, page.text)})


async def test_login_command_sends_a_private_link_to_staff_only(app: App) -> None:
    tree = await seed_tree()
    await make_cadre(20001, "张三", tree.xihu)
    await converse(app, private(HANGZHOU_ADMIN, "/登录"), Contains(LINK, "10 分钟内有效", "只能使用一次"))
    await converse(app, private(20001, "/登录"), Contains(LINK))
    await converse(app, private(50001, "/登录"), Contains("这条指令只供团干部和组织管理员使用"))
    await converse(app, group(800, 20001, "/登录"), Contains("登录链接只能私聊发送"))
    links = await DashboardToken.filter(kind="link").order_by("id")
    assert [t.qq for t in links] == [HANGZHOU_ADMIN, 20001]
    assert all(len(t.token_hash) == 64 for t in links)


async def test_a_link_opens_one_session_once(web) -> None:
    await seed_tree()
    secret = await tokens.issue_link(HANGZHOU_ADMIN, 10)
    stored = await DashboardToken.get(kind="link")
    assert stored.token_hash != secret and secret not in stored.token_hash  # only the hash is kept

    opened = await _press_enter(web, secret)
    assert opened.status_code == 303 and opened.headers["location"] == "/dashboard/"
    cookie = opened.headers["set-cookie"]
    assert "lianqing_session=" in cookie and "HttpOnly" in cookie
    assert "samesite=lax" in cookie.lower() and "Path=/dashboard" in cookie
    assert (await web.get("/dashboard/")).status_code == 200

    again = await web.get(f"/dashboard/login/{secret}")
    assert again.status_code == 400 and "已经用过或已过期" in again.text
    assert (await web.post(f"/dashboard/login/{secret}", data={"nonce": "x"})).status_code == 403


async def test_the_link_is_spent_once_even_with_the_form(web) -> None:
    await seed_tree()
    secret = await tokens.issue_link(HANGZHOU_ADMIN, 10)
    page = await web.get(f"/dashboard/login/{secret}")
    nonce = found(_NONCE, page.text)
    assert (await web.post(f"/dashboard/login/{secret}", data={"nonce": nonce})).status_code == 303
    web.cookies.set("lianqing_login", nonce, domain="testserver.local", path="/dashboard/login")
    replay = await web.post(f"/dashboard/login/{secret}", data={"nonce": nonce})
    assert replay.status_code == 400 and "已经用过或已过期" in replay.text
    assert await DashboardToken.filter(kind="session").count() == 1


async def test_a_link_expires_after_ten_minutes(web) -> None:
    await seed_tree()
    secret = await tokens.issue_link(HANGZHOU_ADMIN, 10)
    clock.set_now(clock.now() + timedelta(minutes=10, seconds=1))
    assert (await web.get(f"/dashboard/login/{secret}")).status_code == 400
    assert await tokens.redeem_link(secret, 12) is None


async def test_a_new_link_cancels_the_previous_one(web) -> None:
    await seed_tree()
    first = await tokens.issue_link(HANGZHOU_ADMIN, 10)
    second = await tokens.issue_link(HANGZHOU_ADMIN, 10)
    assert (await web.get(f"/dashboard/login/{first}")).status_code == 400
    assert (await _press_enter(web, second)).status_code == 303


async def test_the_login_form_needs_its_own_page(web) -> None:
    """A POST without the page's nonce cookie (another site, a script) opens nothing."""
    await seed_tree()
    secret = await tokens.issue_link(HANGZHOU_ADMIN, 10)
    answer = await web.post(f"/dashboard/login/{secret}", data={"nonce": "guess"})
    assert answer.status_code == 403
    assert await tokens.link_valid(secret)


async def test_sessions_expire(web) -> None:
    await seed_tree()
    await sign_in(web, HANGZHOU_ADMIN)
    clock.set_now(clock.now() + timedelta(hours=12, seconds=1))
    answer = await web.get("/dashboard/")
    assert answer.status_code == 401 and "/登录" in answer.text


async def test_logout_button_and_chat_command_end_sessions(app: App, web) -> None:
    await seed_tree()
    csrf = await sign_in(web, HANGZHOU_ADMIN)
    assert (await web.post("/dashboard/logout", data={})).status_code == 403
    out = await web.post("/dashboard/logout", data={"csrf": csrf})
    assert out.status_code == 303 and out.headers["location"] == "/dashboard/logged-out"
    assert (await web.get("/dashboard/")).status_code == 401
    assert "已退出登录" in (await web.get("/dashboard/logged-out")).text

    await sign_in(web, HANGZHOU_ADMIN)
    await converse(app, private(HANGZHOU_ADMIN, "/退出登录"), Contains("已退出管理后台", "1 个登录"))
    assert (await web.get("/dashboard/")).status_code == 401
    await converse(app, private(HANGZHOU_ADMIN, "/退出登录"), Contains("你目前没有登录管理后台"))


async def test_rights_are_read_on_every_request(web) -> None:
    await seed_tree()
    await sign_in(web, HANGZHOU_ADMIN)
    await Admin.filter(qq=HANGZHOU_ADMIN).delete()
    answer = await web.get("/dashboard/")
    assert answer.status_code == 403 and "两者都不是" in answer.text


async def test_pages_carry_security_headers(web) -> None:
    await seed_tree()
    await sign_in(web, HANGZHOU_ADMIN)
    for url, status in (("/dashboard/", 200), ("/dashboard/cadres/999", 404)):
        answer = await web.get(url)
        assert answer.status_code == status
        assert "script-src 'self'" in answer.headers["content-security-policy"]
        assert answer.headers["cache-control"] == "no-store"
        assert answer.headers["referrer-policy"] == "no-referrer"
        assert answer.headers["x-frame-options"] == "DENY"
    assert csrf_of((await web.get("/dashboard/")).text)
