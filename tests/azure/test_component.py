"""AksFederatedIdentity under the mock runtime: the exact resources and inputs it registers."""

import json
import subprocess
import sys

import pulumi
import pulumi_azure_native as azure_native
import pulumi_kubernetes as k8s
import pytest

from pulumi_wid import AksFederatedIdentity, ValidationError, merge_pod_template
from pulumi_wid.azure import documents as doc
from pulumi_wid.testing import WidMocks, install

SUB = "00000000-0000-0000-0000-000000000000"
OTHER_SUB = "22222222-2222-2222-2222-222222222222"
TENANT = "11111111-1111-1111-1111-111111111111"
ISSUER = "https://eastus.oic.prod-aks.azure.com/11111111-1111-1111-1111-111111111111/6d4a1b0c-5f0e-4a42-9d0a-0b7c9e6f1a2b/"
ISSUER2 = "https://westeurope.oic.prod-aks.azure.com/11111111-1111-1111-1111-111111111111/0f4e2c1d-1111-4a42-9d0a-0b7c9e6f1a2b/"
ACCOUNT = f"/subscriptions/{SUB}/resourceGroups/data/providers/Microsoft.Storage/storageAccounts/appdata"
VAULT = f"/subscriptions/{OTHER_SUB}/resourceGroups/sec/providers/Microsoft.KeyVault/vaults/kv"
UAMI = "azure-native:managedidentity:UserAssignedIdentity"
FIC = "azure-native:managedidentity:FederatedIdentityCredential"
RA = "azure-native:authorization:RoleAssignment"
SA = "kubernetes:core/v1:ServiceAccount"
SA_PATCH = "kubernetes:core/v1:ServiceAccountPatch"
OUTPUTS = ("client_id", "principal_id", "tenant_id", "identity_id", "federated_credential_names",
           "service_account_name", "namespace", "service_account_annotations", "pod_template_patch")


def identity(**extra):
    return {"namespace": "apps", "service_account": "api", **extra}


def args(**extra):
    return {"identity": identity(), "resource_group_name": "workloads", "oidc_issuer_url": ISSUER, **extra}


def build(mocks, a, name="api", opts=None):
    def program():
        c = AksFederatedIdentity(name, a, opts)
        return {n: getattr(c, n) for n in OUTPUTS}

    return mocks.run(program)


def uami_id(rg="workloads", name="apps-api"):
    return f"/subscriptions/{SUB}/resourceGroups/{rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}"


def test_end_to_end(wid_mocks):
    out = build(wid_mocks, args(location="eastus", identity=identity(tags={"team": "payments"})))
    assert sorted(wid_mocks.types()) == sorted(["wid:index:AksFederatedIdentity", UAMI, FIC, SA])  # registration is asynchronous
    uami = wid_mocks.one(UAMI)
    assert uami.name == "api-identity"
    assert uami.inputs == {"resourceName": "apps-api", "resourceGroupName": "workloads", "location": "eastus",
                           "tags": {"team": "payments"}}
    fic = wid_mocks.one(FIC)
    fic_name = doc.derive_fic_name("apps", "api", ISSUER)
    assert fic.name == f"api-federated-credential-{doc.short_hash(ISSUER)}"
    assert fic.inputs == {
        "resourceName": "apps-api",
        "resourceGroupName": "workloads",
        "federatedIdentityCredentialResourceName": fic_name,
        "issuer": ISSUER,  # verbatim: the trailing '/' is kept
        "subject": "system:serviceaccount:apps:api",
        "audiences": ["api://AzureADTokenExchange"],
    }
    assert fic.inputs["issuer"].endswith("/")
    assert fic.delete_before_replace is True
    client_id = uami.outputs["clientId"]
    sa = wid_mocks.one(SA)
    assert sa.inputs["metadata"] == {
        "name": "api", "namespace": "apps", "annotations": {"azure.workload.identity/client-id": client_id},
    }
    assert fic.urn in sa.depends_on  # the trust exists before the ServiceAccount
    assert out == {
        "client_id": client_id,
        "principal_id": uami.outputs["principalId"],
        "tenant_id": TENANT,
        "identity_id": uami_id(),
        "federated_credential_names": [fic_name],
        "service_account_name": "api",
        "namespace": "apps",
        "service_account_annotations": {"azure.workload.identity/client-id": client_id},
        "pod_template_patch": {
            "metadata": {"labels": {"azure.workload.identity/use": "true"}},
            "spec": {"serviceAccountName": "api"},
        },
    }
    component = wid_mocks.one("wid:index:AksFederatedIdentity")
    assert all(r.parent == component.urn for r in wid_mocks.resources[1:])
    assert wid_mocks.component_outputs[component.urn].keys() == set(OUTPUTS)


