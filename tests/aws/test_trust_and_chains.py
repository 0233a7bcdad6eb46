"""EksPodIdentity at `pulumi up`: trust pinning and conditions, several clusters, the target role
(issue 14 items 5, 6, 8), each planned under the mocks and judged by pulumi_wid.verify."""

import json
from types import SimpleNamespace

import pulumi_aws as aws
import pytest

from pulumi_wid import EksPodIdentity, ValidationError
from pulumi_wid.aws.args import eks_spec
from pulumi_wid.policy import rules
from pulumi_wid.verify import FAIL, PASS, verify_resources
from pulumi_wid.verify.model import from_plan

ROLE = "aws:iam/role:Role"
ASSOC = "aws:eks/podIdentityAssociation:PodIdentityAssociation"
IDENTITY = {"namespace": "apps", "service_account": "api"}
PLAIN_TRUST = ('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},'
               '"Action":["sts:AssumeRole","sts:TagSession"]}]}')


def plan(mocks, program):
    mocks.run(program)
    return SimpleNamespace(resources=mocks.resources, component_outputs=mocks.component_outputs)


def chains(planned):
    return verify_resources(from_plan(planned))


def trust_of(mocks, name="api-role"):
    return json.loads(mocks.named(name).inputs["assumeRolePolicy"])


# -- item 5: the pinned trust ------------------------------------------------------------
def test_default_trust_is_byte_identical(wid_mocks):
    wid_mocks.run(lambda: EksPodIdentity("api", {"identity": IDENTITY, "cluster_name": "prod"}))
    assert wid_mocks.one(ROLE).inputs["assumeRolePolicy"] == PLAIN_TRUST


def test_pinned_trust_names_the_cluster_namespace_service_account_and_account(wid_mocks):
    # GIVEN pin_trust_to_service_account WHEN planned
    wid_mocks.run(lambda: EksPodIdentity("api", {"identity": IDENTITY, "cluster_name": "prod",
                                                 "pin_trust_to_service_account": True}))
    # THEN the trust is the EKS guide's statement with StringEquals on the session tags and the account
    assert trust_of(wid_mocks) == {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"},
        "Action": ["sts:AssumeRole", "sts:TagSession"],
        "Condition": {"StringEquals": {
            "aws:SourceAccount": "123456789012",
            "aws:RequestTag/eks-cluster-arn": "arn:aws:eks:us-east-1:123456789012:cluster/prod",
            "aws:RequestTag/kubernetes-namespace": "apps",
            "aws:RequestTag/kubernetes-service-account": "api",
        }},
    }]}


def test_a_planned_pinned_chain_passes_verify_and_a_wrong_pin_fails(wid_mocks):
    planned = plan(wid_mocks, lambda: EksPodIdentity("api", {"identity": IDENTITY, "cluster_name": "prod",
                                                             "pin_trust_to_service_account": True}))
    [chain] = chains(planned)
    assert chain.status == PASS, chain
    # GIVEN the same stack whose trust pins another namespace THEN verify refuses it
    role = wid_mocks.named("api-role")
    trust = json.loads(role.inputs["assumeRolePolicy"])
    trust["Statement"][0]["Condition"]["StringEquals"]["aws:RequestTag/kubernetes-namespace"] = "other"
    role.inputs["assumeRolePolicy"] = role.outputs["assumeRolePolicy"] = json.dumps(trust)
    [chain] = chains(planned)
    assert chain.status == FAIL


def test_pinning_refuses_disabled_session_tags():
    with pytest.raises(ValidationError, match="disable_session_tags") as err:
        eks_spec({"identity": IDENTITY, "cluster_name": "prod", "pin_trust_to_service_account": True,
                  "disable_session_tags": True})
    assert err.value.field == "pin_trust_to_service_account"


def test_trust_policy_conditions_are_added_in_order(wid_mocks):
    wid_mocks.run(lambda: EksPodIdentity("api", {"identity": IDENTITY, "cluster_name": "prod", "trust_policy_conditions": [
        {"test": "StringEquals", "variable": "aws:SourceAccount", "values": ["123456789012"]},
        {"test": "ArnLike", "variable": "aws:SourceArn", "values": ["arn:aws:eks:us-east-1:123456789012:cluster/prod"]},
    ]}))
    assert trust_of(wid_mocks)["Statement"][0]["Condition"] == {
        "StringEquals": {"aws:SourceAccount": ["123456789012"]},
        "ArnLike": {"aws:SourceArn": ["arn:aws:eks:us-east-1:123456789012:cluster/prod"]},
    }


