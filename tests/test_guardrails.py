"""Guardrails that live in the cloud components: GCP admin-role warnings, Azure broad-role refusals."""

import logging

import pytest

from pulumi_wid import AksFederatedIdentity, GkeWorkloadIdentity, ValidationError, policies
from pulumi_wid.azure import documents as roles
from pulumi_wid.gcp import documents as members

SUB = "00000000-0000-0000-0000-000000000000"
ISSUER = "https://eastus.oic.prod-aks.azure.com/11111111-1111-1111-1111-111111111111/6d4a1b0c-5f0e-4a42-9d0a-0b7c9e6f1a2b/"
ACCOUNT = f"/subscriptions/{SUB}/resourceGroups/data/providers/Microsoft.Storage/storageAccounts/appdata"


def identity():
    return {"namespace": "apps", "service_account": "api"}


def warnings_of(caplog):
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


# -- GCP: project-wide admin roles are warned about, with the resource-level way ------------
def test_project_wide_admin_role_warns_with_the_resource_level_binding(wid_mocks, caplog):
    caplog.set_level(logging.WARNING)
    wid_mocks.run(lambda: GkeWorkloadIdentity("api", {
        "identity": identity(), "project": "my-project",
        "roles": ["roles/cloudtrace.agent", "roles/storage.admin", "roles/cloudsql.admin"]}))
    found = [w for w in warnings_of(caplog) if "is granted on the whole of project" in w]
    assert found == [
        "roles[1]: roles/storage.admin is granted on the whole of project 'my-project': the workload administers "
        "every storage resource there. Grant it on the one resource instead: bindings=[{'role': "
        "'roles/storage.admin', 'resource_type': 'storage_bucket', 'resource': '<name>'}].",
        "roles[2]: roles/cloudsql.admin is granted on the whole of project 'my-project': the workload administers "
        "every cloudsql resource there. Pick a narrower cloudsql role than an admin one, or grant it on the one "
        "resource (bindings take resource_type " + ", ".join(members.RESOURCE_TYPES) + ").",
    ]
    # a warning, not a refusal: the grants are made
    roles_granted = [r.inputs["role"] for r in wid_mocks.of_type("gcp:projects/iAMMember:IAMMember")]
    assert sorted(roles_granted) == ["roles/cloudsql.admin", "roles/cloudtrace.agent", "roles/storage.admin"]


def test_resource_level_admin_and_plain_project_roles_do_not_warn(wid_mocks, caplog):
    caplog.set_level(logging.WARNING)
    wid_mocks.run(lambda: GkeWorkloadIdentity("api", {
        "identity": identity(), "project": "my-project", "roles": ["roles/secretmanager.secretAccessor"],
        "bindings": [{"role": "roles/storage.admin", "resource_type": "storage_bucket", "resource": "data"}]}))
    assert not [w for w in warnings_of(caplog) if "whole of project" in w]


@pytest.mark.parametrize(
    "role,warned",
    [("roles/storage.admin", True), ("roles/pubsub.admin", True), ("roles/storage.objectAdmin", True),
     ("roles/iam.serviceAccountAdmin", True), ("roles/storage.objectViewer", False),
     ("roles/secretmanager.secretAccessor", False), ("projects/p/roles/admin", False), ("roles/adminx.viewer", False)],
)
def test_admin_role_pattern(role, warned):
    assert (members.admin_role_warning("roles[0]", role, "p") is not None) is warned


# -- Azure: broad roles and scopes are refused unless allow_broad_roles --------------------
def aks(**extra):
    return {"identity": identity(), "resource_group_name": "workloads", "oidc_issuer_url": ISSUER, **extra}


@pytest.mark.parametrize(
    "assignment,field,rule",
    [
        ({"role": "Owner", "scope": ACCOUNT}, "role_assignments[0].role", "Owner grants control"),
        ({"role": "Contributor", "scope": ACCOUNT}, "role_assignments[0].role", "Contributor grants control"),
        ({"role": roles.BUILTIN_ROLES["User Access Administrator"], "scope": ACCOUNT}, "role_assignments[0].role",
         "User Access Administrator"),
        ({"role": "Storage Blob Data Reader", "scope": f"/subscriptions/{SUB}"}, "role_assignments[0].scope",
         "subscription scope"),
    ],
)
def test_azure_broad_roles_and_scopes_are_refused_by_default(wid_mocks, assignment, field, rule):
    with pytest.raises(ValidationError) as err:
        wid_mocks.run(lambda: AksFederatedIdentity("api", aks(role_assignments=[assignment])))
    assert err.value.field == field
    assert rule in err.value.rule
    assert "allow_broad_roles=True" in err.value.fix
    assert wid_mocks.resources == []


def test_azure_broad_role_opt_in_by_name_is_then_flagged_by_the_policy_pack(wid_mocks):
    wid_mocks.run(lambda: AksFederatedIdentity("api", aks(
        role_assignments=[{"role": "Contributor", "scope": ACCOUNT}], allow_broad_roles=True)))
    assignment = wid_mocks.one("azure-native:authorization:RoleAssignment")
    assert assignment.inputs["roleDefinitionId"].endswith(policies.CONTRIBUTOR_GUID)
    found = policies.check(assignment.type, assignment.inputs)
    assert [name for name, _ in found] == ["wid-azure-no-owner-contributor"]


def test_policy_pack_guids_match_the_verified_role_table():
    assert roles.BUILTIN_ROLES["Owner"] == policies.OWNER_GUID
    assert roles.BUILTIN_ROLES["Contributor"] == policies.CONTRIBUTOR_GUID
    assert set(policies.BROAD_AZURE_ROLES) <= roles.BROAD_ROLES


def test_gcp_basic_roles_are_refused_by_default_and_the_policy_agrees(wid_mocks):
    with pytest.raises(ValidationError) as err:
        wid_mocks.run(lambda: GkeWorkloadIdentity("api", {"identity": identity(), "project": "my-project",
                                                          "roles": ["roles/editor"]}))
    assert err.value.field == "roles[0]" and "allow_basic_roles=True" in err.value.fix
    assert wid_mocks.resources == []
    assert set(policies.BASIC_ROLES) == set(members.BASIC_ROLES)
