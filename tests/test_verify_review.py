"""Adversarial review of ``pulumi-wid verify``: stacks a security reviewer expects to FAIL or be
UNVERIFIED (never PASS), and the rewrites that keep the meaning and must still PASS.

Each case is one change to the good stacks of ``test_verify_mutants`` (their clusters are tied
to the ServiceAccounts through the Kubernetes provider, so PASS is provable there)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from pulumi_wid.verify import FAIL, PASS, UNVERIFIED, verify_resources
from pulumi_wid.verify.iam import condition_holds
from pulumi_wid.verify.state import parse_deployment

# the good stacks and their helpers (tests are not a package: --import-mode=importlib)
_spec = importlib.util.spec_from_file_location("_verify_mutants", Path(__file__).with_name("test_verify_mutants.py"))
mutants = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mutants)
ISSUER, PROVIDER_ARN, ROLE_ARN = mutants.ISSUER, mutants.PROVIDER_ARN, mutants.ROLE_ARN
_cond, _find, _res, irsa_stack = mutants._cond, mutants._find, mutants._res, mutants.irsa_stack

SUB = "system:serviceaccount:orders:api"
WEB = {"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity", "Principal": {"Federated": PROVIDER_ARN}}


def _chains(stack: list[dict]):
    return verify_resources(parse_deployment({"resources": stack}, "test"))


def _verdicts(stack: list[dict]) -> list[str]:
    return [c.status for c in _chains(stack)]


def _with_trust(edit) -> list[dict]:
    stack = irsa_stack()
    role = _find(stack, "role")["outputs"]
    trust = json.loads(role["assumeRolePolicy"])
    edit(trust)
    role["assumeRolePolicy"] = json.dumps(trust)
    return stack


# -- IAM semantics ------------------------------------------------------------------------------

def test_a_broad_statement_gated_by_a_global_key_every_request_carries_is_not_refused():
    # GIVEN the exact statement, and a second one for every ServiceAccount of the cluster, gated
    # only by aws:RequestedRegion, which AWS puts in every request context
    stack = _with_trust(lambda t: t["Statement"].append({**WEB, "Condition": {
        "StringLike": {f"{ISSUER}:sub": "system:serviceaccount:*"},
        "StringEquals": {"aws:RequestedRegion": "us-east-1"}}}))
    # WHEN verified THEN another ServiceAccount may be accepted: never PASS
    chain, = _chains(stack)
    assert chain.status == FAIL
    accepted = [p for p in chain.probes if p.accepted]
    assert accepted and all("statement 1" in p.by for p in accepted)


def test_a_global_key_verify_does_not_model_is_unknown_not_absent():
    context = {f"{ISSUER}:sub": SUB}
    assert condition_holds({"StringEquals": {"aws:RequestedRegion": "us-east-1"}}, context)[0] is None
    assert condition_holds({"Null": {"aws:SourceIp": "true"}}, context)[0] is None
    assert condition_holds({"StringNotEqualsIfExists": {"aws:CurrentTime": "x"}}, context)[0] is None
    # keys verify models stay decided: the OIDC claims, and session tags EKS does not set
    assert condition_holds({"StringEquals": {f"{ISSUER}:email": "x"}}, context) == (False, f"{ISSUER}:email is not in the request")
    assert condition_holds({"StringEquals": {"aws:RequestTag/team": "x"}}, context)[0] is False
    assert condition_holds({"StringNotEquals": {"aws:RequestTag/team": "x"}}, context) == (True, "")


def test_a_working_trust_with_an_unevaluated_global_key_is_unverified_not_fail():
    stack = _with_trust(lambda t: _cond(t).update({"StringEqualsIfExists": {"aws:RequestedRegion": "us-east-1"}}))
    chain, = _chains(stack)
    assert chain.status == UNVERIFIED
    assert [c.name for c in chain.checks if c.status == UNVERIFIED] == [f"token from {ISSUER}"]


def test_for_any_value_on_a_missing_key_is_false_even_with_a_negated_operator():
    # IAM: ForAnyValue over an absent key is an empty set, so no value satisfies it
    assert condition_holds({"ForAnyValue:StringNotEquals": {f"{ISSUER}:amr": "x"}}, {f"{ISSUER}:sub": SUB})[0] is False
    assert condition_holds({"ForAnyValue:StringEquals": {f"{ISSUER}:amr": "x"}}, {f"{ISSUER}:sub": SUB})[0] is False
    assert condition_holds({"ForAllValues:StringNotEquals": {f"{ISSUER}:amr": "x"}}, {f"{ISSUER}:sub": SUB}) == (True, "")
    assert condition_holds({"ForAnyValue:StringNotEqualsIfExists": {f"{ISSUER}:amr": "x"}}, {})[0] is True
    # at least one value outside the list
    assert condition_holds({"ForAnyValue:StringNotEquals": {"k": ["a"]}}, {"k": ["a", "b"]})[0] is True
    assert condition_holds({"ForAnyValue:StringNotEquals": {"k": ["a", "b"]}}, {"k": ["a", "b"]})[0] is False


def test_a_deny_that_never_applies_does_not_hide_a_broad_allow():
    # GIVEN every ServiceAccount allowed, and a Deny for all but orders/api that IAM never applies
    # (its ForAnyValue condition is on a claim EKS tokens do not carry)
    def edit(trust):
        _cond(trust).pop("StringEquals")
        _cond(trust)["StringLike"] = {f"{ISSUER}:sub": "system:serviceaccount:*", f"{ISSUER}:aud": "sts.amazonaws.com"}
        trust["Statement"].append({"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRoleWithWebIdentity",
                                   "Condition": {"StringNotEquals": {f"{ISSUER}:sub": SUB},
                                                 "ForAnyValue:StringNotEquals": {f"{ISSUER}:amr": "x"}}})
    assert _verdicts(_with_trust(edit)) == [FAIL]
    # the same Deny without the inert condition does keep the others out
    def working(trust):
        edit(trust)
        trust["Statement"][1]["Condition"].pop("ForAnyValue:StringNotEquals")
    assert _verdicts(_with_trust(working)) == [PASS]


# -- EKS Pod Identity --------------------------------------------------------------------------

CLUSTER_ARN = "arn:aws:eks:us-east-1:111122223333:cluster/prod"
TARGET_ARN = "arn:aws:iam::999999999999:role/orders-data"


def pod_identity_stack(*extra: dict, **association: object) -> list[dict]:
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"},
        "Action": ["sts:AssumeRole", "sts:TagSession"],
        "Condition": {"StringEquals": {"aws:SourceArn": CLUSTER_ARN, "aws:SourceAccount": "111122223333"}}}]}
    return [
        _res("aws:eks/cluster:Cluster", "eks", {"name": "prod", "arn": CLUSTER_ARN}),
        _res("aws:eks/addon:Addon", "agent", {"addonName": "eks-pod-identity-agent", "clusterName": "prod"}),
        _res("aws:iam/role:Role", "role", {"arn": ROLE_ARN, "name": "orders-api", "assumeRolePolicy": json.dumps(trust)}),
        _res("aws:eks/podIdentityAssociation:PodIdentityAssociation", "assoc", {
            "clusterName": "prod", "namespace": "orders", "serviceAccount": "api", "roleArn": ROLE_ARN, **association}),
        *extra,
    ]


def _target(principal: object) -> list[dict]:
    trust = {"Statement": [{"Effect": "Allow", "Principal": principal, "Action": ["sts:AssumeRole", "sts:TagSession"]}]}
    return [
        _res("aws:iam/role:Role", "target", {"arn": TARGET_ARN, "assumeRolePolicy": json.dumps(trust)}),
        _res("aws:iam/rolePolicy:RolePolicy", "hop", {"role": "orders-api", "policy": json.dumps({"Statement": [
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": TARGET_ARN}]})}),
    ]


def test_pod_identity_stack_passes():
    assert _verdicts(pod_identity_stack()) == [PASS]
    assert _verdicts(pod_identity_stack(*_target({"AWS": ROLE_ARN}), targetRoleArn=TARGET_ARN)) == [PASS]


def test_a_target_role_that_trusts_other_principals_fails():
    # GIVEN a cross-account target role whose trust also lets anyone (or another account) assume it
    for principal in ({"AWS": "*"}, {"AWS": [ROLE_ARN, "arn:aws:iam::444455556666:root"]}, "*"):
        chain, = _chains(pod_identity_stack(*_target(principal), targetRoleArn=TARGET_ARN))
        # THEN the chain FAILs and names the target role's statement
        assert chain.status == FAIL, principal
        assert [p.description for p in chain.probes if p.accepted] == [f"another principal than {ROLE_ARN} on the target role"]


def test_another_association_of_the_role_for_another_service_account_fails_in_any_cluster():
    # GIVEN the role also associated with kube-system/default of another cluster
    other = _res("aws:eks/podIdentityAssociation:PodIdentityAssociation", "assoc-dev", {
        "clusterName": "dev", "namespace": "kube-system", "serviceAccount": "default", "roleArn": ROLE_ARN})
    chains = {c.name: c for c in _chains(pod_identity_stack(other))}
    # THEN the prod chain names the association that lets another ServiceAccount in
    accepted = [(p.description, p.by) for p in chains["assoc"].probes if p.accepted]
    assert accepted == [("kube-system/default on cluster dev (another association of the role)",
                         "PodIdentityAssociation 'assoc-dev'")]
    # and in the same cluster, another namespace (the synthetic probes alone never named it)
    staging = _res("aws:eks/podIdentityAssociation:PodIdentityAssociation", "assoc-staging", {
        "clusterName": "prod", "namespace": "staging", "serviceAccount": "api", "roleArn": ROLE_ARN})
    assert [p.description for p in {c.name: c for c in _chains(pod_identity_stack(staging))}["assoc"].probes
            if p.accepted] == ["staging/api on cluster prod (another association of the role)"]
    # the same ServiceAccount on another cluster is the multi-cluster feature, not a way in
    same = _res("aws:eks/podIdentityAssociation:PodIdentityAssociation", "assoc-dev", {
        "clusterName": "dev", "namespace": "orders", "serviceAccount": "api", "roleArn": ROLE_ARN})
    assert not any(p.accepted for p in {c.name: c for c in _chains(pod_identity_stack(same))}["assoc"].probes)


# -- GKE ---------------------------------------------------------------------------------------

POOL, EMAIL = mutants.POOL, mutants.EMAIL
GSA_ID = f"projects/shop-prod/serviceAccounts/{EMAIL}"
ENCRYPTED = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "ciphertext": "AAAA"}


def _grant(kind: str, name: str, **fields: object) -> dict:
    return _res(f"gcp:serviceaccount/{kind}:{kind}", name, {"serviceAccountId": GSA_ID, **fields})


def test_token_creator_on_the_gsa_for_other_service_accounts_fails():
    # GIVEN the exact workloadIdentityUser grant, and the Token Creator role on the same GSA, which
    # also mints its access tokens (https://cloud.google.com/iam/docs/service-account-permissions)
    for member in (f"principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/{POOL}/*",
                   f"serviceAccount:{POOL}[staging/api]"):
        stack = [*mutants.gke_stack(), _grant("IAMMember", "tc", role="roles/iam.serviceAccountTokenCreator", member=member)]
        chain, = _chains(stack)
        # THEN another ServiceAccount can impersonate the GSA: FAIL naming the grant
        assert chain.status == FAIL, member
        assert {p.by for p in chain.probes if p.accepted} == {"IAMMember 'tc'"}
    # a Token Creator grant to a Google group leaves the chain alone
    stack = [*mutants.gke_stack(), _grant("IAMMember", "tc", role="roles/iam.serviceAccountTokenCreator",
                                          member="group:ops@example.com")]
    assert _verdicts(stack) == [PASS]


def test_grants_on_the_gsa_the_file_does_not_decrypt_are_unverified():
    # GIVEN a second grant on the GSA whose members (or one of them) are encrypted in the file
    for grant in (_grant("IAMBinding", "b", role="roles/iam.workloadIdentityUser", members=ENCRYPTED),
                  _grant("IAMBinding", "b", role="roles/iam.workloadIdentityUser",
                         members=[f"serviceAccount:{POOL}[orders/api]", ENCRYPTED]),
                  _grant("IAMMember", "b", role="roles/iam.workloadIdentityUser", member=ENCRYPTED),
                  _grant("IAMPolicy", "b", policyData=ENCRYPTED)):
        chain, = _chains([*mutants.gke_stack(), grant])
        # THEN whom it admits cannot be seen: UNVERIFIED, never PASS
        assert chain.status == UNVERIFIED, grant
        assert [c.name for c in chain.checks if c.status == UNVERIFIED] == [f"grants of {grant['type'].rsplit(':', 1)[-1]} 'b'"]


def test_a_condition_on_an_iam_policy_binding_is_judged():
    # GIVEN the only workloadIdentityUser grant in an authoritative policy, its binding expired
    stack = [r for r in mutants.gke_stack() if not r["urn"].endswith("::wiu")]
    binding = {"role": "roles/iam.workloadIdentityUser", "members": [f"serviceAccount:{POOL}[orders/api]"],
               "condition": {"title": "t", "expression": 'request.time < timestamp("2020-01-01T00:00:00Z")'}}
    policy = _grant("IAMPolicy", "p", policyData=json.dumps({"bindings": [binding]}))
    chain, = _chains([*stack, policy])
    assert chain.status == FAIL
    assert "its condition expired at 2020-01-01T00:00:00Z" in " ".join(chain.reasons())
    binding["condition"]["expression"] = "resource.name.startsWith('x')"
    policy["outputs"]["policyData"] = json.dumps({"bindings": [binding]})
    assert _verdicts([*stack, policy]) == [UNVERIFIED]
    del binding["condition"]
    policy["outputs"]["policyData"] = json.dumps({"bindings": [binding]})
    assert _verdicts([*stack, policy]) == [PASS]


# -- state: what is deployed ---------------------------------------------------------------------

def test_a_setting_the_deployed_outputs_hold_as_null_is_off_whatever_the_inputs_ask():
    # GIVEN (after `pulumi refresh`) a GKE cluster whose deployed workloadIdentityConfig is null,
    # though the program's inputs still set the pool
    stack = mutants.gke_stack()
    gke = _find(stack, "gke")
    gke["inputs"] = {"workloadIdentityConfig": {"workloadPool": POOL}}
    gke["outputs"]["workloadIdentityConfig"] = None
    chain, = _chains(stack)
    # THEN workload identity is off on the deployed cluster: FAIL, and the drift is noted
    assert chain.status == FAIL
    assert "has no workloadIdentityConfig.workloadPool" in " ".join(chain.reasons())
    # the same for an AKS cluster whose deployed OIDC issuer profile is null
    stack = mutants.aks_stack()
    aks = _find(stack, "aks")
    aks["inputs"] = {"oidcIssuerProfile": {"enabled": True, "issuerURL": mutants.AKS_ISSUER}}
    aks["outputs"]["oidcIssuerProfile"] = None
    assert _verdicts(stack) == [FAIL]
    # an input the outputs do not record at all is still read
    stack = mutants.gke_stack()
    gke = _find(stack, "gke")
    gke["inputs"] = {"workloadIdentityConfig": gke["outputs"].pop("workloadIdentityConfig")}
    assert _verdicts(stack) == [PASS]


def test_drift_to_null_is_noted():
    stack = mutants.irsa_stack()
    role = _find(stack, "role")
    role["inputs"] = {"assumeRolePolicy": role["outputs"]["assumeRolePolicy"]}
    role["outputs"]["assumeRolePolicy"] = None
    chain, = _chains(stack)
    assert chain.status == FAIL
    assert any("the deployed assumeRolePolicy differs" in n for n in chain.notes)


# -- cluster placement -----------------------------------------------------------------------------

def test_a_service_account_in_the_encrypted_default_namespace_of_its_provider_is_unverified():
    # GIVEN a ServiceAccount without a namespace, on a provider whose namespace is encrypted,
    # and a trust for default/api (where verify would otherwise assume it lives)
    stack = mutants.irsa_stack()
    del _find(stack, "sa")["outputs"]["metadata"]["namespace"]
    _find(stack, "k8s")["inputs"]["namespace"] = ENCRYPTED
    role = _find(stack, "role")["outputs"]
    role["assumeRolePolicy"] = role["assumeRolePolicy"].replace(SUB, "system:serviceaccount:default:api")
    chain, = _chains(stack)
    assert chain.status == UNVERIFIED
    assert chain.reasons() == ["ServiceAccount: ServiceAccount 'sa': the namespace is encrypted in this file"]
    _find(stack, "k8s")["inputs"]["namespace"] = "default"
    assert _verdicts(stack) == [PASS]


def test_a_kubeconfig_names_a_cluster_only_as_a_whole_name():
    # GIVEN a provider built from a kubeconfig string for cluster prod-eu (not in the stack) and
    # the stack's cluster prod, whose name is a prefix of it
    stack = mutants.irsa_stack()
    provider = _find(stack, "k8s")
    provider["dependencies"] = []
    provider["inputs"]["kubeconfig"] = ("apiVersion: v1\nclusters:\n- name: prod-eu\ncontexts: []\nusers:\n- name: aws\n"
                                        "  user: {exec: {command: aws, args: [eks, get-token, --cluster-name, prod-eu]}}\n")
    # THEN the ServiceAccount is not shown on prod: it can FAIL but not PASS
    chain, = _chains(stack)
    assert chain.status == UNVERIFIED
    assert "not tied to a cluster of this stack" in " ".join(chain.reasons())
    # the kubeconfig of prod itself (here in a GKE-style context name) still places it
    provider["inputs"]["kubeconfig"] = provider["inputs"]["kubeconfig"].replace("prod-eu", "prod").replace(
        "- name: prod\n", "- name: gke_shop_us-east1_prod\n")
    assert _verdicts(stack) == [PASS]
