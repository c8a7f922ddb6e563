"""Administration on pages: an organisation's accounts, units and functional mailboxes,
each change with its history (accounts/history.py). Administrators never read cases:
closing a unit moves its open cases without opening them."""
