"""The public site in a real browser (headless Chromium through selenium) over the demo data:
pages render, the figures are those of `kinerja-bot ikm`, screenshots are not blank.

Needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs them); skipped otherwise.
With KINERJA_SCREENSHOTS=DIR the screenshots are also written there (docs/img for the docs).
"""

from __future__ import annotations

import asyncio
import io
import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from PIL import Image

from kinerja_bot.core.db import Database
from kinerja_bot.core.rules.periods import wib_today
from kinerja_bot.core.settings import Settings
from kinerja_bot.demo import load_demo
from kinerja_bot.ikm.texts import CLI_TEXTS
from kinerja_bot.transparency.command import site_application
from tests.survey.test_ikm import cli_env, run_cli  # noqa: F401  (cli_env: a fixture)

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
    pytest.skip(
        "headless browser test needs /usr/bin/chromium and /usr/bin/chromedriver "
        "(apt-get install chromium chromium-driver)",
        allow_module_level=True,
    )

from selenium.webdriver.common.by import By  # noqa: E402


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def site_url(settings: Settings) -> Iterator[str]:
    """The site served by uvicorn on 127.0.0.1 in a thread (its own event loop and engine)."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(site_application(settings), host="127.0.0.1", port=port, log_level="error")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started and thread.is_alive():
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join()


@pytest.fixture
def browser() -> Iterator[object]:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    options.add_argument("--window-size=420,900")  # a phone first
    service = webdriver.ChromeService(executable_path=str(CHROMEDRIVER))
    driver = webdriver.Chrome(options=options, service=service)
    try:
        yield driver
    finally:
        driver.quit()


def not_blank(png: bytes) -> bool:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    colours = image.getcolors(maxcolors=1_000_000) or []
    return len(colours) > 50


def keep(name: str, png: bytes) -> None:
    folder = os.environ.get("KINERJA_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / name).write_bytes(png)


async def cli_ikm(capsys: pytest.CaptureFixture[str], *args: str) -> str | None:
    """The last IKM `kinerja-bot ikm` prints (one service, or a unit tree's total): "85,27"."""
    await run_cli("ikm", *args)
    out = capsys.readouterr().out
    prefix = CLI_TEXTS.get("ikm_nilai", ikm="\x00", mutu="A", mutu_nama="x").split("\x00")[0]
    found = re.findall(re.escape(prefix) + r"([0-9.,]+)", out)
    return found[-1] if found else None


async def test_the_site_in_chromium_on_the_demo_data(
    database: Database,
    settings: Settings,
    cli_env: None,  # noqa: F811
    site_url: str,
    browser: webdriver.Chrome,
    capsys: pytest.CaptureFixture[str],
) -> None:
    await load_demo(database, wib_today())
    expected_service = await cli_ikm(capsys, "--layanan", "DUKCAPIL-KTP")
    expected_unit = await cli_ikm(capsys, "--unit", "DISDUKCAPIL")
    assert expected_service and expected_unit

    def visit(path: str, screenshot: str) -> str:
        browser.get(site_url + path)
        png = browser.get_screenshot_as_png()
        assert not_blank(png), path
        keep(screenshot, png)
        return str(browser.page_source)

    page = await asyncio.to_thread(visit, "/", "situs-kota.png")
    assert "Kota Tangerang Selatan" in browser.title or "Transparansi" in browser.title
    page = await asyncio.to_thread(visit, "/layanan/DUKCAPIL-KTP", "situs-layanan.png")
    shown = browser.find_element(By.CSS_SELECTOR, "p.ikm").text
    assert shown == expected_service
    trend = browser.find_element(By.CSS_SELECTOR, "svg.tren")
    assert trend.is_displayed()
    # Every label of the trend is drawn whole inside it (the last value's was cut off).
    outside = browser.execute_script(
        """const box = arguments[0].getBoundingClientRect();
        return [...arguments[0].querySelectorAll('text')].filter(t => {
            const r = t.getBoundingClientRect();
            return r.left < box.left || r.right > box.right;
        }).map(t => t.textContent);""",
        trend,
    )
    assert outside == []
    qr = browser.find_element(By.CSS_SELECTOR, "img[src$='qr.svg']")
    assert qr.get_attribute("alt")
    assert browser.execute_script("return arguments[0].naturalWidth", qr) > 0
    page = await asyncio.to_thread(visit, "/unit/DISDUKCAPIL", "situs-unit.png")
    assert browser.find_element(By.CSS_SELECTOR, "p.ikm").text == expected_unit
    browser.set_window_size(1280, 720)
    page = await asyncio.to_thread(visit, "/layar/DUKCAPIL-KTP", "situs-layar.png")
    assert browser.find_element(By.CSS_SELECTOR, "p.ikm").text == expected_service
    assert "<script" not in page
