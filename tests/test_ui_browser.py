"""The eventwire page in a real browser, served by a real Airflow API server.

Starts ``airflow api-server`` on 127.0.0.1 (free port, throw-away AIRFLOW_HOME, this project's
plugins folder, the endpoint tests' fixture data root, three seeded DAG runs), logs in through
the simple auth manager's form in Debian's Chromium (headless, driven by Playwright), opens the
page from the UI's navigation and checks that charts and tables show the fixture's numbers, then
opens the GX Data Docs built from the fixture's quality rows. The browser may reach loopback only:
every other request is aborted and recorded, and a test fails if any was made. Screenshots go to
``test-output/ui/``.
"""

from __future__ import annotations

import ipaddress
import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from airflow_harness import (
    AirflowProcesses,
    airflow_environment,
    free_port,
    run_bounded,
    simple_auth_password,
    wait_for_health,
)
from factories import (
    ARTICLES,
    CLI_RECODE,
    DAG_RECODE,
    FAILING_CHECK,
    FIXTURE_RUNS,
    MENTIONS,
    QUALITY_CHECKS,
    QUARANTINE,
    add_runs,
    write_fixture_root,
)

REPO_ROOT = Path(__file__).resolve().parents[1]
OUTPUT_DIR = REPO_ROOT / "test-output" / "ui"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
APT_TIMEOUT_S = 900
MIGRATE_TIMEOUT_S = 300
HEALTH_TIMEOUT_S = 180
PAGE_TIMEOUT_MS = 30_000
FONT_AWESOME_LOADED = """async () => {
    await document.fonts.ready;
    return document.fonts.check('900 16px "Font Awesome 6 Free"');
}"""

pytestmark = [pytest.mark.slow, pytest.mark.integration]


@pytest.fixture(scope="module")
def chromium() -> Path:
    """Debian's Chromium; installed with apt when missing and running as root, else skipped
    with the command that installs it."""
    if not CHROMIUM.exists():
        if os.geteuid() != 0 or not shutil.which("apt-get"):
            pytest.skip(
                f"{CHROMIUM} is missing and cannot be installed here; install it with: "
                "apt-get update && apt-get install -y chromium chromium-driver"
            )
        apt_env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        run_bounded(["apt-get", "update", "-q"], env=apt_env, timeout=APT_TIMEOUT_S)
        run_bounded(
            ["apt-get", "install", "-y", "-q", "-o", "DPkg::Lock::Timeout=300",
             "chromium", "chromium-driver"],
            env=apt_env,
            timeout=APT_TIMEOUT_S,
        )  # fmt: skip
    if not CHROMIUM.exists():
        pytest.skip(f"apt-get did not install {CHROMIUM}; see the apt output above")
    return CHROMIUM


@pytest.fixture(scope="module")
def airflow_ui(tmp_path_factory):
    """An Airflow API server with the plugin; yields (base URL, AIRFLOW_HOME)."""
    work = tmp_path_factory.mktemp("ui-browser")
    home, dags = work / "airflow-home", work / "dags"
    dags.mkdir()
    data_root = write_data_docs(write_fixture_root(work / "data"))
    port = free_port()
    env = airflow_environment(
        home,
        dags_folder=dags,
        api_port=port,
        extra={
            "AIRFLOW__CORE__PLUGINS_FOLDER": str(REPO_ROOT / "plugins"),
            "AIRFLOW__API__WORKERS": "1",
            "EVENTWIRE_DATA_ROOT": str(data_root),
        },
    )
    with AirflowProcesses(env, work / "logs") as processes:
        processes.run("db", "migrate", timeout=MIGRATE_TIMEOUT_S)
        seed_runs(home / "airflow.db")
        processes.start("api-server", "api-server", "--port", str(port))
        base_url = f"http://127.0.0.1:{port}"
        wait_for_health(
            base_url, timeout=HEALTH_TIMEOUT_S, healthy=("metadatabase",), alive=processes
        )
        yield base_url, home


def write_data_docs(root: Path) -> Path:
    """Replace the fixture's stub Data Docs with the real GX site of its quality rows."""
    import pyarrow.parquet as pq

    from eventwire.quality.docs import build_data_docs

    docs = root / "quality" / "docs"
    shutil.rmtree(docs)
    results = [pq.read_table(path) for path in sorted((root / "quality").rglob("*.parquet"))]
    build_data_docs(results, docs)
    return root


