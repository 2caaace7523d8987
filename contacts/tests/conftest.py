"""Fixtures of the contact book's tests: uploads in a temporary media root, CSV files made
in memory, and on-commit execution (tasks run eagerly in tests)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tenants.services import Actor


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def actor(owner):
    return Actor(user=owner)


def csv_upload(text: str | bytes, name: str = "contacts.csv") -> SimpleUploadedFile:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return SimpleUploadedFile(name, data, content_type="text/csv")


def csv_text(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    import csv

    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run
