"""Nobody reaches the CMS without an editor login, admin pages need an admin, and every POST needs CSRF."""

from __future__ import annotations

import itertools
import re

import pytest
from flask import url_for
from werkzeug.routing import AnyConverter, Rule, parse_converter_args

from .conftest import PASSWORD

SAMPLE_VALUES = {
    "slug": "klik-en-tik-de-basis",
    "number": "1",
    "token": "a" * 32,
    "name": "skill",
    "term_id": "1",
    "user_id": "1",
    "synonym_id": "1",
    "list_id": "1",
    "change_id": "1",
}


# A variable in a rule as werkzeug documents the format: <converter(arguments):name>, converter optional.
VARIABLE = re.compile(r"<(?:(?P<converter>\w+)(?:\((?P<arguments>[^)]*)\))?:)?(?P<name>\w+)>")


def url_values(app, rule: Rule) -> list[dict[str, str]]:
    """Values for the rule's variables: every choice of an ``any(...)``, a sample value for the others."""
    choices: dict[str, list[str]] = {}
    for variable in VARIABLE.finditer(rule.rule):
        name = variable["name"]
        converter = app.url_map.converters[variable["converter"] or "default"]
        if issubclass(converter, AnyConverter):
            items, _options = parse_converter_args(variable["arguments"])
            choices[name] = list(items)
        else:
            choices[name] = [SAMPLE_VALUES[name]]
    assert set(choices) == rule.arguments, rule.rule
    return [dict(zip(choices, chosen, strict=True)) for chosen in itertools.product(*choices.values())]


def editor_urls(app) -> list[tuple[str, str]]:
    """Every (method, url) under /beheer, with sample values for the URL's variables."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/beheer"):
            continue
        for values in url_values(app, rule):
            with app.test_request_context():
                url = url_for(rule.endpoint, **values)
            found.extend((method, url) for method in sorted(rule.methods - {"HEAD", "OPTIONS"}))
    return found


def test_the_url_map_has_editor_routes(app):
    urls = editor_urls(app)
    assert len(urls) >= 20
    assert ("GET", "/beheer/") in urls and ("POST", "/beheer/import") in urls
    # Every action a URL variable allows, not one of them: both of a user's switches are guarded.
    assert ("POST", "/beheer/gebruikers/1/uitschakelen") in urls
    assert ("POST", "/beheer/gebruikers/1/inschakelen") in urls


def test_no_editor_route_answers_without_login(app, client):
    for method, url in editor_urls(app):
        response = client.open(url, method=method)
        assert response.status_code == 302, (method, url)
        assert response.headers["Location"].startswith("/auth/inloggen?next="), (method, url)


def test_admin_pages_refuse_an_editor(app, editor):
    admin_only = [
        (m, u) for m, u in editor_urls(app) if u.startswith(("/beheer/gebruikers", "/beheer/vocabulaires"))
    ]
    assert admin_only
    for method, url in admin_only:
        assert editor.open(url, method=method).status_code == 403, (method, url)


def test_an_admin_reaches_the_admin_pages(admin):
    assert admin.get("/beheer/gebruikers").status_code == 200
    assert admin.get("/beheer/vocabulaires").status_code == 200


@pytest.fixture
def csrf_app(app):
    """The app as in production: CSRF protection on."""
    app.config["WTF_CSRF_ENABLED"] = True
    return app


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def test_posts_without_a_csrf_token_are_refused(csrf_app):
    client = csrf_app.test_client()
    refused = client.post("/auth/inloggen", data={"email": "redacteur@example.org", "password": PASSWORD})
    assert refused.status_code == 400
    token = _token(client.get("/auth/inloggen").get_data(as_text=True))
    logged_in = client.post(
        "/auth/inloggen", data={"email": "redacteur@example.org", "password": PASSWORD, "csrf_token": token}
    )
    assert logged_in.status_code == 302
    for url, data in [
        ("/beheer/nieuw", {"title": "Zonder token"}),
        ("/beheer/leermiddel/klik-en-tik-de-basis/archiveren", {"version": "1"}),
        ("/auth/uitloggen", {}),
    ]:
        assert client.post(url, data=data).status_code == 400, url
    assert client.get("/beheer/").status_code == 200  # still logged in: the logout was refused too
    form_token = _token(client.get("/beheer/nieuw").get_data(as_text=True))
    saved = client.post("/beheer/nieuw", data={"title": "Met een token", "csrf_token": form_token})
    assert saved.status_code == 302


def test_every_editor_page_carries_the_security_headers(editor):
    response = editor.get("/beheer/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]


def test_an_expired_form_gets_a_dutch_explanation(csrf_app):
    response = csrf_app.test_client().post("/auth/inloggen", data={"email": "x@example.org", "password": "x"})
    assert response.status_code == 400
    assert "Dit formulier is verlopen" in response.get_data(as_text=True)
