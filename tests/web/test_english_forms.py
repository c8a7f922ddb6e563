"""Form labels and validator messages are data in the code, translated as they are rendered."""


def test_filing_errors_and_labels_are_english_in_english(client, login, people):
    login(people["reporter"])
    client.set_cookie("sprak", "en")
    page = client.post("/arenden/ny", data={"kind": "deviation"}).get_data(as_text=True)
    for english in ("Choose a category.", "Describe what happened.", "Describe what was done at once.",
                    "Where did it happen?", "Your profession"):
        assert english in page, english
    assert "Välj en kategori." not in page and "Beskriv vad som hände." not in page


def test_the_translations_looked_up_once_follow_the_locale_as_flask_babel_does(app):
    """core.language.translations() keeps the request's catalogue; a forced or refreshed
    locale (Flask-Babel replaces its locale object) is followed, not the kept one."""
    from flask_babel import force_locale, gettext, refresh

    from avvikelse.core.language import translations

    def both(text="Vad gäller det?"):
        ours = translations().ugettext(text)
        assert ours == gettext(text)
        return ours

    with app.app_context(), app.test_request_context(headers={"Cookie": "sprak=en"}):
        assert both() == "What is it about?"
        with force_locale("sv"):
            assert both() == "Vad gäller det?"
        assert both() == "What is it about?"
        with force_locale("sv"):
            refresh()
            both()
        assert both() == "What is it about?"
