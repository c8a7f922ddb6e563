"""Build step (pyproject.toml holds the metadata): put the repository's top-level
templates/, migrations/ and translations/ inside the built package, under
avvikelse/_bundled/, and compile the .po catalogues to .mo there.

An installed package has nothing beside it in site-packages, so a wheel must carry these
folders itself (avvikelse/resources.py finds them). An editable install builds nothing
here: it keeps reading the checkout's folders, so an edited template shows at once.
"""
import shutil
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
BUNDLED = Path("avvikelse", "_bundled")  # keep in step with avvikelse/resources.py
COPIED = ("templates", "migrations")
CATALOGUES = "translations"


class BuildPyWithResources(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        target = Path(self.build_lib) / BUNDLED
        # A fresh copy each build: a file deleted from the repository must not linger
        # in build/ and ship.
        shutil.rmtree(target, ignore_errors=True)
        for name in COPIED:
            source = HERE / name
            if not source.is_dir():  # e.g. an sdist made without MANIFEST.in
                raise SystemExit(f"setup.py: {source} is missing; the wheel would not work")
            shutil.copytree(source, target / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        _compile_catalogues(HERE / CATALOGUES, target / CATALOGUES)


def _compile_catalogues(source: Path, target: Path) -> None:
    """What `pybabel compile -d translations` does, except that a catalogue it would skip
    (marked fuzzy) or report errors in fails the build instead of shipping without it."""
    found = sorted(source.glob("*/LC_MESSAGES/*.po"))
    if not found:
        raise SystemExit(f"setup.py: no catalogue under {source}")
    for po in found:
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=po.parent.parent.name, domain=po.stem)
        problems = [f"{po}:{message.lineno}: {error}"
                    for message, errors in catalog.check() for error in errors]
        if catalog.fuzzy:
            problems.append(f"{po}: the catalogue is marked fuzzy")
        if problems:
            raise SystemExit("setup.py: cannot compile\n" + "\n".join(problems))
        mo = target / po.relative_to(source).with_suffix(".mo")
        mo.parent.mkdir(parents=True, exist_ok=True)
        with mo.open("wb") as handle:
            write_mo(handle, catalog)


setup(cmdclass={"build_py": BuildPyWithResources})
