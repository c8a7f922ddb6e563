"""The login form, signing in again, absences and deputies, a new password."""
from wtforms import PasswordField
from wtforms.validators import InputRequired, Length, Optional

from avvikelse.accounts.absence import AbsenceInput
from avvikelse.core.fields import Choice, Day, Text
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


class _Absence(AppForm):
    def to_input(self) -> AbsenceInput:
        return AbsenceInput(starts_on=getattr(self, "from").data, ends_on=self.to.data,
                            deputy=self.deputy.data or None)


# `from` is the API's name for the first day (PUT /me/absence) and a Python keyword: the
# class is built with it as a field name, like the direct contact's `with`.
AbsenceForm = type("AbsenceForm", (_Absence,), {
    "from": Day("Första dagen", [InputRequired("Ange första dagen du är borta.")]),
    "to": Day("Sista dagen", [InputRequired("Ange sista dagen du är borta.")]),
    "deputy": Choice("Ersättare (användarnamn)", [Optional(), Length(max=80, message="Högst 80 tecken.")],
                     validate_choice=False),
})


class StandingDeputyForm(AppForm):
    """PUT /me/deputy and the profile's choice: a username, or empty for nobody."""

    deputy = Choice("Stående ersättare (användarnamn)",
                    [Optional(), Length(max=80, message="Högst 80 tecken.")], validate_choice=False)


class PasswordChangeForm(AppForm):
    current = PasswordField("Nuvarande lösenord", [InputRequired("Ange ditt nuvarande lösenord."),
                                                   Length(max=1000, message="Högst 1000 tecken.")])
    new = PasswordField("Nytt lösenord", [InputRequired("Ange ett nytt lösenord."),
                                          Length(max=1000, message="Högst 1000 tecken.")])
    repeat = PasswordField("Nytt lösenord igen", [InputRequired("Skriv det nya lösenordet en gång till."),
                                                  Length(max=1000, message="Högst 1000 tecken.")])
