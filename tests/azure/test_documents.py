"""Azure pure builders and checks: names, issuers, scopes, roles, assignment ids."""

import json
import re
import uuid
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pulumi_wid import ValidationError
from pulumi_wid.azure import documents as doc
from pulumi_wid.azure import documents as roles

SUB = "00000000-0000-0000-0000-000000000000"
SNAPSHOT = json.loads((Path(__file__).resolve().parents[1] / "data" / "azure_builtin_roles.json").read_text())


# -- the role table ------------------------------------------------------
def test_every_table_entry_matches_the_published_snapshot():
    assert "learn.microsoft.com" in SNAPSHOT["source"] and "MicrosoftDocs/azure-docs" in SNAPSHOT["source"]
    published = SNAPSHOT["roles"]
    for name, guid in roles.BUILTIN_ROLES.items():
        assert published.get(name) == guid, name


def test_table_covers_the_roles_workloads_need():
    wanted = [
        "Storage Blob Data Reader", "Storage Blob Data Contributor", "Storage Blob Data Owner",
        "Storage Queue Data Reader", "Storage Queue Data Contributor",
        "Storage Table Data Reader", "Storage Table Data Contributor",
        "Key Vault Secrets User", "Key Vault Secrets Officer", "Key Vault Certificate User",
        "Key Vault Certificates Officer", "Key Vault Crypto User", "Key Vault Crypto Officer",
        "Key Vault Crypto Service Encryption User", "Key Vault Reader", "Key Vault Administrator",
        "Azure Service Bus Data Sender", "Azure Service Bus Data Receiver", "Azure Service Bus Data Owner",
        "Azure Event Hubs Data Sender", "Azure Event Hubs Data Receiver", "Azure Event Hubs Data Owner",
        "App Configuration Data Reader", "App Configuration Data Owner", "AcrPull", "AcrPush",
        "Cosmos DB Account Reader Role", "DocumentDB Account Contributor", "Cosmos DB Operator",
        "Reader", "Contributor", "Owner", "User Access Administrator", "Role Based Access Control Administrator",
    ]
    assert [n for n in wanted if n not in roles.BUILTIN_ROLES] == []
    assert all(roles.GUID.fullmatch(g) and g == g.lower() for g in roles.BUILTIN_ROLES.values())
    assert len(set(roles.BUILTIN_ROLES.values())) == len(roles.BUILTIN_ROLES)


def test_well_known_guids():
    assert roles.BUILTIN_ROLES["Storage Blob Data Reader"] == "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"
    assert roles.BUILTIN_ROLES["AcrPull"] == "7f951dda-4ed3-4680-a7ca-43fe172d538d"
    assert roles.BUILTIN_ROLES["Owner"] == "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"


def test_broad_roles():
    assert {roles.resolve_role("r", n).broad for n in roles.BROAD_ROLE_NAMES} == {True}
    assert not roles.resolve_role("r", "Key Vault Secrets User").broad
    assert roles.resolve_role("r", "b24988ac-6180-42a0-ab88-20f7382dd24c").broad  # Contributor by GUID


def test_resolve_by_name_guid_and_definition_id():
    by_name = roles.resolve_role("r", "Storage Blob Data Reader")
    assert by_name == roles.RoleRef(guid="2a2b9908-6ea1-4ae2-8e65-a410df84e7d1", name="Storage Blob Data Reader")
    assert roles.resolve_role("r", "storage blob data reader") == by_name
    by_guid = roles.resolve_role("r", "2A2B9908-6EA1-4AE2-8E65-A410DF84E7D1")
    assert by_guid.guid == by_name.guid and by_guid.name == "Storage Blob Data Reader"
    full = f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"
    assert roles.resolve_role("r", full).definition_id == full
    bare = "/providers/Microsoft.Authorization/roleDefinitions/2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"
    assert roles.resolve_role("r", bare) == by_name  # no scope prefix: built in the scope's subscription
    custom = "11111111-2222-3333-4444-555555555555"
    assert roles.resolve_role("r", custom) == roles.RoleRef(guid=custom)


def test_unknown_role_suggests_the_closest_names():
    with pytest.raises(ValidationError) as err:
        roles.resolve_role("role_assignments[0].role", "Storage Blob Data Raeder")
    assert err.value.field == "role_assignments[0].role"
    assert "did you mean 'Storage Blob Data Reader'" in str(err.value)
    with pytest.raises(ValidationError, match="Key Vault Certificate User"):
        roles.resolve_role("r", "Key Vault Certificates User")


@pytest.mark.parametrize("value", [
    "/subscriptions/not-a-guid/providers/Microsoft.Authorization/roleDefinitions/2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
    f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/storage-reader",
    f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleAssignments/2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
    " AcrPull",
    "",
    42,
])
def test_malformed_role_references(value):
    with pytest.raises(ValidationError):
        roles.resolve_role("r", value)


# -- names ---------------------------------------------------------------
def test_derived_identity_name():
    assert doc.derive_identity_name("apps", "api") == "apps-api"
    assert doc.derive_identity_name("apps", "api.v2") == "apps-api-v2"  # dots are not allowed
    long_name = doc.derive_identity_name("a" * 63, "b" * 200)
    assert len(long_name) == 128 and doc.UAMI_NAME.fullmatch(long_name)
    assert long_name == doc.derive_identity_name("a" * 63, "b" * 200)  # stable
    assert long_name != doc.derive_identity_name("a" * 63, "b" * 199 + "c")


def test_fic_name_is_stable_per_issuer():
    first = doc.derive_fic_name("apps", "api", "https://eastus.oic.prod-aks.azure.com/t/a/")
    assert first == doc.derive_fic_name("apps", "api", "https://eastus.oic.prod-aks.azure.com/t/a/")
    assert first != doc.derive_fic_name("apps", "api", "https://eastus.oic.prod-aks.azure.com/t/a")
    assert re.fullmatch(r"apps-api-[0-9a-f]{8}", first)


