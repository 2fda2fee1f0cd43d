"""The three issue scenarios against the REAL app (fixture corpus, fake embedder, SQLite), in Chromium:
an Urdu question gets an Urdu answer with a citation; asking for a person shows the handoff; an agent
replies in the console and the reply appears in the citizen's chat."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.api.browser.test_pages import DESKTOP, PHONE, ask, last_bot, sign_in
from tests.helpers import build_fixture_index, make_config

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not Path("/usr/bin/chromium").exists(),
                                                      reason="Chromium not found at /usr/bin/chromium")]


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any]]:
    import uvicorn

    from api.app import create_app

    tmp = tmp_path_factory.mktemp("live")
    cfg = make_config(tmp, answer={"answer_threshold": 0.2, "clarify_margin": 0.0})
    build_fixture_index(cfg)
    app = create_app(cfg)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the real app did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}", app
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def _page(browser: Any, url: str, viewport: dict[str, int] = PHONE) -> Any:
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(url)
    return page


def test_urdu_answer_handoff_and_agent_reply(browser: Any, live_server: tuple[str, Any]) -> None:
    from playwright.sync_api import expect

    expect.set_options(timeout=15_000)
    url, app = live_server
    chat = _page(browser, f"{url}/")
    ask(chat, "پاسپورٹ کی تجدید کی فیس کتنی ہے؟")
    bot = last_bot(chat)
    expect(bot).to_have_attribute("lang", "ur")
    expect(bot).to_contain_text("روپے")
    expect(bot.locator(".citations a").first).to_have_attribute("href", re.compile(r"^https://onlinemrp\.dgip\.gov\.pk/?$"))

    chat.locator("#human-button").click()
    expect(chat.locator("#handoff-banner")).to_be_visible()
    session_id = chat.evaluate("localStorage.getItem('rahnuma.sessionId')")

    token = app.state.storage.add_staff("Ayesha", "agent")[1]
    console = _page(browser, f"{url}/agent", DESKTOP)
    sign_in(console, token)
    row = console.locator(f'.queue-item[data-session-id="{session_id}"]')
    row.click()
    expect(console.locator("#transcript .msg--citizen").first).to_contain_text("پاسپورٹ")
    console.locator("#claim-button").click()
    reply = "جی، میں آپ کی پاسپورٹ فیس کے بارے میں مدد کرتی ہوں۔"
    console.locator("#reply-input").fill(reply)
    console.locator("#reply-button").click()
    expect(chat.locator(".msg--agent").last).to_contain_text(reply, timeout=20_000)
