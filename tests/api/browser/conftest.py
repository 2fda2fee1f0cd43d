"""Fixtures for the browser tests: a fake Rahnuma API on loopback and Debian's headless Chromium.

``server_url`` serves the shipped static pages from ``fake_backend.create_app`` with uvicorn in a
thread on 127.0.0.1 (port chosen by the OS). When the real app gets a ``live_server`` fixture,
``server_url`` (and ``staff_token``) can be redefined on top of it; the tests use only these two.
"""

from __future__ import annotations

import importlib.util
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SKIP_REASON = "Chromium not found at /usr/bin/chromium (install it with: apt-get install -y chromium)"


def _fake_backend() -> ModuleType:
    """Load fake_backend.py by path, so it works with or without __init__.py files in tests/."""
    spec = importlib.util.spec_from_file_location("rahnuma_browser_fake_backend", HERE / "fake_backend.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def fake_backend() -> ModuleType:
    return _fake_backend()


@pytest.fixture(scope="session")
def server_url(fake_backend: ModuleType) -> Iterator[str]:
    """Base URL of a fake Rahnuma API serving api/static the way the real app does."""
    import uvicorn

    app = fake_backend.create_app()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="fake-rahnuma", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the fake Rahnuma server did not start on 127.0.0.1:{port}")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture(scope="session")
def staff_token(fake_backend: ModuleType) -> str:
    """A bearer token the server under test accepts for the agent console."""
    return str(fake_backend.STAFF_TOKEN)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(SKIP_REASON)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
