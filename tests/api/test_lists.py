"""GET /cases: the boxes, newest first, a page at a time, filtered by status."""
import pytest


@pytest.fixture
def five(file_via_api):
    """Five cases from Krokom to the region, oldest first."""
    return [file_via_api(description=f"Händelse {i}") for i in range(5)]


def test_outgoing_pages_with_a_cursor(api, people, five):
    reporter = api(people["reporter"])
    seen, cursor = [], None
    for _ in range(3):
        page = reporter.get("/cases", box="outgoing", limit=2, **({"cursor": cursor} if cursor else {})).json
        seen += [item["reference"] for item in page["items"]]
        cursor = page["next"]
        if cursor is None:
            break
    assert seen == list(reversed(five))
    assert cursor is None


def test_page_shape(api, people, five):
    page = api(people["receiver_handler"]).get("/cases", box="incoming").json
    assert page["next"] is None and len(page["items"]) == 5
    item = page["items"][0]
    assert item["reference"] == five[-1]
    assert item["sender_organisation"] == "2309" and item["receiver_organisation"] == "23"
    assert item["status"] == "received" and item["due_at"].endswith("Z")


def test_status_filter(api, people, five):
    receiver = api(people["receiver_handler"])
    receiver.act(five[1], "acknowledge")
    page = receiver.get("/cases", box="incoming", status="investigating").json
    assert [i["reference"] for i in page["items"]] == [five[1]]
    assert len(receiver.get("/cases", box="incoming", status="received").json["items"]) == 4


def test_boxes_follow_the_policy(api, people, five):
    assert api(people["reporter"]).get("/cases", box="incoming").json["items"] == []
    assert api(people["receiver_handler"]).get("/cases", box="outgoing").json["items"] == []
    assert api(people["stranger"]).get("/cases", box="incoming").json["items"] == []
    assert api(people["other_reporter"]).get("/cases", box="outgoing").json["items"] == []
    assert len(api(people["sender_handler"]).get("/cases", box="outgoing").json["items"]) == 5
    assert api(people["unit_handler"]).get("/cases", box="incoming").json["items"] == []


def test_a_tampered_cursor_starts_over(api, people, five):
    page = api(people["reporter"]).get("/cases", box="outgoing", cursor="not-ours").json
    assert len(page["items"]) == 5


@pytest.mark.parametrize("params, field", [
    ({}, "box"), ({"box": "trash"}, "box"), ({"box": "incoming", "status": "lost"}, "status"),
    ({"box": "incoming", "limit": "0"}, "limit"), ({"box": "incoming", "limit": "101"}, "limit"),
    ({"box": "incoming", "limit": "ten"}, "limit"), ({"box": "incoming", "limit": "-1"}, "limit"),
])
def test_bad_list_parameters_are_422(api, people, params, field):
    response = api(people["reporter"]).get("/cases", **params)
    assert response.status_code == 422
    assert list(response.json["errors"]) == [field]


def test_limit_bounds_are_allowed(api, people, file_via_api):
    file_via_api()
    reporter = api(people["reporter"])
    assert reporter.get("/cases", box="outgoing", limit=1).status_code == 200
    assert reporter.get("/cases", box="outgoing", limit=100).status_code == 200
