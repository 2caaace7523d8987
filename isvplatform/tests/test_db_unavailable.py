"""A request the database's outage failed is answered 503 with Retry-After, in the API's
error format under /api/ and as plain text elsewhere; other errors keep their 500."""

import json

from django.db import InterfaceError, OperationalError

from isvplatform.api.errors import exception_handler
from isvplatform.db_unavailable import is_database_unavailable
from isvplatform.urls import server_error


def test_the_api_answers_a_database_outage_503_with_retry_after():
    response = exception_handler(OperationalError("connection failed: Connection refused"), {})
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.data["error"]["code"] == "service_unavailable"
    assert "Connection refused" not in str(response.data)
    assert exception_handler(RuntimeError("boom"), {}).status_code == 500


def _while_handling(exc, rf, path):
    try:
        raise exc
    except Exception:
        return server_error(rf.get(path))


def test_the_error_handler_answers_503_only_while_handling_a_database_error(rf):
    api = _while_handling(InterfaceError("connection already closed"), rf, "/api/v1/members")
    assert api.status_code == 503 and api["Retry-After"] == "5"
    assert json.loads(api.content)["error"]["code"] == "service_unavailable"
    page = _while_handling(OperationalError("server closed the connection"), rf, "/webhooks/x")
    assert page.status_code == 503 and page["Retry-After"] == "5"
    assert page["Content-Type"].startswith("text/plain")
    other = _while_handling(ValueError("bug"), rf, "/webhooks/x")
    assert other.status_code == 500 and "Retry-After" not in other


def test_only_the_databases_transient_errors_count():
    assert is_database_unavailable(OperationalError("x"))
    assert is_database_unavailable(InterfaceError("x"))
    assert not is_database_unavailable(RuntimeError("x"))
    assert not is_database_unavailable(None)
