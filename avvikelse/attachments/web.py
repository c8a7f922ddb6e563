"""The attachment domain's part of the app: its pages, what the case page shows of it,
and the larger body its two upload endpoints take."""
from flask import Flask, current_app, g, request
from flask_login import current_user

from avvikelse.attachments import content, services, storage
from avvikelse.attachments.forms import UploadForm
from avvikelse.attachments.views import bp, fill_targets

#: the endpoints that take a file; every other request keeps MAX_CONTENT_LENGTH
UPLOAD_ENDPOINTS = {"attachments.upload", "api.upload_attachment"}
#: a multipart body's parts besides the file: boundaries, headers, the CSRF token, a choice
FORM_OVERHEAD = 64 * 1024


def register(app: Flask) -> None:
    storage.install(app)
    app.register_blueprint(bp)
    # URL value preprocessors run before every before_request hook, and CSRF protection
    # (one of those) reads the form: the larger limit must be in place by then.
    app.url_value_preprocessor(_allow_a_file)
    app.register_error_handler(413, _too_large)
    app.add_template_global(case_attachments, "case_attachments")
    app.add_template_global(attachment_upload_form, "attachment_upload_form")
    app.add_template_global(attachment_accept, "attachment_accept")
    app.add_template_global(attachment_limits, "attachment_limits")
    app.add_template_filter(filesize, "filesize")


def _allow_a_file(endpoint, values) -> None:
    if endpoint in UPLOAD_ENDPOINTS:
        request.max_content_length = current_app.config["ATTACHMENT_MAX_BYTES"] + FORM_OVERHEAD


def _too_large(exc):
    """A body over the limit, refused while it was read: say what the limit is."""
    from avvikelse.core.error_pages import respond

    if request.endpoint in UPLOAD_ENDPOINTS:
        limit = content.megabytes(current_app.config["ATTACHMENT_MAX_BYTES"])
        return respond(413, f"Filen är för stor. Största tillåtna storlek är {limit}.")
    return respond(413)


def case_attachments(case) -> list:
    """For the case page's partial (templates/attachments/_case_attachments.html)."""
    return services.for_case(case)


def attachment_upload_form(case):
    """The upload form for a user who may add attachments now, else None: the one a
    failed upload left (with its errors), or a new one."""
    if not current_user.is_authenticated or not services.may_upload(current_user, case):
        return None
    form = g.get("attachment_form")
    if form is None:
        form = UploadForm(formdata=None)
        fill_targets(form, case)
    return form


def attachment_accept() -> str:
    """The file input's `accept`: types and extensions, so a phone offers its camera."""
    allowed = services.allowed_types()
    extensions = [ext for ext, kind in content.CLAIMS.items()
                  if ext.startswith(".") and kind in allowed]
    return ",".join(sorted(allowed) + extensions)


def attachment_limits() -> dict:
    config = current_app.config
    return {"types": content.allowed_names(services.allowed_types()),
            "file": content.megabytes(config["ATTACHMENT_MAX_BYTES"]),
            "case": content.megabytes(config["ATTACHMENT_CASE_MAX_BYTES"])}


def filesize(size: int | None) -> str:
    return "" if size is None else content.megabytes(size)
