"""Browser tests for the web chat (/) and the agent console (/agent) in headless Chromium.

Integration scenarios run against ``server_url`` (the fake API in fake_backend.py for now); the
UI-only cases (errors, clarify, emergency, escaping) stub /v1/chat with Playwright routes so they
do not depend on what the pipeline answers. Set RAHNUMA_SCREENSHOTS=1 to (re)write
docs/screenshots/*.png from these runs.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Chromium not found at /usr/bin/chromium (install it with: apt-get install -y chromium)",
    ),
]

SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}
SMALL_PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
URDU_QUESTION = "شناختی کارڈ کی تجدید کیسے کروں؟"
HANDOFF_BANNER_UR = "آپ کو ایک نمائندے سے ملایا جا رہا ہے"
HANDOFF_BANNER_EN = "Connecting you to a person"

FONT_LOADED_JS = """async () => {
  await document.fonts.ready;
  return [...document.fonts].some((face) => face.family.replace(/["']/g, '') === 'Noto Nastaliq Urdu'
    && face.status === 'loaded' && /U\\+6/i.test(face.unicodeRange));
}"""

UNLABELLED_CONTROLS_JS = """() => {
  const missing = [];
  for (const node of document.querySelectorAll('button, input, textarea, select, a[href]')) {
    const labels = node.labels ? [...node.labels].map((label) => label.textContent).join(' ') : '';
    const name = node.getAttribute('aria-label') || labels || node.textContent || '';
    if (!name.trim()) missing.push(node.outerHTML.slice(0, 120));
  }
  return missing;
}"""

LOW_CONTRAST_JS = """() => {
  const parse = (value) => {
    const match = value.match(/rgba?\\(([^)]+)\\)/);
    if (!match) return null;
    const parts = match[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return { r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1 };
  };
  const channel = (v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = (c) => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
  const background = (node) => {
    for (let n = node; n; n = n.parentElement) {
      const colour = parse(getComputedStyle(n).backgroundColor);
      if (colour && colour.a > 0.5) return colour;
    }
    return { r: 255, g: 255, b: 255, a: 1 };
  };
  const bad = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let checked = 0;
  while (walker.nextNode()) {
    const text = walker.currentNode;
    const node = text.parentElement;
    if (!text.textContent.trim() || !node.getClientRects().length) continue;
    if (node.closest('.visually-hidden, [hidden], button:disabled')) continue;
    const fg = parse(getComputedStyle(node).color);
    const bg = background(node);
    const [hi, lo] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
    const ratio = (hi + 0.05) / (lo + 0.05);
    checked += 1;
    const where = `${node.tagName}.${node.className}: ${text.textContent.trim().slice(0, 40)}`;
    if (ratio < 4.5) bad.push(`${ratio.toFixed(2)} ${where}`);
  }
  return { checked, bad };
}"""


@dataclass
class Opened:
    page: Any
    errors: list[str] = field(default_factory=list)

    def assert_no_script_errors(self) -> None:
        assert self.errors == [], f"JavaScript errors on {self.page.url}: {self.errors}"


@pytest.fixture(autouse=True)
def _expect_timeout() -> None:
    from playwright.sync_api import expect

    expect.set_options(timeout=10_000)


@pytest.fixture
def open_page(browser: Any) -> Iterator[Callable[..., Opened]]:
    """Open a URL in a fresh browser context (fresh localStorage); collects uncaught JS errors."""
    contexts: list[Any] = []

    def _open(url: str, viewport: dict[str, int] = PHONE) -> Opened:
        context = browser.new_context(viewport=viewport, device_scale_factor=2)
        contexts.append(context)
        page = context.new_page()
        opened = Opened(page)
        page.on("pageerror", lambda exc: opened.errors.append(str(exc)))
        page.on(
            "console",
            lambda msg: (
                opened.errors.append(msg.text)
                if msg.type == "error" and not msg.text.startswith("Failed to load resource")
                else None
            ),
        )
        page.goto(url)
        return opened

    yield _open
    for context in contexts:
        context.close()


def screenshot(page: Any, name: str) -> None:
    """Write docs/screenshots/<name> only when RAHNUMA_SCREENSHOTS=1."""
    if os.environ.get("RAHNUMA_SCREENSHOTS") != "1":
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("document.fonts.ready.then(() => true)")
    page.screenshot(path=str(SCREENSHOTS / name), scale="device")


def ask(page: Any, text: str) -> None:
    box = page.locator("#message-input")
    box.fill(text)
    box.press("Enter")


def last_bot(page: Any) -> Any:
    return page.locator(".msg--bot[data-message-id]").last


def sign_in(page: Any, token: str) -> None:
    page.locator("#token-input").fill(token)
    page.locator("#login-button").click()


def reply_json(**overrides: Any) -> dict[str, Any]:
    """A /v1/chat response in the contract's shape, for routed (stubbed) requests."""
    reply: dict[str, Any] = {
        "session_id": "routedsession",
        "message_id": "routedmessage1",
        "outcome": "answered",
        "handoff": False,
        "handoff_reason": None,
        "language": "ur",
        "detected_language": "ur",
        "answer": "جواب",
        "confidence": 0.9,
        "service_id": None,
        "section": None,
        "options": [],
        "citations": [],
    }
    reply.update(overrides)
    return reply


# ---------- integration scenarios (server_url) ----------


def test_urdu_question_gets_urdu_answer_with_citation(
    open_page: Callable[..., Opened], server_url: str
) -> None:
    from playwright.sync_api import expect

    chat = open_page(f"{server_url}/")
    page = chat.page
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ur")
    expect(page.locator("#messages")).to_have_attribute("role", "log")
    expect(page.locator("#messages")).to_have_attribute("aria-live", "polite")

    box = page.locator("#message-input")
    box.fill("پہلی سطر")
    box.press("Shift+Enter")
    assert box.input_value() == "پہلی سطر\n", "Shift+Enter should insert a newline, not send"
    expect(page.locator(".msg--citizen")).to_have_count(0)

    ask(page, URDU_QUESTION)
    bot = last_bot(page)
    expect(bot).to_have_attribute("lang", "ur")
    expect(bot).to_have_attribute("dir", "rtl")
    citizen = page.locator(".msg--citizen").last
    expect(citizen).to_contain_text(URDU_QUESTION)
    expect(citizen).to_have_attribute("dir", "rtl")
    expect(box).to_have_value("")

    link = bot.locator(".citations a").first
    expect(link).to_be_visible()
    expect(link).to_have_attribute("target", "_blank")
    assert "noopener" in (link.get_attribute("rel") or "").split()
    assert re.match(r"https?://", link.get_attribute("href") or "")
    expect(bot.locator(".citation-meta").first).to_contain_text("آخری تصدیق")

    assert page.evaluate(FONT_LOADED_JS), "the shipped Noto Nastaliq Urdu woff2 did not load"
    style = bot.locator(".msg-text").evaluate(
        "(n) => { const s = getComputedStyle(n);"
        " return [s.fontFamily, parseFloat(s.lineHeight) / parseFloat(s.fontSize)]; }"
    )
    assert style[0].startswith('"Noto Nastaliq Urdu"'), style
    assert style[1] >= 2.0, f"Nastaliq needs a line-height of about 2, got {style[1]:.2f}"
    screenshot(page, "chat-urdu.png")

    message_id = bot.get_attribute("data-message-id")
    first_paragraph = bot.locator(".msg-text p").first.inner_text()
    page.reload()
    restored = page.locator(f'.msg--bot[data-message-id="{message_id}"]')
    expect(restored).to_contain_text(first_paragraph)
    expect(restored).to_have_attribute("lang", "ur")
    expect(restored.locator(".citations a")).to_have_count(1)
    chat.assert_no_script_errors()


def test_talk_to_a_person_shows_handoff_banner(open_page: Callable[..., Opened], server_url: str) -> None:
    from playwright.sync_api import expect

    chat = open_page(f"{server_url}/")
    page = chat.page
    banner = page.locator("#handoff-banner")
    expect(banner).to_be_hidden()
    with page.expect_request(lambda r: r.url.endswith("/v1/chat") and r.method == "POST") as request:
        page.locator("#human-button").click()
    body = request.value.post_data_json
    assert body["message"] == "insaan se baat karni hai"
    assert body["session_id"] is None
    expect(banner).to_be_visible()
    expect(banner).to_contain_text(HANDOFF_BANNER_UR)
    expect(banner).to_contain_text("آپ نے نمائندے سے بات کرنے کا کہا")
    bot = last_bot(page)
    expect(bot).to_have_attribute("lang", "ur-Latn")
    expect(bot).to_have_attribute("dir", "ltr")
    chat.assert_no_script_errors()


def test_agent_claims_and_replies_and_citizen_sees_the_reply(
    open_page: Callable[..., Opened], server_url: str, staff_token: str
) -> None:
    from playwright.sync_api import expect

    chat = open_page(f"{server_url}/")
    chat.page.locator("#human-button").click()
    expect(chat.page.locator("#handoff-banner")).to_be_visible()
    session_id = chat.page.evaluate("localStorage.getItem('rahnuma.sessionId')")
    assert session_id

    agent = open_page(f"{server_url}/agent", DESKTOP)
    console = agent.page
    expect(console.locator("#console-view")).to_be_hidden()
    sign_in(console, staff_token)
    expect(console.locator("#console-view")).to_be_visible()
    assert console.evaluate("sessionStorage.getItem('rahnuma.staffToken')") == staff_token
    row = console.locator(f'.queue-item[data-session-id="{session_id}"]')
    expect(row).to_contain_text("Asked for a person")
    expect(row.locator(".qi-wait")).to_contain_text("Waiting")
    expect(row.locator(".qi-last")).to_contain_text("insaan se baat karni hai")
    row.click()
    expect(row).to_have_attribute("aria-current", "true")
    expect(console.locator("#transcript .msg--citizen").first).to_contain_text("insaan se baat karni hai")
    expect(console.locator("#suggested")).to_be_visible()
    expect(console.locator("#suggested-source-list a").first).to_have_attribute("target", "_blank")

    console.locator("#claim-button").click()
    expect(console.locator("#detail-meta")).to_contain_text("claimed")
    expect(console.locator("#claim-button")).to_be_disabled()

    console.locator("#use-suggested-button").click()
    suggested = console.locator("#suggested").inner_text().strip()
    assert suggested and console.locator("#reply-input").input_value().strip()

    console.locator("#search-input").fill("شناختی کارڈ")
    with console.expect_request(lambda r: "/v1/search?q=" in r.url) as search:
        console.locator("#search-form button[type=submit]").click()
    assert search.value.headers.get("authorization") == f"Bearer {staff_token}"
    first_hit = console.locator("#search-results .result").first
    expect(first_hit).to_be_visible()
    snippet = first_hit.locator(".result-snippet").inner_text().strip()
    console.locator("#reply-input").fill("")
    first_hit.get_by_role("button", name=re.compile("Insert")).click()
    assert snippet and snippet in console.locator("#reply-input").input_value()

    reply = "السلام علیکم! میں نادرا ہیلپ ڈیسک سے ہوں۔ اپنا مسئلہ تفصیل سے بتائیں۔"
    console.locator("#reply-input").fill(reply)
    console.locator("#reply-button").click()
    expect(console.locator("#action-status")).to_have_text("Reply sent.")
    expect(console.locator("#transcript .msg--agent").last).to_contain_text(reply)
    expect(console.locator("#reply-input")).to_have_value("")

    agent_message = chat.page.locator(".msg--agent").last
    expect(agent_message).to_contain_text(reply, timeout=20_000)
    expect(agent_message).to_have_attribute("lang", "ur")
    expect(agent_message).to_have_attribute("dir", "rtl")
    expect(agent_message.locator(".msg-label")).to_have_text("نمائندہ")
    screenshot(chat.page, "chat-handoff.png")
    screenshot(console, "agent-console.png")

    console.locator("#resolve-button").click()
    expect(console.locator("#detail-meta")).to_contain_text("resolved")
    expect(chat.page.locator("#handoff-banner")).to_be_hidden(timeout=20_000)
    chat.assert_no_script_errors()
    agent.assert_no_script_errors()


def test_thumbs_up_sends_feedback_and_optional_comment(
    open_page: Callable[..., Opened], server_url: str
) -> None:
    from playwright.sync_api import expect

    chat = open_page(f"{server_url}/")
    page = chat.page
    ask(page, URDU_QUESTION)
    bot = last_bot(page)
    expect(bot).to_be_visible()
    message_id = bot.get_attribute("data-message-id")
    thumb = bot.locator("button.thumb[data-helpful='true']")
    expect(thumb).to_have_accessible_name("مفید")
    with page.expect_response(
        lambda r: r.url.endswith("/v1/feedback") and r.request.method == "POST"
    ) as info:
        thumb.click()
    assert info.value.status == 201
    assert info.value.request.post_data_json == {"message_id": message_id, "helpful": True}
    expect(bot.locator(".feedback-status")).to_have_text("شکریہ! آپ کی رائے محفوظ ہو گئی۔")
    expect(thumb).to_have_attribute("aria-pressed", "true")
    expect(bot.locator("button.thumb[data-helpful='false']")).to_be_disabled()

    bot.locator(".feedback-comment textarea").fill("بہت اچھا جواب")
    with page.expect_response(
        lambda r: r.url.endswith("/v1/feedback") and r.request.method == "POST"
    ) as info:
        bot.locator(".feedback-comment button[type=submit]").click()
    assert info.value.status == 201
    assert info.value.request.post_data_json == {
        "message_id": message_id,
        "helpful": True,
        "comment": "بہت اچھا جواب",
    }
    expect(bot.locator(".feedback-status")).to_have_text("تبصرہ بھی محفوظ ہو گیا۔ شکریہ!")
    chat.assert_no_script_errors()


def test_english_toggle_switches_direction_and_is_remembered(
    open_page: Callable[..., Opened], server_url: str
) -> None:
    from playwright.sync_api import expect

    chat = open_page(f"{server_url}/")
    page = chat.page
    html = page.locator("html")
    page.locator("#lang-toggle").click()
    expect(html).to_have_attribute("dir", "ltr")
    expect(html).to_have_attribute("lang", "en")
    expect(page.locator("#send-button")).to_have_text("Send")
    expect(page.locator("#lang-toggle")).to_have_text("اردو")
    expect(page.locator("#message-input")).to_have_accessible_name("Type your question")
    assert page.evaluate("localStorage.getItem('rahnuma.uiLang')") == "en"

    page.reload()
    expect(html).to_have_attribute("dir", "ltr")
    with page.expect_request(lambda r: r.url.endswith("/v1/chat") and r.method == "POST") as request:
        page.get_by_role("button", name="Talk to a person").click()
    assert request.value.post_data_json["message"] == "I want to talk to a person"
    expect(page.locator("#handoff-banner")).to_contain_text(HANDOFF_BANNER_EN)
    bot = last_bot(page)
    expect(bot).to_have_attribute("lang", "en")
    expect(bot.locator(".msg-label")).to_have_text("Rahnuma")

    page.locator("#lang-toggle").click()
    expect(html).to_have_attribute("dir", "rtl")
    expect(page.locator("#handoff-banner")).to_contain_text(HANDOFF_BANNER_UR)
    expect(bot.locator(".msg-label")).to_have_text("رہنما")
    expect(bot).to_have_attribute("lang", "en")
    chat.assert_no_script_errors()


def test_agent_console_rejects_a_bad_token(open_page: Callable[..., Opened], server_url: str) -> None:
    from playwright.sync_api import expect

    agent = open_page(f"{server_url}/agent", DESKTOP)
    page = agent.page
    sign_in(page, "not-a-real-token")
    expect(page.locator("#login-notice")).to_contain_text("not accepted")
    expect(page.locator("#console-view")).to_be_hidden()
    assert page.evaluate("sessionStorage.getItem('rahnuma.staffToken')") is None
    agent.assert_no_script_errors()


def test_agent_console_returns_to_login_on_401(
    open_page: Callable[..., Opened], server_url: str, staff_token: str
) -> None:
    from playwright.sync_api import expect

    agent = open_page(f"{server_url}/agent", DESKTOP)
    page = agent.page
    sign_in(page, staff_token)
    expect(page.locator("#console-view")).to_be_visible()
    page.route("**/v1/handoffs?**", lambda route: route.fulfill(status=401, json={"detail": "token revoked"}))
    page.locator("#status-filter").select_option("claimed")
    expect(page.locator("#login-view")).to_be_visible()
    expect(page.locator("#login-notice")).to_contain_text("sign in again")
    assert page.evaluate("sessionStorage.getItem('rahnuma.staffToken')") is None
    agent.assert_no_script_errors()


def test_pages_label_controls_keep_contrast_and_fit_small_phones(
    open_page: Callable[..., Opened], server_url: str, staff_token: str
) -> None:
    from playwright.sync_api import expect

    chat = open_page(f"{server_url}/", SMALL_PHONE)
    page = chat.page
    ask(page, URDU_QUESTION)
    last_bot(page).locator("button.thumb").first.click()
    expect(last_bot(page).locator(".feedback-comment")).to_be_visible()
    page.locator("#human-button").click()
    expect(page.locator("#handoff-banner")).to_be_visible()
    assert page.evaluate(UNLABELLED_CONTROLS_JS) == []
    contrast = page.evaluate(LOW_CONTRAST_JS)
    assert contrast["checked"] > 10 and contrast["bad"] == []
    assert page.evaluate("document.documentElement.scrollWidth") <= SMALL_PHONE["width"]

    agent = open_page(f"{server_url}/agent", DESKTOP)
    console = agent.page
    assert console.evaluate(UNLABELLED_CONTROLS_JS) == []
    sign_in(console, staff_token)
    console.locator(".queue-item").first.click()
    expect(console.locator("#transcript .msg").first).to_be_visible()
    assert console.evaluate(UNLABELLED_CONTROLS_JS) == []
    contrast = console.evaluate(LOW_CONTRAST_JS)
    assert contrast["checked"] > 10 and contrast["bad"] == []
    chat.assert_no_script_errors()
    agent.assert_no_script_errors()


# ---------- UI behaviour with a stubbed /v1/chat ----------


@pytest.mark.parametrize(
    "detail, shown",
    [
        ("message has 5000 characters; the limit is 2000", "message has 5000 characters; the limit is 2000"),
        ([{"loc": ["body", "message"], "msg": "Field required", "type": "missing"}], "Field required"),
    ],
)
def test_rejected_message_shows_api_detail_and_keeps_text(
    open_page: Callable[..., Opened], server_url: str, detail: Any, shown: str
) -> None:
    from playwright.sync_api import expect

    chat = open_page(f"{server_url}/")
    page = chat.page
    page.route("**/v1/chat", lambda route: route.fulfill(status=422, json={"detail": detail}))
    ask(page, "بہت لمبا پیغام")
    error = page.locator("#error")
    expect(error).to_be_visible()
    expect(error).to_have_attribute("role", "alert")
    expect(error).to_contain_text(shown)
    expect(error).to_contain_text("پیغام نہیں بھیجا جا سکا")
    expect(page.locator("#message-input")).to_have_value("بہت لمبا پیغام")
    expect(page.locator(".msg--citizen")).to_have_count(0)
    chat.assert_no_script_errors()


def test_clarify_options_send_the_option_text(open_page: Callable[..., Opened], server_url: str) -> None:
    from playwright.sync_api import expect

    chat = open_page(f"{server_url}/")
    page = chat.page
    bodies: list[dict[str, Any]] = []

    def handle(route: Any) -> None:
        bodies.append(route.request.post_data_json)
        if len(bodies) == 1:
            route.fulfill(
                json=reply_json(
                    outcome="clarify",
                    answer="آپ کس لائسنس کے بارے میں پوچھ رہے ہیں؟",
                    options=["ڈرائیونگ لائسنس کی تجدید", "لرنر پرمٹ"],
                )
            )
        else:
            route.fulfill(json=reply_json(message_id="routedmessage2"))

    page.route("**/v1/chat", handle)
    ask(page, "لائسنس")
    option = page.get_by_role("button", name="لرنر پرمٹ")
    expect(option).to_be_visible()
    option.click()
    expect(page.locator('.msg--bot[data-message-id="routedmessage2"]')).to_be_visible()
    assert bodies[1] == {"message": "لرنر پرمٹ", "session_id": "routedsession", "channel": "web"}
    expect(option).to_be_disabled()
    chat.assert_no_script_errors()


def test_emergency_answer_is_prominent(open_page: Callable[..., Opened], server_url: str) -> None:
    from playwright.sync_api import expect

    chat = open_page(f"{server_url}/")
    page = chat.page
    answer = "یہ ہنگامی صورتحال لگتی ہے۔ فوراً 1122 یا 15 پر کال کریں۔"
    page.route(
        "**/v1/chat",
        lambda route: route.fulfill(
            json=reply_json(outcome="handoff", handoff=True, handoff_reason="emergency", answer=answer)
        ),
    )
    page.route(
        "**/v1/sessions/**",
        lambda route: route.fulfill(
            json={
                "session_id": "routedsession",
                "channel": "web",
                "language": "ur",
                "status": "handoff",
                "messages": [],
            }
        ),
    )
    ask(page, "حادثہ ہو گیا ہے")
    bot = last_bot(page)
    expect(bot).to_have_class(re.compile(r"\bmsg--emergency\b"))
    expect(bot).to_contain_text("1122")
    expect(bot.locator(".msg-label")).to_contain_text("ہنگامی")
    border = bot.evaluate("(n) => getComputedStyle(n).borderTopColor")
    assert border == "rgb(161, 18, 28)", border
    expect(page.locator("#handoff-banner")).to_have_class(re.compile(r"\bbanner--emergency\b"))
    chat.assert_no_script_errors()


def test_answer_text_is_escaped_and_unsafe_links_are_dropped(
    open_page: Callable[..., Opened], server_url: str
) -> None:
    from playwright.sync_api import expect

    chat = open_page(f"{server_url}/")
    page = chat.page
    answer = '<img src=x onerror="window.hacked=1"> <b>bold</b>\n1. one\n2. two\n\nlast line'
    citations = [
        {
            "doc_id": "a",
            "service_id": "s",
            "department": "<i>Dept</i>",
            "title": "Bad link",
            "section": "x",
            "url": "javascript:window.hacked=2",
            "lang": "en",
            "snippet": "",
            "last_verified": "2025-01-15",
        },
        {
            "doc_id": "b",
            "service_id": "s",
            "department": "NADRA",
            "title": "Good link",
            "section": "x",
            "url": "https://www.nadra.gov.pk/",
            "lang": "en",
            "snippet": "",
            "last_verified": "",
        },
    ]
    page.route(
        "**/v1/chat",
        lambda route: route.fulfill(json=reply_json(language="en", answer=answer, citations=citations)),
    )
    ask(page, "test")
    bot = last_bot(page)
    expect(bot.locator(".msg-text ol li")).to_have_count(2)
    expect(bot.locator(".msg-text")).to_contain_text('<img src=x onerror="window.hacked=1"> <b>bold</b>')
    assert bot.locator("img, b, i").count() == 0
    expect(bot.locator(".citations a")).to_have_count(1)
    expect(bot.locator(".citations a")).to_have_text("Good link")
    expect(bot.locator(".citations")).to_contain_text("<i>Dept</i>")
    assert page.evaluate("window.hacked") is None
    chat.assert_no_script_errors()
