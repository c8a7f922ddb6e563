"""Filing throughput and latency: the HTML form (with CSRF) and the API, through
gunicorn with 2 workers, at a fixed concurrency, on SQLite and PostgreSQL.

    .venv/bin/python -m bench.filing [--db sqlite|postgresql|all] [--seconds 10] [--clients 4]

Also prints the stack's floor (/healthz on the same gunicorn) and the RSS of the web
workers after the run. The broker is a real Redis when redis-server is installed.
"""
import argparse
import uuid

from bench.common import (PASSWORD, Browser, Gunicorn, csrf_token, for_each_database, percentiles,
                          prepare, redis, rss_mib, run_clients)

FORM = {
    "kind": "deviation", "receiver_organisation": "23", "occurred_at": "2026-01-10T10:00",
    "category": "discharge", "description": "Benchmark: utskrivningsmeddelandet saknades.",
    "immediate_action": "Ringde avdelningen.", "consequence": "2", "probability": "2",
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="all")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    with redis() as broker:
        for name, url in for_each_database(args.db):
            prepare(url)
            # The API's rate limits off: four tokens on one address would hit them within
            # seconds (1 200 a minute per address), and they are not what is measured here.
            env = {"DATABASE_URL": url, "CELERY_BROKER_URL": broker or "memory://",
                   "AVVIKELSE_INSTANCE": "/tmp/avvikelse-bench-instance",
                   "API_RATE_LIMIT": "", "API_ADDRESS_RATE_LIMIT": ""}
            web = Gunicorn(env)
            try:
                print(f"\n== filing on {name} (gunicorn 2 workers, {args.clients} clients, "
                      f"{args.seconds:.0f} s each, broker {'redis' if broker else 'memory'})")
                bench(web, args)
                print("web workers RSS: " + ", ".join(f"{rss_mib(p):.0f} MiB" for p in web.worker_pids()))
            finally:
                web.stop()


def bench(web: Gunicorn, args) -> None:
    def floor_client(k):
        return Browser(web.port)

    done, lat, fail = run_clients(args.clients, args.seconds / 2, floor_client,
                                  lambda c, k, i: c.request("GET", "/tillganglighet")[0] == 200)
    print(f"floor  GET /tillganglighet: {done / (args.seconds / 2):7.1f} req/s   {percentiles(lat)}")

    def form_client(k):
        b = Browser(web.port)
        _, _, html = b.request("GET", "/logga-in")
        b.form("/logga-in", {"csrf_token": csrf_token(html), "username": f"bench.rapportor{k}",
                             "password": PASSWORD})
        _, _, html = b.request("GET", "/arenden/ny")
        b.token = csrf_token(html)
        return b

    def file_form(b, k, i):
        status, headers, _ = b.form("/arenden/ny", {**FORM, "csrf_token": b.token,
                                                    "submission_key": uuid.uuid4().hex})
        return status == 302 and "/arenden/AV-" in headers.get("Location", "")

    done, lat, fail = run_clients(args.clients, args.seconds, form_client, file_form)
    print(f"filing HTML form (CSRF) : {done / args.seconds:7.1f} cases/s {percentiles(lat)}  failures {fail}")

    def api_client(k):
        b = Browser(web.port)
        _, _, body = b.json("/api/v1/auth/token", {"username": f"bench.rapportor{k}", "password": PASSWORD})
        import json

        b.token = json.loads(body)["token"]
        return b

    api_case = {**FORM, "consequence": 2, "probability": 2, "occurred_at": "2026-01-10T10:00:00+01:00",
                "serious": False}

    def file_api(b, k, i):
        return b.json("/api/v1/cases", api_case, b.token)[0] == 201

    done, lat, fail = run_clients(args.clients, args.seconds, api_client, file_api)
    print(f"filing API (JSON)       : {done / args.seconds:7.1f} cases/s {percentiles(lat)}  failures {fail}")


if __name__ == "__main__":
    main()
