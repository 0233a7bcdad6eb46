"""verify judges the cross-cloud and CI chains: the built stacks PASS, one-change mutants FAIL."""

import json
from types import SimpleNamespace

import pytest

from pulumi_wid import AwsFederatedRole, AzureFederatedIdentity, GcpFederatedPrincipal
from pulumi_wid.verify import FAIL, PASS, Facts, from_plan, verify_resources
from pulumi_wid.verify.federation import cel_admits

EKS = "https://oidc.eks.us-east-1.amazonaws.com/id/ABC"
AKS = "https://eastus.oic.prod-aks.azure.com/11111111-1111-1111-1111-111111111111/22222222-2222-2222-2222-222222222222/"
POD = {"identity": {"namespace": "apps", "service_account": "api"}}
CI = [{"provider": "github_actions", "repository": "octo-org/deploy", "branch": "main"}]
GCP = {"project": "shop-prod", "project_number": "123456789012", "roles": ["roles/storage.objectViewer"]}


def stack(wid_mocks, build):
    wid_mocks.run(build)
    return from_plan(SimpleNamespace(resources=wid_mocks.resources, component_outputs=wid_mocks.component_outputs))


def one(resources, facts=None):
    chains = verify_resources(resources, facts)
    assert len(chains) == 1, [(c.cloud, c.kind, c.name) for c in chains]
    return chains[0]


def res(resources, token):
    return next(r for r in resources if r.type == token)


BUILDS = {
    "aws-pod": lambda: AwsFederatedRole("x", {**POD, "oidc_issuer_url": AKS}),
    "aws-ci": lambda: AwsFederatedRole("x", {"ci": CI}),
    "azure-pod": lambda: AzureFederatedIdentity("x", {**POD, "oidc_issuer_url": EKS, "resource_group_name": "rg"}),
    "azure-ci": lambda: AzureFederatedIdentity("x", {"ci": CI, "resource_group_name": "rg"}),
    "gcp-pod": lambda: GcpFederatedPrincipal("x", {**POD, "oidc_issuer_url": EKS, **GCP}),
    "gcp-ci": lambda: GcpFederatedPrincipal("x", {"ci": CI, **GCP}),
}


@pytest.mark.parametrize("direction", sorted(BUILDS))
def test_built_chains_pass_with_probes_refused(wid_mocks, direction):
    chain = one(stack(wid_mocks, BUILDS[direction]))
    assert chain.status == PASS, chain.reasons()
    descriptions = {p.description for p in chain.probes}
    assert {"another cluster's issuer (same subject)", "another audience"} <= descriptions
    assert ({"another repository", "another branch", "a pull request"} <= descriptions) == direction.endswith("ci")
    assert ({"api in namespace other-namespace", "other-service-account in namespace apps"} <= descriptions) == \
        direction.endswith("pod")
    assert not any(p.accepted for p in chain.probes)


def test_aws_ci_trust_with_a_wildcard_sub_fails_by_probe(wid_mocks):
    resources = stack(wid_mocks, BUILDS["aws-ci"])
    role = res(resources, "aws:iam/role:Role")
    trust = json.loads(role.outputs["assumeRolePolicy"])
    cond = trust["Statement"][0]["Condition"]
    cond["StringLike"] = {"token.actions.githubusercontent.com:sub": "repo:octo-org/deploy:*"}
    del cond["StringEquals"]["token.actions.githubusercontent.com:sub"]
    role.outputs["assumeRolePolicy"] = json.dumps(trust)
    chain = one(resources)
    assert chain.status == FAIL
    assert {p.description for p in chain.probes if p.accepted} == {"another branch", "a pull request"}


def test_aws_ci_trust_without_sub_fails(wid_mocks):
    resources = stack(wid_mocks, BUILDS["aws-ci"])
    role = res(resources, "aws:iam/role:Role")
    trust = json.loads(role.outputs["assumeRolePolicy"])
    del trust["Statement"][0]["Condition"]["StringEquals"]["token.actions.githubusercontent.com:sub"]
    role.outputs["assumeRolePolicy"] = json.dumps(trust)
    role.parent = ""  # written by hand: judged as a CI role, not through the component
    chains = [c for c in verify_resources(resources) if c.cloud == "aws" and c.kind == "ci" and c.name == role.name]
    assert chains and chains[0].status == FAIL and "without a :sub condition" in " ".join(chains[0].reasons())