@pytest.mark.parametrize("conditions, extra, field, rule", [
    ([{"test": "StringEqual", "variable": "aws:SourceAccount", "values": ["1"]}], {},
     "trust_policy_conditions[0].test", "not an IAM condition operator"),
    ([{"test": "StringEquals", "variable": "SourceAccount", "values": ["1"]}], {},
     "trust_policy_conditions[0].variable", "<service>:<key>"),
    ([{"test": "StringEquals", "variable": "aws:SourceAccount", "values": []}], {},
     "trust_policy_conditions[0].values", "lists no value"),
    ([{"test": "StringEquals", "variable": "aws:SourceAccount", "values": ["1"], "value": "x"}], {},
     "trust_policy_conditions[0].value", "is not a known key"),
    ([{"test": "StringEquals", "variable": "aws:RequestTag/kubernetes-namepsace", "values": ["apps"]}], {},
     "trust_policy_conditions[0].variable", "sets only the session tags"),
    ([{"test": "StringEquals", "variable": "aws:RequestTag/kubernetes-namespace", "values": ["apps"]}],
     {"disable_session_tags": True}, "trust_policy_conditions[0].variable", "sets no session tags"),
    ([{"test": "StringEquals", "variable": "aws:sourceaccount", "values": ["1"]}],
     {"pin_trust_to_service_account": True}, "trust_policy_conditions[0].variable", "pin_trust_to_service_account"),
    ([{"test": "StringLike", "variable": "aws:SourceArn", "values": ["a"]},
      {"test": "StringLike", "variable": "aws:SourceArn", "values": ["b"]}], {},
     "trust_policy_conditions[1].variable", r"already set by trust_policy_conditions\[0\]"),
])
def test_bad_trust_policy_conditions_are_refused(conditions, extra, field, rule):
    with pytest.raises(ValidationError, match=rule) as err:
        eks_spec({"identity": IDENTITY, "cluster_name": "prod", "trust_policy_conditions": conditions, **extra})
    assert err.value.field == field


def test_negated_conditions_on_other_tags_are_accepted():
    spec = eks_spec({"identity": IDENTITY, "cluster_name": "prod", "trust_policy_conditions": [
        {"test": "StringNotEquals", "variable": "aws:RequestTag/team", "values": ["x"]}]})
    assert spec.trust_conditions == [{"test": "StringNotEquals", "variable": "aws:RequestTag/team", "values": ["x"]}]


@pytest.mark.parametrize("key", ["pin_trust_to_service_account", "trust_policy_conditions", "associations", "target_role"])
def test_pod_identity_keys_are_refused_in_irsa(key):
    value = {"pin_trust_to_service_account": True, "trust_policy_conditions": [],
             "associations": {"eu": {"cluster_name": "eu"}}, "target_role": {}}[key]
    with pytest.raises(ValidationError, match="only applies when mode='pod_identity'"):
        eks_spec({"identity": IDENTITY, "mode": "irsa", "oidc_issuer_url": "https://oidc.eks.x/id/A", key: value})


def test_the_policy_pack_accepts_the_pinned_trust_and_flags_a_tag_pod_identity_never_sets(wid_mocks):
    wid_mocks.run(lambda: EksPodIdentity("api", {"identity": IDENTITY, "cluster_name": "prod",
                                                 "pin_trust_to_service_account": True}))
    role = wid_mocks.one(ROLE)
    assert rules.check(ROLE, role.inputs) == []
    typo = trust_of(wid_mocks)
    typo["Statement"][0]["Condition"]["StringEquals"]["aws:RequestTag/kubernetes-namepsace"] = "apps"
    found = rules.check(ROLE, {"assumeRolePolicy": json.dumps(typo)})
    assert [name for name, _ in found] == ["wid-pod-identity-trust-session-tags"]
    assert "kubernetes-namepsace" in found[0][1]


# -- item 8: one role, several clusters --------------------------------------------------
def test_several_clusters_get_one_association_each_on_one_role(wid_mocks):
    planned = plan(wid_mocks, lambda: EksPodIdentity("api", {
        "identity": IDENTITY, "cluster_name": "prod", "pin_trust_to_service_account": True,
        "associations": {"eu": {"cluster_name": "prod-eu"}, "ap": {"cluster_name": "prod-ap"}}}))
    associations = sorted(wid_mocks.of_type(ASSOC), key=lambda r: r.name)
    assert [(a.name, a.inputs["clusterName"]) for a in associations] == [
        ("api-association", "prod"), ("api-association-ap", "prod-ap"), ("api-association-eu", "prod-eu")]
    role = wid_mocks.one(ROLE)
    assert {a.inputs["roleArn"] for a in associations} == {role.outputs["arn"]}
    assert {(a.inputs["namespace"], a.inputs["serviceAccount"]) for a in associations} == {("apps", "api")}
    pins = trust_of(wid_mocks)["Statement"][0]["Condition"]["StringEquals"]
    assert pins["aws:RequestTag/eks-cluster-arn"] == [f"arn:aws:eks:us-east-1:123456789012:cluster/{c}"
                                                      for c in ("prod", "prod-eu", "prod-ap")]
    assert [c.status for c in chains(planned)] == [PASS, PASS, PASS]


