"""The engine records where each component was declared: the user's line, not a line of this package.

The SDK takes the third ``__init__`` frame from the top of the stack as a resource's
constructor and records the frame below it. A component's own ``__init__`` must
therefore be that frame (no shared ``__init__`` in between), or every component would
point at ``pulumi_wid/_component.py`` in ``pulumi preview`` and the console.
"""

import inspect
from pathlib import Path

import pytest

from pulumi_wid import (
    AksFederatedIdentity,
    AwsFederatedRole,
    AzureFederatedIdentity,
    EksPodIdentity,
    GcpFederatedPrincipal,
    GkeWorkloadIdentity,
)

ID = {"namespace": "apps", "service_account": "api"}
GITHUB = [{"provider": "github_actions", "repository": "acme/app", "environment": "prod"}]
CASES = {
    "EksPodIdentity": lambda: EksPodIdentity("c", {"identity": ID, "cluster_name": "prod"}),
    "AksFederatedIdentity": lambda: AksFederatedIdentity("c", {
        "identity": ID, "resource_group_name": "rg", "location": "eastus",
        "oidc_issuer_url": "https://eastus.oic.prod-aks.azure.com/11111111-1111-1111-1111-111111111111/abc/"}),
    "GkeWorkloadIdentity": lambda: GkeWorkloadIdentity("c", {"identity": ID, "project": "my-project"}),
    "AwsFederatedRole": lambda: AwsFederatedRole("c", {"ci": GITHUB}),
    "AzureFederatedIdentity": lambda: AzureFederatedIdentity("c", {"ci": GITHUB, "resource_group_name": "rg"}),
    "GcpFederatedPrincipal": lambda: GcpFederatedPrincipal("c", {"ci": GITHUB, "project": "my-project",
                                                                 "project_number": "123456789012"}),
}


@pytest.mark.parametrize("component", sorted(CASES))
def test_the_component_is_declared_where_the_user_wrote_it(wid_mocks, component):
    # GIVEN a program that declares the component on one line of this file
    make = CASES[component]
    line = inspect.getsourcelines(make)[1]
    wid_mocks.run(make)
    # THEN the engine records this file and that line for the component
    recorded = wid_mocks.one(f"wid:index:{component}").source_position
    assert recorded == f"{Path(__file__).resolve().as_uri()}#{line}"
    # AND its children point into the package (the line that made them), then the user's line below
    children = [r for r in wid_mocks.resources if r.parent.endswith(f"wid:index:{component}::c")]
    assert children and all("/pulumi_wid/" in r.source_position for r in children)
