"""The one access policy: who sees a case, and the list SQL that must agree with it."""
import pytest
from sqlalchemy import select

from avvikelse.audit.models import AccessLog
from avvikelse.cases.policy import can_see_patient, can_view, get_case_for
from avvikelse.cases.queries import box_page
from avvikelse.core.errors import NotFound
from avvikelse.extensions import db

VISIBLE = {
    # who: (sees the case, sees it in incoming, sees it in outgoing)
    "reporter": (True, False, True),
    "sender_handler": (True, False, True),
    "mas": (True, False, True),
    "receiver_handler": (True, True, False),
    "chefslakare": (True, True, False),
    "unit_handler": (False, False, False),   # the case is for the intake, not geriatrics
    "other_reporter": (False, False, False),  # a colleague without a role: not their case
    "stranger": (False, False, False),
    "forum": (False, False, False),
    "admin": (False, False, False),
}


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_need_to_know_and_the_list_sql_agree(new_case, people, who):
    case = new_case()
    user = people[who]
    sees, incoming, outgoing = VISIBLE[who]
    assert can_view(user, case) is sees
    assert (case in box_page(user, "incoming")[0]) is incoming
    assert (case in box_page(user, "outgoing")[0]) is outgoing


def test_a_unit_case_is_seen_by_that_units_handler(new_case, people):
    case = new_case(receiver_unit="23-OSD-GER")
    assert can_view(people["unit_handler"], case)
    assert case in box_page(people["unit_handler"], "incoming")[0]


def test_reading_is_logged_and_a_denial_too(new_case, people):
    case = new_case(patient_id="191212121212")
    assert get_case_for(people["receiver_handler"], case.reference) is case
    with pytest.raises(NotFound):
        get_case_for(people["stranger"], case.reference)
    with pytest.raises(NotFound):
        get_case_for(people["stranger"], "AV-2026-999999")
    rows = db.session.scalars(select(AccessLog).order_by(AccessLog.id)).all()
    assert [(r.user_id, r.action) for r in rows] == [
        (people["receiver_handler"].id, "read"), (people["stranger"].id, "denied"),
        (people["stranger"].id, "denied")]
    # The receiver may not identify the patient: its row must not link the case to one.
    assert rows[0].case_id == case.id and rows[0].patient_blind_index is None
    # A denial is alike for a case that exists and one that does not: no case, no patient.
    assert [(r.case_id, r.patient_blind_index, r.target) for r in rows[1:]] == [
        (None, None, case.reference), (None, None, "AV-2026-999999")]
    get_case_for(people["sender_handler"], case.reference)
    own = db.session.scalars(select(AccessLog).order_by(AccessLog.id.desc())).first()
    assert own.patient_blind_index == case.patient_blind_index


def test_a_denial_is_kept_even_when_the_request_rolls_back(new_case, people):
    case = new_case()
    with pytest.raises(NotFound):
        get_case_for(people["stranger"], case.reference)
    db.session.rollback()
    assert db.session.scalar(select(AccessLog.action)) == "denied"


def test_the_patient_is_the_senders_unless_shared(new_case, people):
    hidden = new_case(patient_id="191212121212")
    shared = new_case(patient_id="191212121212", patient_shared_basis="consent")
    assert can_see_patient(people["reporter"], hidden)
    assert not can_see_patient(people["receiver_handler"], hidden)
    assert can_see_patient(people["receiver_handler"], shared)
    assert not can_see_patient(people["stranger"], shared)


def test_a_broken_rule_denies(new_case, people, monkeypatch):
    case = new_case()
    monkeypatch.setattr(type(people["reporter"]), "has_role",
                        lambda *a: (_ for _ in ()).throw(RuntimeError("boom")))
    assert not can_view(people["sender_handler"], case)


def test_box_paging_walks_every_case_once(new_case, people):
    refs = {new_case().reference for _ in range(7)}
    seen, cursor = [], None
    while True:
        items, cursor = box_page(people["receiver_handler"], "incoming", cursor=cursor, limit=3)
        seen += [c.reference for c in items]
        if cursor is None:
            break
    assert len(seen) == 7 and set(seen) == refs
    assert box_page(people["receiver_handler"], "incoming", cursor="not-a-cursor", limit=3)[0]