def test_gcp_provider_without_condition_admits_other_namespaces(wid_mocks):
    resources = stack(wid_mocks, BUILDS["gcp-pod"])
    provider = res(resources, "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider")
    provider.outputs["attributeCondition"] = None
    provider.inputs["attributeCondition"] = None
    # the grant still names one principal: another namespace gets no access, so the chain holds
    assert one(resources).status == PASS
    # ... but a grant to the whole pool (principalSet) lets every subject of the issuer in
    grant = res(resources, "gcp:projects/iAMMember:IAMMember")
    grant.outputs["member"] = ("principalSet://iam.googleapis.com/projects/123456789012/locations/global/"
                               "workloadIdentityPools/wid-apps-api/*")
    chain = one(resources)
    assert chain.status == FAIL
    assert "api in namespace other-namespace" in {p.description for p in chain.probes if p.accepted}


@pytest.mark.parametrize("mutate,reason", [
    (lambda p: p.outputs["oidc"].update(issuerUri=AKS), "is refused"),
    (lambda p: p.outputs["oidc"].update(allowedAudiences=["sts.amazonaws.com"]), "is refused"),
    (lambda p: p.outputs.update(attributeMapping={"google.subject": "assertion.aud"}), "is refused"),
    (lambda p: p.outputs.update(attributeCondition='assertion.sub == "system:serviceaccount:apps:other"'), "is refused"),
])
def test_gcp_pool_mutants_fail(wid_mocks, mutate, reason):
    resources = stack(wid_mocks, BUILDS["gcp-pod"])
    mutate(res(resources, "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider"))
    chain = one(resources)
    assert chain.status == FAIL and reason in " ".join(chain.reasons())


def test_gcp_credential_with_a_project_id_fails(wid_mocks):
    resources = stack(wid_mocks, BUILDS["gcp-pod"])
    component = res(resources, "wid:index:GcpFederatedPrincipal")
    config = json.loads(component.outputs["credential_configuration"])
    config["audience"] = config["audience"].replace("123456789012", "shop-prod")
    component.outputs["credential_configuration"] = json.dumps(config)
    chain = one(resources)
    assert chain.status == FAIL and "credential audience" in " ".join(chain.reasons())


def test_azure_fic_of_another_subject_fails(wid_mocks):
    resources = stack(wid_mocks, BUILDS["azure-pod"])
    res(resources, "azure-native:managedidentity:FederatedIdentityCredential").outputs["subject"] = \
        "system:serviceaccount:apps:other"
    assert one(resources).status == FAIL


def test_pod_side_mutants_fail(wid_mocks):
    resources = stack(wid_mocks, BUILDS["aws-pod"])
    component = res(resources, "wid:index:AwsFederatedRole")
    patch = component.outputs["pod_template_patch"]
    patch["spec"]["volumes"][0]["projected"]["sources"][0]["serviceAccountToken"]["audience"] = "api://AzureADTokenExchange"
    chain = one(resources)
    assert chain.status == FAIL and "projected token audience" in " ".join(chain.reasons())


def test_pinned_issuer_of_another_cluster_fails(wid_mocks):
    resources = stack(wid_mocks, BUILDS["azure-pod"])
    assert one(resources, Facts(issuers=[EKS])).status == PASS
    assert one(resources, Facts(issuers=[AKS])).status == FAIL


def test_cel_subset():
    assert cel_admits('assertion.sub == "a"', "a") is True
    assert cel_admits('assertion.sub == "a"', "b") is False
    assert cel_admits('assertion.sub in ["a", "b"]', "b") is True
    assert cel_admits("assertion.repository_owner == 'octo-org'", "a") is None  # not evaluated offline
    assert cel_admits(None, "anything") is True


def test_aws_trust_for_an_issuer_ending_in_slash_needs_the_slash_in_its_keys(wid_mocks):
    # IAM's condition keys are the provider's name as registered, trailing '/' included
    # (oidc-provider/auth.mozilla.auth0.com/ -> auth.mozilla.auth0.com/:aud): keys without it never match.
    # GIVEN the built AKS -> AWS chain THEN it passes with keys ending in '/:sub' and '/:aud'
    resources = stack(wid_mocks, BUILDS["aws-pod"])
    role = res(resources, "aws:iam/role:Role")
    trust = json.loads(role.outputs["assumeRolePolicy"])
    host = AKS.removeprefix("https://")
    assert set(trust["Statement"][0]["Condition"]["StringEquals"]) == {f"{host}:sub", f"{host}:aud"}
    assert one(resources).status == PASS
    # WHEN the keys lose the slash THEN no token matches them: FAIL
    trust["Statement"][0]["Condition"]["StringEquals"] = {
        f"{host.rstrip('/')}:{claim}": value
        for claim, value in (("sub", "system:serviceaccount:apps:api"), ("aud", "sts.amazonaws.com"))}
    role.outputs["assumeRolePolicy"] = json.dumps(trust)
    assert one(resources).status == FAIL
