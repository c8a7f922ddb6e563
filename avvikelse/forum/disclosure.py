"""Complementary suppression with a proof for every hidden cell: the hypercube method.

The forum publishes one table of counts per period, cut by every filter it accepts. Its
finest cells ("atoms") are the combinations of a few dimensions (organisation pair,
category, kind, and for a year the quarter); every published figure is a sum over atoms
of weights that are products of one weight vector per dimension (a "group": all values,
one value, a sender's pairs, a clause's categories …). Knowing the published figures,
a reader can solve for a hidden one exactly unless some other table of atom counts,
equally non-negative, gives the same published figures and another hidden value.

A hypercube move proves that: on the 2^h corners of a hypercube in h of the dimensions
(two values in each), add λ at the even corners and subtract it at the odd ones. A
published figure summing over both values of any one of those dimensions does not
change; the figures it does change are exactly those that separate the two values in
every one of the h dimensions (and contain the corners' values in the others). If all of
them are hidden, the move leaves every shown figure as it was, and λ can run as far as
the corners' counts allow. So each hidden cell carries the moves that vary it; their
reach, applied one after another on the real counts (each step stays non-negative), is a
width its true value can be moved over without any shown figure changing. That is a
lower bound on what the exact linear program finds (tests/forum/lp_audit.py solves it
with scipy), so the pattern is safe by construction, not by hope. Beside hypercubes the
search tries other moves of the same kind, each checked the same way against every
published figure: one case from one cell to another (a transfer), two opposite steps
(a ladder), and rectangles of four (sender, receiver) pairs inside the pair dimension.

Primary suppression hides counts 1 … threshold−1. Such a cell needs a proven width of at
least the threshold; any other hidden cell (a complement, possibly 0) a width above 0.
A cell short of its width gets the cheapest further move: the one that hides the fewest
and smallest shown figures, preferring detailed (filtered) figures over the headline
ones, per unit of width gained; ties go to the move's own sort key, so the same counts
always give the same pattern. Hiding only grows, every move added keeps its proof.

Why suppression and not a cell-key perturbation: the forum's figures are few and small;
noise of ±2 on a county's quarter would make most of them useless, and a reader who
gets the same cell in several tables can still narrow it. Suppression publishes exact
figures or none, and every hidden one can be checked against all that is shown.
Pure Python, no database: the app and the audit test feed it the same atoms.
"""
import math
from collections import defaultdict
from itertools import combinations, islice, product

INF = float("inf")
#: relative price of hiding a figure, by how many dimensions it restricts: the headline
#: (no filter, one breakdown) is worth far more to the forum than a filtered detail
LEVEL_COST = (100_000.0, 30.0, 3.0, 1.0, 1.0)
#: search bounds per hidden cell (partners per dimension, anchors), and the wider ones
#: tried before hiding a headline figure; and how many moves one decision weighs at most
NARROW = (4, 6)
WIDE = (8, 12)
MAX_CANDIDATES = 1_000


class Grid:
    """The dimensions of one release and the groups (weight vectors) over each."""

    def __init__(self, dims: dict[str, list]):
        self.names = tuple(dims)
        self.values = tuple(tuple(v) for v in dims.values())
        self.index = tuple({v: i for i, v in enumerate(vals)} for vals in self.values)
        self.groups: list[list[tuple[int, ...]]] = [[(1,) * len(vals)] for vals in self.values]
        self._ids: list[dict] = [{(1,) * len(vals): 0} for vals in self.values]

    def group(self, dim: int, weights) -> int | None:
        """The id of a weight vector over one dimension; None when it is all zero (a
        figure over no atom at all is 0 whatever the data)."""
        weights = tuple(map(int, weights))
        if not any(weights):
            return None
        found = self._ids[dim].get(weights)
        if found is None:
            found = self._ids[dim][weights] = len(self.groups[dim])
            self.groups[dim].append(weights)
        return found

    def where(self, dim: int, predicate) -> int | None:
        return self.group(dim, (1 if predicate(v) else 0 for v in self.values[dim]))

    def weights(self, dim: int, gid: int) -> tuple[int, ...]:
        return self.groups[dim][gid]


