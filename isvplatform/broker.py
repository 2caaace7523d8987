"""The embedded broker of `make run` (kombu's filesystem transport), handing over whole
messages only.

kombu writes a message's file in place under its final name, and a worker listing the
folder at that instant moves it away and reads it empty: the JSON error stops the worker,
and `make run` with it. Here a message is written under a name no reader picks up (it lacks
the `.<queue>.msg` ending readers look for) and renamed into place once complete; a rename
within one folder is atomic, so a reader finds a whole message or none.
"""

import os
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        """Put `payload` onto `queue`: written aside, then renamed into the queue."""
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = os.path.join(self.data_folder_out, f".writing-{uuid.uuid4()}")
        try:
            with open(partial, "wb") as f:
                f.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as err:
            raise ChannelError(f"Cannot add file {final!r} to directory") from err


class Transport(filesystem.Transport):
    Channel = Channel
