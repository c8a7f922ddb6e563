"""Where the inbox request spends its time: cProfile over GETs of /inkorg on SQLite with the
Jämtland directory and 20 000 cases, in-process (Flask test client).

    .venv/bin/python -m bench.inbox_profile [--cases 20000] [--requests 200] [--path /inkorg]
        [--sort cumulative] [--top 40] [--no-profile]
"""
import argparse
import cProfile
import pstats
import statistics
import tempfile
import time

from bench.common import PASSWORD, prepare
from bench.inbox import seed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--path", nargs="+", default=["/inkorg"])
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--no-profile", action="store_true", help="only time the requests")
    parser.add_argument("--db", help="database URL (default: a SQLite file in a temporary folder)")
    args = parser.parse_args()
    from avvikelse import create_app
    from avvikelse.extensions import db

    with tempfile.TemporaryDirectory(prefix="avvikelse-bench-") as tmp:
        url = args.db or f"sqlite:///{tmp}/bench.db"
        prepare(url)
        app = create_app("development", SQLALCHEMY_DATABASE_URI=url, OUTBOX_AUTODISPATCH=False,
                         WTF_CSRF_ENABLED=False)
        with app.app_context():
            seed(args.cases)
            client = app.test_client()
            client.post("/logga-in", data={"username": "bench.intag", "password": PASSWORD})
            for path in args.path:
                for _ in range(20):  # warm caches and the template loader
                    assert client.get(path).status_code == 200
                samples = []
                profiler = None if args.no_profile else cProfile.Profile()
                for _ in range(args.requests):
                    t0 = time.perf_counter()
                    if profiler:
                        profiler.enable()
                    response = client.get(path)
                    if profiler:
                        profiler.disable()
                    samples.append(time.perf_counter() - t0)
                    assert response.status_code == 200
                print(f"{path}: {statistics.median(samples) * 1000:.2f} ms median of {len(samples)}"
                      f"{' (profiled)' if profiler else ''}")
                if profiler:
                    pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