class Problem:
    """Atoms, the published cells over them, and which are fixed by another release."""

    def __init__(self, grid: Grid, atoms: dict[tuple, int], threshold: int):
        self.grid = grid
        self.atoms = {a: n for a, n in sorted(atoms.items()) if n}  # one order: one pattern
        self.threshold = threshold
        self.fixed: dict[tuple, bool] = {}  # key -> hidden?
        self.keys: set[tuple] = set()

    def cell(self, gids, fixed: bool | None = None) -> tuple | None:
        """Register a published cell (a tuple of group ids, None anywhere = empty)."""
        if any(g is None for g in gids):
            return None
        key = tuple(gids)
        self.keys.add(key)
        if fixed is not None:
            self.fixed[key] = self.fixed.get(key, False) or fixed
        return key

    def solve(self) -> "Pattern":
        return _Solver(self).run()


class Pattern:
    """The outcome: values of every cell, which are hidden, and each hidden cell's proof."""

    def __init__(self, values: dict, hidden: set, widths: dict, moves: dict, unproven: set):
        self.values = values
        self.hidden = hidden
        #: each hidden cell's proven width (the audit's intervals are at least this wide)
        self.widths = widths
        #: each hidden cell's moves, the proof
        self.moves = moves
        #: hidden cells no move was found for (never expected; the audit asserts none)
        self.unproven = unproven

    def value(self, key) -> int:
        return 0 if key is None else self.values[key]


class _Replay:
    """A generator's items, kept as they come: iterating again replays them first."""

    def __init__(self, items):
        self._items = items
        self._seen: list = []

    def __iter__(self):
        yield from self._seen
        for item in self._items:
            self._seen.append(item)
            yield item


def restricted(key) -> tuple[int, ...]:
    return tuple(d for d, g in enumerate(key) if g != 0)


def values(problem: Problem) -> dict:
    """Each cell's value from the marginal over its restricted dimensions (a stored
    pattern keeps no value: they are computed again from the counts).

    A cell's weights are mostly zero (one value, a sender's pairs), so a cell sums only
    the marginal entries they can reach: those in the buckets of its sparsest
    dimension's non-zero weights (the marginal bucketed by that dimension's coordinate),
    or, where the non-zero combinations are fewer still, each combination looked up.
    The same integer sum either way; a forum page read in a new process computes it for
    every cell of every release it shows."""
    grid = problem.grid
    buckets: dict[tuple, dict] = {}  # (restricted set, position) -> {coordinate: [(coords, n)]}
    margins: dict[tuple, dict] = {}
    nonzero: dict[tuple, tuple] = {}  # (dimension, group) -> indices of its non-zero weights
    found = {}
    for key in problem.keys:
        r = restricted(key)
        if not r:
            found[key] = sum(problem.atoms.values())
            continue
        margin = margins.get(r)
        if margin is None:
            margin = defaultdict(int)
            for a, n in problem.atoms.items():
                margin[tuple(a[d] for d in r)] += n
            margins[r] = margin
        ws, nzs = [], []
        for d in r:
            w = grid.weights(d, key[d])
            nz = nonzero.get((d, key[d]))
            if nz is None:
                nz = nonzero[(d, key[d])] = tuple(i for i, x in enumerate(w) if x)
            ws.append(w)
            nzs.append(nz)
        pos = min(range(len(r)), key=lambda p: len(nzs[p]))
        by_coordinate = buckets.get((r, pos))
        if by_coordinate is None:
            by_coordinate = defaultdict(list)
            for coords, n in margin.items():
                by_coordinate[coords[pos]].append((coords, n))
            buckets[(r, pos)] = by_coordinate
        scan = sum(len(by_coordinate.get(i, ())) for i in nzs[pos])
        total = 0
        if math.prod(map(len, nzs)) < scan:
            # fewer non-zero combinations than marginal entries to scan: look each up
            for coords in product(*nzs):
                n = margin.get(coords)
                if n:
                    for wd, c in zip(ws, coords, strict=True):
                        n *= wd[c]
                    total += n
        else:
            for i in nzs[pos]:
                for coords, n in by_coordinate.get(i, ()):
                    w = n
                    for wd, c in zip(ws, coords, strict=True):
                        w *= wd[c]
                        if not w:
                            break
                    total += w
        found[key] = total
    return found