def seed_runs(database: Path) -> None:
    """Record the fixture's DAG runs in the migrated metadata database."""
    from airflow.models.dagrun import DagRun
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    engine = create_engine(f"sqlite:///{database}")
    with Session(engine) as session:
        add_runs(session, DagRun)
        session.commit()
    engine.dispose()


@pytest.fixture(scope="module")
def browser(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture(scope="module")
def blocked() -> list[str]:
    """URLs the browser tried to reach off this machine (each one was aborted)."""
    return []


@pytest.fixture(scope="module")
def logged_in(browser, airflow_ui, blocked):
    """A browser page logged in as admin through the simple auth manager's form, with every
    non-loopback request aborted and recorded in ``blocked``."""
    base_url, home = airflow_ui
    context = browser.new_context(viewport={"width": 1440, "height": 1500})

    def offline(route) -> None:
        if is_loopback(route.request.url) or route.request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort("internetdisconnected")

    context.route("**/*", offline)
    page = context.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    page.goto(f"{base_url}/")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", simple_auth_password(home))
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/auth/login" not in url)
    yield page, base_url
    context.close()


def test_page_shows_the_fixture_in_airflow(logged_in, blocked):
    page, base_url = logged_in
    page.goto(f"{base_url}/")
    page.get_by_role("button", name="Browse").click()
    page.get_by_role("menuitem", name="eventwire").click()
    page.wait_for_url("**/plugin/eventwire**")
    frame = page.frame_locator("iframe").first
    frame.locator("#articles-chart rect").first.wait_for()

    bars = frame.locator("#articles-chart rect")
    assert bars.count() == sum(len(per_feed) for per_feed in ARTICLES.values())
    feed_totals = {}
    for per_feed in ARTICLES.values():
        for feed, count in per_feed.items():
            feed_totals[feed] = feed_totals.get(feed, 0) + count
    for feed, total in feed_totals.items():
        assert frame.locator(f"#articles-legend li[data-key='{feed}']").inner_text() == (
            f"{feed} {total}"
        )
    mentions = sum(sum(per_type.values()) for per_type in MENTIONS.values())
    assert frame.locator("#mentions-total").inner_text() == f"{mentions} mentions in 2 runs"

    ingest = frame.locator("[data-dag='eventwire_ingest'] tbody tr")
    assert ingest.count() == sum(1 for run in FIXTURE_RUNS if run[0] == "eventwire_ingest")
    assert ingest.first.get_attribute("data-state") == "failed"
    assert "7.5 s" in ingest.first.inner_text()

    assert frame.locator("#quality-chart circle").count() == 4
    assert "articles 100% (4/4)" in frame.locator("#quality-legend").inner_text()
    assert FAILING_CHECK[1] in frame.locator("#failures tbody").inner_text()

    assert frame.locator("#quarantine-counts tbody tr").count() == len(QUARANTINE)
    assert "broken page fetch 1" in frame.locator("#quarantine-samples pre").first.inner_text()

    recodes = frame.locator("#recodes-table tbody tr")
    recodes.first.wait_for()
    assert [recodes.nth(i).get_attribute("data-run") for i in range(recodes.count())] == [
        DAG_RECODE,
        CLI_RECODE,
        "by-hand",
    ]
    cli = recodes.nth(1).inner_text()
    for shown in (
        "2017-11-05 12:00",
        "2017-11-01 … 2017-11-02 (2)",
        "14 → 15",
        "32 → 43",
        "12 / 3 / 2",
        "1.1+old, 1.1+older → 1.1+new",
    ):
        assert shown in cli, (shown, cli)

    rows = frame.locator("#events-table tbody tr")
    rows.first.wait_for()
    assert rows.count() == 3
    qaim = frame.locator("#events-table tr[data-event='ev-qaim']")
    assert qaim.locator("a").get_attribute("href") == "https://example.org/qaim"
    assert "Iraqi forces killed 13 militants" in qaim.inner_text()

    places = frame.locator("#events-map circle.place")
    assert places.count() == 3
    assert frame.locator("#events-map path.land").count() == 1
    radius = {
        places.nth(i).get_attribute("data-place"): float(places.nth(i).get_attribute("r"))
        for i in range(3)
    }
    assert radius["Al Qa'im"] > radius["Damascus"] == radius["Erbil"], radius

    assert blocked == [], f"the browser tried to leave the machine: {blocked}"
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=OUTPUT_DIR / "ui-eventwire-in-airflow.png")


