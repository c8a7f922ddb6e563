"""The login form."""
from wtforms import PasswordField
from wtforms.validators import InputRequired, Length

from avvikelse.core.fields import Text
from avvikelse.core.forms import AppForm


class LoginForm(AppForm):
    # Whatever is typed is a failed login like any other (and logged as one, without it):
    # a personnummer typed as a username is not kept anywhere to be refused for.
    username = Text("Användarnamn", [InputRequired("Ange ditt användarnamn."),
                                     Length(max=80, message="Högst 80 tecken.")],
                    personnummer_allowed=True)
    # Not stripped or cleaned: a password is compared exactly as typed.
    password = PasswordField("Lösenord", [InputRequired("Ange ditt lösenord."),
                                          Length(max=1000, message="Högst 1000 tecken.")])


class ConfirmForm(AppForm):
    """A button that changes something (approve, reject, log out everywhere): CSRF only."""


class ReauthForm(AppForm):
    """Signing in again as the person already signed in: the password only."""

    password = PasswordField("Lösenord", [InputRequired("Ange ditt lösenord."),
                                          Length(max=1000, message="Högst 1000 tecken.")])
