"""The embedded broker hands a worker whole messages only."""

import os

from kombu import Connection

from isvplatform.broker import Transport


def test_the_filesystem_broker_is_the_whole_message_transport():
    with Connection("filesystem://", transport_options={}) as conn:
        assert isinstance(conn.transport, Transport)


def test_a_message_is_renamed_into_the_queue_once_written(tmp_path, monkeypatch):
    options = {"data_folder_in": str(tmp_path), "data_folder_out": str(tmp_path)}
    seen: list[list[str]] = []
    real_replace = os.replace

    def replace(src, dst):
        seen.append(os.listdir(tmp_path))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with Connection("filesystem://", transport_options=options) as conn:
        channel = conn.default_channel
        channel._put("jobs", {"body": "hello"})
        # While it was written, no file the readers pick up (`*.jobs.msg`) existed.
        assert seen and not any(name.endswith(".jobs.msg") for name in seen[0])
        assert channel._get("jobs") == {"body": "hello"}
