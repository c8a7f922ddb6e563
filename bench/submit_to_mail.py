"""Submit-to-mail latency: cases filed through the API at a steady rate (20/s) into
gunicorn, routed by a real Celery worker through a real Redis, mailed to an SMTP sink.
Latency = from the 201 to the intake's mail arriving. Also the worker's RSS after.

    .venv/bin/python -m bench.submit_to_mail [--db sqlite|postgresql] [--rate 20] [--seconds 10]
"""
import argparse
import json
import os
import subprocess
import tempfile
import time

from bench.common import (BIN, PASSWORD, ROOT, Browser, Gunicorn, for_each_database, percentiles,
                          prepare, redis, rss_mib)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="sqlite")
    parser.add_argument("--rate", type=float, default=20)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    from aiosmtpd.controller import Controller

    from tests.fixtures.servers import free_port

    arrived: dict[str, float] = {}

    class Sink:
        async def handle_DATA(self, server, session, envelope):
            subject = next((line for line in envelope.content.decode(errors="replace").splitlines()
                            if line.startswith("Subject:")), "")
            if "intag@region.example" in envelope.rcpt_tos:
                arrived[subject.split()[1].rstrip(":")] = time.monotonic()
            return "250 OK"

    smtp_port = free_port()
    sink = Controller(Sink(), hostname="127.0.0.1", port=smtp_port)
    sink.start()
    with redis() as broker:
        if broker is None:
            print("redis-server not installed: skipped")
            return
        for name, url in for_each_database(args.db):
            prepare(url)
            instance = tempfile.mkdtemp(prefix="avvikelse-bench-instance-")
            env = {"DATABASE_URL": url, "CELERY_BROKER_URL": broker, "MAIL_SERVER": "127.0.0.1",
                   "MAIL_PORT": str(smtp_port), "AVVIKELSE_INSTANCE": instance}
            web = Gunicorn(env)
            worker = subprocess.Popen(
                [str(BIN / "celery"), "-A", "workers", "worker", "--concurrency", "2",
                 "--without-mingle", "--without-gossip", "--loglevel", "WARNING"],
                cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                time.sleep(3)
                client = Browser(web.port)
                _, _, body = client.json("/api/v1/auth/token", {"username": "bench.rapportor0", "password": PASSWORD})
                token = json.loads(body)["token"]
                case = {"kind": "deviation", "receiver_organisation": "23", "category": "discharge",
                        "occurred_at": "2026-01-10T10:00:00+01:00", "description": "Benchmark.",
                        "immediate_action": "-", "consequence": 1, "probability": 1, "serious": False}
                filed: dict[str, float] = {}
                interval = 1 / args.rate
                start = time.monotonic()
                n = int(args.rate * args.seconds)
                for i in range(n):
                    time.sleep(max(0.0, start + i * interval - time.monotonic()))
                    status, _, body = client.json("/api/v1/cases", case, token)
                    if status == 201:
                        filed[json.loads(body)["reference"]] = time.monotonic()
                deadline = time.monotonic() + 60
                while len([r for r in filed if r in arrived]) < len(filed) and time.monotonic() < deadline:
                    time.sleep(0.2)
                latencies = [arrived[r] - t for r, t in filed.items() if r in arrived]
                print(f"\n== submit-to-mail on {name}: {len(filed)} cases at {args.rate:.0f}/s, "
                      f"{len(latencies)} mailed: {percentiles(latencies)}")
                children = subprocess.run(["pgrep", "-P", str(worker.pid)], capture_output=True, text=True)
                pids = [worker.pid] + [int(p) for p in children.stdout.split()]
                print("worker RSS: " + ", ".join(f"{rss_mib(p):.0f} MiB" for p in pids))
            finally:
                worker.terminate()
                worker.wait(15)
                web.stop()
    sink.stop()


if __name__ == "__main__":
    main()
