"""Rollups: counts of cases kept current from the outbox events, so a summary reads a
few thousand counters, not millions of cases.

Each case counts once, in the one cell its current values name (quarter, organisation
pair, agreement version, category, kind, event type, consequence, probability,
seriousness, status, outcome, answered in time or not). A case's mark remembers the cell
it counts in; the handler that follows every `case.*` event moves the case from its old
cell to its new one, so an event applied twice (or a case changed by several events)
still counts once. A nightly recount compares the counters and marks with the cases
themselves, repairs any difference and reports it.
"""
