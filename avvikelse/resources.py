"""Where the templates, migrations and translations are.

They live at the top of the repository (templates/, migrations/, translations/). Run from
a checkout (`make run`, the tests, an editable install) the app reads them there, so an
edited template shows at once. An installed package has nothing of ours beside it in
site-packages: a built wheel carries copies inside the package, made by the top-level
setup.py (with the catalogue compiled to .mo).
"""
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
BUNDLED = PACKAGE / "_bundled"  # setup.py's BUNDLED


def _checkout() -> Path | None:
    root = PACKAGE.parent
    if (root / "pyproject.toml").is_file() and (root / "templates").is_dir():
        return root
    return None


#: The repository this package runs from, or None when it is installed (e.g. from a wheel).
CHECKOUT = _checkout()


def folder(name: str) -> str:
    """The folder `name` (templates, migrations or translations), absolute. A package
    built without them fails here, at start-up, rather than on the first mail."""
    path = (CHECKOUT or BUNDLED) / name
    if not path.is_dir():
        raise RuntimeError(f"{path} is missing: build the package with `pip wheel .` "
                           "from the repository, which bundles it")
    return str(path)
