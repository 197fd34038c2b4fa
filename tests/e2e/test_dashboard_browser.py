"""The dashboard in a real headless Chromium, against the real bot process.

Sign in with a /登录 link obtained through the OneBot simulator, see the overview,
filter the cadre list, open a cadre, download an export, import a roster with
one bad row, sign out from chat. Screenshots go to data/screenshots/ (gitignored).

Needs Debian's Chromium (/usr/bin/chromium); when it is missing the test tries
`apt-get install -y chromium` and skips only if that is impossible.
"""

import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.e2e.botproc import (
    ROOT,
    e2e_database_url,
    free_port,
    import_roster,
    start_bot,
    stop_bot,
)
from tests.simulator import OneBotSimulator

ORGS = "组织名称,上级组织,层级,管理员QQ\n浙江省委,,省,30001\n杭州市委,浙江省委,市,30002\n宁波市委,浙江省委,市,30003\n"
CADRES = "姓名,组织,类别,QQ\n张三,杭州市委,专职,20001\n赵六,杭州市委,兼职,20004\n王五,宁波市委,专职,20002\n"
UPLOAD = "姓名,组织,类别,QQ\n孙七,杭州市委,专职,20005\n周八,杭州市委,专职,not-a-qq\n"
HANGZHOU_ADMIN, ZHANG, Y1, Y2 = 30002, 20001, 50001, 50002
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run",
]
SHOTS = ROOT / "data" / "screenshots"


