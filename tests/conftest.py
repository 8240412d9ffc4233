"""Settings and fixtures for the whole test run.

Kept as the one place for them: anything set here is set before any test module
imports naravard, and is inherited by the app servers that the browser tests start.
"""

import pytest


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for every test that drives one (tests/browser, tests/cluster)."""
    from tests.browser.conftest import launch_browser

    yield from launch_browser()
