"""User text in the printable case and the forum's PDF: shown as typed, never as markup.

Both are rendered from .html templates (Flask autoescapes those); the forum PDF's HTML
goes to WeasyPrint, which would otherwise run markup and fetch what it names.
"""
import io

import pytest

from avvikelse.directory.services import unit_by_code
from avvikelse.extensions import db
from avvikelse.forum import exports
from avvikelse.forum import services as forum
from tests.forum.conftest import NOW, forum_cases  # noqa: F401  (fixture)

SCRIPT = "<script>alert(1)</script>"
HOSTILE = f"{SCRIPT} {{{{ 7*7 }}}} {{% raw %}} =cmd|' /C calc'!A0\r\nBcc: x@example.org"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_the_print_view_escapes_what_people_wrote(client, login, new_case, people):
    people["reporter"].full_name = HOSTILE
    unit_by_code("2309-HSJV").name = HOSTILE
    db.session.commit()
    case = new_case(description=HOSTILE, immediate_action=HOSTILE)
    login(people["reporter"])
    response = client.get(f"/arenden/{case.reference}/utskrift")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert SCRIPT not in page
    assert page.count(ESCAPED) >= 4  # description, immediate action, unit, reporter's name
    assert "{{ 7*7 }}" in page and "{% raw %}" in page and "=cmd|&#39; /C calc&#39;!A0" in page


@pytest.fixture
def hostile_item(forum_cases, people):  # noqa: F811
    forum.raise_case(people["receiver_handler"], forum_cases["c2"],
                     forum.ItemInput(title=f"Rubrik {SCRIPT}", text=HOSTILE), NOW)
    db.session.commit()


def test_the_forum_pdf_shows_the_text_literally(hostile_item, client, login, people, monkeypatch):
    handed_to_weasyprint = []
    render = exports.render_template

    def capture(*args, **kwargs):
        handed_to_weasyprint.append(render(*args, **kwargs))
        return handed_to_weasyprint[-1]

    monkeypatch.setattr(exports, "render_template", capture)
    login(people["forum"])
    response = client.get("/forum/export.pdf?period=2026Q2")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")

    (html,) = handed_to_weasyprint
    assert SCRIPT not in html and f"Rubrik {ESCAPED}" in html and ESCAPED in html
    assert "{{ 7*7 }}" in html and "{% raw %}" in html

    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    flat = " ".join(text.split())
    assert SCRIPT in flat and "{{ 7*7 }}" in flat and "{% raw %}" in flat
    assert "&lt;" not in flat  # escaped once, for HTML; shown as typed
