"""/api/docs renders the OpenAPI document in a real browser, from the app alone."""
from playwright.sync_api import expect


def test_api_docs_render_without_cdn_or_csp_errors(desktop, live_server):
    requests, problems = [], []
    desktop.on("request", lambda r: requests.append(r.url))
    desktop.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    desktop.goto("/api/docs/")
    expect(desktop.get_by_text("Registrera ett ärende")).to_be_visible()
    expect(desktop.get_by_text("Ärendet som FHIR R4 AdverseEvent")).to_be_visible()
    foreign = [u for u in requests if not (u.startswith(live_server) or u.startswith("data:"))]
    assert foreign == []
    assert not [p for p in problems if "Content Security Policy" in p]
