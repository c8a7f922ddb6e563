"""What follows each change: every outbox event kind and its handlers, in order.

Read it like a URL map. A service writes a change and emits its event in the same
transaction (cases/changes.py `record_change` emits `case.<action>`); after the commit a
worker runs the kind's handlers below, in this order, in one transaction, and marks the
event done in that transaction. Each handler gets the payload (ids and codes, never
personal data) and a key unique to the event and the handler, for idempotent effects.
The app factory installs this table (`outbox.install`); nothing registers itself.

A kind with no handlers is a change nothing follows yet; an event of a kind missing here
fails loudly and waits for an operator (`flask outbox failed`).
"""
from avvikelse.attachments import scanning as attachments
from avvikelse.escalation import handlers as escalation
from avvikelse.integrations import webhooks
from avvikelse.learning import handlers as learning
from avvikelse.notifications.services import send_mail
from avvikelse.rollups.services import on_case_event as rollups
from avvikelse.routing import handlers as routing

#: A change of a case's status: the reporter is told (unless they made it), the
#: receiving handlers are told of what they must act on, and the parties' systems hear
#: of it by webhook when it is one of the events they subscribe to.
ANNOUNCED = (routing.tell_status_changed, webhooks.case_changed)

EVENTS = {
    # -- a case's life (the transitions table, cases/transitions.py) ----------------------
    "case.submitted":               (routing.route,),  # filed: on to the receiver
    "case.route":                   (*ANNOUNCED, escalation.escalate_if_serious),
    "case.acknowledge":             ANNOUNCED,
    "case.ask":                     ANNOUNCED,
    "case.reply":                   ANNOUNCED,
    "case.forward":                 ANNOUNCED,
    "case.redirect":                (*ANNOUNCED, escalation.end_escalations_of_old_receiver,
                                     routing.route),  # routed anew, to the right one
    "case.answer":                  ANNOUNCED,
    "case.accept":                  ANNOUNCED,
    "case.dispute":                 ANNOUNCED,
    "case.disagree":                ANNOUNCED,  # now on the forum's agenda
    "case.settle":                  ANNOUNCED,  # the forum's conclusion closes it
    "case.close_without_reaction":  ANNOUNCED,
    "case.withdraw":                ANNOUNCED,
    "case.merge":                   (*ANNOUNCED, escalation.end_escalations_of_merged),  # a duplicate
    "case.message":                 (routing.tell_message,),
    # -- changes that keep the status ---------------------------------------------------------
    "case.reclassify":              (escalation.follow_activity, escalation.escalate_if_serious),
    "case.escalate":                (escalation.escalate_on_request,),
    "case.direct_contact":          (),
    "case.acknowledge_complaint":   (),
    "case.reply_to_complainant":    (),
    "case.share_identity":          (),  # the sender's acts on the patient's identity: the
    "case.unshare_identity":        (),  # access log and the history hold them; nobody
    "case.protect_identity":        (),  # else is told
    "case.assign":                  (routing.tell_assigned,),  # the new owner hears of it
    "case.move_unit":               (),  # a closed unit's cases went to its successor
    "case.link":                    (),  # linked to another case (cases/links.py)
    # -- escalation (escalation/services.py) -----------------------------------------------
    "case.escalation_opened":       (webhooks.case_changed,),
    "case.escalation_acknowledged": (),
    # a step "utreds" opens a händelseanalys of the case (learning/investigations.py)
    "case.escalation_decided":      (learning.open_from_decision,),
    "case.escalation_corrected":    (learning.open_from_decision,),
    "case.escalation_moved":        (),  # the activity was reclassified
    "case.escalation_ended":        (),  # the case went to another receiver
    # -- joint investigations and measures (learning/changes.py) ---------------------------
    "investigation.opened":         (learning.tell_participants, webhooks.learning_changed),
    "investigation.participants_added": (learning.tell_participants,),
    "investigation.joint":          (learning.tell_participants,),  # the other side names its own
    "investigation.edited":         (),  # a part of the draft written or removed
    "investigation.submitted":      (learning.tell_participants,),  # to the lead for approval
    "investigation.sent_back":      (learning.tell_participants,),
    "investigation.approved":       (learning.tell_participants, webhooks.learning_changed),
    "investigation.closed":         (webhooks.learning_changed,),  # ended without a report
    "investigation.overdue":        (webhooks.learning_changed,),
    "measure.created":              (webhooks.learning_changed,),
    "measure.status_changed":       (webhooks.learning_changed,),
    "measure.noted":                (),
    "measure.rescheduled":          (),
    "measure.effect_checked":       (webhooks.learning_changed,),
    "measure.overdue":              (webhooks.learning_changed,),  # escalated to its owner's overseers
    "learning.clock_step":          (learning.clock_step,),  # reminder, or overdue escalation
    # -- attachments (attachments/services.py) ---------------------------------------------
    "attachment.uploaded":          (attachments.scan,),  # clamd/ICAP, then downloadable
    # -- the clocks' pass (escalation/clocks.py) -------------------------------------------
    "clock.step":                   (escalation.clock_step,),  # reminder or overdue escalation
    "escalation.renotify":          (escalation.renotify,),  # not acknowledged in time
    "escalation.report_reminder":   (escalation.report_reminder,),  # IVO still not told
    # -- delivery ---------------------------------------------------------------------------
    "mail.send":                    (send_mail,),
    "webhook.deliver":              (webhooks.deliver,),
}

# -- the rollups (rollups/services.py) ----------------------------------------------------
# Every change of a case moves it to the rollup cell its values name now, last, after
# the kind's own handlers, in the same transaction: counted exactly once.
EVENTS = {kind: (*followed, rollups) if kind.startswith("case.") else followed
          for kind, followed in EVENTS.items()}
