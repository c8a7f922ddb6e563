"""Admin page: import the organisation's units from CSV, dry run first."""
from flask import abort, flash, render_template
from flask_babel import gettext as _
from flask_login import current_user

from avvikelse.accounts.models import Role

from avvikelse.integrations import accounts
from avvikelse.integrations import directory_import as importer
from avvikelse.integrations.forms import ImportForm

MAX_BYTES = 512 * 1024


def directory_import():
    # An organisation's administrator imports its own units; the national administrator
    # any organisation's (the directory of every county).
    everywhere = current_user.is_authenticated and current_user.has_role(Role.NATIONAL_ADMIN)
    if not (accounts.can_manage(current_user) or everywhere):
        abort(403)
    form, result, applied, status = ImportForm(), None, False, 200
    if form.validate_on_submit():
        upload = form.file.data
        raw = upload.read(MAX_BYTES + 1) if upload else b""
        if not raw:
            form.file.errors = [_("Välj en CSV-fil.")]
            status = 422
        elif len(raw) > MAX_BYTES:
            form.file.errors = [_("Filen är för stor (högst 512 kB).")]
            status = 422
        else:
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                form.file.errors = [_("Filen måste vara UTF-8 (spara som ”CSV UTF-8” i Excel).")]
                return render_template("integrations/directory_import.html", form=form, result=None,
                                       applied=False), 422
            # Units of the admin's own organisation only (the national administrator: any).
            result = importer.plan(text, None if everywhere else current_user.organisation)
            status = 200 if result.ok else 422
            if result.ok and form.apply.data:
                importer.apply(result)
                applied = True
                flash(_("Importen är genomförd."), "success")
    return render_template("integrations/directory_import.html", form=form, result=result,
                           applied=applied), status
