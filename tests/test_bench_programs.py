"""The benchmark compares like with like: its three programs declare the same cloud and
Kubernetes resources with the same wiring (no timing is asserted here)."""

import importlib.util
import json
from pathlib import Path

import pytest

from pulumi_wid.testing import WidMocks, install

_spec = importlib.util.spec_from_file_location("bench", Path(__file__).parent.parent / "benchmarks" / "bench.py")
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)

# inputs the package sets on top of what a user writes by hand (descriptions, paths,
# deterministic names, labels) are not part of the comparison; the wiring is
WIRING = {
    "aws:iam/role:Role": ("name", "assumeRolePolicy"),
    "aws:iam/rolePolicy:RolePolicy": ("name", "policy"),
    "aws:eks/podIdentityAssociation:PodIdentityAssociation": ("clusterName", "namespace", "serviceAccount", "roleArn"),
    "azure-native:managedidentity:UserAssignedIdentity": ("resourceGroupName", "location"),
    "azure-native:managedidentity:FederatedIdentityCredential": ("issuer", "subject", "audiences", "resourceName"),
    "azure-native:authorization:RoleAssignment": ("principalId", "principalType", "roleDefinitionId", "scope"),
    "gcp:serviceaccount/account:Account": ("accountId", "project"),
    "gcp:serviceaccount/iAMMember:IAMMember": ("role", "member", "serviceAccountId"),
    "gcp:storage/bucketIAMMember:BucketIAMMember": ("bucket", "role", "member"),
}


def _declared(impl: str, cloud: str) -> list[tuple[str, str]]:
    mocks = install(WidMocks())
    mocks.run(getattr(bench, f"{impl}_program")(cloud, 2))
    rows = []
    for r in mocks.resources:
        if r.type.startswith(("wid:", "bench:")):
            continue  # the component itself (component and floor programs)
        if r.type == "kubernetes:core/v1:ServiceAccount":
            meta = r.inputs["metadata"]
            wiring = {"name": meta["name"], "namespace": meta["namespace"], "annotations": meta.get("annotations") or {}}
        else:
            wiring = {k: r.inputs.get(k) for k in WIRING.get(r.type, ())}
        if r.type == "aws:iam/role:Role":
            wiring["assumeRolePolicy"] = json.loads(wiring["assumeRolePolicy"])
        if r.type == "aws:iam/rolePolicy:RolePolicy":
            wiring["policy"] = json.loads(wiring["policy"])
        rows.append((r.type, json.dumps(wiring, sort_keys=True)))
    return sorted(rows)


@pytest.mark.parametrize("cloud", ["aws", "azure", "gcp"])
def test_the_three_programs_declare_the_same_resources_and_wiring(cloud):
    component = _declared("component", cloud)
    assert len(component) == 2 * 4 + 2  # four resources per identity, the cloud and kubernetes providers
    assert _declared("baseline", cloud) == component
    assert _declared("floor", cloud) == component


def test_the_floor_parents_every_resource_to_a_bare_component():
    mocks = install(WidMocks())
    mocks.run(bench.floor_program("aws", 2))
    bare = mocks.of_type("bench:index:Eks")
    assert [b.name for b in bare] == ["app0-eks", "app1-eks"]
    for component in bare:
        assert sorted(r.type for r in mocks.children_of(component)) == [
            "aws:eks/podIdentityAssociation:PodIdentityAssociation",
            "aws:iam/role:Role",
            "aws:iam/rolePolicy:RolePolicy",
            "kubernetes:core/v1:ServiceAccount",
        ]
