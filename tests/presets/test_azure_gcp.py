"""Azure and GCP presets: exact grants, refusals, and every role in the package's tables."""

import json
from pathlib import Path

import pytest
from cases import AZ_PRIVATE, AZ_ZONE, AZURE_CALLS, GCP_CALLS, RG, STORAGE, SUB, VAULT

from pulumi_wid import ValidationError, presets
from pulumi_wid.azure import facts as azure_facts
from pulumi_wid.gcp import documents as gcp_doc
from pulumi_wid.gcp import facts as gcp_facts
from pulumi_wid.presets import azure, gcp

SNAPSHOT = json.loads((Path(__file__).resolve().parents[1] / "data" / "azure_builtin_roles.json").read_text())


# -- Azure -------------------------------------------------------------------------------
def test_azure_external_dns_exact():
    fragment = azure.external_dns(zone_ids=[AZ_ZONE], private_zone_ids=[AZ_PRIVATE])
    assert fragment["role_assignments"] == [
        {"role": "DNS Zone Contributor", "scope": AZ_ZONE},
        {"role": "Private DNS Zone Contributor", "scope": AZ_PRIVATE},
        {"role": "Reader", "scope": RG},  # derived from the zones' ids: where external-dns lists them
    ]
    assert fragment["identity"] == {"namespace": "external-dns", "service_account": "external-dns"}


def test_azure_cert_manager_external_secrets_csi_velero_exact():
    assert azure.cert_manager(zone_ids=[AZ_ZONE])["role_assignments"] == [{"role": "DNS Zone Contributor", "scope": AZ_ZONE}]
    assert azure.external_secrets(vault_ids=[VAULT])["role_assignments"] == [{"role": "Key Vault Secrets User", "scope": VAULT}]
    assert azure.external_secrets(vault_ids=[VAULT], push_secrets=True, keys=True)["role_assignments"] == [
        {"role": "Key Vault Secrets Officer", "scope": VAULT}, {"role": "Key Vault Crypto User", "scope": VAULT}]
    assert azure.secrets_store_csi_driver(vault_ids=[VAULT], certificates=True)["role_assignments"] == [
        {"role": "Key Vault Secrets User", "scope": VAULT}, {"role": "Key Vault Certificate User", "scope": VAULT}]
    assert azure.velero(storage_ids=[STORAGE])["role_assignments"] == [
        {"role": "Storage Blob Data Contributor", "scope": STORAGE}]


@pytest.mark.parametrize("name", list(AZURE_CALLS))
def test_azure_roles_are_in_the_table_and_the_published_snapshot_and_none_is_broad(name):
    fragment = presets.build("azure", name, AZURE_CALLS[name])
    assert fragment["role_assignments"]
    for assignment in fragment["role_assignments"]:
        role = assignment["role"]
        assert role in azure_facts.BUILTIN_ROLES
        assert SNAPSHOT["roles"][role] == azure_facts.BUILTIN_ROLES[role]
        assert role not in azure_facts.BROAD_ROLE_NAMES
        assert assignment["scope"].startswith(f"/subscriptions/{SUB}/resourceGroups/")  # never a subscription


def test_azure_refusals():
    with pytest.raises(ValidationError, match="names no zone"):
        azure.external_dns()
    with pytest.raises(ValidationError, match="ARM id of a dns zone"):
        azure.cert_manager(zone_ids=[VAULT])
    with pytest.raises(ValidationError, match="grants only on resources you name"):
        azure.external_secrets(vault_ids=[])
    with pytest.raises(ValidationError, match="ARM id of a key vault"):
        azure.secrets_store_csi_driver(vault_ids=[f"/subscriptions/{SUB}"])


# -- GCP ------------------------------------------------------------------------------------
def test_gcp_external_dns_exact_and_project_read_needs_the_opt_in():
    fragment = gcp.external_dns(managed_zones=["prod-example-com"], allow_project_wide=True)
    assert fragment["bindings"] == [{"role": "roles/dns.admin", "resource_type": "dns_managed_zone", "resource": "prod-example-com"}]
    assert fragment["roles"] == ["roles/dns.reader"]
    with pytest.raises(ValidationError) as error:
        gcp.external_dns(managed_zones=["prod-example-com"])
    assert error.value.field == "external-dns.allow_project_wide"


def test_gcp_cert_manager_external_secrets_velero_exact():
    zone = "projects/dns-project/managedZones/prod-example-com"
    cm = gcp.cert_manager(managed_zones=[zone])
    assert cm["bindings"] == [{"role": "roles/dns.admin", "resource_type": "dns_managed_zone", "resource": zone}]
    assert cm["roles"] == []  # nothing on the project
    eso = gcp.external_secrets(secrets=["db-password"])
    assert eso["bindings"] == [{"role": "roles/secretmanager.secretAccessor", "resource_type": "secret", "resource": "db-password"}]
    assert eso["roles"] == []
    files_only = gcp.velero(buckets=["velero-backups"], volume_snapshots=False)
    assert files_only["bindings"] == [
        {"role": "roles/storage.objectAdmin", "resource_type": "storage_bucket", "resource": "velero-backups"}]
    assert files_only["roles"] == []
    with pytest.raises(ValidationError, match="allow_project_wide=True"):
        gcp.velero(buckets=["velero-backups"])
    assert gcp.velero(buckets=["velero-backups"], allow_project_wide=True)["roles"] == ["roles/compute.storageAdmin"]


@pytest.mark.parametrize("name", list(GCP_CALLS))
def test_gcp_roles_are_predefined_roles_of_the_table_and_bindings_name_their_resource(name):
    fragment = presets.build("gcp", name, GCP_CALLS[name])
    for grant in fragment["bindings"]:
        assert grant["role"] in gcp_facts.PREDEFINED_ROLES
        assert grant["resource_type"] in gcp_facts.RESOURCE_TYPES
        # the component's own parser accepts the resource
        gcp_doc.binding_target("b", grant["resource_type"], grant["resource"], "cluster-project")
    for role in fragment["roles"]:
        assert role in gcp_facts.PREDEFINED_ROLES and role not in gcp_facts.PROJECT_ESCALATION_ROLES


def test_gcp_refusals():
    with pytest.raises(ValidationError, match="grants only on resources you name"):
        gcp.external_secrets(secrets=[])
    with pytest.raises(ValidationError, match="managed zone name"):
        gcp.cert_manager(managed_zones=["example.com."])
    with pytest.raises(ValidationError, match="bucket name"):
        gcp.velero(buckets=["gs://backups"], volume_snapshots=False)


def test_dns_managed_zone_binding_target():
    assert gcp_doc.binding_target("b", "dns_managed_zone", "projects/dns-project/managedZones/prod", "p") == {
        "managed_zone": "prod", "project": "dns-project"}
    assert gcp_doc.binding_target("b", "dns_managed_zone", "prod", "p") == {"managed_zone": "prod", "project": "p"}
    with pytest.raises(ValidationError, match="managed zone name"):
        gcp_doc.binding_target("b", "dns_managed_zone", "example.com", "p")
