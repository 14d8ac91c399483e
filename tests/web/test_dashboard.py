"""The dashboard in a real browser: Debian's headless chromium driven by Playwright, against the app under uvicorn.

Every request the page makes is intercepted: one that does not go to the test server is recorded and aborted, and
the tests assert there are none. Console errors and uncaught page errors are recorded and must stay empty. Without
chromium these tests fail (CI installs it: .ci/run)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

pytestmark = pytest.mark.slow

LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
#: Page load and one forecast with all eleven models on a loaded 2-core machine.
TIMEOUT_MS = 240_000


@dataclass
class Session:
    page: Any
    base: str
    requests: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def session(server: str) -> Iterator[Session]:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    assert chromium, "Debian's chromium is not installed: apt-get install -y chromium (.ci/run does it)"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=LAUNCH_ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        s = Session(page=page, base=server)

        def route(r: Any) -> None:
            url = r.request.url
            s.requests.append(url)
            if url.startswith(server + "/"):
                r.continue_()
            else:
                s.foreign.append(url)
                r.abort()

        page.route("**/*", route)
        page.on("console", lambda m: s.console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: s.console_errors.append(str(e)))
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(server + "/")
        page.wait_for_selector("body[data-ready=true]", timeout=TIMEOUT_MS)
        yield s
        browser.close()


def test_the_spending_chart_and_the_map_render(session: Session) -> None:
    page = session.page
    assert page.locator("#spending-chart .main-svg").count() > 0
    assert page.locator("#spending-chart .bars path").count() >= 30  # one bar per ally with a figure
    assert page.locator("#map-chart path.choroplethlocation").count() >= 30  # the allies on the map
    counts = page.locator("#spending-counts").inner_text()
    assert "of 31 at 2%" in counts and "at 3.5%" in counts and "at 5%" in counts
    assert page.locator("#spending-source").inner_text().startswith("Source: NATO")
    assert page.locator("#map-source").inner_text().startswith("Source: NATO")


def test_the_other_views_render_with_their_source_lines(session: Session) -> None:
    page = session.page
    assert page.locator("#burden-chart .scatterlayer .point").count() >= 30
    assert page.locator("#us-chart .scatterlayer path.js-line").count() >= 1
    assert page.locator("#claims-table tbody tr").count() >= 5
    assert page.locator("#forecast-chart .scatterlayer .point").count() >= 10
    assert page.locator("#sim-ally-chart .scatterlayer path").count() >= 1
    for source in ("#burden-source", "#us-source", "#claims-source", "#forecast-source", "#sim-source"):
        assert page.locator(source).inner_text().startswith("Source:"), source


def test_the_year_slider_and_edition_switch_show_where_editions_disagree(session: Session) -> None:
    from playwright.sync_api import expect

    page = session.page
    page.select_option("#edition", "2024")
    expect(page.locator("#spending-counts")).to_contain_text("edition 2024")
    assert page.locator("#year-out").inner_text() == "2024"
    expect(page.locator("#spending-counts")).to_contain_text("23 of 31 at 2%")  # the acceptance figure
    from alliance.spending import compare_editions

    for row in compare_editions(2024, 2.0).editions.itertuples():
        expect(page.locator("#editions-table")).to_contain_text(f"edition {row.edition}: {row.answer}")
    expect(page.locator("#editions-table tbody tr").first).to_be_visible()  # allies on different sides of 2%
    page.focus("#edition")
    page.keyboard.press("ArrowDown")  # keyboard: the next edition
    expect(page.locator("#spending-counts")).to_contain_text("edition 2025")


def test_changing_germanys_position_changes_the_forecast(session: Session) -> None:
    from playwright.sync_api import expect

    page = session.page
    page.select_option("#scenario-issue", "spending_target")
    page.wait_for_selector("#pos-DEU")
    before = page.locator("#forecast-table").inner_text()
    assert page.locator("#pos-DEU").input_value() == "5"
    page.fill("#pos-DEU", "2")
    page.press("#pos-DEU", "Tab")  # leaving the field commits the edit
    expect(page.locator("#scenario-status")).to_contain_text("Forecasting", timeout=10_000)
    expect(page.locator("#scenario-status")).to_contain_text("Forecast updated", timeout=TIMEOUT_MS)
    after = page.locator("#forecast-table").inner_text()
    assert after != before
    assert "synthesis" in after


def test_a_sweep_from_the_page_shows_the_probability_of_each_wording(session: Session) -> None:
    from playwright.sync_api import expect

    page = session.page
    page.select_option("#sweep-runs", "200")
    page.click("#sweep-start")
    expect(page.locator("#sweep-status")).to_contain_text("done", timeout=TIMEOUT_MS)
    expect(page.locator("#sweep-wording-chart .barlayer path").first).to_be_attached()
    assert page.locator("#sweep-outcome-chart .scatterlayer .point").count() >= 5  # a median per model
    assert page.locator("#sweep-synthesis tbody tr").count() == 4  # one row per issue of hague-2025
    assert page.locator("#sweep-source").inner_text().startswith("Source:")


def test_every_control_has_a_label(session: Session) -> None:
    page = session.page
    unlabeled = []
    controls = page.locator("select, input, button").all()
    assert len(controls) > 40  # the scenario table's inputs included
    for control in controls:
        ident = control.get_attribute("id") or ""
        labelled = bool(ident) and page.locator(f"label[for='{ident}']").count() > 0
        if not (labelled or control.get_attribute("aria-label") or control.inner_text().strip()):
            unlabeled.append(ident)
    assert unlabeled == []


def test_no_console_errors_and_no_request_beyond_localhost(session: Session) -> None:
    assert session.console_errors == []
    assert session.foreign == []
    assert any(u.endswith("/static/topojson/world_110m.json") for u in session.requests)
    assert any(u.endswith("/static/plotly.min.js") for u in session.requests)
