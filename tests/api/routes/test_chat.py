"""POST /v1/chat contract, bad input, sessions, feedback, catalogue, health."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_chat_answers_with_contract(client: TestClient) -> None:
    r = client.post("/v1/chat", json={"message": "پاسپورٹ کی تجدید کی فیس کتنی ہے؟", "session_id": None})
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) >= {"session_id", "message_id", "outcome", "handoff", "handoff_reason", "language", "answer",
                         "confidence", "citations"}
    assert body["language"] == "ur"
    assert body["outcome"] in ("answered", "handoff")
    assert body["citations"] and set(body["citations"][0]) >= {"doc_id", "service_id", "department", "title",
                                                               "section", "url", "lang", "snippet"}


def test_session_continues_and_transcript_is_kept(client: TestClient) -> None:
    first = client.post("/v1/chat", json={"message": "passport renewal documents"}).json()
    sid = first["session_id"]
    second = client.post("/v1/chat", json={"message": "aur fee kitni hai?", "session_id": sid}).json()
    assert second["session_id"] == sid
    transcript = client.get(f"/v1/sessions/{sid}").json()
    roles = [m["role"] for m in transcript["messages"]]
    assert roles == ["citizen", "bot", "citizen", "bot"]
    assert transcript["messages"][1]["message_id"] == first["message_id"]


def test_a_follow_up_resolves_after_a_restart(app_config) -> None:  # type: ignore[no-untyped-def]
    """The conversation memory lives in the database: a second app (a restart, another worker)
    on the same database continues the conversation the first one started."""
    from api.app import create_app
    from api.session_memory import StoredSessionMemory

    with TestClient(create_app(app_config)) as first_app:
        assert isinstance(first_app.app.state.pipeline.memory, StoredSessionMemory)  # type: ignore[attr-defined]
        first = first_app.post("/v1/chat", json={"message": "passport renewal documents"}).json()
    assert first["citations"][0]["service_id"] == "dgip-passport-renewal"
    with TestClient(create_app(app_config)) as second_app:
        follow = second_app.post("/v1/chat", json={"message": "aur fee kitni hai?",
                                                   "session_id": first["session_id"]}).json()
    assert follow["outcome"] == "answered"
    assert follow["citations"][0]["service_id"] == "dgip-passport-renewal"
    assert follow["citations"][0]["section"] == "fees"


def test_bad_inputs(client: TestClient) -> None:
    assert client.post("/v1/chat", json={"message": "   "}).status_code == 422
    long = client.post("/v1/chat", json={"message": "x" * 5000})
    assert long.status_code == 422 and "limit" in long.json()["detail"]
    missing = client.post("/v1/chat", json={})
    assert missing.status_code == 422 and "message" in missing.json()["detail"]
    bad_json = client.post("/v1/chat", content=b"{not json", headers={"content-type": "application/json"})
    assert bad_json.status_code == 400 and "JSON" in bad_json.json()["detail"]
    latin1 = client.post("/v1/chat", content='{"message": "café"}'.encode("latin-1"),
                         headers={"content-type": "application/json"})
    assert latin1.status_code in (400, 422)
    wrong_type = client.post("/v1/chat", json={"message": 42})
    assert wrong_type.status_code == 422
    bad_session = client.post("/v1/chat", json={"message": "hi", "session_id": "../etc"})
    assert bad_session.status_code == 422


def test_handoff_creates_queue_entry(client: TestClient, agent_token: str) -> None:
    body = client.post("/v1/chat", json={"message": "insaan se baat karni hai"}).json()
    assert body["handoff"] is True and body["handoff_reason"] == "user_requested"
    queue = client.get("/v1/handoffs?status=open", headers={"Authorization": f"Bearer {agent_token}"}).json()
    assert [h["session_id"] for h in queue] == [body["session_id"]]
    assert queue[0]["reason"] == "user_requested" and queue[0]["language"] == "ur-Latn"


def test_feedback(client: TestClient) -> None:
    body = client.post("/v1/chat", json={"message": "passport renewal fee"}).json()
    ok = client.post("/v1/feedback", json={"message_id": body["message_id"], "helpful": True, "comment": "shukriya"})
    assert ok.status_code == 201 and ok.json()["feedback_id"]
    assert client.post("/v1/feedback", json={"message_id": "nope", "helpful": False}).status_code == 404


def test_catalogue_and_sources(client: TestClient) -> None:
    services = client.get("/v1/services").json()
    ids = {s["service_id"] for s in services}
    assert "nadra-cnic-renewal" in ids
    row = next(s for s in services if s["service_id"] == "nadra-cnic-renewal")
    assert row["title_ur"] == "شناختی کارڈ کی تجدید" and row["title_en"] == "CNIC renewal"
    doc = client.get("/v1/sources/nadra-cnic-renewal.ur").json()
    assert doc["sections"][0]["key"] == "overview" and doc["sections"][0]["title"] == "تعارف"
    assert client.get("/v1/sources/nope.ur").status_code == 404
    assert client.get("/v1/sessions/unknown").status_code == 404


def test_health_ready_metrics_openapi(client: TestClient) -> None:
    assert client.get("/healthz").json()["status"] == "ok"
    assert client.get("/readyz").status_code == 200
    client.post("/v1/chat", json={"message": "shukriya"})
    metrics = client.get("/metrics").text
    assert "rahnuma_turn_outcomes_total" in metrics and 'outcome="smalltalk"' in metrics
    spec = client.get("/openapi.json").json()
    assert "/v1/chat" in spec["paths"] and "422" in spec["paths"]["/v1/chat"]["post"]["responses"]
