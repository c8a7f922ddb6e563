"""My unit's figures: a manager's units, or an overseer's organisation, per unit, category,
event type and month or quarter."""