def chromium() -> str | None:
    """Debian's Chromium, installed with apt-get if missing and possible."""
    found = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if found or not shutil.which("apt-get"):
        return found
    for step in (["apt-get", "install", "-y", "chromium"], ["apt-get", "update"],
                 ["apt-get", "install", "-y", "chromium"]):
        try:
            subprocess.run(step, capture_output=True, timeout=900, check=False,
                           env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
        except (OSError, subprocess.TimeoutExpired):
            return None
        if Path("/usr/bin/chromium").exists():
            return "/usr/bin/chromium"
    return None


@pytest.fixture(scope="module")
def browser_path() -> str:
    path = chromium()
    if path is None:
        pytest.skip("Chromium not found and could not be installed (apt-get install -y chromium)")
    return path


@pytest.fixture(scope="module")
async def bot(tmp_path_factory):
    url = e2e_database_url("lianqing_e2e_dashboard")
    imported = import_roster(url, tmp_path_factory.mktemp("roster"), ORGS, CADRES)
    assert "团干部：新增 3" in imported.stdout, imported.stdout + imported.stderr
    port = free_port()
    process = await start_bot(url, port=port, DASHBOARD_BASE_URL=f"http://127.0.0.1:{port}/")
    yield process
    stop_bot(process)


@pytest.fixture(scope="module")
async def sim(bot):
    sim = OneBotSimulator(bot.ws_url, access_token=bot.access_token)
    async with sim.connected():
        yield sim


async def _some_data(sim: OneBotSimulator) -> None:
    """Two confirmed contacts of 张三 and an activity, through chat as users would."""
    for youth, field in ((Y1, "学生"), (Y2, "企业职工")):
        consent = await sim.ask_private(youth, f"/加入 1 {field}")
        assert "/同意" in consent, consent
        assert "谢谢！你已和" in await sim.ask_private(youth, "/同意")
    recorded = await sim.ask_private(ZHANG, "/活动 线下活动 今天 主题团日 西湖")
    assert "签到码" in recorded, recorded


# browser_path first: installing Chromium (apt-get, minutes on a fresh machine) blocks the test's
# event loop, and the simulator must not be connected meanwhile (its pongs would stop and
# uvicorn would close the connection after 20 s).
async def test_dashboard_in_chromium(browser_path: str, bot, sim: OneBotSimulator, tmp_path) -> None:
    from playwright.async_api import async_playwright

    await _some_data(sim)
    answer = await sim.ask_private(HANGZHOU_ADMIN, "/登录")
    link = re.search(r"http://127\.0\.0\.1:\d+/dashboard/login/\S+", answer)
    assert link, answer
    assert f"127.0.0.1:{bot.port}" in link.group(0)
    SHOTS.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots: {SHOTS}")

    requests: list[str] = []
    problems: list[str] = []
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=browser_path, args=CHROMIUM_ARGS)
        context = await browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        page = await context.new_page()
        page.on("request", lambda r: requests.append(r.url))
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)

        # Sign in: the link shows a button (chat link previews cannot spend it).
        await page.goto(link.group(0))
        await page.click("#enter")
        await page.wait_for_url(re.compile(r".*/dashboard/(orgs/\d+)?$"))
        assert await page.inner_text("h1") == "杭州市委"
        body = await page.inner_text("main")
        assert "团干部" in body and "未达标" in body and "已确认联系" in body
        assert await page.locator("canvas").count() == 3
        await page.wait_for_function("document.querySelectorAll('canvas').length === 3 && "
                                     "[...document.querySelectorAll('canvas')].every(c => c.width > 0)")
        await page.screenshot(path=str(SHOTS / "overview.png"), full_page=True)
        session_cookie = next(c for c in await context.cookies() if c.get("name") == "lianqing_session")
        assert session_cookie.get("httpOnly") and session_cookie.get("sameSite") == "Lax"

        # The cadre list, filtered to part-time cadres.
        await page.click("nav >> text=团干部")
        await page.wait_for_selector("#cadre-filters")
        rows = page.locator(".table-block table tbody tr")
        assert await rows.count() == 2  # 张三 and 赵六 (宁波 is another city)
        await page.select_option("select[name=category]", "part_time")
        await page.click("#apply-filters")
        await page.wait_for_load_state()
        assert await rows.count() == 1
        assert "赵六" in await rows.first.inner_text()
        await page.select_option("select[name=category]", "")
        await page.check("input[name=below]")
        await page.click("#apply-filters")
        await page.wait_for_load_state()
        assert await rows.count() == 2
        await page.screenshot(path=str(SHOTS / "cadres.png"), full_page=True)

        # One cadre.
        await page.click("text=张三")
        await page.wait_for_url(re.compile(r".*/dashboard/cadres/\d+$"))
        assert await page.inner_text("h1") == "共青团杭州市委张三"
        detail = await page.inner_text("main")
        assert "2 / 100" in detail and "主题团日" in detail
        assert await page.locator(".calendar td.on").count() == 1
        await page.screenshot(path=str(SHOTS / "cadre.png"), full_page=True)

        # Its export opens with openpyxl.
        async with page.expect_download() as info:
            await page.click("text=下载本页全部表格")
        download = await info.value
        saved = tmp_path / "cadre.xlsx"
        await download.save_as(saved)
        book = load_workbook(io.BytesIO(saved.read_bytes()))
        assert "活动" in book.sheetnames
        assert [c.value for c in book["活动"][2]][3] == "主题团日"

        # Roster import with one bad row: shown with its reason, then the good row imported.
        upload = tmp_path / "新团干部.csv"
        upload.write_text(UPLOAD, encoding="utf-8")
        await page.click("nav >> text=名册导入")
        await page.set_input_files("input[type=file]", str(upload))
        await page.click("#roster-upload button[type=submit]")
        await page.wait_for_selector("#roster-confirm")
        assert await page.inner_text("#error-count") == "1"
        preview = await page.inner_text("main")
        assert "不是有效的 QQ 号" in preview
        assert "not-a-qq" in preview and "孙七" in preview
        await page.screenshot(path=str(SHOTS / "roster-preview.png"), full_page=True)
        await page.click("#roster-confirm button[type=submit]")
        await page.wait_for_selector("#cadres-created")
        assert await page.inner_text("#cadres-created") == "1"
        await page.screenshot(path=str(SHOTS / "roster-done.png"), full_page=True)

        # The problem list page renders for the administrator.
        await page.click("nav >> text=问题清单")
        await page.wait_for_selector("#problem-filters")
        await page.screenshot(path=str(SHOTS / "problems.png"), full_page=True)

        # A phone screen.
        phone = await browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
        # A copy: add_cookies is typed to take a SetCookieParam, not the Cookie that cookies() gives.
        await phone.add_cookies([{**session_cookie}])
        small = await phone.new_page()
        await small.goto(f"http://127.0.0.1:{bot.port}/dashboard/")
        assert await small.inner_text("h1") == "杭州市委"
        width = await small.evaluate("document.documentElement.scrollWidth")
        assert width <= 400, f"the page is wider than a phone screen: {width}px"
        await small.screenshot(path=str(SHOTS / "overview-phone.png"), full_page=True)
        await phone.close()

        # /退出登录 in chat ends the browser's session.
        assert "已退出管理后台" in await sim.ask_private(HANGZHOU_ADMIN, "/退出登录")
        await page.goto(f"http://127.0.0.1:{bot.port}/dashboard/")
        assert "请先登录" in await page.inner_text("main")
        await browser.close()

    outside = [u for u in requests if not u.startswith(f"http://127.0.0.1:{bot.port}/")]
    assert outside == [], f"the dashboard fetched from elsewhere: {outside}"
    # The 401 page after signing out is expected; nothing else may fail.
    assert [p for p in problems if "401" not in p] == []
    assert (SHOTS / "overview.png").stat().st_size > 10_000
