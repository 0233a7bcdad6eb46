"""The CrossGuard rules: silent on this package's own resources, loud (with a fix) on bad ones.

``pulumi_policy.PolicyPack(...)`` starts the analyzer's gRPC server and never
returns, so it is not constructed in-process here: the policies and their
handlers are tested directly, and one test runs ``policy/__main__.py`` as the
engine would and talks to it over gRPC.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pulumi_policy import EnforcementLevel, ResourceValidationPolicy
from pulumi_policy.proxy import UNKNOWN_ARRAY_VALUE, UNKNOWN_STRING_VALUE, unknown_checking_proxy

from pulumi_wid import AksFederatedIdentity, EksPodIdentity, GkeWorkloadIdentity
from pulumi_wid import policies as pol

ROOT = Path(__file__).resolve().parents[2]
ISSUER = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
PROVIDER = f"arn:aws:iam::111122223333:oidc-provider/{ISSUER}"
AKS_ISSUER = "https://eastus.oic.prod-aks.azure.com/11111111-1111-1111-1111-111111111111/6d4a1b0c-5f0e-4a42-9d0a-0b7c9e6f1a2b/"
SUB = "00000000-0000-0000-0000-000000000000"
ACCOUNT = f"/subscriptions/{SUB}/resourceGroups/data/providers/Microsoft.Storage/storageAccounts/appdata"
RULE_NAMES = {rule.name for rule in pol.RULES}


def identity(**extra):
    return {"namespace": "apps", "service_account": "api", **extra}


# -- this package's own resources pass every rule -------------------------------------
def _program():
    EksPodIdentity("pod", {
        "identity": identity(), "cluster_name": "prod",
        "policy_statements": [
            {"Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::data/*"]},
            {"Action": ["sts:GetCallerIdentity"], "Resource": "*"},
        ],
    })
    EksPodIdentity("cross", {"identity": identity(service_account="worker"), "cluster_name": "prod",
                             "target_role_arn": "arn:aws:iam::444455556666:role/data"})
    EksPodIdentity("irsa", {"identity": identity(service_account="batch"), "cluster_name": "prod", "mode": "irsa",
                            "oidc_provider_arn": PROVIDER,
                            "irsa_subject_patterns": ["system:serviceaccount:apps:batch-*"], "allow_wildcards": True})
    EksPodIdentity("lookup", {"identity": identity(service_account="cron"), "cluster_name": "prod", "mode": "irsa"})
    AksFederatedIdentity("aks", {"identity": identity(), "resource_group_name": "workloads",
                                 "oidc_issuer_url": AKS_ISSUER,
                                 "role_assignments": [{"role": "Storage Blob Data Reader", "scope": ACCOUNT}]})
    GkeWorkloadIdentity("gke", {"identity": identity(), "project": "my-project", "roles": ["roles/cloudtrace.agent"],
                                "bindings": [{"role": "roles/storage.objectViewer", "resource_type": "storage_bucket",
                                              "resource": "data"}]})
    GkeWorkloadIdentity("direct", {"identity": identity(service_account="reader"), "project": "my-project",
                                   "mode": "direct", "project_number": "123456789012",
                                   "roles": ["roles/cloudtrace.agent"]})


def test_resources_of_this_package_pass_every_rule(wid_mocks):
    wid_mocks.run(_program)
    types = set(wid_mocks.types())
    # the rules had something to look at: trusts, permissions, FICs, grants
    for token in ("aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy", "aws:eks/podIdentityAssociation:PodIdentityAssociation",
                  "azure-native:managedidentity:FederatedIdentityCredential", "azure-native:authorization:RoleAssignment",
                  "gcp:serviceaccount/iAMMember:IAMMember", "gcp:projects/iAMMember:IAMMember"):
        assert token in types, token
    trusts = [json.loads(r.inputs["assumeRolePolicy"]) for r in wid_mocks.of_type("aws:iam/role:Role")]
    assert any("StringLike" in s.get("Condition", {}) for t in trusts for s in t["Statement"])
    for record in wid_mocks.resources:
        assert pol.check(record.type, record.inputs) == [], (record.type, record.name)
        for rule in pol.RULES:  # each validate function on its own, too
            assert rule.validate(record.type, pol.plain(record.inputs)) == []


# -- hand-written bad resources: each rule fires, with the fix -----------------------
def trust(statement, as_string=True):
    doc = {"Version": "2012-10-17", "Statement": [statement]}
    return {"assumeRolePolicy": json.dumps(doc) if as_string else doc}


def irsa(condition):
    return {"Effect": "Allow", "Principal": {"Federated": PROVIDER}, "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": condition}


ROLE = "aws:iam/role:Role"
FIC = "azure-native:managedidentity:FederatedIdentityCredential"
GSA_MEMBER = "gcp:serviceaccount/iAMMember:IAMMember"
GOOD_MEMBER = "serviceAccount:my-project.svc.id.goog[apps/api]"
GOOD_FIC = {"issuer": AKS_ISSUER, "subject": "system:serviceaccount:apps:api", "audiences": ["api://AzureADTokenExchange"],
            "resourceGroupName": "rg", "resourceName": "id"}

BAD = [
    # (rule, type, props, words the message must hold)
    ("wid-irsa-trust-pins-subject", ROLE, trust(irsa({"StringEquals": {f"{ISSUER}:aud": "sts.amazonaws.com"}})),
     [f"'{ISSUER}:sub'", "every pod of the cluster", f'"{ISSUER}:sub": "system:serviceaccount:<namespace>:<serviceaccount>"']),
    ("wid-irsa-trust-pins-subject", ROLE,
     trust(irsa({"StringEquals": {f"{ISSUER}:sub": "system:serviceaccount:apps:api"}}), as_string=False),
     [f"'{ISSUER}:aud'", "other audiences", '"sts.amazonaws.com"']),
    ("wid-irsa-trust-pins-subject", ROLE, trust({**irsa({}), "Condition": None}), ["sub' and '", "aud'"]),
    # a negated operator does not pin anything
    ("wid-irsa-trust-pins-subject", ROLE,
     trust(irsa({"StringNotEquals": {f"{ISSUER}:sub": "system:serviceaccount:x:y", f"{ISSUER}:aud": "z"}})), ["sub"]),
    # sts:AssumeRoleWithWebIdentity reached through wildcards or NotAction
    ("wid-irsa-trust-pins-subject", ROLE,
     trust({**irsa({"StringEquals": {f"{ISSUER}:aud": "sts.amazonaws.com"}}), "Action": "sts:*"}),
     [f"'{ISSUER}:sub'", "every pod of the cluster"]),
    ("wid-irsa-trust-pins-subject", ROLE,
     trust({**irsa({"StringEquals": {f"{ISSUER}:aud": "sts.amazonaws.com"}}), "Action": ["sts:TagSession", "*"]}),
     [f"'{ISSUER}:sub'"]),
    ("wid-irsa-trust-pins-subject", ROLE,
     trust({"Effect": "Allow", "Principal": {"Federated": PROVIDER}, "NotAction": "sts:AssumeRole",
            "Condition": {"StringEquals": {f"{ISSUER}:aud": "sts.amazonaws.com"}}}),
     [f"'{ISSUER}:sub'", "every pod of the cluster"]),
    # Principal '*': any federated identity, whatever the conditions name
    ("wid-irsa-trust-pins-subject", ROLE,
     trust({**irsa({"StringEquals": {f"{ISSUER}:sub": "system:serviceaccount:apps:api", f"{ISSUER}:aud": "sts.amazonaws.com"}}),
            "Principal": "*"}),
     ["Principal '*'", "any identity provider", '"Principal": {"Federated": "arn:aws:iam::<account>:oidc-provider/<issuer>"}']),
    ("wid-irsa-trust-pins-subject", ROLE,
     trust({"Effect": "Allow", "Principal": {"Federated": "*"}, "Action": "sts:AssumeRoleWithWebIdentity"}),
     ["Principal '*'"]),
    ("wid-irsa-trust-pins-subject", "aws-native:iam:Role",
     {"assumeRolePolicyDocument": {"Statement": irsa({"StringEquals": {f"{ISSUER}:aud": "sts.amazonaws.com"}})}}, ["sub"]),
    # a foreign issuer's provider (CI, AKS, GKE, any cluster): without :sub every token the issuer mints is
    # accepted, e.g. every GitHub repository's workflows (issue 16: the policy pack proves these chains too)
    ("wid-irsa-trust-pins-subject", ROLE,
     trust({**irsa({"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}),
            "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"}}),
     ["'token.actions.githubusercontent.com:sub'", "every token the issuer mints",
      '"token.actions.githubusercontent.com:sub": "<the exact subject>"']),
    ("wid-irsa-trust-pins-subject", ROLE,
     trust({"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
            "Principal": {"Federated": f"arn:aws:iam::111122223333:oidc-provider/{AKS_ISSUER.removeprefix('https://')}"},
            "Condition": {"StringEquals": {f"{AKS_ISSUER.removeprefix('https://')}:sub": "system:serviceaccount:apps:api"}}}),
     [f"'{AKS_ISSUER.removeprefix('https://')}:aud'", "other audiences"]),
    ("wid-trust-subject-namespace-exact", ROLE,
     trust(irsa({"StringEquals": {f"{ISSUER}:aud": "sts.amazonaws.com"},
                 "StringLike": {f"{ISSUER}:sub": "system:serviceaccount:*:api"}})),
     ["'system:serviceaccount:*:api'", "every namespace", "system:serviceaccount:<namespace>:<serviceaccount>"]),
    ("wid-trust-subject-namespace-exact", ROLE,
     trust(irsa({"StringEquals": {f"{ISSUER}:aud": "sts.amazonaws.com"},
                 "StringLike": {f"{ISSUER}:sub": ["system:serviceaccount:apps:api", "system:serviceaccount:*"]}})),
     ["'system:serviceaccount:*'"]),
    ("wid-azure-fic-exact", FIC, {**GOOD_FIC, "audiences": ["api://AzureADTokenExchange", "https://example.com"]},
     ["audiences=[\"api://AzureADTokenExchange\"] exactly"]),
    ("wid-azure-fic-exact", FIC, {**GOOD_FIC, "audiences": ["https://sts.windows.net"]}, ["audience"]),
    ("wid-azure-fic-exact", "azure-native:managedidentity/v20230131:FederatedIdentityCredential",
     {**GOOD_FIC, "subject": "system:serviceaccount:apps:*"}, ["'system:serviceaccount:apps:*'", "no wildcards"]),
    ("wid-azure-fic-exact", FIC, {**GOOD_FIC, "subject": "repo:org/app:ref:refs/heads/main"},
     ["not one Kubernetes ServiceAccount", "system:serviceaccount:<namespace>:<serviceaccount>"]),
    ("wid-gcp-workload-identity-user-exact", GSA_MEMBER,
     {"serviceAccountId": "projects/p/serviceAccounts/a@p.iam.gserviceaccount.com",
      "role": "roles/iam.workloadIdentityUser", "member": "serviceAccount:my-project.svc.id.goog[apps/*]"},
     ["'serviceAccount:my-project.svc.id.goog[apps/*]'", "serviceAccount:<project>.svc.id.goog[<namespace>/<serviceaccount>]"]),
    ("wid-gcp-workload-identity-user-exact", "gcp:serviceaccount/iAMBinding:IAMBinding",
     {"role": "roles/iam.workloadIdentityUser",
      "members": [GOOD_MEMBER, "principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/my-project.svc.id.goog/namespace/apps"]},
     ["principalSet://", "members"]),
    ("wid-gcp-workload-identity-user-exact", "gcp:serviceaccount/iAMPolicy:IAMPolicy",
     {"policyData": json.dumps({"bindings": [{"role": "roles/iam.workloadIdentityUser",
                                              "members": ["serviceAccount:other@p.iam.gserviceaccount.com"]}]})},
     ["policyData.bindings[0]", "serviceAccount:other@"]),
    ("wid-gcp-workload-identity-user-exact", "gcp:projects/iAMMember:IAMMember",
     {"project": "my-project", "role": "roles/iam.workloadIdentityUser", "member": GOOD_MEMBER},
     ["every service account", "gcp.serviceaccount.IAMMember"]),
    ("wid-no-static-credentials", "aws:iam/accessKey:AccessKey", {"user": "ci"}, ["access key", "EksPodIdentity"]),
    ("wid-no-static-credentials", "gcp:serviceaccount/key:Key", {"serviceAccountId": "a"}, ["GkeWorkloadIdentity"]),
    ("wid-no-static-credentials", "azuread:index/applicationPassword:ApplicationPassword", {"applicationId": "x"},
     ["client secret", "AksFederatedIdentity"]),
    ("wid-no-static-credentials", "azuread:index/servicePrincipalPassword:ServicePrincipalPassword",
     {"servicePrincipalId": "x"}, ["AksFederatedIdentity"]),
    ("wid-pod-identity-trust-tag-session", ROLE,
     trust({"Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"}, "Action": "sts:AssumeRole"}),
     ['"Action": ["sts:AssumeRole", "sts:TagSession"]']),
    ("wid-pod-identity-trust-session-tags", ROLE,
     trust({"Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"}, "Action": ["sts:AssumeRole", "sts:TagSession"],
            "Condition": {"StringEquals": {"aws:RequestTag/kubernetes-namepsace": "apps"}}}),
     ["'kubernetes-namepsace'", "never sets", "pin_trust_to_service_account"]),
    ("wid-gcp-no-basic-roles", "gcp:projects/iAMMember:IAMMember", {"project": "p", "role": "roles/editor", "member": "user:a@b.c"},
     ["roles/editor is a basic role", "predefined role"]),
    ("wid-gcp-no-basic-roles", "gcp:storage/bucketIAMBinding:BucketIAMBinding", {"bucket": "b", "role": "roles/viewer", "members": ["allUsers"]},
     ["roles/viewer"]),
    ("wid-gcp-no-basic-roles", "gcp:secretmanager/secretIamMember:SecretIamMember",
     {"secretId": "db", "role": "roles/owner", "member": "user:a@b.c"}, ["roles/owner"]),
    ("wid-azure-no-owner-contributor", "azure-native:authorization:RoleAssignment",
     {"roleDefinitionId": f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
      "scope": f"/subscriptions/{SUB}", "principalId": "p", "principalType": "ServicePrincipal"},
     ["of Owner", "scoped to the one resource"]),
    ("wid-azure-no-owner-contributor", "azure-native:authorization:RoleAssignment",
     {"roleDefinitionId": f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/B24988AC-6180-42A0-AB88-20F7382DD24C",
      "scope": ACCOUNT}, ["of Contributor"]),
    ("wid-iam-no-wildcards", "aws:iam/rolePolicy:RolePolicy",
     {"role": "r", "policy": json.dumps({"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"}]})},
     ["s3:*", "exact actions"]),
    ("wid-iam-no-wildcards", "aws:iam/policy:Policy",
     {"policy": {"Statement": {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"}}},
     ["s3:GetObject on Resource '*'", "resource ARNs"]),
    ("wid-iam-no-wildcards", ROLE,
     {"assumeRolePolicy": json.dumps({"Statement": []}),
      "inlinePolicies": [{"name": "p", "policy": json.dumps({"Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]})}]},
     ["inlinePolicies[0].policy", "NotAction"]),
]


@pytest.mark.parametrize("rule_name,resource_type,props,words", BAD, ids=[f"{b[0]}-{i}" for i, b in enumerate(BAD)])
def test_each_rule_fires_on_bad_resources_and_says_how_to_fix(rule_name, resource_type, props, words):
    found = pol.check(resource_type, props)
    assert {name for name, _ in found} == {rule_name}, found
    rule = next(r for r in pol.RULES if r.name == rule_name)
    messages = rule.validate(resource_type, pol.plain(props))
    assert messages == [m for n, m in found]
    for message in messages:
        assert "Fix: " in message
        assert message.index("Fix: ") > 20  # what is wrong comes first
    text = " ".join(messages)
    for word in words:
        assert word in text


def test_every_rule_is_exercised_by_a_bad_resource():
    assert {b[0] for b in BAD} == RULE_NAMES


@pytest.mark.parametrize(
    "resource_type,props",
    [
        (ROLE, trust(irsa({"StringEquals": {f"{ISSUER}:sub": "system:serviceaccount:apps:api", f"{ISSUER}:aud": "sts.amazonaws.com"}}))),
        # condition keys are case-insensitive in IAM
        (ROLE, trust(irsa({"StringEquals": {f"{ISSUER}:SUB": "system:serviceaccount:apps:api", f"{ISSUER}:Aud": "sts.amazonaws.com"}}))),
        (ROLE, trust(irsa({"StringEquals": {f"{ISSUER}:aud": "sts.amazonaws.com"},
                           "StringLike": {f"{ISSUER}:sub": "system:serviceaccount:apps:api-*"}}))),
        # a non-EKS web identity (GitHub) keeps its own subjects (its :sub and :aud pinned, as every OIDC trust)
        (ROLE, trust({"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com"},
                      "Action": "sts:AssumeRoleWithWebIdentity",
                      "Condition": {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:org/*"},
                                    "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}})),
        (ROLE, trust({"Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"}, "Action": ["sts:AssumeRole", "sts:TagSession"]})),
        # pinned with the session tags EKS sets (any case), or a negated condition on another tag
        (ROLE, trust({"Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"}, "Action": ["sts:AssumeRole", "sts:TagSession"],
                      "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012",
                                                     "aws:RequestTag/eks-cluster-arn": "arn:aws:eks:us-east-1:123456789012:cluster/p",
                                                     "aws:requesttag/Kubernetes-Namespace": "apps",
                                                     "aws:RequestTag/kubernetes-service-account": "api"},
                                    "StringNotEquals": {"aws:RequestTag/team": "x"}}})),
        # a NotAction that excludes web identity does not grant it; a Deny never grants
        (ROLE, trust({"Effect": "Allow", "Principal": {"Federated": PROVIDER},
                      "NotAction": ["sts:AssumeRoleWithWebIdentity", "sts:AssumeRoleWithSAML"]})),
        (ROLE, trust({"Effect": "Deny", "Principal": "*", "Action": "sts:*"})),
        (ROLE, trust({"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRoleWithSAML"})),
        (FIC, GOOD_FIC),
        (GSA_MEMBER, {"role": "roles/iam.workloadIdentityUser", "member": GOOD_MEMBER}),
        (GSA_MEMBER, {"role": "roles/iam.serviceAccountTokenCreator", "member": "user:a@b.c"}),
        ("gcp:projects/iAMMember:IAMMember", {"role": "roles/storage.objectViewer", "member": "user:a@b.c"}),
        ("azure-native:authorization:RoleAssignment",
         {"roleDefinitionId": f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"}),
        ("aws:iam/policy:Policy", {"policy": json.dumps({"Statement": [
            {"Effect": "Allow", "Action": "sts:GetCallerIdentity", "Resource": "*"},
            {"Effect": "Deny", "Action": "*", "Resource": "*"}]})}),
        ("aws:iam/user:User", {"name": "ci"}),
        ("aws:iam/role:Role", {"assumeRolePolicy": "not json"}),
    ],
)
def test_compliant_resources_pass(resource_type, props):
    assert pol.check(resource_type, props) == []


@pytest.mark.parametrize(
    "value,wild",
    [("system:serviceaccount:*:api", True), ("system:serviceaccount:*", True), ("system:serviceaccount:app?:api", True),
     ("system:serviceaccount:apps*", True), ("system:*", True), ("*", True),
     ("system:serviceaccount:apps:*", False), ("system:serviceaccount:apps:api-*", False), ("system:serviceaccount:apps:api", False)],
)
def test_namespace_wildcard(value, wild):
    assert pol.namespace_wildcard(value) is wild


# -- the pulumi_policy objects ---------------------------------------------------------------
class Args:
    def __init__(self, resource_type, props):
        self.resource_type = resource_type
        self.props = props


def test_policies_build_with_names_levels_and_handlers():
    policies = pol.resource_policies()
    assert [p.name for p in policies] == [r.name for r in pol.RULES]
    assert all(isinstance(p, ResourceValidationPolicy) for p in policies)
    levels = {p.name: p.enforcement_level for p in policies}
    assert levels["wid-no-static-credentials"] is EnforcementLevel.MANDATORY
    assert levels["wid-irsa-trust-pins-subject"] is EnforcementLevel.MANDATORY
    assert levels["wid-gcp-no-basic-roles"] is EnforcementLevel.ADVISORY
    assert sum(level is EnforcementLevel.MANDATORY for level in levels.values()) == 5
    assert all(p.remediation_steps for p in policies)

    reported = []
    by_name = {p.name: p for p in policies}
    by_name["wid-no-static-credentials"].validate(Args("gcp:serviceaccount/key:Key", unknown_checking_proxy({"serviceAccountId": "a"})),
                                                  lambda message, urn=None: reported.append(message))
    assert len(reported) == 1 and "GkeWorkloadIdentity" in reported[0]
    by_name["wid-no-static-credentials"].validate(Args("gcp:serviceaccount/account:Account", unknown_checking_proxy({})),
                                                  lambda message, urn=None: reported.append(message))
    assert len(reported) == 1

    overridden = pol.resource_policies(enforcement={"wid-azure-fic-exact": "advisory"})
    assert {p.name: p.enforcement_level for p in overridden}["wid-azure-fic-exact"] is EnforcementLevel.ADVISORY
    with pytest.raises(ValueError, match="no such rule: wid-nope"):
        pol.resource_policies(enforcement={"wid-nope": "advisory"})


def test_unknown_values_during_preview_neither_fire_nor_hide_known_ones():
    handler = pol.handler(next(r for r in pol.RULES if r.name == "wid-azure-fic-exact"))
    reported = []
    # subject unknown, audiences known and wrong: only the audience is reported
    props = unknown_checking_proxy({**GOOD_FIC, "subject": UNKNOWN_STRING_VALUE, "audiences": ["x"]})
    handler(Args(FIC, props), lambda message, urn=None: reported.append(message))
    assert len(reported) == 1 and "audiences are ['x']" in reported[0]
    reported.clear()
    props = unknown_checking_proxy({**GOOD_FIC, "subject": UNKNOWN_STRING_VALUE, "audiences": UNKNOWN_ARRAY_VALUE})
    handler(Args(FIC, props), lambda message, urn=None: reported.append(message))
    assert reported == []
    # an unknown trust document is skipped, not reported
    role = unknown_checking_proxy({"assumeRolePolicy": UNKNOWN_STRING_VALUE, "name": "r"})
    assert pol.check(ROLE, role) == []


def test_policy_pack_serves_the_rules_to_the_engine(tmp_path):
    """Run policy/__main__.py as `pulumi preview --policy-pack policy/` would, and analyze over gRPC."""
    import grpc
    from google.protobuf import empty_pb2, struct_pb2
    from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

    env = {k: v for k, v in os.environ.items() if not k.startswith("PULUMI_")}
    process = subprocess.Popen([sys.executable, str(ROOT / "policy" / "__main__.py")], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=env, cwd=tmp_path)
    try:
        port = process.stdout.readline().decode().strip()
        assert port.isdigit(), process.stderr.read().decode() if process.poll() is not None else port
        channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        stub = analyzer_pb2_grpc.AnalyzerStub(channel)
        info = stub.GetAnalyzerInfo(empty_pb2.Empty(), timeout=20)
        assert info.name == "pulumi-wid"
        assert {p.name for p in info.policies} == RULE_NAMES

        def analyze(resource_type, props):
            properties = struct_pb2.Struct()
            properties.update(props)
            request = analyzer_pb2.AnalyzeRequest(type=resource_type, properties=properties,
                                                  urn=f"urn:pulumi:s::p::{resource_type}::x", name="x")
            return stub.Analyze(request, timeout=20).diagnostics

        found = analyze("aws:iam/accessKey:AccessKey", {"user": "ci"})
        assert [(d.policyName, d.enforcementLevel) for d in found] == [("wid-no-static-credentials", analyzer_pb2.MANDATORY)]
        assert "Fix: give the workload an IAM role" in found[0].message
        found = analyze(ROLE, trust(irsa({"StringEquals": {f"{ISSUER}:aud": "sts.amazonaws.com"}})))
        assert [d.policyName for d in found] == ["wid-irsa-trust-pins-subject"]
        assert analyze(FIC, GOOD_FIC) == []
        channel.close()
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()
        process.stderr.close()


def test_policy_folder_is_a_python_policy_pack():
    yaml_text = (ROOT / "policy" / "PulumiPolicy.yaml").read_text()
    assert "name: python" in yaml_text
    assert "pulumi_wid.policy.pack" in (ROOT / "policy" / "__main__.py").read_text()
    assert "[aws,policy]" in (ROOT / "policy" / "requirements.txt").read_text()


def test_importing_the_rules_does_not_import_the_policy_sdk_or_cloud_sdks():
    code = (
        "import sys, pulumi_wid.policies\n"
        "bad = [m for m in sys.modules if m.startswith(('pulumi_policy', 'pulumi_aws', 'pulumi_azure_native', 'pulumi_gcp'))]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)



def test_the_rules_read_the_iam_database_without_pulumi_aws():
    """Without pulumi_aws the pack still knows which actions take resource-level permissions."""
    code = (
        "import sys\n"
        "sys.modules['pulumi_aws'] = None  # not installed\n"
        "from pulumi_wid.policy import rules\n"
        "props = {'policy': {'Statement': [{'Effect': 'Allow', 'Action': 'sts:GetCallerIdentity', 'Resource': '*'}]}}\n"
        "assert rules.knowledge.available()\n"
        "assert rules.check_iam_wildcards('aws:iam/rolePolicy:RolePolicy', props) == []\n"
        "props['policy']['Statement'][0]['Action'] = 's3:GetObject'\n"
        "assert rules.check_iam_wildcards('aws:iam/rolePolicy:RolePolicy', props)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
