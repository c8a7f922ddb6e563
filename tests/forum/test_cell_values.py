"""The published figures' values, computed the fast ways (disclosure.values sums only
the marginal entries a cell's non-zero weights reach; Base.tables finds each row's
weights once for the views that share them) against the plain definition: a cell is
the sum over atoms of the count times the product of its weights."""
from hypothesis import given, settings
from hypothesis import strategies as st

from avvikelse.forum import disclosure
from avvikelse.forum.release import Base, Orgs


def _plain_value(problem: disclosure.Problem, key) -> int:
    total = 0
    for atom, n in problem.atoms.items():
        w = n
        for d, gid in enumerate(key):
            w *= problem.grid.weights(d, gid)[atom[d]]
        total += w
    return total


@st.composite
def problems(draw):
    sizes = draw(st.lists(st.integers(1, 5), min_size=1, max_size=4))
    grid = disclosure.Grid({f"d{i}": list(range(n)) for i, n in enumerate(sizes)})
    groups = [[0] for _ in sizes]
    for d, n in enumerate(sizes):
        # 0/1 weights as most groups have, and 2 as a pair's organisation counts twice
        for weights in draw(st.lists(st.lists(st.integers(0, 2), min_size=n, max_size=n), max_size=4)):
            gid = grid.group(d, weights)
            if gid is not None:
                groups[d].append(gid)
    coords = st.tuples(*(st.integers(0, n - 1) for n in sizes))
    atoms = draw(st.dictionaries(coords, st.integers(0, 9), max_size=30))
    problem = disclosure.Problem(grid, atoms, threshold=3)
    for gids in draw(st.lists(st.tuples(*(st.sampled_from(g) for g in groups)), min_size=1, max_size=25)):
        problem.cell(gids)
    return problem


@settings(max_examples=150, deadline=None)
@given(problems())
def test_every_cell_is_the_weighted_sum_of_its_atoms(problem):
    found = disclosure.values(problem)
    assert found == {key: _plain_value(problem, key) for key in problem.keys}


ORGS = Orgs.of({"2301": ("Krokom", "kommun"), "2321": ("Åre", "kommun"),
                "23": ("Region Jämtland Härjedalen", "region"), "09": ("Region Gotland", "both")})
PAIRS = [("2301", "23"), ("23", "2301"), ("2321", "23"), ("23", "2321"), ("09", "23"), ("2301", "2321")]


def _product(a, b):
    return tuple(x * y for x, y in zip(a, b, strict=True))


def test_each_published_cell_has_its_views_and_rows_weights():
    checked = 0
    for quarters in (None, ["2026Q1", "2026Q2"]):
        base = Base(ORGS, PAIRS, ["discharge", "medication", "other"], quarters)
        grid = base.grid
        for view in base.views():
            view_weights = base._view_weights(view)  # noqa: SLF001
            by_table = {table: dict(rows) for table, rows in base.tables(view).items()}
            for table, row, dim, weights in base._rows():  # noqa: SLF001
                if row not in by_table.get(table, {}):
                    continue  # a table this view does not publish
                key = by_table[table][row]
                if table in ("answered", "confirmed"):
                    expected = {1: _product(view_weights[1], weights[0]), 4: weights[1]}
                elif dim is not None and dim < 3:
                    expected = {dim: _product(view_weights[dim], weights)}
                else:
                    continue
                if key is None:
                    assert any(not any(w) for w in expected.values())
                    continue
                for d, w in expected.items():
                    assert grid.weights(d, key[d]) == w, (view, table, row)
                for d in range(3):
                    if d not in expected:
                        assert grid.weights(d, key[d]) == view_weights[d], (view, table, row)
                checked += 1
    assert checked > 100
