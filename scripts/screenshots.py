"""Screenshots of the real app for the README: `make screenshots` (needs the built index and Debian's
Chromium). Serves the app on a free loopback port with a throwaway database, asks an Urdu question,
asks for a person, answers as an agent in the console, and saves three PNGs to docs/screenshots/."""

from __future__ import annotations

import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def main() -> int:
    import uvicorn
    from playwright.sync_api import expect, sync_playwright

    sys.path.insert(0, str(ROOT))
    from api.app import create_app
    from bot.config import load_config

    db = Path(tempfile.mkdtemp()) / "screens.sqlite"
    cfg = load_config(env={"DATABASE_URL": f"sqlite:///{db}"})
    app = create_app(cfg)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True).start()
    while not server.started:
        time.sleep(0.1)
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        expect.set_options(timeout=20_000)
        chat = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2).new_page()
        chat.goto(url + "/")
        chat.locator("#message-input").fill("نیا پاسپورٹ بنوانے کی فیس کتنی ہے؟")
        chat.locator("#message-input").press("Enter")
        expect(chat.locator(".msg--bot[data-message-id] .citations a").first).to_be_visible()
        chat.evaluate("document.fonts.ready.then(() => true)")
        chat.screenshot(path=str(OUT / "chat-urdu.png"))
        chat.locator("#human-button").click()
        expect(chat.locator("#handoff-banner")).to_be_visible()
        token = app.state.storage.add_staff("Ayesha", "agent")[1]
        console = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
        console.goto(url + "/agent")
        console.locator("#token-input").fill(token)
        console.locator("#login-button").click()
        console.locator(".queue-item").first.click()
        console.locator("#claim-button").click()
        console.locator("#reply-input").fill("السلام علیکم! میں عائشہ ہوں۔ آپ کو عام پاسپورٹ چاہیے یا ارجنٹ؟")
        console.locator("#reply-button").click()
        expect(chat.locator(".msg--agent").last).to_be_visible()
        console.locator("#status-filter").select_option("claimed")
        expect(console.locator(".queue-item").first).to_be_visible()
        chat.screenshot(path=str(OUT / "chat-handoff.png"))
        console.screenshot(path=str(OUT / "agent-console.png"))
        browser.close()
    server.should_exit = True
    print(f"wrote {OUT}/chat-urdu.png, chat-handoff.png, agent-console.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
