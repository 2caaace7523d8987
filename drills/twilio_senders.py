"""Threads that play Twilio's webhook delivery against the drill's web server: each post is
signed as Twilio signs it (the owning account's auth token over `PUBLIC_BASE_URL` plus path
and query) and sent again, with backoff, until the platform answers 2xx, as Twilio's
retries do (and as the issue asks of every sender).

A job is a list of posts sent in order by one thread (a message's status callbacks, from
`sending` to its final status; or one inbound message), so the statuses of one message
arrive in order while many messages interleave.
"""

import queue
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

import requests

BACKOFF_FIRST, BACKOFF_MAX = 0.1, 1.0
REQUEST_TIMEOUT = 10.0


@dataclass(frozen=True)
class Post:
    """One webhook: `path` (with its query) on the platform, its form, who signs it."""

    kind: str  # "inbound" or "status"
    path: str
    params: tuple[tuple[str, str], ...]
    token: str
    message_sid: str


@dataclass
class Tally:
    """What the senders saw; updated under `lock` by every thread."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    sent: Counter = field(default_factory=Counter)  # kind -> posts sent (first attempts)
    answered: Counter = field(default_factory=Counter)  # kind -> posts answered 2xx
    refused: Counter = field(default_factory=Counter)  # answer code or error name -> attempts
    retries: int = 0
    answered_sids: dict[str, set[str]] = field(default_factory=dict)  # kind -> sids
    replies: dict[str, str] = field(default_factory=dict)  # inbound sid -> TwiML body
    given_up: list[Post] = field(default_factory=list)

    def posts_answered(self) -> int:
        with self.lock:
            return sum(self.answered.values())


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


class Senders:
    """`count` threads draining the jobs; `join()` waits for them (or for `deadline`)."""

    def __init__(self, base_url: str, jobs: list[list[Post]], count: int, deadline: float):
        self.base_url, self.deadline = base_url, deadline
        self.tally = Tally()
        self.jobs: queue.Queue[list[Post]] = queue.Queue()
        for job in jobs:
            self.jobs.put(job)
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(count)]

    def start(self) -> "Senders":
        for thread in self.threads:
            thread.start()
        return self

    def join(self) -> Tally:
        for thread in self.threads:
            thread.join(max(0.0, self.deadline - time.monotonic()) + 5)
        return self.tally

    def _run(self) -> None:
        session = requests.Session()
        while True:
            try:
                job = self.jobs.get_nowait()
            except queue.Empty:
                return
            for post in job:
                if not self._deliver(session, post):
                    with self.tally.lock:
                        self.tally.given_up.append(post)
                    break

    def _attempt(self, session: requests.Session, post: Post) -> tuple[int | None, str, str]:
        from sandbox.core.callbacks import signature  # Twilio's, as the sandbox signs

        url = f"{self.base_url}{post.path}"
        headers = {
            "X-Twilio-Signature": signature(url, post.params, post.token),
            "Content-Type": "application/x-www-form-urlencoded",
            "User-Agent": "TwilioProxy/1.1",
        }
        try:
            response = session.post(
                url, data=urlencode(post.params), headers=headers, timeout=REQUEST_TIMEOUT
            )
        except requests.RequestException as err:
            session.close()  # a broken keep-alive connection: open a new one
            return None, type(err).__name__, ""
        return response.status_code, str(response.status_code), response.text

    def _deliver(self, session: requests.Session, post: Post) -> bool:
        """Until answered 2xx (True) or the deadline (False), backing off between attempts."""
        with self.tally.lock:
            self.tally.sent[post.kind] += 1
        wait = BACKOFF_FIRST
        while True:
            code, label, text = self._attempt(session, post)
            if code is not None and 200 <= code < 300:
                with self.tally.lock:
                    self.tally.answered[post.kind] += 1
                    self.tally.answered_sids.setdefault(post.kind, set()).add(post.message_sid)
                    if post.kind == "inbound":
                        self.tally.replies[post.message_sid] = text
                return True
            with self.tally.lock:
                self.tally.refused[label] += 1
                self.tally.retries += 1
            if time.monotonic() + wait > self.deadline:
                return False
            time.sleep(wait)
            wait = min(wait * 2, BACKOFF_MAX)
