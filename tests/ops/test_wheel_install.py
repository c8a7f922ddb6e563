"""The package as an operator installs it: a wheel built from the checkout, installed into
a fresh virtualenv and run from a directory outside the checkout under the production
config. It must migrate, serve pages in both languages and mail a routed case with its
own templates, migrations and catalogue; the rest of the suite runs from the editable
install and cannot see what a wheel leaves out."""
import email
import email.policy
import json
import os
import re
import secrets
import subprocess
import sys
import sysconfig
import tomllib
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import requests
from cryptography.fernet import Fernet

from tests.fixtures.servers import HOST, free_port, tail, wait_until

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "korrekt-hast-batteri"
PUBLIC_URL = "http://avvikelse.example"

# Run in the installed package, with `import config` first (config.py imports avvikelse).
WHERE = """
import json, config, avvikelse
from avvikelse import create_app
app = create_app()
print(json.dumps({
    "package": avvikelse.__file__, "config": config.__file__, "instance": app.instance_path,
    "templates": app.template_folder, "static": app.static_folder,
    "migrations": app.extensions["migrate"].directory,
    "translations": app.config["BABEL_TRANSLATION_DIRECTORIES"],
}))
"""


def _run(args, cwd, env, timeout=60, stdin=None) -> str:
    done = subprocess.run(args, cwd=cwd, env=env, input=stdin, capture_output=True, text=True,
                          timeout=timeout)
    assert done.returncode == 0, f"{args} failed ({done.returncode}):\n{done.stdout}{done.stderr}"
    return done.stdout


def _under(path, folder: Path) -> bool:
    return Path(path).resolve().is_relative_to(folder.resolve())


def test_build_requirements_are_in_the_test_extra():
    """The wheel below is built without isolation, with the test venv's packages: they
    must be the pinned build requirements, or the test builds with something else."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert set(project["build-system"]["requires"]) <= set(
        project["project"]["optional-dependencies"]["test"])


def test_an_installed_wheel_migrates_serves_and_mails_outside_the_checkout(tmp_path):
    wheels, venv, workdir = tmp_path / "dist", tmp_path / "venv", tmp_path / "run"
    workdir.mkdir()
    # The test venv's setuptools and Babel (pinned as the build requirements): no network.
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
          "-w", str(wheels), str(ROOT)], cwd=tmp_path, env=os.environ, timeout=120)
    (wheel,) = wheels.glob("avvikelse-*.whl")

    # A fresh venv holding only the wheel; its dependencies come from the test venv's
    # site-packages through a .pth line (its .pth files, and so the editable install's
    # finder, are not read from there).
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=tmp_path, env=os.environ)
    python = venv / "bin" / "python"
    site = venv / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"
    (site / "test_venv_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
          "--no-index", "-q", str(wheel)], cwd=tmp_path, env=os.environ, timeout=120)

    env = {key: value for key, value in os.environ.items()
           if key not in ("PYTHONPATH", "AVVIKELSE_INSTANCE", "FLASK_APP")}
    env.update({
        "AVVIKELSE_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "AVVIKELSE_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'avvikelse.db'}",
        "PUBLIC_URL": PUBLIC_URL,
        "SESSION_COOKIE_SECURE": "false",  # plain http on 127.0.0.1
    })
    flask = [str(python), "-m", "flask", "--app", "avvikelse"]

    where = json.loads(_run([str(python), "-c", WHERE], cwd=workdir, env=env))
    package = Path(where["package"]).parent
    assert _under(package, site), where
    assert _under(where["config"], site), where
    # AVVIKELSE_INSTANCE unset: ./instance of the working directory, not site-packages.
    assert Path(where["instance"]) == workdir / "instance", where
    for name in ("templates", "static", "migrations", "translations"):
        assert _under(where[name], package), (name, where)
    stray = [p for p in [*package.rglob("*"), site / "config.py"] if _under(p, ROOT)]
    assert not stray, f"installed files resolving into the checkout: {stray[:5]}"

    _run([*flask, "db", "upgrade"], cwd=workdir, env=env)
    assert "(head)" in _run([*flask, "db", "current"], cwd=workdir, env=env)
    _run([*flask, "seed-directory"], cwd=workdir, env=env)
    _run([*flask, "users", "add", "rapportor.krokom", "--org", "2309", "--unit", "2309-HSJV",
          "--email", "rapportor@krokom.example", "--password-stdin"],
         cwd=workdir, env=env, stdin=PASSWORD + "\n")
    _run([*flask, "users", "add", "handlaggare.region", "--org", "23", "--role", "handler",
          "--email", "handlaggare@region.example", "--password-stdin"],
         cwd=workdir, env=env, stdin=PASSWORD + "\n")

    port = free_port()
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as out:
        web = subprocess.Popen(
            [str(python), "-m", "gunicorn", "--workers", "1", "--bind", f"{HOST}:{port}",
             "avvikelse:create_app()"],
            cwd=workdir, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://{HOST}:{port}"
    try:
        def up() -> bool:
            assert web.poll() is None, f"gunicorn exited:\n{tail(log)}"
            return requests.get(f"{base}/healthz", timeout=2).status_code == 200

        wait_until(up, 30, "gunicorn from the wheel")
        browser = requests.Session()
        login = browser.get(f"{base}/logga-in", timeout=10)
        assert login.status_code == 200 and "Logga in" in login.text
        english = requests.get(f"{base}/logga-in", cookies={"sprak": "en"}, timeout=10)
        assert english.status_code == 200 and "Sign in" in english.text  # the .mo shipped
        assert requests.get(f"{base}/static/css/app.css", timeout=10).status_code == 200

        # File a case through the form, as a reporter would; CSRF is on in production.
        browser.post(f"{base}/logga-in", timeout=10, data={
            "csrf_token": _csrf(login.text), "username": "rapportor.krokom", "password": PASSWORD})
        form = browser.get(f"{base}/arenden/ny", timeout=10)
        assert form.status_code == 200, f"not logged in? {form.url}"
        filed = browser.post(f"{base}/arenden/ny", timeout=10, allow_redirects=False, data={
            "csrf_token": _csrf(form.text), "kind": "deviation", "receiver_organisation": "23",
            "occurred_at": f"{datetime.now() - timedelta(days=1):%Y-%m-%dT%H:%M}",
            "category": "discharge",
            "description": "Utskrivningsmeddelandet saknades.",
            "immediate_action": "Ringde avdelningen.", "consequence": "2", "probability": "2"})
        assert filed.status_code == 302, filed.text[:500] + tail(log)
        reference = filed.headers["Location"].rsplit("/", 1)[1]
    finally:
        web.terminate()
        web.wait(15)

    # No worker runs here: route and mail in this shell, as an operator can.
    _run([*flask, "outbox", "run"], cwd=workdir, env=env)
    mails = {m["To"]: m.get_content() for m in (
        email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
        for p in (workdir / "instance" / "mail").glob("*.eml"))}
    assert f"{PUBLIC_URL}/arenden/{reference}" in mails.get("handlaggare@region.example", ""), (
        mails, _run([*flask, "outbox", "failed"], cwd=workdir, env=env))


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert found, "no CSRF token on the page"
    return found.group(1)
