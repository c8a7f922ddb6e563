from avvikelse.forum import suppression


def test_boundary_at_four_and_five():
    assert suppression.count(0) == 0
    assert suppression.count(1) == "<5"
    assert suppression.count(4) == "<5"
    assert suppression.count(5) == 5
    assert suppression.count(12) == 12


def test_setting_moves_the_threshold(app):
    app.config["FORUM_SUPPRESS_BELOW"] = 3
    try:
        assert suppression.count(2) == "<3" and suppression.count(3) == 3
    finally:
        app.config["FORUM_SUPPRESS_BELOW"] = 5


def test_apply_reaches_every_count_but_not_shares_or_labels():
    raw = {"period": "2026Q2", "total": 4, "by_kind": {"deviation": 5, "complaint": 1},
           "risk_matrix": [[0, 3], [7, 0]], "median_answer_days": 3.0, "answered_in_time_share": 0.25,
           "organisations": [{"code": "2309", "name": "Krokom", "kind": "kommun", "sent": 2, "received": 0}],
           "trend": [{"period": "2026Q1", "total": 2}], "serious": True}
    assert suppression.apply(raw) == {
        "period": "2026Q2", "total": "<5", "by_kind": {"deviation": 5, "complaint": "<5"},
        "risk_matrix": [[0, "<5"], [7, 0]], "median_answer_days": 3.0, "answered_in_time_share": 0.25,
        "organisations": [{"code": "2309", "name": "Krokom", "kind": "kommun", "sent": "<5", "received": 0}],
        "trend": [{"period": "2026Q1", "total": "<5"}], "serious": True}
