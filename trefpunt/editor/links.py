"""Links that need work: the checker's broken and moved links, and a one-click update to a new address."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from trefpunt.catalog.errors import Conflict, ValidationError
from trefpunt.db import get_session
from trefpunt.inputs import parse_int
from trefpunt.links import report
from trefpunt.links.adopt import adopt_new_address
from trefpunt.links.models import LinkCheck, Outcome

from .blueprint import bp

SECTIONS = {
    Outcome.BROKEN: (
        _l("Kapotte links"),
        _l(
            "Deze adressen gaven een foutmelding of geen antwoord. Zoek het nieuwe adres op bij de aanbieder."
        ),
    ),
    Outcome.MOVED: (
        _l("Verhuisde links"),
        _l("Deze adressen sturen bezoekers voorgoed door naar een ander adres. Neem het nieuwe adres over."),
    ),
    Outcome.TURNED_AWAY: (
        _l("Sites die de controle weigeren"),
        _l("Deze sites laten geen robots toe. Voor mensen werkt de link waarschijnlijk wel; kijk zelf even."),
    ),
    Outcome.NOT_CHECKED: (
        _l("Niet gecontroleerd"),
        _l(
            "Deze adressen bezoekt de controle niet: ze wijzen naar een intern netwerk of zijn geen webadres."
        ),
    ),
}
STATUSES = {
    301: _l("voorgoed verhuisd"),
    308: _l("voorgoed verhuisd"),
    401: _l("inloggen vereist"),
    403: _l("geen toegang"),
    404: _l("niet gevonden"),
    410: _l("verwijderd"),
    429: _l("te veel verzoeken"),
    500: _l("fout op de server"),
    502: _l("server onbereikbaar"),
    503: _l("tijdelijk niet beschikbaar"),
}
ERRORS = {
    "timeout": _l("geen antwoord binnen de tijd"),
    "refused": _l("verbinding geweigerd"),
    "dns": _l("de domeinnaam bestaat niet (meer)"),
    "tls": _l("het beveiligingscertificaat klopt niet"),
    "connection": _l("verbinding mislukt"),
    "protocol": _l("onleesbaar antwoord"),
    "private": _l("intern adres, niet bezocht"),
    "scheme": _l("geen http- of https-adres"),
    "redirect_loop": _l("doorverwijzingen in een kring"),
    "too_many_redirects": _l("te veel doorverwijzingen"),
}


def what_answered(check: LinkCheck) -> str:
    """The check's result in words: "404 niet gevonden", "verbinding geweigerd"."""
    if check.error_kind:
        return str(ERRORS.get(check.error_kind, check.error_kind))
    # A moved link's news is its first answer (301), not the 200 at the end of the chain.
    code = check.hops[0]["status"] if check.outcome == Outcome.MOVED and check.hops else check.status_code
    if code is None:
        return ""
    phrase = STATUSES.get(code)
    return f"{code} {phrase}" if phrase else _("status %(code)s", code=code)


@bp.get("/links")
def links():
    session = get_session()
    found = report.problems(session)
    grouped = {outcome: [p for p in found if p.outcome == outcome] for outcome in SECTIONS}
    last_run = session.scalar(select(func.max(LinkCheck.checked_at)))
    return render_template(
        "editor/links.html",
        grouped=grouped,
        sections=SECTIONS,
        what_answered=what_answered,
        last_run=last_run,
    )


@bp.post("/links/<slug>/nieuw-adres")
def adopt_link(slug: str):
    """Save the material with the address its link moved to (a revision, checked against the version)."""
    session = get_session()
    check_id = parse_int(request.form.get("check"), -1)
    try:
        saved, previous = adopt_new_address(
            session,
            slug,
            check_id,
            expected_version=parse_int(request.form.get("version"), -1),
            author=current_user.email,
        )
        session.commit()
    except Conflict:
        session.rollback()
        flash(
            _("Dit leermiddel is intussen gewijzigd of opnieuw gecontroleerd. Bekijk de lijst opnieuw."),
            "error",
        )
        return redirect(url_for("editor.links"))
    except ValidationError as error:
        session.rollback()
        flash(
            _("Het nieuwe adres is niet over te nemen: %(reason)s", reason=error.errors[0].message), "error"
        )
        return redirect(url_for("editor.links"))
    flash(
        _(
            "Het webadres van ‘%(title)s’ is nu %(url)s (was %(previous)s).",
            title=saved.title,
            url=saved.url,
            previous=previous,
        ),
        "success",
    )
    return redirect(url_for("editor.links"))
