"""Test URLconf: the sandbox, anymail's own SES tracking view at the platform's path, and
`/sns/<name>`, an SNS endpoint stand-in that records what it is posted."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from anymail.webhooks.amazon_ses import AmazonSESTrackingWebhookView
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt


@dataclass
class Post:
    name: str
    headers: dict[str, str]
    body: dict
    authorization: str


@dataclass
class Endpoint:
    posts: list[Post] = field(default_factory=list)
    answers: dict[str, list[int]] = field(default_factory=dict)
    challenge: set[str] = field(default_factory=set)

    def named(self, name: str, authorized: bool | None = None) -> list[Post]:
        return [
            p
            for p in self.posts
            if p.name == name and (authorized is None or bool(p.authorization) == authorized)
        ]

    def reset(self) -> None:
        self.posts.clear()
        self.answers.clear()
        self.challenge.clear()


endpoint = Endpoint()


@csrf_exempt
def sns_endpoint(request: HttpRequest, name: str) -> HttpResponse:
    authorization = request.headers.get("Authorization", "")
    endpoint.posts.append(
        Post(
            name=name,
            headers={k.lower(): v for k, v in request.headers.items()},
            body=json.loads(request.body),
            authorization=authorization,
        )
    )
    if name in endpoint.challenge and not authorization:
        response = HttpResponse(status=401)
        response["WWW-Authenticate"] = 'Basic realm="test"'
        return response
    queued = endpoint.answers.get(name)
    return HttpResponse(status=queued.pop(0) if queued else 200)


one_click_posts: list[tuple[str, str, bytes]] = []


@csrf_exempt
def one_click(request: HttpRequest, token: str) -> HttpResponse:
    """A sender's RFC 8058 unsubscribe endpoint."""
    one_click_posts.append((token, request.content_type, request.body))
    return HttpResponse(status=200)


urlpatterns = [
    path("u/<str:token>", one_click, name="test-one-click"),
    path("sns/<str:name>", sns_endpoint, name="test-sns"),
    path(
        "anymail/amazon_ses/tracking/",
        AmazonSESTrackingWebhookView.as_view(),
        name="amazon_ses_tracking_webhook",
    ),
    path("sandbox/", include("sandbox.urls")),
]
