"""Server CPU of one filing through the form, this checkout against another revision, in
one window: two processes, one per checkout, take turns filing blocks of GET+POST pairs.

    .venv/bin/python -m bench.filing_ab --against REV [--blocks 40] [--block 20]

On a shared machine the CPU a request takes drifts by up to 2× over minutes, so two runs
one after the other compare the minutes, not the code. Here both versions are loaded at
once and measured in alternating blocks of `--block` pairs, so a drift touches both
alike; each block's medians are compared with the other version's neighbouring block.
Each process is filing_profile's set-up (development config, a SQLite file of its own
with the Jämtland directory, CSRF off, a real Redis as broker when redis-server is
installed), in-process through Flask's test client. REV is any git revision (checked out
into a temporary worktree, removed afterwards) or the path of another checkout; both run
on this checkout's virtualenv. Prints the median CPU of a GET, a POST and a pair for each
version, and the median of the per-block ratios (other / this: above 1, this is faster).
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def serve(checkout: str) -> None:
    """The child: the app of `checkout`, filing `run N` pairs at each request on stdin and
    answering with the CPU of each GET and POST (seconds) as one JSON line. Its loop is
    its own, not filing_profile's: only what older checkouts' bench/ also has (prepare,
    FORM) is imported from the checkout measured."""
    sys.path.insert(0, checkout)
    import re
    import time

    from bench.common import PASSWORD, prepare
    from bench.filing_profile import FORM

    with tempfile.TemporaryDirectory(prefix="avvikelse-bench-ab-") as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        os.environ.update(AVVIKELSE_INSTANCE=f"{tmp}/instance", SESSION_FOLDER=f"{tmp}/sessions")
        prepare(url)
        from avvikelse import create_app

        app = create_app("development", SQLALCHEMY_DATABASE_URI=url, WTF_CSRF_ENABLED=False)
        client = app.test_client()
        if client.post("/logga-in", data={"username": "bench.rapportor0", "password": PASSWORD}).status_code != 302:
            sys.exit("login failed")
        import avvikelse

        print(json.dumps({"ready": avvikelse.__file__}), flush=True)
        for line in sys.stdin:
            pairs, gets, posts = int(line.split()[1]), [], []
            for _ in range(pairs):
                t0 = time.process_time()
                page = client.get("/arenden/ny")
                t1 = time.process_time()
                key = re.search(r'name="submission_key"[^>]*value="([^"]+)"', page.get_data(as_text=True))
                t2 = time.process_time()
                filed = client.post("/arenden/ny", data={**FORM, "submission_key": key.group(1)})
                t3 = time.process_time()
                if page.status_code != 200 or filed.status_code != 302:
                    sys.exit(f"filing failed: GET {page.status_code}, POST {filed.status_code}")
                gets.append(t1 - t0)
                posts.append(t3 - t2)
            print(json.dumps({"get": gets, "post": posts}), flush=True)


@contextlib.contextmanager
def checkout_of(against: str):
    """A path to the other version: the given checkout, or a temporary worktree of REV."""
    if Path(against).is_dir():
        yield str(Path(against).resolve())
        return
    folder = tempfile.mkdtemp(prefix="avvikelse-bench-ab-rev-")
    subprocess.run(["git", "worktree", "add", "--detach", folder, against], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    try:
        yield folder
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", folder], cwd=ROOT, check=False)


def _start(checkout: str, broker: str | None) -> subprocess.Popen:
    # One hash seed for both: string hashing, and with it dict and set layouts, differs
    # between processes otherwise, and moved identical code by up to 8 % here.
    env = {**os.environ, "CELERY_BROKER_URL": broker or "memory://", "PYTHONPATH": checkout,
           "PYTHONHASHSEED": os.environ.get("PYTHONHASHSEED", "0")}
    child = subprocess.Popen([sys.executable, __file__, "--serve", checkout], cwd=checkout, env=env,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    ready = json.loads(child.stdout.readline() or "{}").get("ready", "")
    if not ready.startswith(checkout + os.sep):  # the app must be the checkout's own
        sys.exit(f"{checkout}: did not start (app from {ready or 'nowhere'})")
    return child


def _block(child: subprocess.Popen, pairs: int) -> dict:
    child.stdin.write(f"run {pairs}\n")
    child.stdin.flush()
    line = child.stdout.readline()
    if not line:
        sys.exit("a filing process stopped")
    return json.loads(line)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--against", help="a git revision or another checkout's path")
    parser.add_argument("--blocks", type=int, default=40, help="blocks per version")
    parser.add_argument("--block", type=int, default=20, help="GET+POST pairs a block")
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve)
        return
    if not args.against:
        parser.error("--against REV is required")
    from bench.common import redis

    with redis() as broker, checkout_of(args.against) as other:
        versions = {"other": _start(other, broker), "this": _start(str(ROOT), broker)}
        try:
            for child in versions.values():  # warm-up, not counted
                _block(child, 10)
            results: dict[str, list[dict]] = {name: [] for name in versions}
            for i in range(args.blocks):
                # alternate which goes first, so neither always follows the other
                order = ("this", "other") if i % 2 == 0 else ("other", "this")
                for name in order:
                    results[name].append(_block(versions[name], args.block))
        finally:
            for child in versions.values():
                child.stdin.close()
                child.wait(timeout=60)
    _report(results, args.against)


def _samples(block: dict, key: str) -> list[float]:
    """A block's CPU figures for "get", "post" or "pair" (each GET with its POST)."""
    if key == "pair":
        return [g + p for g, p in zip(block["get"], block["post"], strict=True)]
    return block[key]


def _report(results: dict[str, list[dict]], against: str) -> None:
    def median_ms(blocks, key):
        return statistics.median(v for block in blocks for v in _samples(block, key)) * 1000

    for name, label in (("this", "this checkout"), ("other", against)):
        blocks = results[name]
        print(f"filing_ab {label}: GET {median_ms(blocks, 'get'):.2f} ms, POST {median_ms(blocks, 'post'):.2f} ms, "
              f"GET+POST {median_ms(blocks, 'pair'):.2f} ms CPU (medians)")
    for key in ("get", "post", "pair"):
        ratios = [median_ms([o], key) / median_ms([t], key) for t, o in zip(results["this"], results["other"], strict=True)]
        print(f"filing_ab {key} ratio other/this: {statistics.median(ratios):.3f} "
              f"(blocks: {min(ratios):.2f}–{max(ratios):.2f})")


if __name__ == "__main__":
    main()
