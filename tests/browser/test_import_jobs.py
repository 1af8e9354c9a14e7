"""An import in a real browser: the progress bar follows the job by itself into the preview, and
the import ends on a result page that stays at its address."""
from __future__ import annotations

import threading

import pytest

from tests.test_import_jobs import big_csv
from tracker.cases import import_jobs

pytestmark = pytest.mark.browser


def test_the_progress_bar_turns_into_the_preview_then_the_result(page, live_server, make, login, screenshot,
                                                                  monkeypatch, tmp_path):
    make.department("ZJJ", "市住建局")
    producer = make.user("producer", username="producer")
    release = threading.Event()
    preview = import_jobs._preview

    def held_preview(job):
        import_jobs._live[job.id] = (1500, 3000)  # half way, until the test has seen it
        release.wait(10)
        preview(job)
    monkeypatch.setattr(import_jobs, "_preview", held_preview)
    path = tmp_path / "12345导出.csv"
    path.write_bytes(big_csv(3000))
    login(page, producer)

    page.goto("/cases/import")
    page.set_input_files('input[type="file"]', str(path))
    with page.expect_navigation():
        page.click('button[type="submit"].primary')
    page.wait_for_selector("progress[value='1500']")
    assert "/cases/import/jobs/" in page.url
    job_url = page.url
    screenshot(page, "import-progress")

    release.set()
    page.wait_for_selector("[data-import-mapping]", timeout=15000)  # the page reloaded by itself
    assert page.url == job_url
    screenshot(page, "import-preview")
    monkeypatch.setattr(import_jobs, "_preview", preview)

    with page.expect_navigation():
        page.click("[data-apply]")
    page.wait_for_selector(".stats .stat-ok", timeout=30000)
    assert page.locator(".stats .stat-ok .stat-value").inner_text() == "3000"
    screenshot(page, "import-result")
    page.goto(job_url)
    assert page.locator(".stats .stat-ok .stat-value").inner_text() == "3000"
    page.goto("/cases/import")
    assert page.locator("[data-import-jobs] tr[data-job]").count() == 1
    screenshot(page, "import-page-recent")