class _Solver:
    def __init__(self, problem: Problem):
        self.p = problem
        self.grid = problem.grid
        self.n = len(self.grid.names)
        self.T = problem.threshold
        self.atoms = problem.atoms
        self.values = self._values()
        self.by_r: dict[tuple, dict[tuple, tuple]] = defaultdict(dict)
        self._r = {key: restricted(key) for key in problem.keys}
        for key in problem.keys:
            r = self._r[key]
            self.by_r[r][tuple(key[d] for d in r)] = key
        # per restricted set: its cells by their groups, and which groups each place holds
        self._tables = [(r, index, [{gids[i] for gids in index} for i in range(len(r))])
                        for r, index in self.by_r.items()]
        # per dimension: for each value, the groups that contain it (weight != 0)
        self.contains = [[[(g, w[i]) for g, w in enumerate(self.grid.groups[d]) if g and w[i]]
                          for i in range(len(self.grid.values[d]))] for d in range(self.n)]
        self._sep_cache: dict = {}
        self._touch_cache: dict = {}
        self._coef_cache: dict = {}
        self._corner_cache: dict = {}
        self._atom_cache: dict = {}
        self._dist_cache: dict = {}
        self._candidate_cache: dict = {}
        #: figures another release fixed as shown (a year's quarter columns): no move may change them
        self._frozen = {k for k, h in problem.fixed.items() if not h}
        self._sig_cache: dict = {}
        self.by_dim_value = [defaultdict(list) for _ in range(self.n)]
        for a in sorted(self.atoms):
            for d in range(self.n):
                self.by_dim_value[d][a[d]].append(a)

    # -- values ------------------------------------------------------------------------

    def _values(self) -> dict:
        return values(self.p)

    # -- moves -----------------------------------------------------------------------------

    def _sep(self, d: int, i: int, j: int):
        cached = self._sep_cache.get((d, i, j))
        if cached is None:
            cached = [(g, w[i] - w[j]) for g, w in enumerate(self.grid.groups[d]) if g and w[i] != w[j]]
            self._sep_cache[(d, i, j)] = cached
        return cached

    @staticmethod
    def corners(move):
        """(atom, sign) for each corner: a hypercube's anchor is even (+) and each swap
        flips; a transfer takes one case from its second atom to its first."""
        if move[0] == "t":
            return [(move[1], 1), (move[2], -1)]
        if move[0] == "c":
            return list(move[1])
        _, hdims, pairs, rest = move
        return list(_Solver._cube_corners(hdims, pairs, rest))

    @staticmethod
    def _cube_corners(hdims, pairs, rest):
        for flips in product((0, 1), repeat=len(hdims)):
            coords = list(rest)
            for d, (lo, hi), f in zip(hdims, pairs, flips, strict=True):
                coords[d] = hi if f else lo
            yield tuple(coords), (-1 if sum(flips) % 2 else 1)

    def touched(self, move) -> list[tuple[tuple, int]]:
        """Published cells the move changes, with how much each changes per unit of λ."""
        cached = self._touch_cache.get(move)
        if cached is not None:
            return cached
        if move[0] in "tc":
            found = self._touched_by_atoms(self.corners(move))
            self._touch_cache[move] = found
            self._coef_cache[move] = dict(found)
            return found
        _, hdims, pairs, rest = move
        factors = []
        for d in range(self.n):
            if d in hdims:
                lo, hi = pairs[hdims.index(d)]
                factors.append(self._sep(d, lo, hi))
            else:
                factors.append(self.contains[d][rest[d]])
        found = []
        for r, index, present in self._tables:
            if any(d not in r for d in hdims):
                continue
            lists = [[(g, w) for g, w in factors[d] if g in present[i]] for i, d in enumerate(r)]
            if len(r) == 1:
                for g, w in lists[0]:
                    found.append((index[(g,)], w))
            elif len(r) == 2:
                for g0, w0 in lists[0]:
                    for g1, w1 in lists[1]:
                        key = index.get((g0, g1))
                        if key is not None:
                            found.append((key, w0 * w1))
            else:
                for combo in product(*lists):
                    key = index.get(tuple(g for g, _ in combo))
                    if key is not None:
                        coef = 1
                        for _, w in combo:
                            coef *= w
                        found.append((key, coef))
        self._touch_cache[move] = found
        self._coef_cache[move] = dict(found)
        return found

    def _cells_of(self, atom) -> list[tuple[tuple, int]]:
        found = self._atom_cache.get(atom)
        if found is None:
            found = self._atom_cache[atom] = self.touched(("h", (), (), atom))
        return found

    def _touched_by_atoms(self, corners) -> list[tuple[tuple, int]]:
        coefs: dict = defaultdict(int)
        for atom, sign in corners:
            for key, coef in self._cells_of(atom):
                coefs[key] += sign * coef
        return sorted((k, c) for k, c in coefs.items() if c)

    def coef(self, move, key) -> int:
        """How much `key` changes per unit of the move: a product of one factor per
        dimension for a hypercube, a sum over the corners otherwise (no other cell needed)."""
        found = self._coef_cache.get(move)
        if found is not None:
            return found.get(key, 0)
        weights = [self.grid.groups[d][key[d]] for d in range(self.n)]
        if move[0] == "h":
            _, hdims, pairs, rest = move
            total = 1
            for d in range(self.n):
                w = weights[d]
                if d in hdims:
                    lo, hi = pairs[hdims.index(d)]
                    total *= w[lo] - w[hi]
                else:
                    total *= w[rest[d]]
                if not total:
                    return 0
            return total
        total = 0
        for atom, sign in self.corners(move):
            product_ = sign
            for d in range(self.n):
                product_ *= weights[d][atom[d]]
                if not product_:
                    break
            total += product_
        return total

    def _apply(self, moves: list, key, direction: int):
        """Apply `moves` in turn to the counts so that `key` goes `direction` (+1 up, −1
        down), each as far as its corners allow: (the counts after, the distance)."""
        cur: dict = {}
        gained = 0.0
        for move in moves:
            step = self._step(move, key, direction, cur)
            if step == INF:
                return cur, INF
            gained += step
        return cur, gained

    def _step(self, move, key, direction: int, cur: dict, commit: bool = True) -> float:
        coef = self.coef(move, key)
        if not coef:
            return 0.0
        s = direction * (1 if coef > 0 else -1)
        corners = self._corners(move)
        limit = INF
        for atom, sign in corners:
            if sign * s < 0:
                have = cur.get(atom)
                limit = min(limit, self.atoms.get(atom, 0) if have is None else have)
        if limit == INF:
            return INF
        if limit <= 0:
            return 0.0
        if commit:
            for atom, sign in corners:
                have = cur.get(atom)
                cur[atom] = (self.atoms.get(atom, 0) if have is None else have) + sign * s * limit
        return abs(coef) * limit

    def _corners(self, move):
        found = self._corner_cache.get(move)
        if found is None:
            found = self._corner_cache[move] = self.corners(move)
        return found

    def width(self, key) -> float:
        return self._apply(self.moves[key], key, 1)[1] + self._apply(self.moves[key], key, -1)[1]

    # -- figures fixed as shown -------------------------------------------------------------

    def _blocked(self, move) -> bool:
        """Whether the move changes a figure another release fixed as shown (a year's
        quarter column as its quarter published it): no proof can use it."""
        return bool(self._frozen) and any(k in self._frozen for k, _ in self.touched(move))

    def _free(self, moves):
        """The moves no fixed shown figure rules out (all of them when none is fixed)."""
        if not self._frozen:
            yield from moves
            return
        for move in moves:
            if not self._blocked(move):
                yield move

    def _take(self, items, n: int, moves_of) -> list:
        """The first n items (anchors, partners) that give a move no fixed shown figure
        rules out. In a year, most atoms near a cell lie in quarters whose figures show
        and cannot move there; ranked first, they would use up the search's bounds and
        leave a cell unproven that the quarters' own moves prove. With no figure fixed as
        shown, simply the first n."""
        if not self._frozen:
            return list(items)[:n]
        found = []
        for item in items:
            if len(found) >= n:
                break
            if next(self._free(moves_of(item)), None) is not None:
                found.append(item)
        return found

    def _each(self, items, n: int, moves_of):
        """The moves of the first n items `_take` keeps, none ruled out."""
        for item in self._take(items, n, moves_of):
            yield from self._free(moves_of(item))

    def _signature(self, atom) -> tuple:
        """The fixed shown figures an atom counts in: a transfer between two atoms
        changes none of them exactly when their signatures agree."""
        found = self._sig_cache.get(atom)
        if found is None:
            found = self._sig_cache[atom] = tuple(sorted(kc for kc in self._cells_of(atom) if kc[0] in self._frozen))
        return found

    # -- the search ------------------------------------------------------------------------

    def need(self, key) -> int:
        v = self.values[key]
        return self.T if 0 < v < self.T else 1

    def cost(self, key) -> float:
        return 0.0 if key in self.hidden else self._price[key]

    def run(self) -> Pattern:
        T = self.T
        self._price = {k: INF if self.p.fixed.get(k) is False
                       else LEVEL_COST[min(len(self._r[k]), 4)] * (1 + self.values[k]) for k in self.p.keys}
        self.hidden = {k for k, h in self.p.fixed.items() if h}
        self.hidden |= {k for k in self.p.keys if k not in self.p.fixed and 0 < self.values[k] < T}
        self.moves: dict[tuple, list] = defaultdict(list)
        self.unproven: set = set()
        self._search(self.hidden)
        if self.unproven:
            # Only a release with figures fixed by another (a year by its quarters) can get
            # here: hide all its own figures, which frees every move the quarters' own
            # proofs use, and prove again.
            self.hidden |= {k for k in self.p.keys if k not in self.p.fixed}
            self.unproven = set()
            self._search(self.hidden)
        widths = {k: self.width(k) for k in self.hidden}
        return Pattern(self.values, set(self.hidden), widths, dict(self.moves), set(self.unproven))

    def _search(self, start) -> None:
        queue = sorted(start, key=self._order)
        steps = 0
        while queue:
            key = queue.pop(0)
            width = self.width(key)
            if width >= self.need(key) or key in self.unproven:
                continue
            move = self._best(key, width)
            if move is None:
                self.unproven.add(key)
                continue
            new = [k for k, _ in self.touched(move) if k not in self.hidden]
            self.hidden.update(new)
            for k, _ in self.touched(move):
                self.moves[k].append(move)
            queue = sorted(set(queue) | set(new), key=self._order)
            queue.insert(0, key)
            steps += 1
            if steps > 50 * (len(self.p.keys) + 10):  # pragma: no cover - a bug, not data
                raise RuntimeError("disclosure search does not converge")

    def _order(self, key):
        return (len(self._r[key]), self.values[key], key)

    def _best(self, key, width: float):
        self.max_partners, self.max_anchors = NARROW
        found = self._best_within(key, width)
        if found is None or found[1] >= LEVEL_COST[1]:  # before hiding a headline figure, look further
            self.max_partners, self.max_anchors = WIDE
            wide = self._best_within(key, width)
            if wide is not None and (found is None or wide[2] < found[2]):
                found = wide
        return None if found is None else found[0]

    def _best_within(self, key, width: float):
        deficit = self.need(key) - width
        up_state, _ = self._apply(self.moves[key], key, 1)
        down_state, _ = self._apply(self.moves[key], key, -1)
        best, best_rank = None, None
        found = self._candidate_cache.get((key, self.max_partners))
        if found is None:
            found = self._candidate_cache[(key, self.max_partners)] = _Replay(self._candidates(key))
        for weighed, move in enumerate(found):
            if weighed >= MAX_CANDIDATES and best is not None:
                break
            if not self.coef(move, key):
                continue
            cost = 0.0
            bound = INF if best_rank is None else best_rank[0] * deficit
            for k, _ in self.touched(move):
                cost += self.cost(k)
                if cost > bound:
                    break
            if cost > bound or cost == INF:
                continue
            gain = (self._step(move, key, 1, up_state, commit=False)
                    + self._step(move, key, -1, down_state, commit=False))
            gain = min(gain, deficit)
            if gain <= 0:
                continue
            rank = (cost / gain, -gain, move)
            if best_rank is None or rank < best_rank:
                best, best_rank = move, rank
                if cost == 0:  # free: take it, and look again for the rest if need be
                    break
        if best is None:
            return None
        return best, best_rank[0], best_rank

    def _candidates(self, key):
        """Hypercubes in the cell's own dimensions first (they touch only figures as
        detailed as the cell), then in fewer dimensions, and last one atom on its own
        (it changes every figure containing the atom, the total among them)."""
        r = self._r[key]
        supp = {d: [i for i, w in enumerate(self.grid.weights(d, key[d])) if w] for d in r}
        seen = set()
        for hdims in combinations(r, 2):
            for move in self._rectangles(key, hdims):
                if move not in seen:
                    seen.add(move)
                    yield move
        for size in range(len(r), 0, -1):
            for hdims in combinations(r, size):
                for move in self._hypercubes(key, hdims, supp):
                    if move not in seen:
                        seen.add(move)
                        yield move
        if r:
            for move in self._transfers(key, r, supp):
                if move not in seen:
                    seen.add(move)
                    yield move
        if len(r) == 2:
            for move in self._ladders(key, r, supp):
                if move not in seen:
                    seen.add(move)
                    yield move
        for d in r:
            for move in self._pair_rectangles(key, d):
                if move not in seen:
                    seen.add(move)
                    yield move
        inside = [a for a in self._atoms_near(key, (), supp)] or [self._some_atom(key, supp)]
        yield from self._each(inside, self.max_anchors, lambda a: [("h", (), (), a)])

    def _transfers(self, key, r, supp):
        """One case from an atom outside the cell to one inside, or back: the two may
        differ in any dimensions (a diagonal step that no single hypercube takes)."""
        weights = {d: self.grid.weights(d, key[d]) for d in r}

        def inside(a):
            return all(weights[d][a[d]] for d in r)

        def into(y):  # into the cell, at the outside atom's other coordinates
            off = [d for d in r if not weights[d][y[d]]]
            if len(off) < 2:
                return None
            z = list(y)
            for d in off:
                z[d] = supp[d][0]
            return ("t",) + tuple(sorted((tuple(z), y)))

        def outward(z):  # out of the cell, to the same other coordinates
            if len(r) < 2:
                return
            options = [self._partners(d, z, weights[d])[:3] for d in r]
            for choice in product(*options):
                y = list(z)
                for d, j in zip(r, choice, strict=True):
                    y[d] = j
                yield ("t",) + tuple(sorted((z, tuple(y))))

        ranked = sorted(self.atoms, key=lambda a: (self._distance(key, a, r), -self.atoms[a], a))
        own = [a for a in ranked if inside(a)]
        out = [a for a in ranked if not inside(a)]
        if self._frozen:  # a transfer between atoms of different signatures is ruled out
            sig = self._signature
            outside = {sig(y) for y in out}
            own = list(islice((z for z in own if sig(z) in outside or next(self._free(outward(z)), None)),
                              self.max_anchors))
            inside_ = {sig(z) for z in own}
            out = list(islice((y for y in out if sig(y) in inside_ or into(y) and not self._blocked(into(y))),
                              self.max_anchors))
        else:
            own, out = own[:self.max_anchors], out[:self.max_anchors]
        moves = [m for m in map(into, out) if m]
        for z in own:
            moves += [("t",) + tuple(sorted((z, y))) for y in out]  # two atoms that both have cases
            moves += outward(z)
        yield from self._free(moves)

    def _rectangles(self, key, hdims):
        """Rectangles in two of the cell's dimensions whose opposite corners both have
        cases: two inside/outside atoms with the same other coordinates (the cell can
        lose a case), or two atoms each inside on one dimension only (it can gain one)."""
        d1, d2 = hdims
        w1, w2 = self.grid.weights(d1, key[d1]), self.grid.weights(d2, key[d2])
        others = [d for d in self._r[key] if d not in hdims]
        groups: dict = defaultdict(list)
        for a in self.atoms:
            if all(self.grid.weights(d, key[d])[a[d]] for d in others):
                groups[a[:d1] + (None,) + a[d1 + 1:d2] + (None,) + a[d2 + 1:]].append(a)
        found = []
        distance = {a: self._distance(key, a, hdims) for atoms in groups.values() for a in atoms}
        for atoms in groups.values():
            both = [a for a in atoms if w1[a[d1]] and w2[a[d2]]]
            neither = [a for a in atoms if not w1[a[d1]] and not w2[a[d2]]]
            only1 = [a for a in atoms if w1[a[d1]] and not w2[a[d2]]]
            only2 = [a for a in atoms if not w1[a[d1]] and w2[a[d2]]]
            for a, b in [*product(both, neither), *product(only1, only2)]:
                if a[d1] == b[d1] or a[d2] == b[d2]:
                    continue
                found.append((distance[a] + distance[b], -min(self.atoms[a], self.atoms[b]), a, b))
        found.sort()

        def rectangle(a, b):
            pairs = ((min(a[d1], b[d1]), max(a[d1], b[d1])), (min(a[d2], b[d2]), max(a[d2], b[d2])))
            rest = list(a)
            rest[d1] = rest[d2] = 0
            return ("h", hdims, pairs, tuple(rest))

        yield from self._each(found, self.max_anchors * self.max_partners, lambda f: [rectangle(f[2], f[3])])

    def _ladders(self, key, r, supp):
        """Two opposite steps along one of the cell's dimensions, one inside the cell and
        one outside it on the other: (a, b)→(a, b′) and (a′, b′)→(a′, b), each wherever
        the counts are. Together they leave every one-way figure as it was."""
        weights = {d: self.grid.weights(d, key[d]) for d in r}
        rank = {a: (self._distance(key, a, r), -n, a) for a, n in self.atoms.items()}
        def ladder(z, z2, y, b_dim):
            w = y[:b_dim] + (z[b_dim],) + y[b_dim + 1:]
            w2 = y[:b_dim] + (z2[b_dim],) + y[b_dim + 1:]
            corners = {z: 1, z2: -1}
            for atom, sign in ((w, -1), (w2, 1)):
                corners[atom] = corners.get(atom, 0) + sign
            found = sorted((a, c) for a, c in corners.items() if c)
            if len(found) < 3:
                return []
            if found[0][1] < 0:
                found = [(a, -c) for a, c in found]
            return [("c", tuple(found))]

        def ladders(x, b_dim, wb, outside):
            if wb[x[b_dim]]:
                rungs = [(x, x[:b_dim] + (j,) + x[b_dim + 1:]) for j in self._partners(b_dim, x, wb)]
            else:
                z = x[:b_dim] + (supp[b_dim][0],) + x[b_dim + 1:]
                rungs = [(z, x)]
            for z, z2 in rungs:
                # the other rung must have a case where this one's has: at b′ when
                # the cell loses one at z, at b when it gains one from z′
                others = ((outside[z2[b_dim]] if self.atoms.get(z) else [])
                          + (outside[z[b_dim]] if self.atoms.get(z2) else []))
                yield from self._each(sorted(others, key=rank.get), self.max_partners,
                                      lambda y, z=z, z2=z2: ladder(z, z2, y, b_dim))

        for a_dim, b_dim in (r, r[::-1]):
            wa, wb = weights[a_dim], weights[b_dim]
            anchors = sorted((x for x in self.atoms if wa[x[a_dim]]), key=rank.get)
            outside: dict = defaultdict(list)  # b value -> atoms outside the cell on a_dim
            for y in sorted((y for y in self.atoms if not wa[y[a_dim]]), key=rank.get):
                outside[y[b_dim]].append(y)
            yield from self._each(anchors, self.max_anchors,
                                  lambda x, b_dim=b_dim, wb=wb, outside=outside: ladders(x, b_dim, wb, outside))

    def _pair_rectangles(self, key, d):
        """For a dimension whose values are (sender, receiver) pairs: a rectangle inside it,
        (s, r)+ (s, r′)− (s′, r)− (s′, r′)+, so that every sender's and receiver's count
        stays; the two rows may lie at different other coordinates (a ladder)."""
        values = self.grid.values[d]
        if not values or not all(isinstance(v, tuple) and len(v) == 2 for v in values):
            return
        w = self.grid.weights(d, key[d])
        index = self.grid.index[d]
        by_value: dict = defaultdict(list)
        size: dict = defaultdict(int)
        for a, n in self.atoms.items():
            by_value[a[d]].append(a)
            size[a[d]] += n
        def rectangle(z, across, y, down):
            corners = {z: 1, z[:d] + (across,) + z[d + 1:]: -1}
            for atom, sign in ((y, 1), (y[:d] + (down,) + y[d + 1:], -1)):
                corners[atom] = corners.get(atom, 0) + sign
            found = sorted((a, c) for a, c in corners.items() if c)
            if len(found) < 3:
                return []
            if found[0][1] < 0:
                found = [(a, -c) for a, c in found]
            return [("c", tuple(found))]

        def rows(z, option):
            _, j, across, down = option
            here = z[:d] + (j,) + z[d + 1:]
            elsewhere = self._take(sorted(by_value[j], key=lambda y: -self.atoms[y]), 2,
                                   lambda y: rectangle(z, across, y, down))
            for y in sorted({here} | set(elsewhere)):
                yield from self._free(rectangle(z, across, y, down))

        def options(z):
            s1, r1 = values[z[d]]
            found = []
            for j, (s2, r2) in enumerate(values):
                if s2 == s1 or r2 == r1:
                    continue
                across, down = index.get((s1, r2)), index.get((s2, r1))
                if across is None or down is None or w[across] or w[down]:
                    continue
                # small pairs first: their figures are hidden already, big ones are headlines
                found.append((max(size[j], size[across], size[down]), j, across, down))
            return self._each(sorted(found), self.max_partners, lambda option: rows(z, option))

        own = sorted((a for a in self.atoms if w[a[d]]), key=lambda a: (-self.atoms[a], a))
        yield from self._each(own, self.max_anchors, options)

    def _distance(self, key, atom, dims) -> int:
        """How many published groups tell `atom` apart from the cell, over `dims`."""
        total = 0
        for d in dims:
            found = self._dist_cache.get((d, key[d], atom[d]))
            if found is None:
                w = self.grid.weights(d, key[d])
                i = atom[d]
                found = 0 if w[i] else min(len(self._sep(d, min(i, j), max(i, j)))
                                           for j, wj in enumerate(w) if wj)
                self._dist_cache[(d, key[d], atom[d])] = found
            total += found
        return total

    def _some_atom(self, key, supp):
        coords = [0] * self.n
        for d, vals in supp.items():
            coords[d] = vals[0]
        return tuple(coords)

    def _atoms_near(self, key, hdims, supp):
        """Positive atoms inside the cell on every restricted dimension outside `hdims`."""
        others = [d for d in supp if d not in hdims]
        if others:
            d0 = min(others, key=lambda d: len(supp[d]))
            pool = [a for i in supp[d0] for a in self.by_dim_value[d0].get(i, [])]
        else:
            pool = sorted(self.atoms)
        found = [a for a in pool if all(self.grid.weights(d, key[d])[a[d]] for d in others)]
        return sorted(found, key=lambda a: (-self.atoms[a], a))

    def _hypercubes(self, key, hdims, supp):
        weights = {d: self.grid.weights(d, key[d]) for d in hdims}
        near = sorted(self._atoms_near(key, hdims, supp),
                      key=lambda a: (self._distance(key, a, hdims), -self.atoms[a], a))
        def cubes(a, partners):
            options = []
            for d in hdims:
                w = weights[d]
                if w[a[d]]:
                    options.append([(a[d], j) for j in self._partners(d, a, w, every=partners is None)])
                else:
                    options.append([(i, a[d]) for i in supp[d][:partners]])
            for choice in product(*options):
                pairs = tuple((min(i, j), max(i, j)) for i, j in choice)
                rest = list(a)
                for d in hdims:
                    rest[d] = 0
                yield ("h", hdims, pairs, tuple(rest))

        if self._frozen and len(hdims) == 1:
            # one step: the first partners it can take (a step to another value is ruled
            # out where that value's figure is fixed as shown)
            def moves_of(a):
                return islice(self._free(cubes(a, None)), self.max_partners)
        else:
            def moves_of(a):
                return cubes(a, self.max_partners)

        # anchors: the largest atoms near the cell, and a spread of its own atoms
        picked = self._take(near, self.max_anchors, moves_of)
        own = [a for a in near if all(weights[d][a[d]] for d in hdims)]
        picked += [a for a in self._take(own, self.max_anchors, moves_of) if a not in picked]
        for a in picked:
            yield from self._free(moves_of(a))

    def _partners(self, d: int, atom, w, every: bool = False) -> list[int]:
        """Other values of dimension d, closest first: those that fewest published groups
        tell apart from the atom's value (a move between them hides least), then those
        with counts next to the atom."""
        here = w[atom[d]]
        ranked = []
        for j in range(len(self.grid.values[d])):
            if w[j] == here:
                continue
            other = atom[:d] + (j,) + atom[d + 1:]
            i = atom[d]
            apart = len(self._sep(d, min(i, j), max(i, j)))
            ranked.append((apart, -self.atoms.get(other, 0), j))
        ranked.sort()
        return [j for _, _, j in (ranked if every else ranked[:self.max_partners])]
