"""Who is on a case: acknowledging takes it, the receiving side's handlers assign it (with
history), forwarding and redirecting let go of it, and it shows in JSON, lists and
"Mina ärenden"."""
import pytest
from sqlalchemy import select

from avvikelse.cases.inputs import ActionInput
from avvikelse.cases.services import perform
from avvikelse.cases.transitions import Action
from avvikelse.core.clock import now_utc
from avvikelse.core.errors import TransitionRefused, ValidationFailed
from avvikelse.extensions import db
from avvikelse.notifications.models import Notice
from tests.api.conftest import api, file_via_api  # noqa: F401  (fixtures)
from tests.web.helpers import text


def notices(user) -> list[str]:
    return list(db.session.scalars(select(Notice.text).where(Notice.user_id == user.id)
                                   .order_by(Notice.id)))


def history(case, action: str) -> list:
    return [row for row in case.history if row.action == action]


@pytest.fixture
def colleague(make_user):
    """A second intake handler of the region (no units: sees every incoming case)."""
    user = make_user("23", ["handler"], units=[], username="kollega.region")
    db.session.commit()
    return user


def test_acknowledging_makes_the_handler_the_owner(new_case, people, act):
    case = new_case()
    assert case.owner is None
    act(people["receiver_handler"], case, "acknowledge", note="Vi tittar på det.")
    assert case.owner == people["receiver_handler"]
    assert history(case, "acknowledge")[0].note == "Ansvarig: handlaggare.region. Vi tittar på det."


def test_acknowledging_an_owned_case_keeps_its_owner(new_case, people, act, colleague):
    case = new_case()
    act(people["receiver_handler"], case, "assign", owner=colleague.username)
    act(people["receiver_handler"], case, "acknowledge")
    assert case.owner == colleague
    assert history(case, "acknowledge")[0].note is None


def test_assigning_writes_history_and_tells_the_new_owner(new_case, people, act, colleague):
    handler = people["receiver_handler"]
    case = new_case()
    act(handler, case, "acknowledge")
    act(handler, case, "assign", owner=colleague.username, note="Du kan rutinen.")
    assert case.owner == colleague
    rows = history(case, "assign")
    assert [(r.actor, r.note, r.from_status, r.to_status) for r in rows] == [
        (handler, "Ansvarig ändrad från handlaggare.region till kollega.region. Du kan rutinen.",
         case.status, case.status)]
    assert "Ärendet har tilldelats dig" in notices(colleague)
    act(colleague, case, "assign", owner=handler.username)  # and back again
    assert case.owner == handler
    assert notices(handler).count("Ärendet har tilldelats dig") == 1


def test_taking_it_oneself_tells_nobody(new_case, people, act, colleague):
    case = new_case()
    act(colleague, case, "assign", owner=colleague.username)
    assert case.owner == colleague
    assert "Ärendet har tilldelats dig" not in notices(colleague)


@pytest.mark.parametrize("who,message", [
    ("unit_handler", "Välj en handläggare hos mottagaren som arbetar med ärendets enhet."),
    ("reporter", "Välj en handläggare hos mottagaren som arbetar med ärendets enhet."),
    ("sender_handler", "Välj en handläggare hos mottagaren som arbetar med ärendets enhet."),
    ("stranger", "Välj en handläggare hos mottagaren som arbetar med ärendets enhet."),
])
def test_only_a_receiving_handler_who_sees_the_case_may_own_it(new_case, people, who, message):
    case = new_case()  # to the region's intake: its unit handler (geriatrics) does not see it
    with pytest.raises(ValidationFailed) as refused:
        perform(people["receiver_handler"], case, Action.ASSIGN,
                ActionInput(owner=people[who].username), now_utc())
    assert refused.value.errors == {"owner": [message]}
    assert case.owner is None


def test_nobody_but_the_receiving_side_assigns(new_case, people):
    case = new_case()
    for who in ("reporter", "sender_handler", "mas"):
        with pytest.raises(TransitionRefused, match="Bara mottagande organisations handläggare"):
            perform(people[who], case, Action.ASSIGN,
                    ActionInput(owner=people["receiver_handler"].username), now_utc())


@pytest.mark.parametrize("owner,message", [
    ("", "Välj vem som ska ansvara för ärendet."),
    ("finns.inte", "Välj en handläggare hos mottagaren som arbetar med ärendets enhet."),
    ("x\x00y", "Välj en handläggare hos mottagaren som arbetar med ärendets enhet."),
    ("handlaggare.region", "Ärendet är redan tilldelat handlaggare.region."),
])
def test_assign_refusals(new_case, people, act, owner, message):
    case = new_case()
    act(people["receiver_handler"], case, "acknowledge")
    with pytest.raises(ValidationFailed) as refused:
        perform(people["receiver_handler"], case, Action.ASSIGN, ActionInput(owner=owner), now_utc())
    assert refused.value.errors == {"owner": [message]}


def test_an_inactive_handler_or_a_system_is_never_the_owner(new_case, people, make_user):
    gone = make_user("23", ["handler"], units=[], username="slutat.region")
    gone.active = False
    system = make_user("23", ["handler"], units=[], username="journal.region")
    system.is_integration = True
    db.session.commit()
    case = new_case()
    for user in (gone, system):
        with pytest.raises(ValidationFailed):
            perform(people["receiver_handler"], case, Action.ASSIGN,
                    ActionInput(owner=user.username), now_utc())


