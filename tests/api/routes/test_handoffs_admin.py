"""Staff endpoints: auth, queue filters, claim/reply/resolve, search, reindex, missing index."""

from __future__ import annotations

import time
from pathlib import Path

from fastapi.testclient import TestClient

from api.app import create_app
from tests.helpers import make_config


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_staff_endpoints_need_a_token(client: TestClient, agent_token: str) -> None:
    assert client.get("/v1/handoffs").status_code == 401
    assert client.get("/v1/handoffs", headers=_auth("wrong")).status_code == 401
    assert client.post("/v1/admin/reindex", headers=_auth(agent_token)).status_code == 403


def test_claim_reply_resolve_and_citizen_sees_reply(client: TestClient, agent_token: str) -> None:
    chat = client.post("/v1/chat", json={"message": "کیا میں کسی نمائندے سے بات کر سکتا ہوں؟"}).json()
    hid = client.get("/v1/handoffs", headers=_auth(agent_token)).json()[0]["handoff_id"]
    detail = client.get(f"/v1/handoffs/{hid}", headers=_auth(agent_token)).json()
    assert detail["transcript"][0]["role"] == "citizen" and detail["reason"] == "user_requested"
    assert client.post(f"/v1/handoffs/{hid}/claim", headers=_auth(agent_token)).json()["status"] == "claimed"
    other = client.app.state.storage.add_staff("Bilal", "agent")[1]  # type: ignore[attr-defined]
    assert client.post(f"/v1/handoffs/{hid}/claim", headers=_auth(other)).status_code == 409
    sent = client.post(
        f"/v1/handoffs/{hid}/reply", json={"text": "جی، میں آپ کی مدد کرتی ہوں۔"}, headers=_auth(agent_token)
    )
    assert sent.status_code == 200
    transcript = client.get(f"/v1/sessions/{chat['session_id']}").json()["messages"]
    assert transcript[-1]["role"] == "agent" and transcript[-1]["text"] == "جی، میں آپ کی مدد کرتی ہوں۔"
    # while a person has the conversation, the bot does not answer over them
    waiting = client.post("/v1/chat", json={"message": "ok shukriya", "session_id": chat["session_id"]}).json()
    assert waiting["outcome"] == "handoff"
    assert client.post(f"/v1/handoffs/{hid}/resolve", headers=_auth(agent_token)).json()["status"] == "resolved"
    assert client.get("/v1/handoffs?status=open", headers=_auth(agent_token)).json() == []
    assert (
        client.get("/v1/handoffs?status=resolved&language=ur", headers=_auth(agent_token)).json()[0]["handoff_id"]
        == hid
    )
    assert client.get("/v1/handoffs?status=resolved&language=en", headers=_auth(agent_token)).json() == []


def test_staff_search(client: TestClient, agent_token: str) -> None:
    hits = client.get("/v1/search", params={"q": "passport fee"}, headers=_auth(agent_token)).json()
    assert hits[0]["service_id"] == "dgip-passport-renewal"


def test_audit_chain_records_turns(client: TestClient) -> None:
    client.post("/v1/chat", json={"message": "mera cnic 35202-1234567-1 hai, passport fee?"})
    ok, rows = client.app.state.storage.verify_audit()  # type: ignore[attr-defined]
    assert ok and rows >= 1


def test_reindex_swaps_without_downtime(client: TestClient, admin_token: str) -> None:
    before = client.get("/healthz").json()["index_version"]
    assert client.post("/v1/admin/reindex", headers=_auth(admin_token)).status_code == 202
    for _ in range(200):
        assert client.post("/v1/chat", json={"message": "passport fee"}).status_code == 200
        status = client.get("/v1/admin/reindex", headers=_auth(admin_token)).json()
        if status["status"] != "running":
            break
        time.sleep(0.05)
    assert status["status"] == "done", status
    assert client.get("/healthz").json()["index_version"] == status["index_version"] != before


def test_missing_index_says_how_to_build(tmp_path: Path) -> None:
    cfg = make_config(tmp_path)
    with TestClient(create_app(cfg)) as c:
        r = c.get("/healthz")
        assert r.status_code == 503 and "rahnuma index" in r.json()["detail"]
        assert c.post("/v1/chat", json={"message": "hi"}).status_code == 503
