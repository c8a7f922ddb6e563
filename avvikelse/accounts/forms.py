"""The login form."""
from wtforms import PasswordField
from wtforms.validators import InputRequired, Length

from avvikelse.core.fields import Text
from avvikelse.core.forms import AppForm


class LoginForm(AppForm):
    username = Text("Användarnamn", [InputRequired("Ange ditt användarnamn."),
                                     Length(max=80, message="Högst 80 tecken.")])
    # Not stripped or cleaned: a password is compared exactly as typed.
    password = PasswordField("Lösenord", [InputRequired("Ange ditt lösenord."),
                                          Length(max=1000, message="Högst 1000 tecken.")])


class ConfirmForm(AppForm):
    """A button that changes something (approve, reject, log out everywhere): CSRF only."""


class ReauthForm(AppForm):
    """Signing in again as the person already signed in: the password only."""

    password = PasswordField("Lösenord", [InputRequired("Ange ditt lösenord."),
                                          Length(max=1000, message="Högst 1000 tecken.")])
