"""The fixed cost of a signed-in page: session check, user load and the layout (base.html
with an empty content block), in-process on SQLite, per role. Medians; CPU time
(process_time) beside wall time, since other work on the machine inflates the latter.

    .venv/bin/python -m bench.layout [--requests 300]
"""
import argparse
import statistics
import tempfile
import time

from sqlalchemy import event

from bench.common import PASSWORD, prepare

#: name: (organisation, roles)
PEOPLE = {"handler": ("23", {"handler"}), "mas": ("2309", {"mas"}), "reporter": ("2309", set())}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    from flask import render_template

    from avvikelse import create_app
    from avvikelse.accounts.models import Role
    from avvikelse.accounts.services import create_user
    from avvikelse.directory.services import organisation_by_code, unit_by_code
    from avvikelse.extensions import db

    with tempfile.TemporaryDirectory(prefix="avvikelse-bench-") as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        prepare(url, people=False)
        app = create_app("development", SQLALCHEMY_DATABASE_URI=url, OUTBOX_AUTODISPATCH=False,
                         WTF_CSRF_ENABLED=False)
        layout = app.jinja_env.from_string('{% extends "base.html" %}')
        app.add_url_rule("/bench-layout", "bench_layout", lambda: render_template(layout))
        with app.app_context():
            for name, (code, roles) in PEOPLE.items():
                units = [unit_by_code("2309-HSJV")] if code == "2309" else []
                create_user(f"layout.{name}", organisation_by_code(code), {Role(r) for r in roles},
                            PASSWORD, units=units)
            db.session.commit()
            engine = db.engine
        statements = [0]

        def count(*_args):
            statements[0] += 1

        event.listen(engine, "before_cursor_execute", count)
        # Requests outside any app context of ours: each gets its own, as when served.
        for name in PEOPLE:
            client = app.test_client()
            client.post("/logga-in", data={"username": f"layout.{name}", "password": PASSWORD})
            for _ in range(30):
                if client.get("/bench-layout").status_code != 200:
                    raise SystemExit(f"layout.{name} is not signed in")
            wall, cpu, counts = [], [], []
            for _ in range(args.requests):
                statements[0] = 0
                t0, c0 = time.perf_counter(), time.process_time()
                client.get("/bench-layout")
                wall.append(time.perf_counter() - t0)
                cpu.append(time.process_time() - c0)
                counts.append(statements[0])
            print(f"layout {name} wall: {statistics.median(wall) * 1000:.2f} ms")
            print(f"layout {name} cpu: {statistics.median(cpu) * 1000:.2f} ms")
            print(f"layout {name} statements: {statistics.median(counts):g}")
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
