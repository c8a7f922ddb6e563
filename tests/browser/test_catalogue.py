"""The English catalogue: every entry translated, placeholders kept, compiled and fresh."""
from pathlib import Path

from babel.messages.pofile import read_po

from avvikelse.core.language import select_locale

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")


def _placeholders(text: str) -> set[str]:
    import re

    return set(re.findall(r"%\(\w+\)[sd]", text))


def test_every_entry_is_translated_with_its_placeholders():
    with PO.open("rb") as f:
        catalog = read_po(f)
    problems = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings) or message.fuzzy:
            problems.append(f"untranslated: {ids[0]!r}")
        elif _placeholders(ids[-1]) != _placeholders(strings[-1]):
            problems.append(f"placeholders differ: {ids[-1]!r} -> {strings[-1]!r}")
    assert not problems, "\n".join(problems)


def test_compiled_catalogue_is_fresh():
    assert MO.exists() and MO.stat().st_mtime >= PO.stat().st_mtime, (
        "translations/en is not compiled or is stale: run `make setup` (pybabel compile -d translations)"
    )


def test_unknown_language_cookie_falls_back_to_swedish(app):
    with app.test_request_context(headers={"Cookie": "sprak=xx"}):
        assert select_locale() == "sv"
    with app.test_request_context(headers={"Cookie": "sprak=en"}):
        assert select_locale() == "en"


def test_switch_goes_back_only_to_this_site(app):
    client = app.test_client()
    app.config["WTF_CSRF_ENABLED"] = False
    try:
        away = client.post("/sprak", data={"lang": "en"}, headers={"Referer": "https://evil.example/x"})
        home = client.post("/sprak", data={"lang": "en"}, headers={"Referer": "http://localhost/inkorg?status=received"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = True
    assert away.status_code == home.status_code == 303
    assert away.headers["Location"] == "/"
    assert home.headers["Location"] == "/inkorg?status=received"
    assert "sprak=en" in home.headers["Set-Cookie"]
