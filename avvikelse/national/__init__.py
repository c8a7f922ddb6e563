"""The national picture: figures only, for a national follow-up (SKR, Socialstyrelsen).

Counts of cases by county, direction, the national category type, event type,
consequence and quarter, protected as one national table by the forum's disclosure
engine (forum/disclosure.py), with eight-quarter trends and exports. Never a case, never
free text: the role `national` reads this and nothing else (accounts.guard).
"""
