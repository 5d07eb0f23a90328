"""The browser harness itself: the home page loads in Chromium and axe runs in it."""

from .conftest import axe_violations


def test_home_page_opens_in_a_real_browser(live_server, page):
    response = page.goto(live_server.url + "/")
    assert response.status == 200
    assert page.locator("h1").count() == 1
    assert isinstance(axe_violations(page), list)
