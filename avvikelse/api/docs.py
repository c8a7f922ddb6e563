"""The OpenAPI document and readable docs, served by the app itself (no CDN).

Swagger UI's files come from the pinned PyPI package swagger-ui-bundle-v2, so `make`
installs them with everything else; the page that starts it is ours, without inline
script, under the app's CSP.
"""
from flask import Blueprint, abort, jsonify, render_template, send_from_directory

from avvikelse.api.openapi import document

docs = Blueprint("api_docs", __name__, url_prefix="/api/docs")

#: what of the package the page uses; nothing else of it is served
ASSETS = {"swagger-ui.css", "swagger-ui-bundle.js", "favicon-32x32.png"}

# Swagger UI sets style attributes and draws icons as data: URIs.
DOCS_CSP = ("default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            "frame-ancestors 'none'; form-action 'self'; base-uri 'none'")


def openapi_document():
    return jsonify(document())


@docs.get("/")
def page():
    response = render_template("api_docs.html")
    return response, 200, {"Content-Security-Policy": DOCS_CSP}


@docs.get("/assets/<name>")
def asset(name: str):
    if name not in ASSETS:
        abort(404)
    from swagger_ui_bundle import swagger_ui_path

    return send_from_directory(swagger_ui_path, name, max_age=86400)
