"""The API drill's report of its answers: the non-2xx ones named by status code."""

from drills.api_redis_down import Clients, _answers, _error_code


def test_non_2xx_answers_are_counted_by_status_code():
    api = Clients("http://127.0.0.1:1", "key", [], clients=1)
    api.counts.update({"answered_2xx": 5, "answered_other": 4})
    api.counts.update({"status 429 throttled": 3, "status 400 -": 1})
    api.ids = {"+15550001": "a", "+15550002": "a", "+15550003": "b"}
    report = _answers(api)
    assert report["non-2xx answers by status"] == "400 -: 1, 429 throttled: 3"
    assert report["answered_other_non_2xx"] == 4 and report["answered_5xx"] == 0
    assert report["distinct message ids"] == 2


def test_the_error_code_is_read_from_the_body():
    class Answer:
        def __init__(self, body):
            self.body = body

        def json(self):
            if self.body is None:
                raise ValueError("not JSON")
            return self.body

    assert _error_code(Answer({"error": {"code": "throttled", "message": "Slow down."}})) == (
        "throttled"
    )
    assert _error_code(Answer(None)) == _error_code(Answer({"detail": "x"})) == "-"


def test_no_non_2xx_answer_reports_none():
    assert (
        _answers(Clients("http://127.0.0.1:1", "key", [], clients=1))["non-2xx answers by status"]
        == ""
    )
