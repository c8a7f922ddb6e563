"""The start page, the layout every page shares, the accessibility statement."""
from tests.web.helpers import text


def test_start_has_three_choices_and_counts(client, login, people, new_case):
    new_case()
    new_case()
    login(people["receiver_handler"])
    body = text(client.get("/"))
    for label in ("Rapportera", "Inkorg", "Skickade"):
        assert label in body
    assert "2 öppna ärenden till din organisation." in body
    assert "0 öppna ärenden som ni har skickat." in body


def test_start_lists_unread_notices_until_the_case_is_read(client, login, people, new_case):
    case = new_case()
    login(people["receiver_handler"])
    body = text(client.get("/"))
    assert case.reference in body
    assert "Inga olästa händelser." not in body
    client.get(f"/arenden/{case.reference}")
    assert "Inga olästa händelser." in text(client.get("/"))


def test_layout_nav_user_and_logout(client, login, people):
    login(people["reporter"])
    body = client.get("/").get_data(as_text=True)
    assert 'href="/arenden/ny"' in body and 'href="/inkorg"' in body and 'href="/skickade"' in body
    assert 'action="/logga-ut"' in body
    assert 'href="/tillganglighet"' in body
    assert "<script>" not in body  # CSP: scripts only from files


def test_escalation_link_only_when_installed_and_for_overseers(app, client, login, people):
    login(people["mas"])
    body = client.get("/").get_data(as_text=True)
    assert ("Eskaleringar" in body) == ("escalation.inbox" in app.view_functions)
    client.post("/logga-ut")
    login(people["reporter"])
    assert "Eskaleringar" not in client.get("/").get_data(as_text=True)


def test_accessibility_statement_is_public(client):
    response = client.get("/tillganglighet")
    assert response.status_code == 200
    body = text(response)
    assert "Tillgänglighetsredogörelse" in body and "Digg" in body


def test_unknown_page_is_a_swedish_404(client, login, people):
    login(people["reporter"])
    response = client.get("/finns-inte")
    assert response.status_code == 404
    assert "Sidan eller ärendet finns inte" in text(response)


def test_the_kept_nav_marks_the_page_shown_and_follows_the_roles(client, login, people):
    login(people["receiver_handler"])
    inbox = client.get("/inkorg").get_data(as_text=True)
    assert '<a href="/inkorg" aria-current="page">Inkorg</a>' in inbox and "Mina ärenden" in inbox
    sent = client.get("/skickade").get_data(as_text=True)
    assert '<a href="/inkorg">Inkorg</a>' in sent
    assert '<a href="/skickade" aria-current="page">Skickade</a>' in sent
    assert "aria-current" not in client.get("/").get_data(as_text=True)  # the start page is no link
    client.post("/logga-ut")
    login(people["reporter"])
    inbox = client.get("/inkorg").get_data(as_text=True)
    assert '<a href="/inkorg" aria-current="page">Inkorg</a>' in inbox and "Mina ärenden" not in inbox
