"""The inbox and the sent box: who sees what, status filter, cursor paging."""
import re

from tests.web.helpers import text


def references(response) -> list[str]:
    return re.findall(r'href="/arenden/(AV-\d{4}-\d{6})"', response.get_data(as_text=True))


def test_inbox_table_has_the_columns(client, login, people, new_case):
    case = new_case(receiver_unit="23-OSD-GER")
    login(people["receiver_handler"])
    response = client.get("/inkorg")
    body = text(response)
    for header in ("Referens", "Typ", "Kategori", "Motpart", "Status", "Rapporterad", "Svar senast"):
        assert f'<th scope="col">{header}</th>' in body
    assert case.reference in body
    assert "Krokoms kommun" in body and "Hemsjukvården Krokom" in body
    assert "Utskrivning och informationsöverföring" in body and "Mottagen" in body
    assert case.due_at and "1 ärende." in body


def test_boxes_show_only_what_the_user_may_see(client, login, people, new_case):
    to_ger = new_case(receiver_unit="23-OSD-GER")
    to_intake = new_case()
    by_colleague = new_case(reporter=people["other_reporter"])

    login(people["unit_handler"])  # handles 23-OSD-GER only
    assert references(client.get("/inkorg")) == [to_ger.reference]
    client.post("/logga-ut")

    login(people["receiver_handler"])  # the region's intake sees all incoming
    everything = {to_ger.reference, to_intake.reference, by_colleague.reference}
    assert set(references(client.get("/inkorg"))) == everything
    assert references(client.get("/skickade")) == []
    client.post("/logga-ut")

    login(people["reporter"])  # a reporter: only their own reports, and no inbox
    assert set(references(client.get("/skickade"))) == {to_ger.reference, to_intake.reference}
    assert references(client.get("/inkorg")) == []
    client.post("/logga-ut")

    login(people["stranger"])  # Östersund: none of this
    assert references(client.get("/inkorg")) == [] and references(client.get("/skickade")) == []


def test_status_filter_stays_in_the_url(client, login, people, new_case, act):
    acknowledged = act(people["receiver_handler"], new_case(), "acknowledge")
    waiting = new_case()
    login(people["receiver_handler"])
    response = client.get("/inkorg?status=investigating")
    assert references(response) == [acknowledged.reference]
    body = text(response)
    assert '<option value="investigating" selected>' in body
    assert "med status ”Under utredning”" in body
    assert references(client.get("/inkorg?status=received")) == [waiting.reference]
    assert set(references(client.get("/inkorg?status="))) == {acknowledged.reference, waiting.reference}
    assert client.get("/inkorg?status=nonsense").status_code == 400


