"""No app has an import cycle between its modules, not even through an import inside a
function or through a package's `__init__` (issue 10). The graph is the layout tests' own
(`isvplatform.testing.layout`); each app's layout test adds that app's own rules."""

import pytest

from isvplatform.testing.layout import find_cycles, module_graph

APPS = ("isvplatform", "tenants", "provisioning", "compliance", "messaging", "webhooks", "sandbox")


@pytest.mark.parametrize("app", APPS)
def test_no_two_modules_of_an_app_import_each_other(app):
    assert sorted(find_cycles(module_graph(app))) == []