def test_forwarding_to_a_unit_the_owner_does_not_work_with_lets_go(new_case, people, act, make_user):
    med = make_user("23", ["handler"], units=["23-OSD-MED"], username="med.region")
    db.session.commit()
    case = new_case(receiver_unit="23-OSD-MED")
    act(med, case, "acknowledge")
    assert case.owner == med
    act(med, case, "forward", unit="23-OSD-GER")
    assert case.owner is None
    assert "med.region arbetar inte med den enheten: ärendet saknar nu ansvarig." in \
        history(case, "forward")[0].note


def test_forwarding_keeps_an_intake_owner(new_case, people, act):
    case = new_case()
    act(people["receiver_handler"], case, "acknowledge")
    act(people["receiver_handler"], case, "forward", unit="23-OSD-GER")
    assert case.owner == people["receiver_handler"]  # the intake sees every unit


def test_redirect_clears_the_owner(new_case, people, act):
    case = new_case()
    act(people["receiver_handler"], case, "acknowledge")
    act(people["receiver_handler"], case, "redirect", organisation="2380", note="Fel huvudman")
    assert case.owner is None


# -- the API ---------------------------------------------------------------------------------

def test_owner_in_json_and_assign_through_the_api(api, people, file_via_api, colleague):
    receiver = api(people["receiver_handler"])
    ref = file_via_api()
    assert receiver.get(f"/cases/{ref}").json["owner"] is None
    assert receiver.act(ref, "acknowledge").json["owner"] == "handlaggare.region"
    body = receiver.act(ref, "assign", owner="kollega.region").json
    assert body["owner"] == "kollega.region"
    assert body["history"][-1]["action"] == "assign"
    listed = receiver.get("/cases", box="incoming").json["items"]
    assert [(i["reference"], i["owner"]) for i in listed] == [(ref, "kollega.region")]
    # The sender sees who is on it, too.
    sender = api(people["reporter"]).get("/cases", box="outgoing").json["items"]
    assert sender[0]["owner"] == "kollega.region"
    refused = receiver.act(ref, "assign", owner="ger.region")
    assert refused.status_code == 422
    assert refused.json["errors"] == {
        "owner": ["Välj en handläggare hos mottagaren som arbetar med ärendets enhet."]}


def test_the_list_filters_on_owner(api, people, file_via_api, colleague):
    receiver = api(people["receiver_handler"])
    mine, theirs, nobodys = file_via_api(), file_via_api(), file_via_api()
    receiver.act(mine, "acknowledge")
    receiver.act(theirs, "assign", owner="kollega.region")

    def refs(**params):
        response = receiver.get("/cases", box="incoming", **params)
        assert response.status_code == 200, response.json
        return {i["reference"] for i in response.json["items"]}

    assert refs() == {mine, theirs, nobodys}
    assert refs(owner="me") == {mine}
    assert refs(owner="kollega.region") == {theirs}
    assert refs(owner="finns.inte") == set()  # an unknown name lists nothing, like a known one
    assert api(colleague).get("/cases", box="incoming", owner="me").json["items"][0]["reference"] == theirs
    bad = receiver.get("/cases", box="incoming", owner="a\tb")
    assert bad.status_code == 422 and "owner" in bad.json["errors"]


# -- pages -----------------------------------------------------------------------------------

def test_my_cases_page_and_the_owner_column(client, login, new_case, people, act, colleague):
    mine, theirs = new_case(), new_case()
    act(people["receiver_handler"], mine, "acknowledge")
    act(people["receiver_handler"], theirs, "assign", owner=colleague.username)
    login(people["receiver_handler"])
    page = text(client.get("/mina-arenden"))
    assert mine.reference in page and theirs.reference not in page
    assert "Ärenden som du ansvarar för hos mottagaren." in page
    inbox = text(client.get("/inkorg"))
    assert "<th scope=\"col\">Ansvarig</th>" in inbox
    assert "kollega.region" in inbox and "handlaggare.region" in inbox
    start = text(client.get("/"))
    assert "1 öppna ärenden som du ansvarar för." in start
    assert 'href="/mina-arenden"' in start


def test_assign_on_the_case_page(client, login, new_case, people, colleague):
    case = new_case()
    login(people["receiver_handler"])
    page = text(client.get(f"/arenden/{case.reference}"))
    assert "<summary>Tilldela ansvarig handläggare</summary>" in page
    assert '<option value="kollega.region">' in page
    assert '<option value="ger.region">' not in page  # works with another unit only
    response = client.post(f"/arenden/{case.reference}/atgard/assign",
                           data={"owner": "ger.region", "note": "<b>hej</b>"})
    assert response.status_code == 422
    body = text(response)
    assert "Välj en handläggare hos mottagaren som arbetar med ärendets enhet." in body
    assert "&lt;b&gt;hej&lt;/b&gt;" in response.get_data(as_text=True)  # kept, escaped
    assert client.post(f"/arenden/{case.reference}/atgard/assign",
                       data={"owner": "kollega.region"}).status_code == 302
    assert case.owner == colleague
    assert "kollega.region" in text(client.get(f"/arenden/{case.reference}"))
    # The sending side sees the owner, and has no assign action.
    client.post("/logga-ut")
    login(people["reporter"])
    page = text(client.get(f"/arenden/{case.reference}"))
    assert "kollega.region" in page and "<summary>Tilldela ansvarig" not in page
    assert client.post(f"/arenden/{case.reference}/atgard/assign",
                       data={"owner": "kollega.region"}).status_code == 409