@pytest.mark.parametrize("associations, field, rule", [
    ({"eu": {"cluster_name": "prod"}}, "associations.eu.cluster_name", "same cluster as cluster_name"),
    ({"eu": {"cluster_name": "x"}, "ap": {"cluster_name": "x"}}, "associations.ap.cluster_name",
     "same cluster as associations.eu.cluster_name"),
    ({"EU": {"cluster_name": "x"}}, "associations", "association key"),
    ({"eu": {"cluster_name": "bad name"}}, "associations.eu.cluster_name", "EKS cluster name"),
    ({"eu": {"cluster": "x"}}, "associations.eu.cluster", "is not a known key"),
    ({"eu": "prod-eu"}, "associations.eu", "must be a dict"),
])
def test_bad_associations_are_refused(associations, field, rule):
    with pytest.raises(ValidationError, match=rule) as err:
        eks_spec({"identity": IDENTITY, "cluster_name": "prod", "associations": associations})
    assert err.value.field == field


def test_a_cluster_named_twice_through_outputs_fails_when_they_resolve(wid_mocks):
    import pulumi

    with pytest.raises(Exception, match="same cluster as cluster_name"):
        wid_mocks.run(lambda: EksPodIdentity("api", {
            "identity": IDENTITY, "cluster_name": pulumi.Output.from_input("prod"),
            "associations": {"eu": {"cluster_name": pulumi.Output.from_input("prod")}}}))


# -- item 6: the target role -------------------------------------------------------------
TARGET_STATEMENTS = [{"Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::shared/*"]}]


def target_stack(mocks):
    def program():
        other = aws.Provider("target-account", region="us-east-1")
        return EksPodIdentity("api", {"identity": IDENTITY, "cluster_name": "prod",
                                      "target_role": {"provider": other, "policy_statements": TARGET_STATEMENTS}})

    return plan(mocks, program)


def test_target_role_trusts_exactly_the_association_role_with_its_own_grants(wid_mocks):
    target_stack(wid_mocks)
    role, target = wid_mocks.named("api-role"), wid_mocks.named("api-target-role")
    # the target role: created with the target account's provider, trusting only the association role
    assert "target-account" in target.provider
    assert target.inputs["name"] == "apps-api-target"
    assert json.loads(target.inputs["assumeRolePolicy"]) == {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": role.outputs["arn"]}, "Action": ["sts:AssumeRole", "sts:TagSession"]}]}
    target_policy = wid_mocks.named("api-target-policy")
    assert "target-account" in target_policy.provider
    assert json.loads(target_policy.inputs["policy"]) == {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::shared/*"]}]}
    # the association role: may assume and tag only the target role; the association chains into it
    assert json.loads(wid_mocks.named("api-policy").inputs["policy"]) == {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["sts:AssumeRole", "sts:TagSession"], "Resource": target.outputs["arn"]}]}
    association = wid_mocks.one(ASSOC)
    assert association.inputs["targetRoleArn"] == target.outputs["arn"]
    assert "target-account" not in role.provider and "target-account" not in wid_mocks.named("api-policy").provider


def test_a_planned_two_hop_chain_passes_and_a_broken_one_fails(wid_mocks):
    planned = target_stack(wid_mocks)
    [chain] = chains(planned)
    assert chain.status == PASS, chain
    assert any(c.name == "target role trusts the association role" and c.status == "ok" for c in chain.checks)
    # GIVEN the target role trusting another role THEN the chain fails
    target = wid_mocks.named("api-target-role")
    trust = json.loads(target.inputs["assumeRolePolicy"])
    trust["Statement"][0]["Principal"]["AWS"] = "arn:aws:iam::123456789012:role/someone-else"
    target.inputs["assumeRolePolicy"] = target.outputs["assumeRolePolicy"] = json.dumps(trust)
    [chain] = chains(planned)
    assert chain.status == FAIL


def test_a_two_hop_chain_without_the_assume_permission_fails(wid_mocks):
    planned = target_stack(wid_mocks)
    planned.resources.remove(wid_mocks.named("api-policy"))
    [chain] = chains(planned)
    assert chain.status == FAIL


@pytest.mark.parametrize("extra, field", [
    ({"target_role_arn": "arn:aws:iam::210987654321:role/t", "target_role": {}}, "target_role"),
    ({"target_role": {"provider": "aws"}}, "target_role.provider"),
    ({"target_role": {"policy_statements": [{"Action": ["s3:*"], "Resource": ["*"]}]}},
     "target_role.policy_statements[0].Action[0]"),
    ({"target_role": {"max_session_duration": 60}}, "target_role.max_session_duration"),
    ({"target_role": {"role": "x"}}, "target_role.role"),
])
def test_bad_target_roles_are_refused(extra, field):
    with pytest.raises(ValidationError) as err:
        eks_spec({"identity": IDENTITY, "cluster_name": "prod", **extra})
    assert err.value.field == field


def test_target_role_description_names_the_service_account(wid_mocks):
    target_stack(wid_mocks)
    assert wid_mocks.named("api-target-role").inputs["description"] == (
        "Workload identity for Kubernetes ServiceAccount apps/api through EKS Pod Identity role chaining (pulumi-wid)")
