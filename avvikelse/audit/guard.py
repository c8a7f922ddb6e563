"""The access log cannot be altered: a trigger on PostgreSQL, a guard in the ORM.

The only deletion ever allowed is the retention purge of rows older than the retention
period: `purge.py` declares its cut-off in the transaction (`avvikelse.purge_before`),
and the trigger lets a DELETE through only for rows older than that cut-off, which can
never lie in the future. UPDATE is always refused.

Migrations create the same function and trigger: `op.execute(FUNCTION_SQL)` and
`op.execute(TRIGGER_SQL)` after creating `access_log` (PostgreSQL only); downgrade
`op.execute(DROP_SQL)`.
"""
from sqlalchemy import DDL, event
from sqlalchemy.orm import Session

from avvikelse.audit.models import AccessLog

FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION access_log_append_only() RETURNS trigger AS $$
DECLARE
    cutoff timestamptz;
BEGIN
    IF TG_OP = 'DELETE' THEN
        cutoff := NULLIF(current_setting('avvikelse.purge_before', true), '')::timestamptz;
        IF cutoff IS NOT NULL AND cutoff <= now() AND OLD.at < cutoff THEN
            RETURN OLD;
        END IF;
    END IF;
    -- no percent sign anywhere: this text also passes through DDL() and op.execute()
    RAISE EXCEPTION USING
        MESSAGE = 'access_log is append-only (' || TG_OP || ' refused)',
        ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql
"""
TRIGGER_SQL = """
CREATE TRIGGER access_log_append_only
BEFORE UPDATE OR DELETE ON access_log
FOR EACH ROW EXECUTE FUNCTION access_log_append_only()
"""
DROP_SQL = """
DROP TRIGGER IF EXISTS access_log_append_only ON access_log;
DROP FUNCTION IF EXISTS access_log_append_only()
"""


class AppendOnlyViolation(RuntimeError):
    pass


def install() -> None:
    """The factory's step: the trigger with the table (PostgreSQL), and the ORM guard on
    every session. Once per process, whatever the number of apps."""
    if event.contains(Session, "before_flush", _refuse_changes):
        return
    event.listen(AccessLog.__table__, "after_create", DDL(FUNCTION_SQL).execute_if(dialect="postgresql"))
    event.listen(AccessLog.__table__, "after_create", DDL(TRIGGER_SQL).execute_if(dialect="postgresql"))
    event.listen(Session, "before_flush", _refuse_changes)
    event.listen(Session, "do_orm_execute", _refuse_bulk)


def _refuse_changes(session, _context, _instances):
    for obj in session.deleted:
        if isinstance(obj, AccessLog):
            raise AppendOnlyViolation("access log rows cannot be deleted")
    for obj in session.dirty:
        if isinstance(obj, AccessLog) and session.is_modified(obj):
            raise AppendOnlyViolation("access log rows cannot be changed")


def _refuse_bulk(state):
    if not (state.is_update or state.is_delete):
        return
    if state.bind_mapper is not None and state.bind_mapper.class_ is AccessLog:
        if not (state.is_delete and state.execution_options.get("access_log_purge")):
            raise AppendOnlyViolation("access log rows cannot be changed or deleted")
