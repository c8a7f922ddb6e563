"""The rules for figures outside the base table (suppression.py)."""
from avvikelse.forum import suppression
from avvikelse.forum.suppression import HIDDEN


def test_a_count_alone_hides_from_one_to_below():
    assert [suppression.count(n, 5) for n in (0, 1, 4, 5, 12)] == [0, HIDDEN, HIDDEN, 5, 12]
    assert suppression.count(2, 3) == HIDDEN and suppression.count(3, 3) == 3


def test_rows_of_a_shown_sum_hide_two_or_more_together_at_least_the_threshold():
    # one small row: the smallest other joins it, so neither follows from the sum
    assert suppression.linked_rows({"a": 2, "b": 9, "c": 20}, 5) == {"a": HIDDEN, "b": HIDDEN, "c": 20}
    # two small rows summing under 5: a third joins them
    assert suppression.linked_rows({"a": 1, "b": 2, "c": 7, "d": 30}, 5) == {
        "a": HIDDEN, "b": HIDDEN, "c": HIDDEN, "d": 30}
    # nothing small, nothing hidden; zeros never hide here
    assert suppression.linked_rows({"a": 5, "b": 0, "c": 8}, 5) == {"a": 5, "b": 0, "c": 8}


def test_rows_of_a_hidden_sum_all_hide():
    assert suppression.linked_rows({"a": 7, "b": 0}, 5, total_hidden=True) == {"a": HIDDEN, "b": 0}


def test_grouped_rows_leave_no_group_to_subtract():
    cells = {1: 2, 2: 9, 3: 20, 4: 0}
    shown, groups = suppression.grouped_rows(cells, {"low": [1, 2], "high": [3, 4]}, 5)
    assert shown[1] == HIDDEN and shown[2] == HIDDEN and shown[4] == 0
    # "low" shown (11) with 1 and 2 hidden would be fine; "high" = 20 is cell 3 itself
    assert groups["high"] == shown[3]


def test_shares_and_medians_hide_over_fewer_than_the_threshold():
    assert suppression.median(21.5, 4, 5) == HIDDEN and suppression.median(21.5, 5, 5) == 21.5
    assert suppression.median(None, 0, 5) is None
    assert suppression.share(2, 4, 0.5, 5) == HIDDEN  # four answered
    assert suppression.share(HIDDEN, 9, 0.3, 5) == HIDDEN  # its numerator hidden
    assert suppression.share(6, 9, 0.667, 5) == 0.667


def test_figures_saved_before_protection_hide_every_count_and_share():
    raw = {"period": "2026Q2", "total": 6, "by_kind": {"deviation": 4, "complaint": 0},
           "median_answer_days": 21.5, "items": [{"title": "T", "text": "Text", "id": 3}],
           "organisations": [{"code": "2309", "name": "Krokom", "kind": "kommun", "sent": 5, "received": 0}]}
    shown = suppression.legacy(raw)
    assert shown["total"] == HIDDEN and shown["by_kind"] == {"deviation": HIDDEN, "complaint": 0}
    assert shown["median_answer_days"] == HIDDEN
    assert shown["organisations"] == [{"code": "2309", "name": "Krokom", "kind": "kommun",
                                       "sent": HIDDEN, "received": 0}]
    assert shown["items"] == raw["items"] and shown["disclosure"]["method"] == "legacy"
