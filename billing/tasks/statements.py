"""Celery tasks of statements: thin, by id, idempotent; `billing.services.statements`
does the work."""

import datetime as dt

from celery import shared_task
from django.db import DatabaseError

from billing.enqueue import BUILD_STATEMENT
from billing.services.statements import build_due_statements, statement_build
from isvplatform.locks import single_run
from tenants.models import Tenant


@shared_task(name="billing.build_statements")
def build_statements_task() -> int:
    """The beat job: queue this period's drafts and last period's statements."""
    with single_run("billing:cron:statements", 600) as acquired:
        if not acquired:
            return 0
        return build_due_statements()


@shared_task(bind=True, name=BUILD_STATEMENT, max_retries=5, acks_late=True)
def build_statement_task(self, tenant_id: int, period_start_iso: str) -> str:
    """(Re)build one statement; a rebuild is safe to repeat, a final one is left as is."""
    try:
        statement = statement_build(tenant_id, dt.date.fromisoformat(period_start_iso))
    except Tenant.DoesNotExist:
        return ""
    except DatabaseError as err:  # a deadlock or lost connection: the rebuild is safe to redo
        raise self.retry(countdown=5 * 2**self.request.retries, exc=err)
    return str(statement.pk)