@given(
    namespace=st.from_regex(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?", fullmatch=True),
    name=st.from_regex(r"[a-z0-9]([-a-z0-9.]{0,250}[a-z0-9])?", fullmatch=True),
    issuer=st.text(min_size=1, max_size=300),
)
def test_derived_names_always_satisfy_azure(namespace, name, issuer):
    assert doc.UAMI_NAME.fullmatch(doc.derive_identity_name(namespace, name))
    assert doc.FIC_NAME.fullmatch(doc.derive_fic_name(namespace, name, issuer))


@pytest.mark.parametrize("value", ["ab", "-api", "api.v2", "a" * 129, "api id", ""])
def test_bad_identity_names(value):
    with pytest.raises(ValidationError):
        doc.check_identity_name("identity_name", value)


def test_fic_name_limit_is_120():
    assert doc.check_fic_name("f", "a" * 120)
    with pytest.raises(ValidationError):
        doc.check_fic_name("f", "a" * 121)


# -- issuers and the credential ------------------------------------------
def test_issuer_is_taken_verbatim():
    for url in ("https://eastus.oic.prod-aks.azure.com/t/g/", "https://eastus.oic.prod-aks.azure.com/t/g",
                "https://issuer.example.com"):
        assert doc.check_issuer("oidc_issuer_url", url) is url


@pytest.mark.parametrize("url", ["http://issuer.example.com/", "issuer.example.com", "https://", "https:///path",
                                 "https://x.example.com/?a=b", "https://x.example.com/#f", "https://x .com/", None])
def test_bad_issuers(url):
    with pytest.raises(ValidationError):
        doc.check_issuer("oidc_issuer_url", url)


def test_federated_credential_is_exact():
    cred = doc.federated_credential("https://i.example.com/t/", "apps", "api")
    assert cred == {
        "issuer": "https://i.example.com/t/",
        "subject": "system:serviceaccount:apps:api",
        "audiences": ["api://AzureADTokenExchange"],
    }
    assert "*" not in cred["subject"]
    assert cred["subject"] != doc.fic_subject("other", "api")
    assert cred["subject"] != doc.fic_subject("apps", "other")


# -- scopes --------------------------------------------------------------
def test_parse_scopes():
    assert doc.parse_scope("s", f"/subscriptions/{SUB}") == doc.Scope("subscription", f"/subscriptions/{SUB}", SUB)
    rg = doc.parse_scope("s", f"/subscriptions/{SUB}/resourceGroups/my-rg.1")
    assert (rg.kind, rg.subscription, rg.resource_group, rg.broad) == ("resource_group", SUB, "my-rg.1", False)
    res = doc.parse_scope("s", f"/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv")
    assert (res.kind, res.broad) == ("resource", False)
    nested = f"/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sa/blobServices/default/containers/data"
    assert doc.parse_scope("s", nested).kind == "resource"
    mg = doc.parse_scope("s", "/providers/Microsoft.Management/managementGroups/platform")
    assert (mg.kind, mg.management_group, mg.subscription, mg.broad) == ("management_group", "platform", None, True)
    assert doc.parse_scope("s", "/").broad
    assert doc.parse_scope("s", f"/subscriptions/{SUB}").broad


@pytest.mark.parametrize("scope", [
    "subscriptions/" + SUB,
    f"/subscriptions/{SUB}/",
    "/subscriptions/my-sub",
    f"/subscriptions/{SUB}/resourceGroups",
    f"/subscriptions/{SUB}/resourceGroups/rg./",
    f"/subscriptions/{SUB}/resourceGroups/rg.",
    f"/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts",
    f"/subscriptions/{SUB}/resourceGroups/rg/providers/storage/storageAccounts/sa",
    f"/subscriptions/{SUB}/resourceGroups/rg/storageAccounts/sa",
    f"/subscriptions/{SUB}//resourceGroups/rg",
    "/providers/Microsoft.Management/managementGroups",
    "",
])
def test_malformed_scopes(scope):
    with pytest.raises(ValidationError) as err:
        doc.parse_scope("role_assignments[0].scope", scope)
    assert err.value.field == "role_assignments[0].scope"


# -- role assignments ----------------------------------------------------
def test_role_definition_id():
    assert doc.role_definition_id(SUB, "7f951dda-4ed3-4680-a7ca-43fe172d538d") == (
        f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d"
    )


def test_role_assignment_name_is_a_deterministic_guid():
    scope = f"/subscriptions/{SUB}/resourceGroups/rg"
    role = doc.role_definition_id(SUB, "7f951dda-4ed3-4680-a7ca-43fe172d538d")
    principal = "059b0800-c0c0-5a5e-9d85-5914ec316afb"
    name = doc.role_assignment_name(scope, principal, role)
    assert str(uuid.UUID(name)) == name
    assert name == doc.role_assignment_name(scope, principal, role)
    assert name == doc.role_assignment_name(scope.upper(), principal.upper(), role)  # ARM ids ignore case
    assert name != doc.role_assignment_name(scope + "2", principal, role)
    assert name != doc.role_assignment_name(scope, "159b0800-c0c0-5a5e-9d85-5914ec316afb", role)
    assert name != doc.role_assignment_name(scope, principal, role.replace("7f951dda", "8311e382"))


def test_tags():
    doc.check_tags("identity.tags", {"team": "x"})
    with pytest.raises(ValidationError, match="at most 50"):
        doc.check_tags("identity.tags", {f"t{i}": "v" for i in range(51)})
    with pytest.raises(ValidationError):
        doc.check_tags("identity.tags", {"a/b": "v"})
