"""Clocks and escalation: reminders, overdue cases, serious cases to chefsläkare and MAS."""
