"""Linked cases: the four kinds, a link to a case the viewer may not see (that it exists,
no reference), merging a duplicate (one case carries on with both histories; the forum
counts the event once), and the receiver's possible duplicates at intake."""
from avvikelse.cases.enums import Status
from avvikelse.cases.models import Case
from avvikelse.core.clock import now_utc
from avvikelse.extensions import db
from avvikelse.forum import services
from avvikelse.forum.filters import Filters
from avvikelse.forum.periods import quarter_of


def test_a_handler_links_two_cases_and_the_case_json_has_links(api, people, new_case):
    first, second = new_case(), new_case(description="Samma utskrivning, rapporterad igen.")
    handler = api(people["receiver_handler"])
    made = handler.post(f"/cases/{first.reference}/links", {"reference": second.reference, "kind": "same_event"})
    assert made.status_code == 201, made.json
    assert made.json["links"] == [{"kind": "same_event", "reference": second.reference, "direction": None}]
    shown = handler.get(f"/cases/{second.reference}").json["links"]
    assert shown == [{"kind": "same_event", "reference": first.reference, "direction": None}]
    again = handler.post(f"/cases/{second.reference}/links", {"reference": first.reference, "kind": "recurring"})
    assert again.status_code == 422 and "reference" in again.json["errors"]
    odd = handler.post(f"/cases/{first.reference}/links", {"reference": second.reference, "kind": "cousin"})
    assert odd.status_code == 422 and "kind" in odd.json["errors"]
    # The reporter only reads; a stranger does not see the case at all.
    assert api(people["reporter"]).post(f"/cases/{first.reference}/links",
                                        {"reference": second.reference, "kind": "recurring"}).status_code == 409
    assert api(people["stranger"]).post(f"/cases/{first.reference}/links",
                                        {"reference": second.reference, "kind": "recurring"}).status_code == 404


def test_a_follow_up_has_a_direction(api, people, new_case):
    first, second = new_case(), new_case()
    made = api(people["receiver_handler"]).post(f"/cases/{second.reference}/links",
                                                {"reference": first.reference, "kind": "follow_up"})
    assert made.json["links"][0]["direction"] == "follows"
    assert api(people["receiver_handler"]).get(f"/cases/{first.reference}").json["links"][0]["direction"] \
        == "followed_by"


def test_a_link_to_a_case_the_viewer_may_not_see_shows_no_reference(api, people, new_case, make_user):
    mine = new_case()
    # Another Krokom reporter's case to the region: the region sees both, the first reporter one.
    theirs = new_case(reporter=people["other_reporter"])
    api(people["receiver_handler"]).post(f"/cases/{mine.reference}/links",
                                         {"reference": theirs.reference, "kind": "recurring"})
    shown = api(people["reporter"]).get(f"/cases/{mine.reference}").json["links"]
    assert shown == [{"kind": "recurring", "reference": None, "direction": None}]
    # Linking to a case one may not see is refused like a case that does not exist.
    refused = api(people["sender_handler"]).post(f"/cases/{mine.reference}/links",
                                                 {"reference": "AV-2099-999999", "kind": "recurring"})
    assert refused.status_code == 422 and "reference" in refused.json["errors"]


def test_merging_a_duplicate_keeps_one_case_and_the_forum_counts_it_once(api, people, new_case, act,
                                                                        client, login):
    kept, duplicate = new_case(), new_case()
    act(people["receiver_handler"], kept, "acknowledge")
    act(people["receiver_handler"], duplicate, "acknowledge")
    handler = api(people["receiver_handler"])
    # Not linked yet: refused.
    refused = handler.act(duplicate.reference, "merge", into=kept.reference)
    assert refused.status_code == 409 and "Länka dubbletterna först" in refused.json["message"]
    handler.post(f"/cases/{duplicate.reference}/links", {"reference": kept.reference, "kind": "duplicate"})
    # The sender does not merge.
    assert api(people["sender_handler"]).act(duplicate.reference, "merge", into=kept.reference).status_code == 409
    merged = handler.act(duplicate.reference, "merge", into=kept.reference)
    assert merged.status_code == 200, merged.json
    db.session.expire_all()
    assert db.session.get(Case, duplicate.id).status is Status.MERGED
    assert db.session.get(Case, kept.id).status is Status.INVESTIGATING  # carries on as it was
    assert handler.get(f"/cases/{duplicate.reference}").json["merged_into"] == kept.reference
    # The kept case's page shows the duplicate's history too.
    login(people["receiver_handler"])
    page = client.get(f"/arenden/{kept.reference}").get_data(as_text=True)
    assert duplicate.reference in page
    # The forum counts the event once.
    assert services.summary(quarter_of(now_utc()), Filters(), now_utc())["total"] == 1


def test_the_receiver_is_shown_possible_duplicates_at_intake(people, new_case, client, login):
    first = new_case()
    second = new_case()
    login(people["receiver_handler"])
    page = client.get(f"/arenden/{second.reference}").get_data(as_text=True)
    assert "Möjliga dubbletter" in page and first.reference in page
    other_category = new_case(category="medication")
    page = client.get(f"/arenden/{other_category.reference}").get_data(as_text=True)
    assert first.reference not in page
