"""The privacy services: forget-this-person erasures and full data exports."""

from privacy.services.erasure import (
    clean_subject,
    erasure_progress,
    erasure_request,
    erasure_run,
    erasures_due,
    erasures_scrub_late_events,
)
from privacy.services.export import (
    export_downloaded,
    export_request,
    export_run,
    exports_due,
    exports_expire,
)

__all__ = [
    "clean_subject",
    "erasure_progress",
    "erasure_request",
    "erasure_run",
    "erasures_due",
    "erasures_scrub_late_events",
    "export_downloaded",
    "export_request",
    "export_run",
    "exports_due",
    "exports_expire",
]