def test_negative_trust_admits_nothing_else(wid_mocks):
    build(wid_mocks, args())
    fic = wid_mocks.one(FIC).inputs
    assert fic["subject"] != "system:serviceaccount:other:api"
    assert fic["subject"] != "system:serviceaccount:apps:other"
    assert "*" not in fic["subject"]
    assert fic["audiences"] == ["api://AzureADTokenExchange"]
    assert fic["audiences"] != ["sts.amazonaws.com"]
    assert fic["issuer"] != ISSUER.rstrip("/")


def test_several_issuers_are_chained(wid_mocks):
    issuers = [ISSUER, ISSUER2, "https://oidc.example.com/cluster-3"]
    out = build(wid_mocks, args(oidc_issuer_url=None, oidc_issuer_urls=issuers))
    fics = wid_mocks.of_type(FIC)
    assert [f.inputs["issuer"] for f in fics] == issuers
    uami = wid_mocks.one(UAMI)
    assert fics[0].depends_on == [uami.urn]
    for previous, current in zip(fics, fics[1:], strict=False):
        assert previous.urn in current.depends_on  # serialized: never two writes at once on one identity
    assert all(f.delete_before_replace for f in fics)
    assert len({f.inputs["federatedIdentityCredentialResourceName"] for f in fics}) == 3
    assert out["federated_credential_names"] == [f.inputs["federatedIdentityCredentialResourceName"] for f in fics]


def test_role_assignments(wid_mocks):
    build(wid_mocks, args(role_assignments=[
        {"role": "Storage Blob Data Reader", "scope": ACCOUNT},
        {"role": "4633458b-17de-408a-b874-0445c86b69e6", "scope": VAULT},
    ]))
    principal = wid_mocks.one(UAMI).outputs["principalId"]
    blob, secrets = wid_mocks.of_type(RA)
    blob_role = f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"
    assert blob.inputs == {
        "principalId": principal,
        "principalType": "ServicePrincipal",
        "roleDefinitionId": blob_role,
        "scope": ACCOUNT,
        "roleAssignmentName": doc.role_assignment_name(ACCOUNT, principal, blob_role),
    }
    # the role definition id is qualified with the scope's own subscription
    assert secrets.inputs["roleDefinitionId"] == (
        f"/subscriptions/{OTHER_SUB}/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6"
    )
    assert secrets.inputs["principalType"] == "ServicePrincipal"
    assert blob.name.startswith("api-role-assignment-") and blob.name != secrets.name
    assert "azure-native:authorization:getClientConfig" not in [t for t, _ in wid_mocks.calls]
    sa = wid_mocks.one(SA)
    assert blob.urn in sa.depends_on and secrets.urn in sa.depends_on


def test_role_assignment_names_are_stable_across_runs():
    runs = []
    for _ in range(2):
        mocks = install(WidMocks())
        build(mocks, args(oidc_issuer_url=None, oidc_issuer_urls=[ISSUER, ISSUER2],
                          role_assignments=[{"role": "AcrPull", "scope": f"/subscriptions/{SUB}/resourceGroups/acr"},
                                            {"role": "Storage Blob Data Contributor", "scope": ACCOUNT}]))
        runs.append(sorted((r.type, r.name, json.dumps(r.inputs, sort_keys=True)) for r in mocks.resources))
    assert runs[0] == runs[1]
    names = [json.loads(i)["roleAssignmentName"] for t, _, i in runs[0] if t == RA]
    assert len(names) == 2 and len(set(names)) == 2