def test_filters_data_docs_and_full_page(logged_in, blocked):
    from playwright.sync_api import expect

    page, base_url = logged_in
    requested: set[str] = set()
    page.on("request", lambda request: requested.add(urlsplit(request.url).netloc))
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text))
    page.goto(f"{base_url}/eventwire/")
    page.locator("#events-table tbody tr").first.wait_for()
    page.select_option("#event-filter select[name=country]", "IRQ")
    page.click("#event-filter button[type=submit]")
    expect(page.locator("#events-count")).to_have_attribute("data-count", "2")
    events = page.locator("#events-table tbody tr")
    assert sorted(events.nth(i).get_attribute("data-event") for i in range(2)) == [
        "ev-erbil",
        "ev-qaim",
    ]
    page.select_option("#event-filter select[name=country]", "")
    page.click("#event-filter button[type=submit]")
    expect(page.locator("#events-count")).to_have_attribute("data-count", "3")
    dates = [events.nth(i).locator("td").first.inner_text() for i in range(3)]
    assert dates == sorted(dates, reverse=True), "events are not newest event date first"
    expect(page.locator("#events-range")).to_have_text("1–3 of 3")
    expect(page.locator("#events-pager button").first).to_be_disabled()
    page.check("#event-filter input[name=reported_only]")  # the fixture flags none of them
    expect(page.locator("#events-count")).to_have_attribute("data-count", "3")
    page.uncheck("#event-filter input[name=reported_only]")

    href = page.locator("#data-docs").get_attribute("href")
    docs = page.request.get(f"{base_url}/eventwire/{href}")
    assert docs.status == 200
    assert "default-src 'none'" in docs.headers["content-security-policy"]

    assert requested == {urlsplit(base_url).netloc}, "the page loaded something from elsewhere"
    assert blocked == [], f"the browser tried to leave the machine: {blocked}"
    assert not [text for text in violations if "Content Security Policy" in text]

    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=OUTPUT_DIR / "ui-eventwire.png", full_page=True)


def test_data_docs_render_offline_under_their_csp(logged_in, blocked):
    """GX builds its tables in the browser with jQuery and bootstrap-table: with every
    non-loopback request aborted they render only from the plugin's vendored copies."""
    from playwright.sync_api import expect

    page, base_url = logged_in
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.goto(f"{base_url}/eventwire/datadocs/")
    runs = page.locator("#section-1-content-block-2-1-body-table tbody tr[data-index]")
    runs.first.wait_for()
    assert runs.count() == len(QUALITY_CHECKS) * len(ARTICLES)
    assert page.evaluate(FONT_AWESOME_LOADED), "Font Awesome did not load from the plugin"
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=OUTPUT_DIR / "datadocs-index.png", full_page=True)

    page.locator("tr[data-index]", has_text="articles-20171102T0900").click()
    page.wait_for_url("**/validations/articles/**")
    failed_only = page.locator("label.btn-primary", has_text="Failed Only")
    expect(failed_only).to_have_css("background-color", "rgb(0, 123, 255)")  # Bootstrap's CSS
    assert "20% unexpected" in page.locator("body").inner_text()  # the fixture's failed check
    succeeded = page.locator(".hide-succeeded-validation-target-child").first
    expect(succeeded).to_be_visible()
    failed_only.click()  # an inline onclick handler, admitted by the CSP's hash
    expect(succeeded).to_be_hidden()
    page.locator(".hide-succeeded-validation-target-child").first.wait_for(state="hidden")
    page.screenshot(path=OUTPUT_DIR / "datadocs-validation.png", full_page=True)

    assert blocked == [], f"the browser tried to leave the machine: {blocked}"
    assert not [text for text in console if "Content Security Policy" in text], console


def test_plugin_api_refuses_anonymous_callers(airflow_ui):
    import httpx

    base_url, _ = airflow_ui
    assert httpx.get(f"{base_url}/eventwire/api/volumes", timeout=10).status_code == 401
