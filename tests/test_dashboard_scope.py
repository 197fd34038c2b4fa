"""The subtree rule on every dashboard route, and CSRF on every form.

A county administrator must not reach another county (or the city above) by
editing an id in a URL or a form; lists and downloads hold only their subtree.
"""

import io

from openpyxl import load_workbook

from plugins.dashboard.app import route_table
from tests.test_dashboard_support import (
    NINGBO_CADRE,
    PROVINCE_ADMIN,
    XIHU_ADMIN,
    XIHU_CADRE,
    client,
    sign_in,
    web_fixture,  # noqa: F401
    world,
)

PUBLIC = {
    ("GET", "/dashboard/login/{secret}"),
    ("POST", "/dashboard/login/{secret}"),
    ("GET", "/dashboard/logged-out"),
}
SIGNED_IN = {
    ("POST", "/dashboard/logout"),
    ("GET", "/dashboard/"),
    ("GET", "/dashboard/orgs/{org_id}"),
    ("GET", "/dashboard/export.xlsx"),
    ("GET", "/dashboard/orgs/{org_id}/export.xlsx"),
    ("GET", "/dashboard/cadres"),
    ("POST", "/dashboard/cadres"),
    ("GET", "/dashboard/cadres/export.xlsx"),
    ("POST", "/dashboard/cadres/export.xlsx"),
    ("GET", "/dashboard/cadres/{cadre_id}"),
    ("GET", "/dashboard/cadres/{cadre_id}/export.xlsx"),
    ("GET", "/dashboard/problems"),
    ("GET", "/dashboard/problems/export.xlsx"),
    ("GET", "/dashboard/problems/{case_id}"),
    ("GET", "/dashboard/problems/{case_id}/export.xlsx"),
    ("GET", "/dashboard/roster"),
    ("POST", "/dashboard/roster/preview"),
    ("POST", "/dashboard/roster/import"),
    ("GET", "/dashboard/roster/{key}/errors.xlsx"),
}
POSTS = sorted(path for method, path in SIGNED_IN if method == "POST")


def _routes() -> set[tuple[str, str]]:
    return route_table()


def _fill(path: str, **ids: int | str) -> str:
    for name, value in ids.items():
        path = path.replace("{" + name + "}", str(value))
    return path


def test_every_route_is_covered_here() -> None:
    """A new route must be added to these tables (and so to the checks below)."""
    assert _routes() == PUBLIC | SIGNED_IN


async def test_signed_out_requests_are_refused_everywhere(web) -> None:
    tree, cadres = await world()
    for method, path in sorted(SIGNED_IN):
        url = _fill(path, org_id=tree.xihu.id, cadre_id=cadres[XIHU_CADRE].id, case_id=1, key="k")
        answer = await web.request(method, url, data={"csrf": "x"} if method == "POST" else None)
        assert answer.status_code == 401, (method, path, answer.status_code)
        assert "/登录" in answer.text


async def test_county_admin_cannot_reach_another_county_by_id(web) -> None:
    tree, cadres = await world()
    csrf = await sign_in(web, XIHU_ADMIN)
    ningbo_cadre = cadres[NINGBO_CADRE].id
    foreign = [
        ("GET", f"/dashboard/?org={tree.ningbo.id}", None),
        ("GET", f"/dashboard/orgs/{tree.ningbo.id}", None),
        ("GET", f"/dashboard/orgs/{tree.hangzhou.id}", None),  # the city above
        ("GET", f"/dashboard/orgs/{tree.province.id}", None),
        ("GET", f"/dashboard/orgs/{tree.ningbo.id}/export.xlsx", None),
        ("GET", f"/dashboard/orgs/{tree.hangzhou.id}/export.xlsx", None),
        ("GET", f"/dashboard/cadres?org={tree.ningbo.id}", None),
        ("POST", "/dashboard/cadres", {"csrf": csrf, "org": str(tree.ningbo.id)}),
        ("GET", f"/dashboard/cadres/export.xlsx?org={tree.ningbo.id}", None),
        ("POST", "/dashboard/cadres/export.xlsx", {"csrf": csrf, "org": str(tree.hangzhou.id)}),
        ("GET", f"/dashboard/cadres/{ningbo_cadre}", None),
        ("GET", f"/dashboard/cadres/{cadres[20003].id}", None),  # 杭州市委's cadre
        ("GET", f"/dashboard/cadres/{ningbo_cadre}/export.xlsx", None),
        ("GET", "/dashboard/problems/2", None),  # 宁波's case
        ("GET", "/dashboard/problems/3", None),  # 杭州市委's case
        ("GET", "/dashboard/problems/2/export.xlsx", None),
        ("GET", "/dashboard/cadres/999999", None),
        ("GET", "/dashboard/cadres/abc", None),
        ("GET", "/dashboard/problems/999999", None),
        ("GET", "/dashboard/orgs/-1", None),
    ]
    for method, url, form in foreign:
        answer = await web.request(method, url, data=form)
        assert answer.status_code == 404, (method, url, answer.status_code)
        assert "没有找到，或不在你管辖的范围内" in answer.text
    # Their own subtree works.
    assert (await web.get(f"/dashboard/orgs/{tree.xihu.id}")).status_code == 200
    assert (await web.get(f"/dashboard/cadres/{cadres[XIHU_CADRE].id}")).status_code == 200
    assert (await web.get("/dashboard/problems/1")).status_code == 200


