"""The pages in a real browser (Playwright driving Debian's Chromium), as the three kinds of users
use them. Screenshots of each page go to var/screenshots/."""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, unavailable
from service_support import free_port, start_server, zipped

CHROMIUM = "/usr/bin/chromium"
SHOTS = ROOT / "var" / "screenshots"
MISSING = "Chromium is not installed at /usr/bin/chromium (Debian's chromium): the browser tests cannot run here; .ci/run installs it"
USERS = (("chaohui", "street", "朝晖街道"), ("chaoming", "street", "潮鸣街道"), ("clerk", "clerk", None), ("archivist", "archivist", None))


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        unavailable(MISSING)
    data = tmp_path_factory.mktemp("browser") / "data"
    env = {**os.environ, "JIUGAI_DATA_DIR": str(data)}
    cli = [sys.executable, "-m", "service"]
    tokens = {}
    for name, role, street in USERS:
        subprocess.run([*cli, "user", "add", name, "--role", role, *(["--street", street] if street else [])],
                       input=f"pw-{name}\n", env=env, check=True, capture_output=True, text=True)
        tokens[name] = subprocess.run([*cli, "token", "create", name], env=env, check=True, capture_output=True, text=True).stdout.strip()
    port = free_port()
    process = start_server(env, port)
    base = f"http://127.0.0.1:{port}"
    yield base, tokens, data
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def chromium(shots: Path):
    """Debian's Chromium under Playwright, headless and offline, for a module's tests (a fixture body)."""
    from playwright.sync_api import sync_playwright

    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield b
        b.close()


@pytest.fixture(scope="module")
def browser(server):
    yield from chromium(SHOTS)


