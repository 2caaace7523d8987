"""Contract tests: every operation the sandbox serves, driven through the SDK, checked
against Twilio's OpenAPI spec. Each resource package lists its scenarios in
`tests/contract.py` (`SCENARIOS`: name -> (covered operations, function(ctx))).
"""

from __future__ import annotations

import importlib

import pytest

from sandbox.core import routing
from sandbox.testing import exchanges
from sandbox.tests.contract import check, route_of


def _scenarios() -> dict:
    found = {}
    for module in routing.resource_modules("tests.contract"):
        for name, scenario in importlib.import_module(module).SCENARIOS.items():
            found[f"{module.split('.')[2]}:{name}"] = scenario
    return found


SCENARIOS = _scenarios()


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_scenario_honours_the_contract(name, contract_ctx):
    covers, run = SCENARIOS[name]
    with exchanges() as log:
        run(contract_ctx)
    assert log, "the scenario made no requests"
    exercised = {check(exchange).operation for exchange in log}
    missing = set(covers) - exercised
    assert not missing, f"declared but not exercised: {missing}"


def test_every_route_is_contract_tested():
    declared = {operation for covers, _ in SCENARIOS.values() for operation in covers}
    served = {r.operation for r in routing.all_routes()}
    assert served - declared == set(), "routes without a contract scenario"
    assert declared - served == set(), "scenarios declare operations the sandbox doesn't serve"


def test_every_route_is_in_the_spec():
    from sandbox.core import spec

    for r in routing.all_routes():
        assert spec.operation(r.spec_name, r.template, r.method) is not None, r.operation


def test_check_rejects_an_unknown_parameter(master):
    with exchanges() as log:
        master.client.api.v2010.accounts.list(limit=1)
    exchange = log[0]
    exchange.params = {**exchange.params, "Bogus": "1"}
    with pytest.raises(AssertionError, match="unknown query"):
        check(exchange)
    assert route_of(exchange).template == "/2010-04-01/Accounts.json"
