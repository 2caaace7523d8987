"""HTTP faces of the sandbox: Twilio's API, the handset simulator, the mailbox, clock and
faults."""

from __future__ import annotations

import functools
import hmac
import json
from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from sandbox import clock, faults, handsets, services
from sandbox.access import pages_only, sandbox_only
from sandbox.aws import mailbox as ses_mailbox
from sandbox.core.auth import ensure_master_account, tokens_match
from sandbox.core.dispatch import dispatch, dispatch_file, error_answer
from sandbox.core.errors import TwilioError
from sandbox.core.models import CallbackAttempt
from sandbox.core.request import SandboxRequest
from sandbox.resources.verifications import mailbox
from sandbox.transport import basic_credentials


def master_only(view: Callable) -> Callable:
    """Control endpoints (clock, faults) need the master account's Basic credentials."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        credentials = basic_credentials(request.headers.get("Authorization"))
        master = ensure_master_account()
        if credentials is None or not (
            hmac.compare_digest(credentials[0], master.sid)
            and tokens_match(credentials[1] or "", master)
        ):
            response = JsonResponse({"error": "master account credentials required"}, status=401)
            response["WWW-Authenticate"] = 'Basic realm="Twilio sandbox"'
            return response
        return view(request, *args, **kwargs)

    return wrapper


def _multi(querydict) -> dict[str, list[str]]:
    return {key: querydict.getlist(key) for key in querydict}


@csrf_exempt
@sandbox_only
def twilio_api(request: HttpRequest, sub: str, path: str) -> HttpResponse:
    """`https://{sub}.twilio.com/{path}` served at `/sandbox/twilio/{sub}/{path}`."""
    body_json, form = None, {}
    if request.content_type == "application/json" and request.body:
        try:
            body_json = json.loads(request.body)
        except json.JSONDecodeError:
            return _twilio_response(*error_answer(TwilioError(20001, 400, "Invalid JSON body")))
    elif request.method in ("POST", "PUT"):
        form = _multi(request.POST)
    req = SandboxRequest(
        method=request.method,
        product=sub.lower(),
        path="/" + path,
        query=_multi(request.GET),
        form=form,
        json=body_json,
        headers={k.lower(): v for k, v in request.headers.items()},
        credentials=basic_credentials(request.headers.get("Authorization")),
    )
    answer = dispatch_file(req)
    return _twilio_response(*(answer if answer is not None else dispatch(req)))


def _twilio_response(status: int, text: str | bytes, headers: dict[str, str]) -> HttpResponse:
    headers = dict(headers)
    response = HttpResponse(text, status=status, content_type=headers.pop("Content-Type", None))
    for name, value in headers.items():
        response[name] = value
    return response


def _payload(request: HttpRequest) -> dict:
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except json.JSONDecodeError:
            return {}
        return data if isinstance(data, dict) else {}
    data = {key: request.POST.get(key) for key in request.POST}
    if "media_url" in request.POST:
        data["media_urls"] = request.POST.getlist("media_url")
    return data


@csrf_exempt
@pages_only
@require_http_methods(["POST"])
def handset_send(request: HttpRequest) -> JsonResponse:
    data = _payload(request)
    try:
        message = handsets.send_from_handset(
            str(data.get("from") or ""),
            str(data.get("to") or ""),
            str(data.get("body") or ""),
            channel=str(data.get("channel") or "sms"),
            media_urls=list(data.get("media_urls") or ()),
        )
    except handsets.InboundError as err:
        return JsonResponse({"error": str(err)}, status=400)
    return JsonResponse(message, status=201)


@pages_only
@require_http_methods(["GET"])
def handset_messages(request: HttpRequest, number: str) -> JsonResponse:
    return JsonResponse({"number": number, "messages": handsets.messages_received(number)})


@pages_only
@require_http_methods(["GET"])
def handset_conversation(request: HttpRequest, number: str) -> JsonResponse:
    return JsonResponse({"number": number, "messages": handsets.conversation(number)})


@pages_only
@require_http_methods(["GET"])
def handset_numbers(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"numbers": handsets.platform_numbers()})


DEFAULT_HANDSET = "+15005551234"


def _handset_number(request: HttpRequest) -> str:
    """The phone the page plays; a `+` that arrived unencoded in the query reads as a space."""
    raw = (request.GET.get("number") or request.POST.get("from") or DEFAULT_HANDSET).strip()
    return raw if raw.startswith("+") or not raw.isdigit() else "+" + raw


@pages_only
@require_http_methods(["GET", "POST"])
def handset_page(request: HttpRequest) -> HttpResponse:
    """A phone in the browser: pick a number, text a platform number, watch the thread."""
    number = _handset_number(request)
    error = ""
    if request.method == "POST":
        try:
            handsets.send_from_handset(
                number,
                request.POST.get("to", ""),
                request.POST.get("body", ""),
                channel=request.POST.get("channel", "sms"),
            )
        except handsets.InboundError as err:
            error = str(err)
        else:
            return redirect(f"{reverse('sandbox:handset')}?{urlencode({'number': number})}")
    numbers = handsets.platform_numbers()
    handsets.read_messages(number)
    context = {
        "number": number,
        "error": error,
        "platform_numbers": numbers,
        "selected_to": _default_to(request, number, numbers),
        "messages": handsets.conversation(number),
        "now": clock.now(),
    }
    return render(request, "sandbox/handset.html", context, status=400 if error else 200)


def _default_to(request: HttpRequest, number: str, numbers: list[dict]) -> str:
    """The "To" to preselect: the one asked for, else the number this phone last talked
    to, else the only one there is; with several and no history the user must choose."""
    offered = {n["phone_number"] for n in numbers}
    for candidate in (request.POST.get("to"), request.GET.get("to"), handsets.last_contact(number)):
        if candidate in offered:
            return candidate
    return numbers[0]["phone_number"] if len(numbers) == 1 else ""


@pages_only
@require_http_methods(["GET"])
def handset_thread(request: HttpRequest) -> HttpResponse:
    """The thread fragment the page polls."""
    number = _handset_number(request)
    handsets.read_messages(number)
    context = {"number": number, "messages": handsets.conversation(number), "now": clock.now()}
    return render(request, "sandbox/_thread.html", context)


@pages_only
@require_http_methods(["POST"])
def handset_tap(request: HttpRequest) -> HttpResponse:
    """The handset taps a quick-reply button of a template message."""
    number = _handset_number(request)
    try:
        handsets.tap_button(number, request.POST.get("sid", ""), request.POST.get("button", ""))
    except handsets.InboundError as err:
        return HttpResponse(str(err), status=400, content_type="text/plain")
    return redirect(f"{reverse('sandbox:handset')}?{urlencode({'number': number})}")


DEFAULT_MAILBOX = "person@example.com"


def _inbox(address: str) -> list[dict]:
    """Verify's emails and the local SES's, newest first."""
    verify = [{"kind": "verify", **mail} for mail in mailbox.emails(address)]
    merged = verify + ses_mailbox.emails(address)
    return sorted(merged, key=lambda mail: mail["date"] or "", reverse=True)


@pages_only
@require_http_methods(["GET"])
def mailbox_page(request: HttpRequest) -> HttpResponse:
    """The inbox of one email address: Verify's emails and the local SES's, newest first."""
    address = (request.GET.get("address") or DEFAULT_MAILBOX).strip()
    context = {
        "address": address,
        "emails": _inbox(address),
        "recent": [a for a in ses_mailbox.recent_addresses() if a != address.lower()],
        "now": clock.now(),
    }
    return render(request, "sandbox/mailbox.html", context)


@pages_only
@require_http_methods(["GET"])
def mailbox_list(request: HttpRequest) -> HttpResponse:
    """The inbox fragment the page polls."""
    address = (request.GET.get("address") or DEFAULT_MAILBOX).strip()
    context = {"address": address, "emails": _inbox(address)}
    return render(request, "sandbox/_emails.html", context)


@pages_only
@require_http_methods(["GET"])
def mailbox_emails(request: HttpRequest, address: str) -> JsonResponse:
    return JsonResponse({"address": address, "emails": _inbox(address)})


@csrf_exempt
@pages_only
@master_only
@require_http_methods(["GET", "POST"])
def clock_view(request: HttpRequest) -> JsonResponse:
    if request.method == "POST":
        data = _payload(request)
        try:
            seconds = float(data.get("seconds", 1))
            result = clock.advance(seconds)
        except (TypeError, ValueError) as err:
            return JsonResponse({"error": str(err)}, status=400)
        return JsonResponse(
            {
                "now": result.now.isoformat(),
                "transitions": result.transitions,
                "callbacks": result.callbacks,
            }
        )
    return JsonResponse({"now": clock.now().isoformat()})


@csrf_exempt
@pages_only
@master_only
@require_http_methods(["GET", "POST", "DELETE"])
def faults_view(request: HttpRequest) -> JsonResponse:
    if request.method == "DELETE":
        config = faults.reset()
    elif request.method == "POST":
        try:
            config = faults.configure(**_payload(request))
        except (TypeError, ValueError) as err:
            return JsonResponse({"error": str(err)}, status=400)
    else:
        config = faults.current()
    return JsonResponse(config.__dict__)


@pages_only
@master_only
@require_http_methods(["GET"])
def callback_log(request: HttpRequest) -> JsonResponse:
    """The latest callback attempts, newest first: what the platform was sent and answered."""
    attempts = CallbackAttempt.objects.select_related("callback").order_by("-id")[:100]
    return JsonResponse(
        {
            "attempts": [
                {
                    "kind": a.callback.kind,
                    "resource_sid": a.callback.resource_sid,
                    "url": a.callback.url,
                    "attempt": a.number,
                    "at": a.at.isoformat(),
                    "outcome": a.outcome,
                    "status_code": a.status_code,
                    "error": a.error,
                }
                for a in attempts
            ],
            "sns_attempts": ses_mailbox.sns_attempts(),
        }
    )


@csrf_exempt
@pages_only
@master_only
@require_http_methods(["POST"])
def template_event(request: HttpRequest, sid: str) -> JsonResponse:
    """Meta's events for an approved WhatsApp template: `{"quality_rating": "RED"}` (a low
    rating pauses it, the third time disables it) or `{"category": "MARKETING"}`."""
    data = _payload(request)
    try:
        if data.get("quality_rating"):
            approval = services.content_quality_event(sid, str(data["quality_rating"]))
        elif data.get("category"):
            approval = services.content_category_update(sid, str(data["category"]))
        else:
            return JsonResponse({"error": "give quality_rating or category"}, status=400)
    except ValueError as err:
        return JsonResponse({"error": str(err)}, status=400)
    return JsonResponse(
        {
            "sid": sid,
            "status": approval.status,
            "category": approval.category,
            "quality_rating": approval.quality_rating,
        }
    )
