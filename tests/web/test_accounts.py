"""Logging in and out through the pages."""
from avvikelse import create_app
from tests.fixtures.factories import PASSWORD
from tests.web.helpers import text


def test_login_page_is_swedish_and_accessible(client):
    page = client.get("/logga-in")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert '<html lang="sv">' in body
    assert 'href="#innehall"' in body and 'id="innehall"' in body
    assert 'for="username"' in body and 'for="password"' in body


def test_login_then_start_page(client, login, people):
    response = login(people["reporter"])
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    start = client.get("/")
    assert start.status_code == 200
    assert "rapportor.krokom" in text(start)


def test_wrong_password_keeps_username_and_says_so(client, login, people):
    response = login(people["reporter"], password="fel-losenord-helt")
    assert response.status_code == 401
    body = text(response)
    assert "Fel användarnamn eller lösenord." in body
    assert 'value="rapportor.krokom"' in body
    # The password is never echoed back.
    assert "fel-losenord-helt" not in body
    assert client.get("/").status_code == 302


def test_unknown_user_gets_the_same_message(client):
    response = client.post("/logga-in", data={"username": "finns.inte", "password": "x" * 12})
    assert response.status_code == 401
    assert "Fel användarnamn eller lösenord." in text(response)


def test_missing_fields_are_named(client):
    response = client.post("/logga-in", data={"username": "", "password": ""})
    assert response.status_code == 422
    body = text(response)
    assert "Ange ditt användarnamn." in body and "Ange ditt lösenord." in body
    assert 'href="#username"' in body


def test_pages_need_login_and_return_after(client, people):
    response = client.get("/inkorg")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/logga-in?next=")
    after = client.post("/logga-in?next=/inkorg",
                        data={"username": "rapportor.krokom", "password": PASSWORD})
    assert after.headers["Location"] == "/inkorg"


def test_next_to_another_site_is_ignored(client, people):
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        response = client.post(f"/logga-in?next={target}",
                               data={"username": "rapportor.krokom", "password": PASSWORD})
        assert response.headers["Location"] == "/", target
        client.post("/logga-ut")


def test_logout_is_a_post(client, login, people):
    login(people["reporter"])
    assert client.get("/logga-ut").status_code == 405
    response = client.post("/logga-ut", follow_redirects=True)
    assert "Du är utloggad." in text(response)
    assert client.get("/").status_code == 302


def test_post_without_csrf_token_is_refused_in_swedish(app):
    strict = create_app("testing", WTF_CSRF_ENABLED=True)
    try:
        response = strict.test_client().post(
            "/logga-in", data={"username": "rapportor.krokom", "password": PASSWORD}
        )
        assert response.status_code == 400
        assert "Formuläret hade gått ut. Ladda om sidan och försök igen." in text(response)
        assert '<html lang="sv">' in response.get_data(as_text=True)
    finally:
        app.extensions["celery"].set_default()  # the second app took over as default
