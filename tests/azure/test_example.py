"""examples/azure-aks runs under the mocks: the issuer flows verbatim from the cluster to the FIC."""

import runpy
from pathlib import Path

import pulumi
import pytest
from pulumi.runtime import config as runtime_config

from pulumi_wid.testing import WidMocks, install

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "azure-aks" / "__main__.py"
PROJECT = "wid-azure-aks"


@pytest.fixture
def run_example(monkeypatch):
    exports = {}
    monkeypatch.setattr(pulumi, "export", lambda key, value: exports.__setitem__(key, value))

    def run(config):
        mocks = install(WidMocks(), project=PROJECT, stack="dev")
        runtime_config.set_all_config({f"{PROJECT}:{k}": v for k, v in config.items()}, [])
        out = mocks.run(lambda: (runpy.run_path(str(EXAMPLE), run_name="__main__"), exports)[1])
        return mocks, out

    yield run
    runtime_config.set_all_config({}, [])


@pytest.mark.parametrize("config", [{}, {"existingCluster": "true", "clusterResourceGroup": "aks-rg"}])
def test_example_wires_the_cluster_issuer_and_the_pod_label(run_example, config):
    mocks, out = run_example(config)
    types = mocks.types()
    assert ("azure-native:containerservice:ManagedCluster" in types) == (not config)
    fic = mocks.one("azure-native:managedidentity:FederatedIdentityCredential")
    assert fic.inputs["issuer"] == out["issuerUrl"] and fic.inputs["issuer"].endswith("/")
    assert fic.inputs["subject"] == "system:serviceaccount:payments:api"
    ra = mocks.one("azure-native:authorization:RoleAssignment")
    assert ra.inputs["scope"].endswith("/providers/Microsoft.Storage/storageAccounts/invoices")
    assert ra.inputs["roleDefinitionId"].endswith("/roleDefinitions/2a2b9908-6ea1-4ae2-8e65-a410df84e7d1")
    template = mocks.one("kubernetes:apps/v1:Deployment").inputs["spec"]["template"]
    assert template["metadata"]["labels"] == {"app": "api", "azure.workload.identity/use": "true"}
    assert template["spec"]["serviceAccountName"] == "api"
    kube = next(r for r in mocks.resources if r.type == "pulumi:providers:kubernetes")
    deployment = mocks.one("kubernetes:apps/v1:Deployment")
    assert deployment.provider.startswith(kube.urn + "::")
    sa = mocks.one("kubernetes:core/v1:ServiceAccount")
    assert sa.provider.startswith(kube.urn + "::")  # the component's children use the explicit provider
    assert out["serviceAccountAnnotations"]["azure.workload.identity/client-id"] == out["clientId"]
