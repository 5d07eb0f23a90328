"""The advice lists' domain errors in the visitor's language."""

from __future__ import annotations

from flask_babel import gettext as _

from trefpunt.catalog.errors import ValidationError

from .service import CONTROL_CHARACTER, LimitReached, Limits, limit_of


def field_errors(error: ValidationError, limits: Limits) -> dict[str, str]:
    """Per field (title, introduction, note-<id>) what is wrong, for the form that shows it again."""
    found = {}
    for each in error.errors:
        if each.message.startswith(CONTROL_CHARACTER):
            found[each.field] = _(
                "Deze tekst bevat een onzichtbaar stuurteken %(character)s, bijvoorbeeld uit een "
                "geplakte tekst. Er is niets bewaard; haal het teken weg en bewaar opnieuw.",
                character=each.message.removeprefix(CONTROL_CHARACTER).strip(),
            )
            continue
        limit = limit_of(each.field, limits)
        found[each.field] = _(
            "Deze tekst is te lang: hoogstens %(limit)d tekens. Er is niets bewaard; uw tekst staat "
            "hieronder nog, maak hem korter en bewaar opnieuw.",
            limit=limit,
        )
    return found


def limit_message(limit: LimitReached, limits: Limits) -> str:
    if limit.minutes:
        return _(
            "Vanaf dit internetadres zijn het afgelopen uur al %(num)d advieslijsten gemaakt. Dat is "
            "het maximum. Probeer het over %(minutes)d minuten opnieuw. Uw bestaande lijsten blijven "
            "zoals ze zijn.",
            num=limits.lists_per_hour,
            minutes=limit.minutes,
        )
    return _(
        "Uw advieslijst is vol: er kunnen hoogstens %(num)d leermiddelen op. Haal er eerst een af, of "
        "begin een nieuwe lijst. Uw lijst is niet veranderd.",
        num=limits.items,
    )
