"""The lists' sort orders (kept through paging), status counts and the overdue block."""
import re
from datetime import timedelta

from avvikelse.core.clock import now_utc
from avvikelse.extensions import db


def table_refs(response) -> list[str]:
    body = response.get_data(as_text=True)
    table = body[body.index('<table class="cases">'):]
    return re.findall(r'href="/arenden/(AV-\d{4}-\d{6})"', table)


def overdue_refs(response) -> list[str]:
    body = response.get_data(as_text=True)
    if 'class="overdue"' not in body:
        return []
    block = body[body.index('class="overdue"'):body.index("</section>", body.index('class="overdue"'))]
    return re.findall(r'href="/arenden/(AV-\d{4}-\d{6})"', block)


def test_sort_by_due_day_pages_in_order_and_keeps_filters(app, client, login, people, new_case):
    cases = [new_case() for _ in range(3)]
    for days, case in zip((5, -3, 1), cases, strict=True):  # due in 5 days, 3 days late, tomorrow
        case.due_at = now_utc() + timedelta(days=days)
    db.session.commit()
    login(people["receiver_handler"])
    app.config["PAGE_SIZE"] = 2
    try:
        first = client.get("/inkorg?status=received&sort=due")
        next_link = re.search(r'href="([^"]+)" rel="next"', first.get_data(as_text=True)).group(1)
        second = client.get(next_link.replace("&amp;", "&"))
    finally:
        app.config["PAGE_SIZE"] = 25
    assert "sort=due" in next_link and "status=received" in next_link
    assert table_refs(first) + table_refs(second) == [cases[1].reference, cases[2].reference,
                                                      cases[0].reference]
    oldest = client.get("/inkorg?sort=oldest")
    assert table_refs(oldest) == [c.reference for c in cases]


def test_sort_by_due_day_lists_only_what_awaits_an_answer(client, login, people, new_case, act):
    waiting, answered, investigating = new_case(), new_case(), new_case()
    act(people["receiver_handler"], answered, "acknowledge")
    act(people["receiver_handler"], answered, "answer")
    act(people["receiver_handler"], investigating, "acknowledge")
    for days, case in ((3, waiting), (-9, answered), (1, investigating)):
        case.due_at = now_utc() + timedelta(days=days)
    db.session.commit()
    login(people["receiver_handler"])
    assert table_refs(client.get("/inkorg?sort=due")) == [investigating.reference, waiting.reference]
    assert answered.reference in table_refs(client.get("/inkorg"))  # the other orders list all


def test_overdue_block_lists_only_late_cases_waiting_on_an_answer(client, login, people, new_case, act):
    late, answered_late, on_time = new_case(), new_case(), new_case()
    act(people["receiver_handler"], answered_late, "acknowledge")
    act(people["receiver_handler"], answered_late, "answer")
    for case in (late, answered_late):
        case.due_at = now_utc() - timedelta(days=1)
    db.session.commit()
    login(people["receiver_handler"])
    inbox = client.get("/inkorg")
    assert overdue_refs(inbox) == [late.reference]
    assert "1 försenat svar att lämna" in inbox.get_data(as_text=True)
    assert f"({late.sender_organisation.name})</span>" in inbox.get_data(as_text=True)  # no owner yet
    act(people["receiver_handler"], late, "acknowledge")  # who acknowledges owns it
    handler = people["receiver_handler"]
    owned = client.get("/inkorg").get_data(as_text=True)
    assert f"({late.sender_organisation.name}; ansvarig {handler.full_name or handler.username})" in owned
    client.post("/logga-ut")
    login(people["reporter"])  # the sender sees the same case as late to them
    sent = client.get("/skickade")
    assert overdue_refs(sent) == [late.reference]
    assert f"({late.receiver_organisation.name}; ansvarig " in sent.get_data(as_text=True)
    assert on_time.reference not in overdue_refs(inbox)


def test_status_options_carry_counts_and_unknown_sort_is_refused(client, login, people, new_case):
    new_case(), new_case()
    login(people["receiver_handler"])
    body = client.get("/inkorg").get_data(as_text=True)
    assert '<option value="received">Mottagen (2)</option>' in body
    assert '<option value="">Alla (2)</option>' in body
    assert client.get("/inkorg?sort=drop-table").status_code == 400
