"""`make bench`: every benchmark, one after another, figures printed (nothing asserted).

    .venv/bin/python -m bench [--quick]
    .venv/bin/python -m bench national --cases N     (the national data set alone)
    .venv/bin/python -m bench lanes [--cases N]   (routing while two forum-warm passes run)
    .venv/bin/python -m bench helpdesk [--db sqlite|postgresql|all] [--seconds 20] [--rounds 3]
                                       [--floor guarded|bare]
        (filing against django-helpdesk side by side; installs it from PyPI, so not in the list;
        --floor also serves bench/floor_app.py, the least a filing costs on this stack)
    .venv/bin/python -m bench.filing_ab --against REV
        (a filing's CPU, this checkout against another revision, in alternating blocks)
"""
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    if sys.argv[1:2] == ["national"]:
        from bench import national

        national.main(sys.argv[2:])
        return
    if sys.argv[1:2] == ["lanes"]:
        from bench import lanes

        lanes.main(sys.argv[2:])
        return
    if sys.argv[1:2] == ["helpdesk"]:
        from bench import helpdesk

        helpdesk.main(sys.argv[2:])
        return
    quick = "--quick" in sys.argv
    py = sys.executable
    runs = [
        [py, "-m", "bench.filing", "--db", "all", "--seconds", "5" if quick else "15"],
        [py, "-m", "bench.inbox", "--db", "all", "--sizes", "10000", *([] if quick else ["100000"])],
        [py, "-m", "bench.submit_to_mail", "--db", "sqlite", "--seconds", "5" if quick else "15"],
        [py, "-m", "bench.submit_to_mail", "--db", "postgresql", "--seconds", "5" if quick else "15"],
        [py, str(HERE / "clock_pass.py"), "10000"],
        *([] if quick else [[py, str(HERE / "clock_pass.py"), "100000"]]),
    ]
    for extra in sorted(HERE.glob("forum*.py")):
        runs.append([py, str(extra), *(["--quick"] if quick else [])])
    failed = 0
    for cmd in runs:
        print(f"\n$ {' '.join(Path(c).name if c.startswith('/') else c for c in cmd)}", flush=True)
        failed += subprocess.run(cmd, cwd=HERE.parent).returncode != 0
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
