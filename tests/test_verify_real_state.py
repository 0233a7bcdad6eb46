"""verify on real Pulumi state files this project did not write (../shared/real-state), and on
one-change variants of them: each file's verdict, decided from the clouds' rules, with why."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pulumi_wid.cli import main
from pulumi_wid.verify import FAIL, PASS, UNVERIFIED, Facts, StateError, load_state, verify_resources
from pulumi_wid.verify.state import parse_deployment

REAL = Path(__file__).resolve().parents[2] / "shared" / "real-state"  # ../shared beside the project
pytestmark = pytest.mark.skipif(not REAL.is_dir(), reason="../shared/real-state is not beside the project")

# file -> (verdict of each chain in order, a phrase the run must print, why this is the right verdict)
VERDICTS = {
    "opal-fedramp-checkpoint-dev.json": (
        [PASS], "(issuer https://oidc.eks.us-west-2.amazonaws.com/id/14CFAED0FE1719E1F2C8AACAEF7DC640)",
        "file-backend checkpoint; the ServiceAccount's provider is pulumi-eks's, tied to the cluster whose OIDC "
        "provider the trust names with exact StringEquals sub and aud"),
    "pulumi-eks-oidc-iam-sa-3.0.0-stack.json": (
        [PASS], "client id list ['sts.amazonaws.com'] accepts aud=sts.amazonaws.com",
        "no :aud condition, but the stack's OIDC provider lists only sts.amazonaws.com, so AWS refuses any other "
        "audience"),
    "pulumi-eks-oidc-iam-sa-1.0.4-state.json": ([PASS], "apps-ce8e3916", "the same program, older providers"),
    "pulumi-gcp-iam-member-7.0.0-stack.json": ([], "no identity chain in this stack", "no workload identity chain"),
    "pulumi-gcp-cluster-7.2.1-stack.json": ([], "no identity chain in this stack", "a cluster, no chain"),
    "demonccc-gke-checkpoint.json": ([], "no identity chain in this stack", "2021 checkpoint, no chain"),
    "pranavk-empty-stack-export.json": ([], "no identity chain in this stack", "an empty stack has no resources key"),
    "variants/aws-opal-as-export.json": ([PASS], "sub=system:serviceaccount:kube-system:aws-load-balancer-controller",
                                         "the opal checkpoint as `pulumi stack export` prints it"),
    "variants/enc-opal-utf16-powershell.json": ([PASS], "1 passed", "PowerShell's > writes UTF-16"),
    "variants/enc-opal-utf8-bom.json": ([PASS], "1 passed", "a UTF-8 byte order mark"),
    "variants/aws-irsa-trust-secret-show-secrets.json": ([PASS], "1 passed", "--show-secrets: the plaintext is judged"),
    "variants/aws-irsa-trust-secret-encrypted.json": (
        [UNVERIFIED], "is encrypted in this file", "the trust is ciphertext: nothing about it is known"),
    "variants/aws-irsa-trust-names-other-cluster.json": (
        [FAIL], "not the OIDC provider of the ServiceAccount's cluster",
        "the ServiceAccount is on the stack's cluster; the trust names another cluster's provider"),
    "variants/aws-irsa-refresh-drift-outputs-wildcard.json": (
        [FAIL], "the deployed assumeRolePolicy differs from the program's input (drift",
        "after refresh the deployed trust admits system:serviceaccount:*:*; what is deployed is the truth"),
    "variants/aws-irsa-stringlike-namespace-wildcard.json": (
        [FAIL], "probe other-service-account in namespace kube-system: ACCEPTED", "every ServiceAccount of kube-system"),
    "variants/aws-irsa-v4-pending-ops-and-delete-marked-role.json": (
        [PASS, FAIL], "(pending deletion) trusts an OIDC provider without an exact :sub",
        "the live role is right; the delete-marked copy still exists in the cloud and trusts every ServiceAccount"),
    "variants/aws-eks-oidc-with-aud.json": ([PASS], "1 passed", "sub and aud pinned"),
    "variants/aws-eks-sa-namespace-only-in-outputs.json": (
        [PASS], "system:serviceaccount:apps-044292a3:s3", "the namespace the provider set is read from the outputs"),
    "variants/aws-eks-trust-default-ns-but-sa-in-apps.json": (
        [FAIL], "is refused by the trust", "the trust names default:s3; the ServiceAccount is in apps-…"),
    "variants/aws-podid-sourcearn-same-cluster.json": ([PASS, PASS], "2 passed", "SourceArn is the association's cluster"),
    "variants/aws-podid-sourcearn-other-cluster.json": (
        [PASS, FAIL], "does not let pods.eks.amazonaws.com call sts:AssumeRole for cluster app-cluster-02",
        "the trust pins aws:SourceArn to app-cluster-01; the association is on app-cluster-02"),
    "variants/aws-podid-no-tagsession.json": ([PASS, FAIL], "call sts:TagSession", "Pod Identity needs sts:TagSession"),
    "variants/azure-fic-aso-shape.json": (
        [UNVERIFIED], "pass --issuer", "no cluster in the stack: the credential's issuer is taken on trust"),
    "variants/azure-fic-hmcts-issuer-without-slash.json": (
        [FAIL], "lacks the trailing '/' every AKS issuer has", "AKS tokens' iss ends in '/'"),
    "variants/azure-fic-versioned-tokens-wrong-subject.json": (
        [FAIL], "no credential has sub=system:serviceaccount:sravan-test:sravan-test-wi-sa",
        "versioned azure-native tokens are the same resources"),
    "variants/azure-fic-classic-provider-wrong-subject.json": (
        [FAIL], "no credential has sub=system:serviceaccount:sravan-test:sravan-test-wi-sa",
        "the classic azure provider's credential (parentId) for another ServiceAccount"),
    "variants/azure-fic-with-aks-oidc-disabled.json": (
        [FAIL], "has oidcIssuerProfile.enabled off", "the only AKS cluster issues no verifiable tokens"),
    "variants/azure-fic-with-aks-oidc-disabled-versioned.json": (
        [FAIL], "has oidcIssuerProfile.enabled off", "same, with a versioned ManagedCluster token"),
    "variants/gcp-wiu-member.json": (
        [UNVERIFIED], "pass --workload-pool", "no cluster in the stack: the pool is taken from the grant"),
    "variants/gcp-wiu-member-cluster-wi-disabled.json": (
        [FAIL], "has no workloadIdentityConfig.workloadPool", "the only GKE cluster has workload identity off"),
    "variants/gcp-wiu-other-project-pool.json": (
        [FAIL], "admits serviceAccount:pulumi-development.svc.id.goog[staging/service-a]",
        "the member names another project's pool than the cluster's"),
    "variants/gcp-wiu-project-level-name-bug.json": (
        [FAIL], "names no workload pool", "a pool built from the GSA's name is no pool"),
    "variants/gcp-wiu-garbage-pool-on-gsa.json": ([FAIL], "names no workload pool", "same, on the GSA"),
    "variants/gcp-wiu-binding-two-ksas.json": (
        [FAIL], "[staging/service-b] (another member of the grant): ACCEPTED",
        "a second KSA shares the GSA; the binding is also authoritative"),
}


def test_every_real_file_has_a_decided_verdict():
    files = {str(p.relative_to(REAL)) for p in REAL.rglob("*.json")}
    assert files == set(VERDICTS)


@pytest.mark.parametrize("name", sorted(VERDICTS))
def test_real_state_verdict(name, capsys):
    verdicts, phrase, _why = VERDICTS[name]
    chains = verify_resources(load_state(REAL / name))
    assert [c.status for c in chains] == verdicts, [c.reasons() for c in chains]
    code = main(["verify", "--state", str(REAL / name)])
    out = capsys.readouterr().out
    assert phrase in out
    expected = 1 if FAIL in verdicts else 3 if UNVERIFIED in verdicts or not verdicts else 0
    assert code == expected


def test_pinned_facts_prove_what_the_stack_does_not_hold():
    aso = load_state(REAL / "variants/azure-fic-aso-shape.json")
    issuer = "https://westus.oic.prod-aks.azure.com/49793faf-eb3f-4d99-a0cf-aef7cce79dc1/3a2d9259-83ff-441e-9266-1ee4583da753/"
    assert [c.status for c in verify_resources(aso, Facts(issuers=[issuer]))] == [PASS]
    assert [c.status for c in verify_resources(aso, Facts(issuers=[issuer.rstrip("/")]))] == [FAIL]
    member = load_state(REAL / "variants/gcp-wiu-member.json")
    assert [c.status for c in verify_resources(member, Facts(workload_pools=["pulumi-development.svc.id.goog"]))] == [PASS]
    assert [c.status for c in verify_resources(member, Facts(workload_pools=["other-project.svc.id.goog"]))] == [FAIL]


def test_pending_operations_are_reported():
    resources = load_state(REAL / "variants/aws-irsa-v4-pending-ops-and-delete-marked-role.json")
    assert len(resources.notes) == 1 and "was interrupted" in resources.notes[0]


# -- file and resource shapes: one-line errors, never a traceback -------------------------
def _export(resources, **extra):
    return {"version": 3, "deployment": {"manifest": {}, "resources": resources}, **extra}


SA = {"urn": "urn:pulumi:s::p::kubernetes:core/v1:ServiceAccount::sa", "type": "kubernetes:core/v1:ServiceAccount",
      "custom": True, "inputs": {}, "outputs": {}}


@pytest.mark.parametrize("resources,message", [
    (["not an object"], "resource #0 is a str, expected an object"),
    ([{**SA, "outputs": []}], "resource sa (kubernetes:core/v1:ServiceAccount): 'outputs' is a list"),
    ([{**SA, "outputs": {"metadata": "x"}}], "metadata is a str, expected an object"),
    ([{**SA, "inputs": {"metadata": {"annotations": ["a"]}}}], "metadata.annotations is a list"),
    ("nope", "'resources' is a str, expected a list"),
])
def test_malformed_resources_are_one_line_errors(tmp_path, capsys, resources, message):
    path = tmp_path / "s.json"
    path.write_text(json.dumps(_export(resources)))
    with pytest.raises(StateError) as error:
        load_state(path)
    assert message in str(error.value) and "\n" not in str(error.value)
    assert main(["verify", "--state", str(path)]) == 2
    assert message in capsys.readouterr().err


def test_condition_block_as_a_list_is_a_fail_naming_it(tmp_path):
    trust = {"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
                            "Principal": {"Federated": "arn:aws:iam::1:oidc-provider/oidc.eks.x/id/A"},
                            "Condition": [{"StringEquals": {"oidc.eks.x/id/A:sub": "system:serviceaccount:a:b"}}]}]}
    role = {"urn": "urn:pulumi:s::p::aws:iam/role:Role::r", "type": "aws:iam/role:Role", "custom": True,
            "inputs": {}, "outputs": {"arn": "arn:aws:iam::1:role/r", "assumeRolePolicy": json.dumps(trust)}}
    sa = {**SA, "outputs": {"metadata": {"name": "b", "namespace": "a",
                                         "annotations": {"eks.amazonaws.com/role-arn": "arn:aws:iam::1:role/r"}}}}
    [chain] = verify_resources(parse_deployment({"resources": [role, sa]}, "t"), Facts(issuers=["https://oidc.eks.x/id/A"]))
    assert chain.status == FAIL and "Condition is a list" in " ".join(chain.reasons())


@pytest.mark.parametrize("value,status", [(123, FAIL), ({"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
                                                          "ciphertext": "v1:abc"}, UNVERIFIED)])
def test_annotation_of_the_wrong_kind_never_passes(value, status):
    sa = {**SA, "outputs": {"metadata": {"name": "b", "namespace": "a", "annotations": {"eks.amazonaws.com/role-arn": value}}}}
    [chain] = verify_resources(parse_deployment({"resources": [sa]}, "t"))
    assert chain.status == status


def test_association_with_a_null_namespace_is_unverified_not_none():
    assoc = {"urn": "urn:pulumi:s::p::aws:eks/podIdentityAssociation:PodIdentityAssociation::a",
             "type": "aws:eks/podIdentityAssociation:PodIdentityAssociation", "custom": True, "inputs": {},
             "outputs": {"clusterName": "c", "namespace": None, "serviceAccount": "api", "roleArn": "arn:aws:iam::1:role/r"}}
    [chain] = verify_resources(parse_deployment({"resources": [assoc]}, "t"))
    assert chain.status == UNVERIFIED and "namespace is None" in " ".join(chain.reasons())


def test_checkpoint_without_latest_and_export_without_resources_are_empty_stacks(tmp_path):
    for doc in ({"version": 3, "checkpoint": {"latest": None}}, {"version": 3, "deployment": {"manifest": {}}}):
        path = tmp_path / "s.json"
        path.write_text(json.dumps(doc))
        assert load_state(path) == []
