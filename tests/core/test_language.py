"""The catalogue is looked up once per request (extensions._ContextDomain), yet a forced
or refreshed locale still switches the language within that request."""
from flask_babel import force_locale, get_translations, gettext, refresh
from flask_babel import lazy_gettext as _l

from avvikelse.cases.enums import Status


def test_one_catalogue_a_request_that_force_locale_and_refresh_still_switch(app):
    with app.test_request_context(headers={"Cookie": "sprak=en"}):
        assert gettext("Logga ut") == "Sign out"
        assert get_translations() is get_translations()  # kept, not looked up again
        assert Status.ANSWERED.label == "Answered" and str(_l("Logga ut")) == "Sign out"
        with force_locale("sv"):
            assert gettext("Logga ut") == "Logga ut"
            assert Status.ANSWERED.label == "Besvarad"
        assert gettext("Logga ut") == "Sign out"
        refresh()
        assert gettext("Logga ut") == "Sign out"
    with app.test_request_context():
        refresh()  # a test shares one app context between requests: read the cookie again
        assert gettext("Logga ut") == "Logga ut"


def test_templates_translate_through_the_kept_catalogue_and_follow_force_locale(app):
    page = "{{ _('Logga ut') }}/{{ ngettext('%(num)d dag', '%(num)d dagar', 2) }}/{{ label|tr }}"
    with app.test_request_context(headers={"Cookie": "sprak=en"}):
        template = app.jinja_env.from_string(page)
        assert template.render(label="Mitt konto") == "Sign out/2 days/My account"
        with force_locale("sv"):
            assert template.render(label="Mitt konto") == "Logga ut/2 dagar/Mitt konto"
        assert template.render(label="Mitt konto") == "Sign out/2 days/My account"