def test_paging_with_a_cursor(app, client, login, people, new_case, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    made = [new_case().reference for _ in range(5)]
    login(people["receiver_handler"])
    seen = []
    url = "/inkorg"
    while url:
        response = client.get(url)
        assert "5 ärenden." in text(response)
        page = references(response)
        assert len(page) <= 2
        seen += page
        match = re.search(r'href="(/inkorg\?cursor=[^"]+)" rel="next">Nästa sida', text(response))
        url = match.group(1) if match else None
    assert seen == list(reversed(made))  # newest first, each once


def test_paging_keeps_the_status_filter(app, client, login, people, new_case, act, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 1)
    for _ in range(2):
        act(people["receiver_handler"], new_case(), "acknowledge")
    new_case()
    login(people["receiver_handler"])
    body = text(client.get("/inkorg?status=investigating"))
    assert re.search(r'href="/inkorg\?status=investigating&cursor=[^"]+" rel="next"', body)


def test_a_tampered_cursor_starts_over(client, login, people, new_case):
    case = new_case()
    login(people["receiver_handler"])
    assert references(client.get("/inkorg?cursor=not-a-cursor")) == [case.reference]


def test_counts_stop_at_the_cap_so_a_page_costs_the_same_in_a_big_table(client, login, people, new_case, monkeypatch):
    from avvikelse.cases import web

    monkeypatch.setattr(web, "COUNT_CAP", 3)
    monkeypatch.setattr(web, "STATUS_COUNT_CAP", 2)
    for _ in range(5):
        new_case()
    login(people["receiver_handler"])
    page = text(client.get("/inkorg"))
    assert "Alla (3+)" in page and "Mottagen (2+)" in page and "3+ ärenden" in page
    # Filtered past the status cap, the list's own count is read (up to the larger cap).
    assert "3+ ärenden med status" in text(client.get("/inkorg?status=received"))
    monkeypatch.setattr(web, "COUNT_CAP", 10)
    monkeypatch.setattr(web, "STATUS_COUNT_CAP", 10)
    page = text(client.get("/inkorg"))
    assert "Alla (5)" in page and "Mottagen (5)" in page and "5 ärenden" in page


def test_the_lists_and_the_search_cost_the_same_statements_whatever_the_directory(app, client, login, people,
                                                                                   new_case):
    """The boxes (the bulk form's colleagues and units) and the search page (its unit
    filter) read the directory in a fixed number of statements: Sweden's 310
    organisations, a unit each, cost what Jämtland's do."""
    from sqlalchemy import select

    from avvikelse.directory.cli import directory_cli
    from avvikelse.directory.models import Organisation, Unit
    from avvikelse.extensions import db
    from tests.web.test_unit_picker import counted

    new_case(receiver_unit="23-OSD-GER")
    login(people["receiver_handler"])
    pages = ["/inkorg", "/inkorg?status=received", "/mina-arenden", "/skickade", "/sok", "/sok?q=läkemedel"]

    def statements() -> dict[str, int]:
        found = {}
        for page in pages:
            with counted() as issued:
                assert client.get(page).status_code == 200, page
            found[page] = len(issued)
        return found

    statements()  # warm: the session's first reads
    small = statements()
    assert app.test_cli_runner().invoke(directory_cli, ["sweden"]).exit_code == 0
    have = set(db.session.scalars(select(Unit.organisation_id)))
    db.session.add_all(Unit(organisation_id=org.id, code=f"{org.code}-ENH", name=f"{org.name}, enhet")
                       for org in db.session.scalars(select(Organisation)) if org.id not in have)
    db.session.commit()
    assert statements() == small
    assert '<option value="0180-ENH">' in client.get("/sok").get_data(as_text=True)  # Stockholm's unit is offered


def test_each_user_counts_their_own_box_though_the_statements_are_shared(client, login, people, new_case,
                                                                        make_user):
    """The list pages build their statements once per box form (policy.box_form) and fill
    in each user's values: users of the same form, in other units or organisations, one
    after another in one process, each see and count only their own box; a case in two
    branches of a box (the sender's intake reported it) counts once."""
    med = make_user("23", ["handler"], units=["23-OSD-MED"], username="med.region")
    to_ger = {new_case(receiver_unit="23-OSD-GER").reference for _ in range(2)}
    to_med = new_case(receiver_unit="23-OSD-MED").reference
    own_report = new_case(reporter=people["sender_handler"], sender_unit="2309-HSJV").reference
    for user, box, seen in ((people["unit_handler"], "/inkorg", to_ger), (med, "/inkorg", {to_med}),
                            (people["unit_handler"], "/inkorg?status=received", to_ger),
                            (med, "/inkorg?status=received", {to_med}),
                            (people["stranger"], "/inkorg", set()),
                            (people["sender_handler"], "/skickade", {*to_ger, to_med, own_report}),
                            (people["reporter"], "/skickade", {*to_ger, to_med}),
                            (people["other_reporter"], "/skickade", set())):
        login(user)
        response = client.get(box)
        assert set(references(response)) == seen, (user.username, box)
        n = len(seen)
        body = text(response)
        assert f"Alla ({n})" in body and f"Mottagen ({n})" in body, (user.username, box)
        assert (f"{n} ärende{'' if n == 1 else 'n'}" in body), (user.username, box)
        client.post("/logga-ut")
