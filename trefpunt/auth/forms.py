"""Forms of the login pages; the real checks live in ``services``."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import AnyOf, DataRequired, EqualTo, Length

from .services import MIN_PASSWORD_LENGTH, ROLES


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mailadres"), validators=[DataRequired(_l("Vul uw e-mailadres in."))])
    password = PasswordField(_l("Wachtwoord"), validators=[DataRequired(_l("Vul uw wachtwoord in."))])
    next = HiddenField()


class OwnPasswordForm(FlaskForm):
    """The first password an editor chooses, after logging in with a one-time password."""

    new = PasswordField(
        _l("Nieuw wachtwoord"),
        validators=[
            Length(
                min=MIN_PASSWORD_LENGTH,
                message=_l("Een wachtwoord heeft minstens %(n)s tekens.", n=MIN_PASSWORD_LENGTH),
            )
        ],
    )
    repeat = PasswordField(
        _l("Nieuw wachtwoord nogmaals"),
        validators=[EqualTo("new", _l("De twee nieuwe wachtwoorden zijn niet gelijk."))],
    )
    next = HiddenField()


class PasswordForm(OwnPasswordForm):
    """Changing one's password: the current one first."""

    current = PasswordField(
        _l("Huidig wachtwoord"), validators=[DataRequired(_l("Vul uw huidige wachtwoord in."))]
    )


ROLE_LABELS = {"editor": _l("Redacteur"), "admin": _l("Beheerder")}


class InviteForm(FlaskForm):
    email = EmailField(_l("E-mailadres"), validators=[DataRequired(_l("Vul een e-mailadres in."))])
    name = StringField(_l("Naam"), validators=[Length(max=200)])
    # Rendered as radio buttons by the template (one per role in ROLE_LABELS).
    role = StringField(_l("Rol"), default="editor", validators=[AnyOf(ROLES, message=_l("Kies een rol."))])
