"""Test URLconf: the sandbox's URLs plus `/hooks/<name>`, a platform stand-in that records
the callbacks it receives (the `hook_url` fixture switches to it)."""

from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt


@dataclass
class Hit:
    name: str
    method: str
    url: str
    params: dict[str, list[str]]
    signature: str
    idempotency_token: str

    def params_for_validation(self):
        """The POST parameters as `RequestValidator` takes them (a QueryDict-like mapping)."""
        from django.http import QueryDict

        query = QueryDict(mutable=True)
        for key, values in self.params.items():
            query.setlist(key, values)
        return query if self.method == "POST" else {}


@dataclass
class Hooks:
    hits: list[Hit] = field(default_factory=list)
    answers: dict[str, list[tuple[int, str]]] = field(default_factory=dict)

    def answer(self, name: str, *responses: tuple[int, str]) -> None:
        """Queue responses for a hook; once used up it answers 204."""
        self.answers[name] = list(responses)

    def named(self, name: str) -> list[Hit]:
        return [hit for hit in self.hits if hit.name == name]


hooks = Hooks()


@csrf_exempt
def hook(request: HttpRequest, name: str) -> HttpResponse:
    data = request.POST if request.method == "POST" else request.GET
    hooks.hits.append(
        Hit(
            name=name,
            method=request.method,
            url=request.build_absolute_uri(),
            params={key: data.getlist(key) for key in data},
            signature=request.headers.get("X-Twilio-Signature", ""),
            idempotency_token=request.headers.get("I-Twilio-Idempotency-Token", ""),
        )
    )
    queued = hooks.answers.get(name)
    status, body = queued.pop(0) if queued else (204, "")
    content_type = "text/xml" if body.startswith("<") else "text/plain"
    return HttpResponse(body, status=status, content_type=content_type)


urlpatterns = [
    path("hooks/<str:name>", hook, name="test-hook"),
    path("sandbox/", include("sandbox.urls")),
]
