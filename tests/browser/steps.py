"""Steps journeys share: signing in through the real form, opening an action."""
from __future__ import annotations

from tests.fixtures.factories import PASSWORD


def sign_in(page, user, next_path: str = "/") -> None:
    page.goto(f"/logga-in?next={next_path}")
    page.get_by_label("Användarnamn").fill(user.username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_load_state()
    assert "/logga-in" not in page.url, f"sign-in as {user.username} failed"


def open_action(page, label: str) -> None:
    """Actions sit in <details>: open the one named `label`."""
    page.locator("details.action summary", has_text=label).click()


def submit_action(page, action: str, label: str) -> None:
    page.locator(f"#atgard-{action} button[type=submit]").click()
    page.wait_for_load_state()
