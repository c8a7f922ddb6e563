"""A second county beside Jämtland: Västernorrland as the national demo seeds it (its
samverkan running here, Region Västernorrland, Sundsvall and Timrå, an agreement with 21
answer days), and its people."""
import pytest

from avvikelse.demo.national import seed_county
from avvikelse.extensions import db


@pytest.fixture
def vnr(people, make_user):
    """Jämtland's people (the `people` fixture) and Västernorrland's."""
    seed_county()
    made = dict(people)
    made.update({
        "vnr_reporter": make_user("22", units=["22-SDS-ORT"], username="rapportor.vnr"),
        "vnr_handler": make_user("22", ["handler"], units=[], username="handlaggare.vnr"),
        "vnr_chefslakare": make_user("22", ["chefslakare"], units=[], username="chefslakare.vnr"),
        "sundsvall_handler": make_user("2281", ["handler", "mas"], units=[], username="mas.sundsvall"),
        "sundsvall_reporter": make_user("2281", units=["2281-HSJV"], username="rapportor.sundsvall"),
        "vnr_forum": make_user("22", ["forum"], units=[], username="forum.vnr"),
        "vnr_admin": make_user("22", ["admin"], units=[], username="admin.vnr"),
    })
    db.session.commit()
    return made
