"""The privacy tests reuse messaging's sandbox fixtures (a provisioned tenant, the on-commit
runner and the sandbox's fault reset) and the webhooks' real HTTP receiver."""

from messaging.tests.conftest import (  # noqa: F401
    _clean_sandbox_faults,
    key_api,
    on_commit,
    other_provisioned,
    owner_api,
    provisioned,
)
from webhooks.tests.conftest import receiver  # noqa: F401
