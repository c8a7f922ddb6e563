"""Idempotency-Key records hold no personal data in clear: the stored response is
encrypted, the caller's key and the request's fingerprint are keyed digests."""
import hashlib
import json

import pytest
from sqlalchemy import text

from avvikelse.extensions import db
from tests.api.conftest import valid_case
from tests.fixtures.factories import TEST_PNR

#: Skatteverket's test personnummer in every spelling a dump could be searched for
SPELLINGS = ("191212121212", "19121212-1212", "201212121212", "20121212-1212",
             "1212121212", "121212-1212", "121212+1212")


def _raw_rows() -> str:
    """Every column of every idempotency row, as the database holds it."""
    rows = db.session.execute(text("SELECT * FROM idempotency_records")).all()
    assert rows, "no idempotency record was written"
    return "\n".join(" ".join("" if v is None else str(v) for v in row) for row in rows)


def _assert_no_personnummer(raw: str) -> None:
    for spelling in SPELLINGS:
        assert spelling not in raw, f"{spelling} stored in clear"


@pytest.mark.parametrize("patient_id", ["191212121212", "19121212-1212", "121212-1212"])
def test_a_filing_with_a_patient_leaves_no_personnummer_in_the_record(api, people, patient_id):
    client = api(people["reporter"])
    body, key = valid_case(patient_id=patient_id), {"Idempotency-Key": "filing-1"}
    first = client.post("/cases", body, headers=key)
    assert first.status_code == 201 and first.json["patient_id"].endswith("121212-1212")
    _assert_no_personnummer(_raw_rows())

    again = client.post("/cases", body, headers=key)
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_data() == first.get_data()
    assert again.headers["Location"] == first.headers["Location"]
    assert again.content_type == first.content_type


def test_a_key_that_is_a_personnummer_is_not_stored(api, people):
    client = api(people["reporter"])
    key = {"Idempotency-Key": TEST_PNR}
    body = valid_case()
    first = client.post("/cases", body, headers=key)
    _assert_no_personnummer(_raw_rows())
    again = client.post("/cases", body, headers=key)
    assert again.headers["Idempotent-Replayed"] == "true" and again.json == first.json


def test_the_fingerprint_cannot_be_brute_forced_without_the_key(api, people):
    """A plain SHA-256 over the request would let a dump's reader try every personnummer
    against the rest of the (known) body; the fingerprint is keyed."""
    client = api(people["reporter"])
    body = valid_case(patient_id=TEST_PNR)
    client.post("/cases", body, headers={"Idempotency-Key": "fp-1"})
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    unkeyed = hashlib.sha256(b"POST /api/v1/cases\n" + canonical).hexdigest()
    assert unkeyed not in _raw_rows()