def test_management_group_scope_takes_the_callers_subscription(wid_mocks):
    mg = "/providers/Microsoft.Management/managementGroups/platform"
    build(wid_mocks, args(allow_broad_roles=True, role_assignments=[{"role": "Reader", "scope": mg}]))
    assert "azure-native:authorization:getClientConfig" in [t for t, _ in wid_mocks.calls]
    ra = wid_mocks.one(RA)
    assert ra.inputs["roleDefinitionId"] == (
        f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7"
    )
    assert ra.inputs["scope"] == mg


def test_full_role_definition_id_is_kept(wid_mocks):
    custom = f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/99999999-8888-7777-6666-555555555555"
    build(wid_mocks, args(role_assignments=[{"role": custom, "scope": ACCOUNT}]))
    assert wid_mocks.one(RA).inputs["roleDefinitionId"] == custom


def test_output_scope_resolves_with_client_config(wid_mocks):
    def program():
        scope = pulumi.Output.from_input(ACCOUNT)
        AksFederatedIdentity("api", args(role_assignments=[{"role": "AcrPull", "scope": scope}]))

    wid_mocks.run(program)
    ra = wid_mocks.one(RA)
    assert ra.name == "api-role-assignment-0"
    assert ra.inputs["roleDefinitionId"].startswith(f"/subscriptions/{SUB}/providers/Microsoft.Authorization/")
    assert ra.inputs["scope"] == ACCOUNT


def test_broad_output_scope_is_refused_when_it_resolves(wid_mocks):
    def program():
        AksFederatedIdentity("api", args(role_assignments=[
            {"role": "AcrPull", "scope": pulumi.Output.from_input(f"/subscriptions/{SUB}")}]))

    with pytest.raises(Exception, match=r"role_assignments\[0\]\.scope: .* subscription scope"):
        wid_mocks.run(program)



@pytest.mark.parametrize("role,field,match", [
    ("Owner", "role_assignments[0].role", "Owner grants control"),
    ("8E3AF657-A8FF-443C-A75C-2FE8C4BCB635", "role_assignments[0].role", "Owner grants control"),
    ("/providers/Microsoft.Authorization/roleDefinitions/18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
     "role_assignments[0].role", "User Access Administrator grants control"),
    ("Role Based Access Control Administrator", "role_assignments[0].role", "Role Based Access Control Administrator"),
    ("Contributor", "role_assignments[0].role", "Contributor grants control"),
])
def test_plain_broad_role_with_output_scope_is_refused_before_anything_registers(wid_mocks, role, field, match):
    def program():
        scope = pulumi.Output.from_input(ACCOUNT)
        AksFederatedIdentity("api", args(role_assignments=[{"role": role, "scope": scope}]))

    with pytest.raises(ValidationError, match=match) as err:
        wid_mocks.run(program)
    assert err.value.field == field
    assert "allow_broad_roles=True" in str(err.value)
    assert wid_mocks.resources == []


@pytest.mark.parametrize("scope,kind", [
    (f"/subscriptions/{SUB}", "subscription"),
    ("/providers/Microsoft.Management/managementGroups/mg", "management group"),
    ("/", "root"),
])
def test_plain_broad_scope_with_output_role_is_refused_before_anything_registers(wid_mocks, scope, kind):
    def program():
        AksFederatedIdentity("api", args(role_assignments=[
            {"role": pulumi.Output.from_input("Storage Blob Data Reader"), "scope": scope}]))

    with pytest.raises(ValidationError, match=f"a {kind} scope grants") as err:
        wid_mocks.run(program)
    assert err.value.field == "role_assignments[0].scope"
    assert wid_mocks.resources == []


def test_narrow_plain_half_with_output_other_half_is_accepted(wid_mocks):
    def program():
        AksFederatedIdentity("api", args(role_assignments=[
            {"role": "Storage Blob Data Reader", "scope": pulumi.Output.from_input(ACCOUNT)},
            {"role": pulumi.Output.from_input("AcrPull"), "scope": ACCOUNT}]))

    wid_mocks.run(program)
    assert [r.inputs["scope"] for r in wid_mocks.of_type(RA)] == [ACCOUNT, ACCOUNT]


