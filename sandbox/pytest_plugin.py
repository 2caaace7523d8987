"""Pytest plugin (`-p sandbox.pytest_plugin` in pytest.ini): a test fails if the code under
test called a Twilio operation the sandbox does not implement, even if it swallowed the
404 the sandbox answered."""

import pytest


@pytest.fixture(autouse=True)
def _sandbox_unimplemented_operations():
    from sandbox.testing import no_unimplemented_calls

    with no_unimplemented_calls():
        yield
