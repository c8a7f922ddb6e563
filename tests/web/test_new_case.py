"""Filing a report through the form: success, and every rule's error beside its field."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from avvikelse.cases.models import Case
from avvikelse.extensions import db
from tests.web.helpers import case_form, error_beside, local, text


def count_cases() -> int:
    return db.session.scalar(select(func.count()).select_from(Case))


@pytest.fixture
def reporter(client, login, people):
    login(people["reporter"])
    return people["reporter"]


def test_form_offers_the_other_organisations_grouped(client, reporter):
    body = client.get("/arenden/ny").get_data(as_text=True)
    assert '<optgroup label="Region">' in body and '<optgroup label="Kommuner">' in body
    select_org = body[body.index('id="receiver_organisation"'):body.index('id="receiver_unit"')]
    assert 'value="23"' in select_org and 'value="2380"' in select_org
    assert 'value="2309"' not in select_org  # never one's own organisation
    assert 'data-units-of="receiver_organisation"' in body and 'name="show_units"' in body
    assert '23-OSD-GER' not in body  # no organisation chosen: no units on the page
    # One unit of one's own: no choice to make, so no select.
    assert '<input type="hidden" name="sender_unit" value="2309-HSJV">' in body
    assert 'id="risk-output"' in body and 'id="risk-explanation"' in body
    assert "/static/js/risk.js" in body


def test_the_blank_forms_kept_parts_follow_language_thresholds_and_posted_data(app, client, reporter):
    """The blank form's fixed parts are rendered once and kept (the `fragment` global):
    kept apart per language and per the agreement's serious thresholds, and a posted
    form is rendered from what was posted, not from what was kept."""
    from avvikelse import agreements
    from avvikelse.core.clock import now_utc

    swedish = text(client.get("/arenden/ny"))
    assert "Vad gäller det?" in swedish and "om risken är 8 eller högre" in swedish
    client.set_cookie("sprak", "en")
    with app.app_context():  # Flask-Babel keeps the language in `g`, which the tests share
        english = text(client.get("/arenden/ny"))
    assert "What is it about?" in english and "Vad gäller det?" not in english
    client.delete_cookie("sprak")
    assert "Vad gäller det?" in text(client.get("/arenden/ny"))

    agreements.version_at(now_utc(), "23").serious_risk_min = 6
    db.session.commit()
    assert "om risken är 6 eller högre" in text(client.get("/arenden/ny"))

    # The organisations' and categories' selects are kept by their choices: a changed
    # directory or agreement shows at once.
    from avvikelse.directory.services import organisation_by_code

    organisation_by_code("2380").name = "Östersunds kommun (ny)"
    category = next(c for c in agreements.version_at(now_utc(), "23").categories if c.code == "other")
    category.label = "Annat"
    db.session.commit()
    body = text(client.get("/arenden/ny"))
    assert '<option value="2380">Östersunds kommun (ny)</option>' in body
    assert '<option value="other">Annat (—)</option>' in body

    posted = client.post("/arenden/ny", data=case_form(kind="complaint", proposal="Ny rutin", description=""))
    assert posted.status_code == 422
    body = text(posted)
    assert error_beside(posted, "description", "Beskriv vad som hände.")
    assert 'value="complaint" checked' in body and "Ny rutin</textarea>" in body


def test_sender_unit_is_a_choice_for_a_user_with_several(client, login, make_user):
    user = make_user("2309", units=["2309-HSJV", "2309-SABO"])
    db.session.commit()
    login(user)
    body = client.get("/arenden/ny").get_data(as_text=True)
    assert '<select id="sender_unit" name="sender_unit"' in body
    assert '<option value="2309-HSJV"' in body and '<option value="2309-SABO"' in body


def test_filing_redirects_to_the_case_with_a_flash(client, reporter):
    response = client.post("/arenden/ny", data=case_form(serious="y"))
    assert response.status_code == 302
    case = db.session.scalar(select(Case))
    assert case is not None and case.reporter_id == reporter.id
    assert response.headers["Location"] == f"/arenden/{case.reference}"
    assert case.receiver_organisation.code == "23" and case.serious
    with client.session_transaction() as session:
        assert "_flashes" not in session  # the confirmation costs the session store no write
    page = client.get(response.headers["Location"])
    assert f'role="status">Ärendet {case.reference} är skickat.</p>' in text(page)
    # Once: the page that showed it cleared what carried it.
    assert "är skickat" not in text(client.get(response.headers["Location"]))


def test_the_confirmation_is_the_reporters_alone(client, login, reporter, people):
    """Another reader of the case on the same browser, before the reporter looked, is not
    told that it was sent (by them); and the marker is gone after that page."""
    location = client.post("/arenden/ny", data=case_form()).headers["Location"]
    client.post("/logga-ut")
    login(people["receiver_handler"])
    page = client.get(location)
    assert page.status_code == 200 and "är skickat" not in text(page)
    client.post("/logga-ut")
    login(reporter)
    assert "är skickat" not in text(client.get(location))


def test_risk_is_shown_again_after_an_error(client, reporter):
    response = client.post("/arenden/ny", data=case_form(consequence="3", probability="3", description=""))
    assert response.status_code == 422
    assert "Risk: 9 (mycket hög) – allvarlig" in text(response)


def test_missing_fields_each_beside_its_field(client, reporter):
    response = client.post("/arenden/ny", data={"kind": "deviation", "sender_unit": "2309-HSJV"})
    assert response.status_code == 422
    expected = {
        "receiver_organisation": "Välj vilken organisation avvikelsen gäller.",
        "occurred_at": "Ange när händelsen inträffade.",
        "category": "Välj en kategori.",
        "description": "Beskriv vad som hände.",
        "immediate_action": "Beskriv vad som gjordes direkt.",
        "consequence": "Välj konsekvens 1–4.",
        "probability": "Välj sannolikhet 1–4.",
    }
    for field_id, message in expected.items():
        assert error_beside(response, field_id, message), field_id
        assert f'href="#{field_id}"' in response.get_data(as_text=True)
    assert count_cases() == 0


CASES = [
    ("future date", {"occurred_at": local(timedelta(days=2))},
     "occurred_at", "Händelsen kan inte ha inträffat i framtiden."),
    ("own organisation", {"receiver_organisation": "2309"},
     "receiver_organisation", "Mottagaren måste vara en annan organisation än din egen."),
    ("unit of another organisation", {"receiver_unit": "2380-HSJV"},
     "receiver_unit", "Enheten hör inte till den mottagande organisationen."),
    ("bad Luhn digit", {"patient_id": "19121212-1213"}, "patient_id", None),
    ("control character", {"description": "Före\x00efter"},
     "description", "Texten innehåller otillåtna kontrolltecken."),
    ("oversized text", {"immediate_action": "x" * 10_001}, "immediate_action", "Högst 10000 tecken."),
    ("unknown category", {"category": "nope"}, "category",
     "Kategorin finns inte i Hemsjukvårdsavtalet (version 2020). Välj en kategori ur listan."),
    ("malformed time", {"occurred_at": "igår"}, "occurred_at", "Ange datum och tid"),
]


@pytest.mark.parametrize("name, overrides, field_id, message", CASES, ids=[c[0] for c in CASES])
def test_rule_broken_error_beside_field_values_kept(client, reporter, name, overrides, field_id, message):
    data = case_form(**{"description": "Min <b>egen</b> text & mer", **overrides})
    response = client.post("/arenden/ny", data=data)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert f'id="{field_id}-fel"' in body
    assert f'aria-describedby="{field_id}-fel"' in body or f'{field_id}-hint {field_id}-fel' in body
    if message:
        assert error_beside(response, field_id, message)
    assert f'href="#{field_id}"' in body
    # What was typed is still there (escaped), including the other fields.
    assert overrides.get("immediate_action", "Ringde avdelningen.") in body
    if field_id != "category":
        assert '<option value="discharge" selected>' in body
    if field_id != "description":
        assert "Min &lt;b&gt;egen&lt;/b&gt; text &amp; mer" in body
    assert count_cases() == 0


def test_bad_personnummer_message_is_swedish(client, reporter):
    response = client.post("/arenden/ny", data=case_form(patient_id="19121212-1213"))
    assert response.status_code == 422
    assert 'value="19121212-1213"' in response.get_data(as_text=True)
    assert "kontrollsiffra" in text(response).lower()


def test_twelve_digits_without_dash_are_accepted(client, reporter):
    response = client.post("/arenden/ny", data=case_form(patient_id="191212121212"))
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert "19121212-1212" in text(page)  # the sender sees the patient it reported


def test_markup_is_stored_verbatim_and_shown_escaped(client, reporter):
    typed = "<script>alert('x')</script>\nRad två & \"citat\""
    response = client.post("/arenden/ny", data=case_form(description=typed))
    case = db.session.scalar(select(Case))
    assert case.description == typed
    body = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;\nRad två &amp; &#34;citat&#34;" in body
    assert '<div class="free-text">&lt;script&gt;' in body  # pre-wrap keeps the break


def test_windows_line_breaks_are_normalised(client, reporter):
    client.post("/arenden/ny", data=case_form(description="Ett\r\nTvå"))
    assert db.session.scalar(select(Case)).description == "Ett\nTvå"