def test_broad_output_role_is_refused_when_it_resolves(wid_mocks):
    def program():
        AksFederatedIdentity("api", args(role_assignments=[
            {"role": pulumi.Output.from_input("Owner"), "scope": ACCOUNT}]))

    with pytest.raises(Exception, match=r"role_assignments\[0\]\.role: 'Owner' is invalid: Owner grants control"):
        wid_mocks.run(program)

def test_annotations_with_tenant_and_expiration(wid_mocks):
    out = build(wid_mocks, args(tenant_id=TENANT, token_expiration_seconds=86400))
    client_id = wid_mocks.one(UAMI).outputs["clientId"]
    expected = {
        "azure.workload.identity/client-id": client_id,
        "azure.workload.identity/tenant-id": TENANT,
        "azure.workload.identity/service-account-token-expiration": "86400",
    }
    assert out["service_account_annotations"] == expected
    assert wid_mocks.one(SA).inputs["metadata"]["annotations"] == expected


def test_existing_identity_creates_no_identity(wid_mocks):
    out = build(wid_mocks, {"identity": identity(), "oidc_issuer_url": ISSUER,
                            "existing_identity": {"name": "porter-mi", "resource_group_name": "shared"}})
    assert UAMI not in wid_mocks.types()
    assert sorted(wid_mocks.types()) == sorted(["wid:index:AksFederatedIdentity", FIC, SA])  # registration is asynchronous
    calls = [a for t, a in wid_mocks.calls if t == "azure-native:managedidentity:getUserAssignedIdentity"]
    assert calls == [{"resourceGroupName": "shared", "resourceName": "porter-mi"}]
    fic = wid_mocks.one(FIC)
    assert fic.inputs["resourceName"] == "porter-mi"
    assert fic.inputs["resourceGroupName"] == "shared"
    rid = uami_id("shared", "porter-mi")
    assert out["identity_id"] == rid
    assert out["client_id"] == wid_mocks._call("azure-native:managedidentity:getUserAssignedIdentity",
                                               {"resourceGroupName": "shared", "resourceName": "porter-mi"})["clientId"]
    assert out["service_account_annotations"] == {"azure.workload.identity/client-id": out["client_id"]}


def test_existing_identity_defaults_to_the_resource_group(wid_mocks):
    build(wid_mocks, {"identity": identity(), "oidc_issuer_url": ISSUER, "resource_group_name": "workloads",
                      "existing_identity": {"name": "porter-mi"},
                      "role_assignments": [{"role": "AcrPull", "scope": f"/subscriptions/{SUB}/resourceGroups/acr"}]})
    assert wid_mocks.one(FIC).inputs["resourceGroupName"] == "workloads"
    ra = wid_mocks.one(RA)
    assert ra.inputs["principalId"] == wid_mocks._call(
        "azure-native:managedidentity:getUserAssignedIdentity",
        {"resourceGroupName": "workloads", "resourceName": "porter-mi"})["principalId"]


def test_explicit_providers_reach_every_child(wid_mocks):
    def program():
        azure = azure_native.Provider("azure-prod", subscription_id=SUB)
        kube = k8s.Provider("k8s-prod", kubeconfig="{}")
        AksFederatedIdentity("api", args(role_assignments=[{"role": "AcrPull", "scope": ACCOUNT}]),
                             pulumi.ResourceOptions(providers=[azure, kube]))

    wid_mocks.run(program)
    azure_ref = wid_mocks.named("azure-prod").urn
    k8s_ref = wid_mocks.named("k8s-prod").urn
    children = [r for r in wid_mocks.resources if r.parent_type == "wid:index:AksFederatedIdentity"]
    assert sorted(c.type for c in children) == sorted([UAMI, FIC, RA, SA])  # registration order is the runtime's
    for child in children:
        expected = k8s_ref if child.type.startswith("kubernetes:") else azure_ref
        assert child.provider.startswith(expected + "::"), (child.type, child.provider)


def test_patch_and_none_modes(wid_mocks):
    build(wid_mocks, args(identity=identity(service_account_mode="patch")))
    patch = wid_mocks.one(SA_PATCH)
    assert list(patch.inputs["metadata"]["annotations"]) == ["azure.workload.identity/client-id"]
    assert SA not in wid_mocks.types()

    mocks = install(WidMocks())
    out = build(mocks, args(identity=identity(service_account_mode="none")))
    assert not [t for t in mocks.types() if t.startswith("kubernetes:")]
    assert "azure.workload.identity/client-id" in out["service_account_annotations"]


