"""One-change mutants of good chains, generated here: every mutant must FAIL, every
rewrite that keeps the meaning must still PASS. The good stacks hold their clusters, tied
to the ServiceAccounts through the Kubernetes provider, so PASS is provable."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable

import pytest

from pulumi_wid.verify import FAIL, PASS, UNVERIFIED, verify_resources
from pulumi_wid.verify.state import parse_deployment

ISSUER = "oidc.eks.us-east-1.amazonaws.com/id/ABC"
PROVIDER_ARN = f"arn:aws:iam::111122223333:oidc-provider/{ISSUER}"
ROLE_ARN = "arn:aws:iam::111122223333:role/orders-api"
AKS_ISSUER = "https://eastus.oic.prod-aks.azure.com/11111111-1111-1111-1111-111111111111/22222222-2222-2222-2222-222222222222/"
POOL = "shop-prod.svc.id.goog"
EMAIL = "orders-api@shop-prod.iam.gserviceaccount.com"


def _res(kind: str, name: str, outputs: dict, **extra) -> dict:
    return {"urn": f"urn:pulumi:prod::shop::{kind}::{name}", "type": kind, "custom": True, "inputs": {},
            "outputs": outputs, **extra}


def _k8s(cluster_urn: str) -> tuple[dict, str]:
    provider = _res("pulumi:providers:kubernetes", "k8s", {}, id="pid", dependencies=[cluster_urn])
    return provider, f"{provider['urn']}::pid"


def _sa(provider_ref: str, annotations: dict) -> dict:
    return _res("kubernetes:core/v1:ServiceAccount", "sa", {"metadata": {
        "name": "api", "namespace": "orders", "annotations": annotations}}, provider=provider_ref)


def irsa_stack() -> list[dict]:
    cluster = _res("aws:eks/cluster:Cluster", "eks", {"name": "prod", "arn": "arn:aws:eks:us-east-1:111122223333:cluster/prod",
                                                      "identities": [{"oidcs": [{"issuer": f"https://{ISSUER}"}]}]})
    provider, ref = _k8s(cluster["urn"])
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity", "Principal": {"Federated": PROVIDER_ARN},
        "Condition": {"StringEquals": {f"{ISSUER}:sub": "system:serviceaccount:orders:api",
                                       f"{ISSUER}:aud": "sts.amazonaws.com"}}}]}
    return [
        cluster, provider,
        _res("aws:iam/openIdConnectProvider:OpenIdConnectProvider", "oidc",
             {"arn": PROVIDER_ARN, "url": ISSUER, "clientIdLists": ["sts.amazonaws.com"]}),
        _res("aws:iam/role:Role", "role", {"arn": ROLE_ARN, "name": "orders-api", "assumeRolePolicy": json.dumps(trust)}),
        _sa(ref, {"eks.amazonaws.com/role-arn": ROLE_ARN}),
    ]


def aks_stack() -> list[dict]:
    cluster = _res("azure-native:containerservice:ManagedCluster", "aks", {
        "name": "prod", "oidcIssuerProfile": {"enabled": True, "issuerURL": AKS_ISSUER},
        "securityProfile": {"workloadIdentity": {"enabled": True}}})
    provider, ref = _k8s(cluster["urn"])
    return [
        cluster, provider,
        _res("azure-native:managedidentity:UserAssignedIdentity", "uami", {
            "name": "orders-api", "resourceGroupName": "rg", "clientId": "c1", "principalId": "p1", "tenantId": "t1"}),
        _res("azure-native:managedidentity:FederatedIdentityCredential", "fic", {
            "resourceGroupName": "rg", "resourceName": "orders-api", "issuer": AKS_ISSUER,
            "subject": "system:serviceaccount:orders:api", "audiences": ["api://AzureADTokenExchange"]}),
        _sa(ref, {"azure.workload.identity/client-id": "c1"}),
        _res("kubernetes:apps/v1:Deployment", "deploy", {"metadata": {"name": "api", "namespace": "orders"}, "spec": {
            "template": {"metadata": {"labels": {"azure.workload.identity/use": "true"}},
                         "spec": {"serviceAccountName": "api"}}}}, provider=ref),
    ]


def gke_stack() -> list[dict]:
    cluster = _res("gcp:container/cluster:Cluster", "gke", {"name": "prod", "workloadIdentityConfig": {"workloadPool": POOL}})
    provider, ref = _k8s(cluster["urn"])
    return [
        cluster, provider,
        _res("gcp:serviceaccount/account:Account", "gsa", {
            "email": EMAIL, "name": f"projects/shop-prod/serviceAccounts/{EMAIL}", "disabled": False}),
        _res("gcp:serviceaccount/iAMMember:IAMMember", "wiu", {
            "serviceAccountId": f"projects/shop-prod/serviceAccounts/{EMAIL}", "role": "roles/iam.workloadIdentityUser",
            "member": f"serviceAccount:{POOL}[orders/api]"}),
        _sa(ref, {"iam.gke.io/gcp-service-account": EMAIL}),
    ]


def _find(stack: list[dict], name: str) -> dict:
    return next(r for r in stack if r["urn"].endswith(f"::{name}"))


def _trust_edit(edit: Callable[[dict], None]) -> Callable[[list[dict]], None]:
    def mutate(stack: list[dict]) -> None:
        role = _find(stack, "role")["outputs"]
        trust = json.loads(role["assumeRolePolicy"])
        edit(trust)
        role["assumeRolePolicy"] = json.dumps(trust)
    return mutate


def _cond(trust: dict) -> dict:
    return trust["Statement"][0]["Condition"]


def _set(path: str, value) -> Callable[[list[dict]], None]:
    name, *keys = path.split(".")

    def mutate(stack: list[dict]) -> None:
        node = _find(stack, name)["outputs"]
        for key in keys[:-1]:
            node = node[key]
        node[keys[-1]] = value
    return mutate


def _add(resource: dict) -> Callable[[list[dict]], None]:
    return lambda stack: stack.append(resource)


IRSA_MUTANTS = {
    "other namespace": _trust_edit(lambda t: _cond(t)["StringEquals"].update({f"{ISSUER}:sub": "system:serviceaccount:other:api"})),
    "other ServiceAccount": _trust_edit(lambda t: _cond(t)["StringEquals"].update({f"{ISSUER}:sub": "system:serviceaccount:orders:x"})),
    "wildcard namespace": _trust_edit(lambda t: _cond(t).update(
        {"StringLike": {f"{ISSUER}:sub": "system:serviceaccount:*:api"}}) or _cond(t)["StringEquals"].pop(f"{ISSUER}:sub")),
    "wildcard subject": _trust_edit(lambda t: _cond(t).update(
        {"StringLike": {f"{ISSUER}:sub": "*"}}) or _cond(t)["StringEquals"].pop(f"{ISSUER}:sub")),
    "no sub": _trust_edit(lambda t: _cond(t)["StringEquals"].pop(f"{ISSUER}:sub")),
    "wrong audience": _trust_edit(lambda t: _cond(t)["StringEquals"].update({f"{ISSUER}:aud": "api://other"})),
    "other cluster's provider": _trust_edit(lambda t: t["Statement"][0].update(
        {"Principal": {"Federated": PROVIDER_ARN.replace("/ABC", "/XYZ")}, "Condition": {"StringEquals": {
            f"{ISSUER.replace('/ABC', '/XYZ')}:sub": "system:serviceaccount:orders:api"}}})),
    "issuer with a trailing slash": _trust_edit(lambda t: t["Statement"][0].update(
        {"Principal": {"Federated": PROVIDER_ARN + "/"}})),
    "extra principal": _trust_edit(lambda t: t["Statement"].append(
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": "arn:aws:iam::999999999999:root"}})),
    "extra subject": _trust_edit(lambda t: _cond(t)["StringEquals"].update(
        {f"{ISSUER}:sub": ["system:serviceaccount:orders:api", "system:serviceaccount:kube-system:default"]})),
    "deny": _trust_edit(lambda t: t["Statement"].append(
        {"Effect": "Deny", "Action": "sts:*", "Principal": "*"})),
    "provider without the audience": _set("oidc.clientIdLists", ["api://other"]),
    "wrong role": lambda stack: (_set("sa.metadata.annotations", {"eks.amazonaws.com/role-arn": ROLE_ARN + "-2"})(stack),
                                 stack.append(_res("aws:iam/role:Role", "role2", {
                                     "arn": ROLE_ARN + "-2", "assumeRolePolicy": json.dumps({"Statement": [{
                                         "Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
                                         "Principal": {"Federated": PROVIDER_ARN}, "Condition": {"StringEquals": {
                                             f"{ISSUER}:sub": "system:serviceaccount:other:api",
                                             f"{ISSUER}:aud": "sts.amazonaws.com"}}}]})}))),
    "ServiceAccount in another namespace": _set("sa.metadata.namespace", "other"),
}
AKS_MUTANTS = {
    "other namespace": _set("fic.subject", "system:serviceaccount:other:api"),
    "other ServiceAccount": _set("fic.subject", "system:serviceaccount:orders:x"),
    "wrong audience": _set("fic.audiences", ["api://other"]),
    "extra audience": _set("fic.audiences", ["api://AzureADTokenExchange", "api://other"]),
    "issuer without its slash": _set("fic.issuer", AKS_ISSUER.rstrip("/")),
    "other cluster's issuer": _set("fic.issuer", AKS_ISSUER.replace("2222", "3333")),
    "principal id in the annotation": _set("sa.metadata.annotations", {"azure.workload.identity/client-id": "p1"}),
    "another tenant": _set("sa.metadata.annotations", {"azure.workload.identity/client-id": "c1",
                                                       "azure.workload.identity/tenant-id": "t2"}),
    "extra subject": _add(_res("azure-native:managedidentity:FederatedIdentityCredential", "fic2", {
        "resourceGroupName": "rg", "resourceName": "orders-api", "issuer": AKS_ISSUER,
        "subject": "system:serviceaccount:staging:api", "audiences": ["api://AzureADTokenExchange"]})),
    "OIDC issuer off": _set("aks.oidcIssuerProfile", {"enabled": False}),
    "pod label missing": _set("deploy.spec.template.metadata.labels", {}),
}
GKE_MUTANTS = {
    "other namespace": _set("wiu.member", f"serviceAccount:{POOL}[other/api]"),
    "other ServiceAccount": _set("wiu.member", f"serviceAccount:{POOL}[orders/x]"),
    "other pool": _set("wiu.member", "serviceAccount:other-project.svc.id.goog[orders/api]"),
    "pool from the GSA's name": _set("wiu.member", f"serviceAccount:projects/shop-prod/serviceAccounts/{EMAIL}.svc.id.goog[orders/api]"),
    "extra member": _add(_res("gcp:serviceaccount/iAMMember:IAMMember", "wiu2", {
        "serviceAccountId": f"projects/shop-prod/serviceAccounts/{EMAIL}", "role": "roles/iam.workloadIdentityUser",
        "member": f"serviceAccount:{POOL}[staging/api]"})),
    "namespace-wide principal set": _add(_res("gcp:serviceaccount/iAMMember:IAMMember", "wiu2", {
        "serviceAccountId": f"projects/shop-prod/serviceAccounts/{EMAIL}", "role": "roles/iam.workloadIdentityUser",
        "member": f"principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/{POOL}/namespace/orders"})),
    "workload identity off": _set("gke.workloadIdentityConfig", None),
    "GSA disabled": _set("gsa.disabled", True),
    "expired condition": _set("wiu.condition", {"title": "t", "expression": 'request.time < timestamp("2020-01-01T00:00:00Z")'}),
    "other cluster's pool": _set("gke.workloadIdentityConfig", {"workloadPool": "other-project.svc.id.goog"}),
}


def _verdicts(stack: list[dict]) -> list[str]:
    return [c.status for c in verify_resources(parse_deployment({"resources": stack}, "test"))]


@pytest.mark.parametrize("make", [irsa_stack, aks_stack, gke_stack])
def test_good_chain_passes(make):
    assert _verdicts(make()) == [PASS]


@pytest.mark.parametrize("make,mutants", [(irsa_stack, IRSA_MUTANTS), (aks_stack, AKS_MUTANTS), (gke_stack, GKE_MUTANTS)])
def test_every_one_change_mutant_fails(make, mutants):
    survived = {}
    for name, mutate in mutants.items():
        stack = make()
        mutate(stack)
        verdicts = _verdicts(stack)
        if FAIL not in verdicts:
            survived[name] = verdicts
    assert survived == {}


def _reorder(value):
    if isinstance(value, dict):
        return {k: _reorder(value[k]) for k in reversed(list(value))}
    if isinstance(value, list):
        return [_reorder(v) for v in value]
    return value


REWRITES = {
    "key order": lambda stack: [_reorder(r) for r in stack],
    "unrelated resources": lambda stack: [*stack, _res("aws:s3/bucket:Bucket", "b", {"bucket": "x"}),
                                          _res("kubernetes:core/v1:ConfigMap", "cm", {"data": {"a": "b"}})],
    "inputs beside the outputs": lambda stack: [{**r, "inputs": copy.deepcopy(r["outputs"])} for r in stack],
}


def _trust_rewrite(edit: Callable[[dict], None]) -> Callable[[list[dict]], list[dict]]:
    def rewrite(stack: list[dict]) -> list[dict]:
        _trust_edit(edit)(stack)
        return stack
    return rewrite


IRSA_REWRITES = {
    "single strings as lists": _trust_rewrite(lambda t: t["Statement"][0].update(
        {"Action": ["sts:AssumeRoleWithWebIdentity"], "Principal": {"Federated": [PROVIDER_ARN]}})),
    "whitespace": lambda stack: [*stack[:3], {**stack[3], "outputs": {**stack[3]["outputs"], "assumeRolePolicy": json.dumps(
        json.loads(stack[3]["outputs"]["assumeRolePolicy"]), indent=4)}}, *stack[4:]],
    "a Deny for another subject": _trust_rewrite(lambda t: t["Statement"].append({
        "Effect": "Deny", "Action": "sts:AssumeRoleWithWebIdentity", "Principal": "*",
        "Condition": {"StringEquals": {f"{ISSUER}:sub": "system:serviceaccount:kube-system:default"}}})),
}


@pytest.mark.parametrize("make", [irsa_stack, aks_stack, gke_stack])
@pytest.mark.parametrize("rewrite", sorted(REWRITES))
def test_rewrites_that_keep_the_meaning_still_pass(make, rewrite):
    assert _verdicts(REWRITES[rewrite](make())) == [PASS]


@pytest.mark.parametrize("rewrite", sorted(IRSA_REWRITES))
def test_trust_rewrites_that_keep_the_meaning_still_pass(rewrite):
    assert _verdicts(IRSA_REWRITES[rewrite](irsa_stack())) == [PASS]


def test_versioned_and_classic_azure_types_are_the_same_chain():
    versioned = aks_stack()
    for res in versioned:
        res["type"] = res["type"].replace("managedidentity:", "managedidentity/v20230131:").replace(
            "containerservice:", "containerservice/v20240102preview:")
    assert _verdicts(versioned) == [PASS]
    classic = aks_stack()
    uami, fic = _find(classic, "uami"), _find(classic, "fic")
    uami["type"] = "azure:authorization/userAssignedIdentity:UserAssignedIdentity"
    uami["outputs"]["id"] = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/orders-api"
    fic["type"] = "azure:armmsi/federatedIdentityCredential:FederatedIdentityCredential"
    fic["outputs"] = {"parentId": uami["outputs"]["id"], "issuer": AKS_ISSUER,
                      "subject": "system:serviceaccount:other:api", "audience": ["api://AzureADTokenExchange"]}
    assert _verdicts(classic) == [FAIL]
    fic["outputs"]["subject"] = "system:serviceaccount:orders:api"
    assert _verdicts(classic) == [PASS]


def test_workloads_are_matched_to_service_accounts_within_one_cluster():
    stack = aks_stack()
    eks = _res("aws:eks/cluster:Cluster", "eks", {"name": "other", "identities": [{"oidcs": [{"issuer": "https://x"}]}]})
    provider = _res("pulumi:providers:kubernetes", "k8s-eks", {}, id="eid", dependencies=[eks["urn"]])
    unlabeled = _res("kubernetes:apps/v1:Deployment", "deploy-eks", {"metadata": {"name": "api", "namespace": "orders"},
                                                                     "spec": {"template": {"spec": {"serviceAccountName": "api"}}}},
                     provider=f"{provider['urn']}::eid")
    assert _verdicts([*stack, eks, provider, unlabeled]) == [PASS]  # the EKS Deployment is not the AKS chain's
    unlabeled["provider"] = _find(stack, "deploy")["provider"]
    assert _verdicts([*stack, eks, provider, unlabeled]) == [FAIL]


def test_an_annotation_naming_an_identity_outside_the_stack_is_never_pass():
    for make, key in ((irsa_stack, "eks.amazonaws.com/role-arn"), (aks_stack, "azure.workload.identity/client-id"),
                      (gke_stack, "iam.gke.io/gcp-service-account")):
        stack = make()
        _find(stack, "sa")["outputs"]["metadata"]["annotations"][key] = "arn:aws:iam::1:role/x" if "eks" in key else (
            "x@other.iam.gserviceaccount.com" if "gke" in key else "00000000-0000-0000-0000-000000000009")
        assert PASS not in _verdicts(stack), key


def test_entra_application_credentials_form_a_chain():
    stack = aks_stack()
    app = _res("azuread:index/application:Application", "app", {"clientId": "c9", "objectId": "o9", "id": "/applications/o9"})
    cred = _res("azuread:index/applicationFederatedIdentityCredential:ApplicationFederatedIdentityCredential", "appfic", {
        "applicationId": "/applications/o9", "issuer": AKS_ISSUER, "subject": "system:serviceaccount:orders:api",
        "audiences": ["api://AzureADTokenExchange"]})
    _find(stack, "sa")["outputs"]["metadata"]["annotations"] = {"azure.workload.identity/client-id": "c9"}
    assert _verdicts([*stack, app, cred]) == [PASS]
    cred["outputs"]["subject"] = "system:serviceaccount:orders:other"
    assert _verdicts([*stack, app, cred]) == [FAIL]


def test_helm_release_service_account_values_form_a_chain():
    stack = [r for r in irsa_stack() if not r["urn"].endswith("::sa")]
    release = _res("kubernetes:helm.sh/v3:Release", "lbc", {"namespace": "orders", "values": {"serviceAccount": {
        "name": "api", "annotations": {"eks.amazonaws.com/role-arn": ROLE_ARN}}}},
        provider=f"{_find(stack, 'k8s')['urn']}::pid")
    assert _verdicts([*stack, release]) == [PASS]
    release["outputs"]["values"]["serviceAccount"]["name"] = "other"
    assert _verdicts([*stack, release]) == [FAIL]
    del release["outputs"]["values"]["serviceAccount"]["name"]  # the chart's default name: not shown
    assert _verdicts([*stack, release]) == [UNVERIFIED]


CIPHER = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "ciphertext": "v1:abc"}


@pytest.mark.parametrize("role,status", [
    ("roles/iam.workloadIdentityUser", UNVERIFIED),  # may admit another KSA on this very GSA
    ("roles/iam.serviceAccountTokenCreator", UNVERIFIED),  # may let another member mint its tokens
    (CIPHER, UNVERIFIED),  # which role is not seen either
    ("roles/iam.serviceAccountUser", PASS),  # neither admits a workload nor mints tokens
])
def test_a_grant_on_an_encrypted_service_account_is_never_passed_over(role, status):
    # GIVEN the good GKE chain and a second grant, to another KSA, whose service account the file holds encrypted
    stack = gke_stack()
    stack.append(_res("gcp:serviceaccount/iAMMember:IAMMember", "wiu2", {
        "serviceAccountId": CIPHER, "role": role, "member": f"serviceAccount:{POOL}[staging/api]"}))
    # THEN the chain is not PASS when that grant could be on its GSA, and says why
    chains = verify_resources(parse_deployment({"resources": stack}, "test"))
    assert [c.status for c in chains] == [status]
    notes = " ".join(str(check) for check in chains[0].checks)
    assert ("wiu2" in notes and "encrypted" in notes) == (status == UNVERIFIED)


UNSEEN_TEMPLATES = {  # a second workload of the ServiceAccount's cluster, without the pod label, partly encrypted
    "whole spec": {"metadata": {"name": "d2", "namespace": "orders"}, "spec": CIPHER},
    "pod template": {"metadata": {"name": "d2", "namespace": "orders"}, "spec": {"template": CIPHER}},
    "pod spec": {"metadata": {"name": "d2", "namespace": "orders"}, "spec": {"template": {"spec": CIPHER}}},
    "ServiceAccount name": {"metadata": {"name": "d2", "namespace": "orders"},
                            "spec": {"template": {"spec": {"serviceAccountName": CIPHER}}}},
    "pod labels": {"metadata": {"name": "d2", "namespace": "orders"},
                   "spec": {"template": {"metadata": {"labels": CIPHER}, "spec": {"serviceAccountName": "api"}}}},
    "namespace": {"metadata": {"name": "d2", "namespace": CIPHER},
                  "spec": {"template": {"spec": {"serviceAccountName": "api"}}}},
    "metadata": {"metadata": CIPHER, "spec": {"template": {"spec": {"serviceAccountName": "api"}}}},
    "malformed template": {"metadata": {"name": "d2", "namespace": "orders"}, "spec": {"template": "x"}},
    "ServiceAccount name known only after deploy": {
        "metadata": {"name": "d2", "namespace": "orders"},
        "spec": {"template": {"spec": {"serviceAccountName": "<name of sa2, known after deploy>"}}}},
    "namespace known only after deploy": {
        "metadata": {"name": "d2", "namespace": "<name of ns, known after deploy>"},
        "spec": {"template": {"spec": {"serviceAccountName": "api"}}}},
}


@pytest.mark.parametrize("make", [irsa_stack, aks_stack, gke_stack])
@pytest.mark.parametrize("unseen", sorted(UNSEEN_TEMPLATES))
def test_a_workload_the_file_does_not_show_is_never_passed_over(make, unseen):
    # GIVEN a good chain and another workload in its cluster whose ServiceAccount, namespace or labels are not readable
    stack = make()
    ref = _find(stack, "sa")["provider"]
    stack.append(_res("kubernetes:apps/v1:Deployment", "d2", copy.deepcopy(UNSEEN_TEMPLATES[unseen]), provider=ref))
    # THEN verify does not crash; AKS (whose pods need the label) is UNVERIFIED, not PASS; the others still PASS
    assert _verdicts(stack) == [UNVERIFIED if make is aks_stack else PASS]


def test_a_readable_workload_of_another_service_account_changes_nothing():
    stack = aks_stack()
    stack.append(_res("kubernetes:apps/v1:Deployment", "d2", {"metadata": {"name": "d2", "namespace": "orders"},
                 "spec": {"template": {"spec": {"serviceAccountName": "web"}}}}, provider=_find(stack, "sa")["provider"]))
    assert _verdicts(stack) == [PASS]


@pytest.mark.parametrize("value", [0, True, ["true"], "false"])
def test_a_pod_label_of_another_value_than_true_fails(value):
    # GIVEN the AKS chain's workload with the use label set to something else than the string "true"
    stack = aks_stack()
    _find(stack, "deploy")["outputs"]["spec"]["template"]["metadata"]["labels"] = {"azure.workload.identity/use": value}
    # THEN it is judged (FAIL), not taken for unreadable
    assert _verdicts(stack) == [FAIL]
