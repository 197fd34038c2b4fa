"""Bounded uploads and bodies: limits hold while a body streams, hostile files get a readable page."""

import io
import re
import time
import zipfile

from openpyxl import Workbook

from tests.narrow import active_sheet
from tests.seed import seed_tree
from tests.test_dashboard_support import XIHU_ADMIN, sign_in, web_fixture  # noqa: F401


def hostile_dimension_xlsx() -> bytes:
    """A tiny workbook whose sheet claims to span A1:XFD1048576 (every row and column)."""
    book = Workbook()
    sheet = active_sheet(book)
    sheet.append(["姓名", "组织", "类别", "QQ"])
    sheet.append(["孙七", "杭州市西湖区委", "专职", "20005"])
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:XFD1048576"', data)
            dst.writestr(item, data)
    return out.getvalue()


async def upload(web, csrf: str, name: str, data: bytes, kind: str = "application/octet-stream"):
    return await web.post("/dashboard/roster/preview", data={"csrf": csrf}, files={"files": (name, data, kind)})


async def test_a_sheet_claiming_a_million_rows_is_refused_quickly(web) -> None:
    await seed_tree()
    csrf = await sign_in(web, XIHU_ADMIN)
    data = hostile_dimension_xlsx()
    assert len(data) < 8 * 1024
    started = time.monotonic()
    page = await upload(web, csrf, "名册.xlsx", data)
    assert time.monotonic() - started < 2
    assert page.status_code == 400
    assert "第 20001 行起" in page.text and "名册最多 20000 行" in page.text


async def test_malformed_files_give_a_readable_page_never_a_server_error(web) -> None:
    await seed_tree()
    csrf = await sign_in(web, XIHU_ADMIN)
    huge_field = ("姓名,组织,类别,QQ\n\"" + "长" * 140_000 + "\",杭州市西湖区委,专职,20005\n").encode()
    cases = [
        ("名册.csv", huge_field, "CSV 格式有误"),
        ("名册.xlsx", b"PK\x03\x04 not really a zip", "不是有效的 .xlsx 文件"),
        ("名册.xlsx", zip_with({"xl/workbook.xml": b"<not xml"}), "无法读取 Excel 文件"),
        ("名册.xlsx", zip_with({"bomb.txt": b"0" * (101 * 1024 * 1024)}), "解压后太大"),
        ("名册.csv", b"\xff\xfe\x00garbage\xff", "编码无法识别"),
    ]
    for name, data, expected in cases:
        page = await upload(web, csrf, name, data)
        assert page.status_code == 400, (expected, page.status_code, page.text[:300])
        assert expected in page.text, (expected, page.text[:500])


def zip_with(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return out.getvalue()


async def test_only_ten_columns_are_read(web) -> None:
    await seed_tree()
    csrf = await sign_in(web, XIHU_ADMIN)
    wide = ("姓名,组织,类别,QQ" + ",多余" * 5000 + "\n孙七,杭州市西湖区委,专职,20005" + ",x" * 5000 + "\n").encode()
    page = await upload(web, csrf, "名册.csv", wide)
    assert page.status_code == 200 and "孙七" in page.text


async def test_a_streamed_body_over_the_limit_is_cut_off_without_content_length(web) -> None:
    await seed_tree()
    await sign_in(web, XIHU_ADMIN)
    sent = 0

    async def endless():
        nonlocal sent
        for _ in range(1000):  # up to 64 MB if nobody stops reading
            sent += 65536
            yield b"q=" + b"x" * 65534

    page = await web.post("/dashboard/cadres", content=endless(),
                          headers={"content-type": "application/x-www-form-urlencoded"})
    assert page.status_code == 413
    assert sent <= 4 * 65536


async def test_the_login_post_checks_its_cookie_before_reading_the_form(web) -> None:
    from plugins.dashboard import tokens

    secret = await tokens.issue_link(XIHU_ADMIN, 10)
    big = b"nonce=" + b"x" * 200_000  # would be refused as too large if it were read first
    page = await web.post(f"/dashboard/login/{secret}", content=big,
                          headers={"content-type": "application/x-www-form-urlencoded", "content-length": "10"})
    assert page.status_code == 403 and "请从登录链接打开的页面" in page.text


async def test_a_declared_oversized_upload_is_refused_before_it_is_read(web) -> None:
    await seed_tree()
    csrf = await sign_in(web, XIHU_ADMIN)
    data = b"x" * (6 * 1024 * 1024)
    page = await upload(web, csrf, "名册.csv", data)
    assert page.status_code == 413 and "文件太大，最多 5 MB" in page.text

