"""How sure we are of who is behind this web session, for the actions that need more than
being signed in: minting an API token needs a recent sign-in."""
from flask import current_app

from avvikelse.accounts import sessions

#: why a token may not be minted from this session now
RECENT = "recent"


def mint_refusal(owner) -> str | None:
    """None when the signed-in person may mint a token for `owner` (themselves, or an
    integration account they administer) from this session now; else the reason."""
    if not sessions.signed_in_within(current_app.config["TOKEN_MINT_RECENT_MINUTES"]):
        return RECENT
    return None
