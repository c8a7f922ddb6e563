"""The forum member's journey: the summary (with a bad period first), a background build
with its progress, a frozen snapshot, and an export downloaded."""
from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect

from avvikelse.core.clock import now_utc, to_local
from avvikelse.extensions import db
from tests.browser.a11y import visit
from tests.browser.steps import sign_in


def _quarter(at) -> str:
    local = to_local(at)
    return f"{local.year}Q{(local.month - 1) // 3 + 1}"


def test_forum_summary_build_snapshot_and_export(desktop, people, new_case):
    from avvikelse.forum import services
    from avvikelse.forum.models import Build

    for i in range(3):
        new_case(description=f"Fall {i}.")
    period = _quarter(now_utc())
    page = desktop
    sign_in(page, people["forum"], next_path=f"/forum/?period={period}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(period[:4])
    visit(page, "forum summary", shot="forum-summary")

    page.get_by_label("Period", exact=True).fill("sist")
    page.get_by_role("button", name="Visa").click()
    expect(page.locator(".error-summary")).to_be_visible()
    visit(page, "forum summary with errors")

    page.goto(f"/forum/?period={period}")
    page.get_by_role("button", name="Bygg sammanställningen i bakgrunden").click()
    expect(page.get_by_role("progressbar")).to_be_visible()  # progress while it is built
    visit(page, "forum build in progress", shot="forum-build")
    # No worker in this test: the build runs here, the page's own refresh then shows it.
    db.session.rollback()
    build = db.session.scalars(db.select(Build).order_by(Build.id.desc())).first()
    services.run_build(build.id, now_utc())
    db.session.commit()
    expect(page.get_by_role("status")).to_have_text(re.compile("Klar"), timeout=10_000)
    visit(page, "forum build done")

    page.goto(f"/forum/?period={period}")
    page.get_by_role("button", name="Spara ögonblicksbild").click()
    expect(page.locator(".error-summary")).to_be_visible()
    visit(page, "snapshot with errors")
    meeting = (to_local(now_utc()) + timedelta(days=7)).date().isoformat()
    page.get_by_label("Mötesdatum").fill(meeting)
    page.get_by_role("button", name="Spara ögonblicksbild").click()
    expect(page.locator(".flash--success")).to_be_visible()
    visit(page, "snapshot", shot="forum-snapshot")

    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").first.click()
    assert download.value.suggested_filename.endswith(".csv")
