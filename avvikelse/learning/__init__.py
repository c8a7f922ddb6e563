"""Learning together: what comes after a case's answer.

- **Joint investigation** (samordnad händelseanalys, investigations.py): one
  investigation over one or more cases, opened by the "investigation started" decision
  step of an escalation (handlers.py) or by a MAS, SAS or chefsläkare directly; each
  side's overseers name participants of their own organisation, who read the covered
  cases as their organisation may while it runs (policy.py gives the case policy that
  read; every read is logged as coming through the investigation). Its parts follow the
  händelseanalys method: timeline, contributing factors by area, each tied to the
  agreement clause it touches, root causes, conclusion. The lead approves the final
  report (report.py: PDF, de-identified by default).
- **Measures followed to the end** (measures.py): an owner organisation and person,
  a due date, a status, the effect checked, the patient informed (PSL 3:8); reminded and
  escalated by the pass in clocks.py.
- **Learning summaries** (summaries.py): short de-identified texts both sides' overseers
  approve, for the forum and all staff.

Every change is written by changes.py (a history row, an access-log row per covered case,
an outbox event `investigation.<action>` or `measure.<action>`).
"""