def sign_in(browser, base: str, name: str):
    context = browser.new_context(accept_downloads=True, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{base}/")
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(f"pw-{name}")
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    return page


def shot(page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def api_submit(base: str, token: str, folder: Path) -> dict:
    req = urllib.request.Request(f"{base}/api/v1/packages", data=zipped(folder), method="POST",
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/zip"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.load(r)


def upload(page, folder: Path, tmp_path: Path):
    target = tmp_path / f"{folder.name}.zip"
    target.write_bytes(zipped(folder))
    page.get_by_label("材料包（含 package.json 和附件的 .zip 文件）").set_input_files(str(target))
    page.get_by_role("button", name="上传并检查").click()
    page.wait_for_url(re.compile(r".*/packages/\d+$"))


def test_a_street_office_uploads_reads_its_findings_and_prints_its_notice(server, browser, tmp_path):
    base, _tokens, _data = server
    page = sign_in(browser, base, "chaohui")
    assert page.url.endswith("/street")
    shot(page, "street-home")
    upload(page, FIXTURES / "declaration" / "consent-double-two-thirds", tmp_path)
    row = page.locator("tr", has=page.locator("code", has_text="/consent/renovation/owners"))
    assert "1099" in row.inner_text() and "未达三分之二" in row.inner_text() and "CONSENT-DOUBLE-TWO-THIRDS" in row.inner_text()
    assert "业主意见 › 同意改造 › 业主人数" in row.inner_text()
    shot(page, "package-rejected")
    page.goto(f"{base}/street")
    upload(page, FIXTURES / "examples" / "declaration", tmp_path)
    assert "材料包符合实施方案的各项规定" in page.inner_text("main")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 PDF").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF") and "公示" in saved.name
    shot(page, "package-accepted")
    page.goto(f"{base}/street")
    assert page.locator("table.cards", has_text="收到时间").locator("tbody tr").count() == 2
    page.context.close()


def test_a_clerk_filters_and_downloads(server, browser, tmp_path):
    base, tokens, _data = server
    api_submit(base, tokens["chaoming"], FIXTURES / "declaration" / "huilongmiaoqian-valid")
    page = sign_in(browser, base, "clerk")
    page.get_by_label("街道").select_option("朝晖街道")
    page.get_by_label("状态").select_option("accepted")
    page.get_by_role("button", name="筛选").click()
    rows = page.locator("tbody tr")
    assert rows.count() >= 1 and all("朝晖街道" in rows.nth(i).inner_text() for i in range(rows.count()))
    assert "回龙庙前" not in page.inner_text("main")
    shot(page, "clerk-packages")
    rows.first.get_by_role("link").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 Word").click()
    saved = tmp_path / "doc.docx"
    download.value.save_as(saved)
    assert saved.read_bytes()[:2] == b"PK"
    page.goto(f"{base}/overview")
    assert "朝晖街道" in page.inner_text("#streets-table") and "潮鸣街道" in page.inner_text("#streets-table")
    assert page.locator("figure svg").count() == 3 and page.locator("figure svg").first.is_visible()
    shot(page, "clerk-overview")
    page.context.close()


def test_an_archivist_records_a_receipt(server, browser):
    base, tokens, _data = server
    # The district's 计划确定 comes between the declaration and the acceptance (PROJECT-APPROVED).
    req = urllib.request.Request(f"{base}/api/v1/packages?stage=declaration&status=accepted&project=XC-2020-007",
                                 headers={"Authorization": f"Bearer {tokens['clerk']}"})
    declaration = json.load(urllib.request.urlopen(req))["items"][0]
    req = urllib.request.Request(f"{base}/api/v1/packages/{declaration['id']}/approval", method="POST",
                                 data=json.dumps({"approved": True, "approved_budget_yuan": json.loads(
                                     (FIXTURES / "examples" / "declaration" / "package.json").read_text())["plan"]["total_budget_yuan"]}).encode(),
                                 headers={"Authorization": f"Bearer {tokens['clerk']}", "Content-Type": "application/json"})
    urllib.request.urlopen(req).close()
    for stage in ("acceptance", "handover"):
        assert api_submit(base, tokens["chaohui"], FIXTURES / "examples" / stage)["status"] == "accepted"
    page = sign_in(browser, base, "archivist")
    assert page.url.endswith("/archive")
    row = page.locator("tr", has_text="XC-2020-007")
    row.get_by_label("接收人").fill("区档案馆 李娜")
    row.get_by_label("日期").fill("2021-03-05")
    row.get_by_role("button", name="登记接收").click()
    page.wait_for_load_state()
    assert "已登记接收" in page.inner_text("main") and "区档案馆 李娜 于 2021-03-05 接收" in page.inner_text("main")
    shot(page, "archive")
    page.get_by_role("link", name="四性检测报告").click()
    assert "全部检测项通过" in page.inner_text("main")
    shot(page, "four-property")
    page.context.close()


def test_another_street_sees_none_of_it(server, browser):
    base, _tokens, _data = server
    page = sign_in(browser, base, "chaoming")
    text = page.inner_text("main")
    assert "朝晖一区" not in text and "回龙庙前" in text
    page.goto(f"{base}/packages/1")
    assert "未找到" in page.inner_text("main")
    shot(page, "other-street-404")
    page.context.close()


def test_the_english_switch_is_remembered(server, browser):
    base, _tokens, _data = server
    page = sign_in(browser, base, "clerk")
    page.get_by_role("link", name="English").click()
    assert "Packages" in page.inner_text("header") and "Filter" in page.inner_text("main")
    page.goto(f"{base}/overview")
    assert "Plan-year overview" in page.inner_text("main")
    shot(page, "overview-english")
    page.get_by_role("link", name="中文").click()
    assert "年度计划汇总" in page.inner_text("main")
    page.context.close()


def test_verification_page_for_a_scanned_qr_code(server, browser):
    base, tokens, _data = server
    req = urllib.request.Request(f"{base}/api/v1/packages?stage=declaration&status=accepted&street=朝晖街道".replace("朝晖街道", "%E6%9C%9D%E6%99%96%E8%A1%97%E9%81%93"),
                                 headers={"Authorization": f"Bearer {tokens['chaohui']}"})
    pid = json.load(urllib.request.urlopen(req))["items"][0]["id"]
    req = urllib.request.Request(f"{base}/api/v1/packages/{pid}/documents/notice.pdf", headers={"Authorization": f"Bearer {tokens['chaohui']}"})
    number = urllib.request.urlopen(req).headers["X-Document-Number"]
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.goto(f"{base}/verify/{number}")
    assert f"本服务签发过编号为 {number} 的文书" in page.inner_text("main")
    shot(page, "verify")
    context.close()


def test_pages_have_labels_and_work_at_200_percent_zoom(server, browser):
    base, _tokens, _data = server
    page = sign_in(browser, base, "chaohui")
    for field in page.locator("input:not([type=hidden]), select, textarea").all():
        ident = field.get_attribute("id")
        assert ident and page.locator(f"label[for='{ident}']").count() == 1, ident
    page.set_viewport_size({"width": 640, "height": 900})  # a 1280-pixel screen at 200 % zoom
    for path in ("/street", "/packages", "/packages/1"):
        page.goto(base + path)
        assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1"), path
    shot(page, "street-zoom-200")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") in ("跳到正文",)
    page.context.close()