def _workbook_text(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content))
    return " ".join(str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row)


async def test_lists_and_downloads_hold_only_the_subtree(web) -> None:
    await world()
    csrf = await sign_in(web, XIHU_ADMIN)
    pages = {
        "/dashboard/": "GET", "/dashboard/cadres": "GET", "/dashboard/problems?period=all": "GET",
        "/dashboard/export.xlsx": "GET", "/dashboard/cadres/export.xlsx": "GET",
        "/dashboard/problems/export.xlsx?period=all": "GET",
    }
    for url, method in pages.items():
        answer = await web.request(method, url)
        assert answer.status_code == 200, url
        text = _workbook_text(answer.content) if url.split("?")[0].endswith(".xlsx") else answer.text
        assert "张三" in text or "诉求内容0" in text, url
        for outsider in ("王五", "李四", "宁波市委", "诉求内容1", "诉求内容2"):
            assert outsider not in text, (url, outsider)
    searched = await web.post("/dashboard/cadres", data={"csrf": csrf, "q": "王五"})
    assert "王五" not in searched.text.replace('value="王五"', "")


async def test_a_cadre_sees_only_their_own_page(web) -> None:
    tree, cadres = await world()
    await sign_in(web, XIHU_CADRE)
    home = await web.get("/dashboard/")
    assert home.status_code == 303 and home.headers["location"] == f"/dashboard/cadres/{cadres[XIHU_CADRE].id}"
    assert (await web.get(f"/dashboard/cadres/{cadres[XIHU_CADRE].id}")).status_code == 200
    assert (await web.get(f"/dashboard/cadres/{cadres[XIHU_CADRE].id}/export.xlsx")).status_code == 200
    assert (await web.get(f"/dashboard/cadres/{cadres[NINGBO_CADRE].id}")).status_code == 404
    for url in (f"/dashboard/orgs/{tree.xihu.id}", "/dashboard/cadres", "/dashboard/export.xlsx",
                "/dashboard/cadres/export.xlsx", "/dashboard/roster", f"/dashboard/orgs/{tree.xihu.id}/export.xlsx"):
        answer = await web.get(url)
        assert answer.status_code in (403, 404), url
    problems = await web.get("/dashboard/problems?period=all")
    assert "诉求内容0" in problems.text and "诉求内容1" not in problems.text
    assert (await web.get("/dashboard/problems/1")).status_code == 200
    assert (await web.get("/dashboard/problems/2")).status_code == 404
    assert (await web.get("/dashboard/roster/k/errors.xlsx")).status_code == 403


async def test_province_admin_sees_the_whole_province(web) -> None:
    tree, cadres = await world()
    await sign_in(web, PROVINCE_ADMIN)
    assert (await web.get(f"/dashboard/orgs/{tree.ningbo.id}")).status_code == 200
    assert (await web.get(f"/dashboard/cadres/{cadres[NINGBO_CADRE].id}")).status_code == 200
    assert (await web.get("/dashboard/problems/2")).status_code == 200


async def test_every_form_checks_its_csrf_token(web) -> None:
    await world()
    await sign_in(web, XIHU_ADMIN)
    async with client() as other:
        foreign_token = await sign_in(other, PROVINCE_ADMIN)
    for path in POSTS:
        for form in ({}, {"csrf": ""}, {"csrf": foreign_token}, {"csrf": "0" * 64}):
            answer = await web.post(path, data=form)
            assert answer.status_code == 403, (path, form, answer.status_code)
            assert "表单已失效" in answer.text
    assert (await web.get("/dashboard/")).status_code == 200  # the logout above was refused
