"""Start-up refusal of development secrets, HSTS, 415, ids out of range."""
import pytest
from cryptography.fernet import Fernet

from avvikelse import create_app
from avvikelse.security.hardening import InsecureConfiguration

GOOD_SECRET = "x" * 48


def _production(tmp_path, **overrides):
    settings = dict(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'p.db'}",
                    SESSION_FOLDER=str(tmp_path / "sessions"),
                    SECRET_KEY=GOOD_SECRET, AVVIKELSE_ENCRYPTION_KEY=Fernet.generate_key().decode())
    settings.update(overrides)
    return create_app("production", **settings)


@pytest.mark.parametrize("secret", ["dev-only-not-secret", "", "short-but-custom"])
def test_production_refuses_a_default_or_weak_secret_key(tmp_path, secret):
    with pytest.raises(InsecureConfiguration, match="SECRET_KEY"):
        _production(tmp_path, SECRET_KEY=secret)


def test_production_refuses_to_start_without_an_encryption_key(tmp_path):
    with pytest.raises(InsecureConfiguration, match="AVVIKELSE_ENCRYPTION_KEY"):
        _production(tmp_path, AVVIKELSE_ENCRYPTION_KEY=None)
    assert not (tmp_path / "encryption.key").exists()


def test_production_sends_hsts_and_secure_cookies(tmp_path):
    app = _production(tmp_path, SESSION_COOKIE_SECURE=True)
    with app.app_context():
        from avvikelse.extensions import db

        db.create_all()
        client = app.test_client()
        for path in ("/logga-in", "/finns-inte"):
            response = client.get(path)
            assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
            assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    # A fresh visitor's CSRF token starts a session. Outside the shared app context: its
    # `g` would carry the token over, and an unchanged session sets no cookie.
    cookie = app.test_client().get("/logga-in").headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_no_hsts_outside_production(client):
    assert "Strict-Transport-Security" not in client.get("/logga-in").headers


@pytest.mark.parametrize("path,kind", [
    ("/logga-in", "application/json"),
    ("/logga-in", "text/plain"),
    ("/api/v1/auth/token", "application/x-www-form-urlencoded"),
    ("/api/v1/auth/token", "text/xml"),
])
def test_wrong_content_type_is_415(client, path, kind):
    response = client.post(path, data=b"username=a&password=b", content_type=kind)
    assert response.status_code == 415


@pytest.mark.parametrize("escalation_id", ["0", "2147483648", "99999999999999999999999"])
def test_ids_out_of_range_are_404(client, people, login, escalation_id):
    login(people["mas"])
    assert client.post(f"/eskaleringar/{escalation_id}/kvittera").status_code == 404


def test_a_403_is_logged_without_what_was_posted(client, people, login, caplog):
    login(people["reporter"])
    assert client.post("/loggkontroll/granska", data={"note": "hemlig-anteckning"}).status_code == 403
    assert "denied: user_id=%s endpoint=audit.review" % people["reporter"].id in caplog.text
    assert "hemlig-anteckning" not in caplog.text