def test_pod_template_patch_merges_into_a_deployment(wid_mocks):
    out = build(wid_mocks, args())
    deployment = {"selector": {"matchLabels": {"app": "api"}},
                  "template": {"metadata": {"labels": {"app": "api"}}, "spec": {"containers": [{"name": "api"}]}}}
    merged = merge_pod_template(deployment, out["pod_template_patch"])
    assert merged["template"]["metadata"]["labels"] == {"app": "api", "azure.workload.identity/use": "true"}
    assert merged["template"]["spec"]["serviceAccountName"] == "api"
    assert merged["selector"] == {"matchLabels": {"app": "api"}}


def test_names_are_derived_and_shortened(wid_mocks):
    build(wid_mocks, args(identity=identity(name="api.v2" + "x" * 130)))
    name = wid_mocks.one(UAMI).inputs["resourceName"]
    assert len(name) == 128 and doc.UAMI_NAME.fullmatch(name) and "." not in name


BROAD = f"/subscriptions/{SUB}"
BAD = [
    (args(identity=identity(namespace="Apps")), "identity.namespace", "DNS-1123 label"),
    (args(resource_grup_name="x"), "resource_grup_name", "did you mean 'resource_group_name'"),
    ({"identity": identity(), "oidc_issuer_url": ISSUER}, "resource_group_name", "is required"),
    (args(oidc_issuer_url=None), "oidc_issuer_url", "is required"),
    (args(oidc_issuer_url="http://eastus.oic.prod-aks.azure.com/t/g/"), "oidc_issuer_urls[0]", "https"),
    (args(oidc_issuer_url="eastus.oic.prod-aks.azure.com"), "oidc_issuer_urls[0]", "https"),
    (args(oidc_issuer_urls=[ISSUER]), "oidc_issuer_urls", "same issuer twice"),
    (args(oidc_issuer_url=None, oidc_issuer_urls=[f"https://c{i}.example.com/" for i in range(21)]),
     "oidc_issuer_urls", "at most 20"),
    (args(identity_name="my.identity"), "identity_name", "managed identity name"),
    (args(identity_name="ab"), "identity_name", "3-128"),
    (args(resource_group_name="rg."), "resource_group_name", "resource group"),
    (args(token_expiration_seconds=3599), "token_expiration_seconds", "3600 to 86400"),
    (args(token_expiration_seconds=86401), "token_expiration_seconds", "3600 to 86400"),
    (args(tenant_id="contoso"), "tenant_id", "GUID"),
    (args(allow_broad_roles="yes"), "allow_broad_roles", "true or false"),
    (args(role_assignments=[{"role": "Owner", "scope": ACCOUNT}]), "role_assignments[0].role", "Owner grants control"),
    (args(role_assignments=[{"role": "Contributor", "scope": ACCOUNT}]), "role_assignments[0].role", "Contributor"),
    (args(role_assignments=[{"role": "User Access Administrator", "scope": ACCOUNT}]), "role_assignments[0].role",
     "User Access Administrator"),
    (args(role_assignments=[{"role": "Role Based Access Control Administrator", "scope": ACCOUNT}]),
     "role_assignments[0].role", "Role Based Access Control Administrator"),
    (args(role_assignments=[{"role": "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "scope": ACCOUNT}]),
     "role_assignments[0].role", "Owner"),
    (args(role_assignments=[{"role": "Storage Blob Data Reader", "scope": BROAD}]), "role_assignments[0].scope",
     "subscription scope"),
    (args(role_assignments=[{"role": "Reader", "scope": "/providers/Microsoft.Management/managementGroups/mg"}]),
     "role_assignments[0].scope", "management group scope"),
    (args(role_assignments=[{"role": "Storage Blob Data Raeder", "scope": ACCOUNT}]), "role_assignments[0].role",
     "did you mean 'Storage Blob Data Reader'"),
    (args(role_assignments=[{"role": "AcrPull", "scope": "storageAccounts/appdata"}]), "role_assignments[0].scope",
     "ARM scope"),
    (args(role_assignments=[{"role": "/subscriptions/x/roleDefinitions/y", "scope": ACCOUNT}]),
     "role_assignments[0].role", "role definition id"),
    (args(role_assignments=[{"role": f"/subscriptions/{OTHER_SUB}/providers/Microsoft.Authorization/roleDefinitions/"
                                     "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1", "scope": ACCOUNT}]),
     "role_assignments[0].role", "names subscription"),
    (args(role_assignments=[{"role": "AcrPull", "scope": ACCOUNT}, {"role": "acrpull", "scope": ACCOUNT}]),
     "role_assignments[1]", "same role on the same scope"),
    (args(role_assignments=[{"role": "AcrPull"}]), "role_assignments[0].scope", "is required"),
    (args(role_assignments=[{"role": "AcrPull", "scope": ACCOUNT, "condition": "x"}]), "role_assignments[0].condition",
     "not a known key"),
    (args(role_assignments="AcrPull"), "role_assignments", "must be a list"),
    (args(existing_identity={"name": "mi"}, identity_name="other"), "identity_name", "does not create"),
    (args(existing_identity={"name": "m.i"}), "existing_identity.name", "managed identity name"),
    ({"identity": identity(), "oidc_issuer_url": ISSUER, "existing_identity": {"name": "porter-mi"}},
     "existing_identity.resource_group_name", "is required"),
    (args(identity=identity(tags={f"t{i}": "v" for i in range(51)})), "identity.tags", "at most 50"),
]


@pytest.mark.parametrize("a,field,match", BAD)
def test_bad_input_is_refused_before_anything_registers(wid_mocks, a, field, match):
    with pytest.raises(ValidationError, match=match) as err:
        build(wid_mocks, a)
    assert err.value.field == field
    assert err.value.rule
    assert wid_mocks.resources == []


def test_broad_roles_are_accepted_when_allowed(wid_mocks):
    build(wid_mocks, args(allow_broad_roles=True, role_assignments=[
        {"role": "Contributor", "scope": f"/subscriptions/{SUB}/resourceGroups/workloads"},
        {"role": "Reader", "scope": BROAD}]))
    assert [r.inputs["scope"] for r in wid_mocks.of_type(RA)] == [f"/subscriptions/{SUB}/resourceGroups/workloads", BROAD]


def test_output_issuer_is_checked_when_it_resolves(wid_mocks):
    def program():
        AksFederatedIdentity("api", args(oidc_issuer_url=pulumi.Output.from_input("http://insecure.example.com/")))

    with pytest.raises(Exception, match=r"oidc_issuer_urls\[0\]: 'http://insecure.example.com/' is invalid: must be the cluster's https"):
        wid_mocks.run(program)


def test_output_issuer_is_passed_verbatim(wid_mocks):
    def program():
        c = AksFederatedIdentity("api", args(oidc_issuer_url=None,
                                             oidc_issuer_urls=[pulumi.Output.from_input(ISSUER), ISSUER2]))
        return c.federated_credential_names

    names = wid_mocks.run(program)
    fics = wid_mocks.of_type(FIC)
    assert [f.name for f in fics] == ["api-federated-credential-0", f"api-federated-credential-{doc.short_hash(ISSUER2)}"]
    assert [f.inputs["issuer"] for f in fics] == [ISSUER, ISSUER2]
    assert names == [doc.derive_fic_name("apps", "api", ISSUER), doc.derive_fic_name("apps", "api", ISSUER2)]


def test_duplicate_output_issuers_are_refused_when_they_resolve(wid_mocks):
    def program():
        AksFederatedIdentity("api", args(oidc_issuer_url=None,
                                         oidc_issuer_urls=[pulumi.Output.from_input(ISSUER), ISSUER]))

    with pytest.raises(Exception, match="same issuer twice"):
        wid_mocks.run(program)


def test_importing_azure_does_not_import_other_clouds():
    code = (
        "import sys, pulumi_wid\n"
        "from pulumi_wid import AksFederatedIdentity\n"
        "bad = [m for m in sys.modules if m.startswith(('pulumi_aws', 'pulumi_gcp'))]\n"
        "assert 'pulumi_azure_native' in sys.modules\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
