"""EksPodIdentity input rules of issue 15: sizes before registration, owned annotations, tags, ARN shapes.

GIVEN args that break one rule, WHEN the component is built under the recording mocks,
THEN it raises ValidationError and nothing at all (not even the component) is registered;
an Output breaking a rule fails with the same error once it resolves.
"""

import json

import pulumi
import pytest

from pulumi_wid import EksPodIdentity, ValidationError
from pulumi_wid.aws.args import eks_spec

IDENTITY = {"namespace": "apps", "service_account": "api"}
ISSUER = "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"
PROVIDER = f"arn:aws:iam::111122223333:oidc-provider/{ISSUER}"
ROLE = "aws:iam/role:Role"
ASSOCIATION = "aws:eks/podIdentityAssociation:PodIdentityAssociation"
SA = "kubernetes:core/v1:ServiceAccount"


def refused_before_registration(mocks, args, field, match=None):
    with pytest.raises(ValidationError, match=match) as err:
        mocks.run(lambda: EksPodIdentity("api", args))
    assert err.value.field == field, err.value
    assert mocks.resources == []  # not the component, not the role, not the ServiceAccount
    return err.value


def long_session_policy():
    # 30 statements of one distinct bucket each: about 2,400 characters, over the 2,048 of a session policy
    return [{"Action": "s3:GetObject", "Resource": f"arn:aws:s3:::bucket-number-{i:03d}/*"} for i in range(30)]


# -- 1. sizes of plain values, before the first registration --------------------------------------
def test_a_session_policy_over_2048_characters_is_refused_before_registration(wid_mocks):
    args = {"identity": IDENTITY, "cluster_name": "prod", "disable_session_tags": True,
            "session_policy_statements": long_session_policy()}
    error = refused_before_registration(wid_mocks, args, "session_policy_statements", "limited to 2048 characters")
    assert error.value.endswith(" characters") and int(error.value.split()[0]) > 2048


def test_a_session_policy_just_under_the_limit_is_written_as_given(wid_mocks):
    statements = long_session_policy()[:20]
    wid_mocks.run(lambda: EksPodIdentity("api", {"identity": IDENTITY, "cluster_name": "prod",
                                                  "disable_session_tags": True, "session_policy_statements": statements}))
    policy = wid_mocks.one(ASSOCIATION).inputs["policy"]
    assert len(policy) <= 2048 and json.loads(policy)["Statement"][0]["Resource"] == "arn:aws:s3:::bucket-number-000/*"


def five_issuers(padding=0):
    return [f"https://oidc.eks.eu-west-{i}.amazonaws.com/id/{'A' * (32 + padding)}" for i in range(1, 6)]


def test_five_plain_issuer_urls_over_the_trust_quota_are_refused_before_registration(wid_mocks):
    args = {"identity": IDENTITY, "mode": "irsa", "oidc_issuer_urls": five_issuers()}
    refused_before_registration(wid_mocks, args, "oidc_provider_arns", "trust policy for 5 cluster")


def test_four_plain_issuer_urls_fit_and_are_checked_again_with_the_real_partition(wid_mocks):
    wid_mocks.run(lambda: EksPodIdentity("api", {"identity": IDENTITY, "mode": "irsa",
                                                  "oidc_issuer_urls": five_issuers()[:4]}))
    trust = wid_mocks.one(ROLE).inputs["assumeRolePolicy"]
    assert len(trust) <= 2048 and len(json.loads(trust)["Statement"]) == 4


def test_the_inline_policy_counts_the_target_role_statement_before_registration(wid_mocks):
    # policy_statements alone fit under 10,240 characters; with the target-role statement they do not
    target = "arn:aws:iam::999988887777:role/target"
    statements = [{"Action": "s3:GetObject", "Resource": f"arn:aws:s3:::b/{'k' * 150}{i:03d}"} for i in range(45)]
    alone = eks_spec({"identity": IDENTITY, "cluster_name": "prod", "policy_statements": statements})
    size = len(json.dumps({"Version": "2012-10-17", "Statement": alone.statements}, separators=(",", ":")))
    assert 10240 - 120 < size <= 10240, size  # accepted without the target role, with less room than its statement
    refused_before_registration(wid_mocks, {"identity": IDENTITY, "cluster_name": "prod", "policy_statements": statements,
                                            "target_role_arn": target}, "policy_statements", "limited to 10240")


# -- 2. keys the component owns in identity.annotations --------------------------------------------
@pytest.mark.parametrize("mode, key, value, fix", [
    ("pod_identity", "eks.amazonaws.com/role-arn", "arn:aws:iam::111122223333:role/other", "role_arn"),
    ("irsa", "eks.amazonaws.com/role-arn", "arn:aws:iam::111122223333:role/other", "role_arn"),
    ("irsa", "eks.amazonaws.com/token-expiration", "7200", "token_expiration_seconds"),
    ("irsa", "eks.amazonaws.com/sts-regional-endpoints", "true", "sts_regional_endpoints=True"),
    ("irsa", "eks.amazonaws.com/audience", "other", "sts.amazonaws.com"),
    ("pod_identity", "eks.amazonaws.com/audience", "sts.amazonaws.com", "mode='irsa'"),
])
def test_irsa_webhook_keys_in_user_annotations_are_refused(wid_mocks, mode, key, value, fix):
    args = {"identity": {**IDENTITY, "annotations": {"team": "x", key: value}}, "cluster_name": "prod", "mode": mode}
    if mode == "irsa":
        args["oidc_provider_arn"] = PROVIDER
    error = refused_before_registration(wid_mocks, args, f"identity.annotations.{key}", "written by the component")
    assert fix in error.fix


def test_owned_annotations_with_exactly_the_value_the_component_writes_are_accepted(wid_mocks):
    role = "arn:aws:iam::111122223333:role/existing"
    annotations = {"eks.amazonaws.com/role-arn": role, "eks.amazonaws.com/token-expiration": "7200",
                   "eks.amazonaws.com/audience": "sts.amazonaws.com"}
    wid_mocks.run(lambda: EksPodIdentity("api", {
        "identity": {**IDENTITY, "annotations": annotations}, "cluster_name": "prod", "mode": "irsa",
        "oidc_provider_arn": PROVIDER, "role_arn": role, "token_expiration_seconds": 7200}))
    assert wid_mocks.one(SA).inputs["metadata"]["annotations"] == annotations


# -- 3. tags by IAM's rules; cluster_name and tags as Outputs -------------------------------------
@pytest.mark.parametrize("tags, field", [
    ({"team": "a#b"}, "identity.tags.team"),
    ({"team": "a!b"}, "identity.tags.team"),
    ({"team": "50%"}, "identity.tags.team"),
    ({"team": "<b>"}, "identity.tags.team"),
    ({"team": "rocket \U0001F680"}, "identity.tags.team"),
    ({"team": "line\nbreak"}, "identity.tags.team"),
    ({"team": "v" * 257}, "identity.tags.team"),
    ({"a#b": "x"}, "identity.tags.a#b"),
    ({"k" * 129: "x"}, f"identity.tags.{'k' * 129}"),
    ({"AWS:team": "x"}, "identity.tags.AWS:team"),
])
def test_tags_outside_iams_rules_are_refused_before_registration(wid_mocks, tags, field):
    refused_before_registration(wid_mocks, {"identity": {**IDENTITY, "tags": tags}, "cluster_name": "prod"}, field)


def test_tags_inside_iams_rules_reach_the_role_and_the_association(wid_mocks):
    tags = {"Cost Center": "Zürich 42", "owner": "team+ops@example.com", "path": "a/b:c=d_e.f-g", "empty": "",
            "k" * 128: "v" * 256}
    wid_mocks.run(lambda: EksPodIdentity("api", {"identity": {**IDENTITY, "tags": tags}, "cluster_name": "prod"}))
    assert wid_mocks.one(ROLE).inputs["tags"] == tags
    assert wid_mocks.one(ASSOCIATION).inputs["tags"] == tags


def test_an_output_tag_value_is_checked_when_it_resolves(wid_mocks):
    with pytest.raises(Exception, match=r"identity\.tags\.team.*at most 256"):
        wid_mocks.run(lambda: EksPodIdentity("api", {
            "identity": {**IDENTITY, "tags": {"team": pulumi.Output.from_input("v" * 300)}}, "cluster_name": "prod"}))
    assert not [r for r in wid_mocks.resources if r.type in (ROLE, ASSOCIATION)]  # never reached the cloud


def test_an_output_cluster_name_is_checked_when_it_resolves(wid_mocks):
    with pytest.raises(Exception, match=r"cluster_name: 'bad name!' is invalid: an EKS cluster name"):
        wid_mocks.run(lambda: EksPodIdentity("api", {"identity": IDENTITY,
                                                     "cluster_name": pulumi.Output.from_input("bad name!")}))
    assert wid_mocks.of_type(ASSOCIATION) == []


def test_good_output_tags_and_cluster_name_pass_through(wid_mocks):
    wid_mocks.run(lambda: EksPodIdentity("api", {
        "identity": {**IDENTITY, "tags": {"team": pulumi.Output.from_input("payments")}},
        "cluster_name": pulumi.Output.from_input("prod-eks")}))
    association = wid_mocks.one(ASSOCIATION)
    assert (association.inputs["clusterName"], association.inputs["tags"]) == ("prod-eks", {"team": "payments"})


# -- 4. the provider ARN holds the issuer's host and path, no scheme -------------------------------
@pytest.mark.parametrize("scheme", ["https://", "http://", "oidc://"])
def test_a_scheme_after_oidc_provider_is_refused(wid_mocks, scheme):
    arn = f"arn:aws:iam::111122223333:oidc-provider/{scheme}{ISSUER}"
    error = refused_before_registration(
        wid_mocks, {"identity": IDENTITY, "mode": "irsa", "oidc_provider_arn": arn}, "oidc_provider_arns[0]",
        "without a scheme")
    assert error.fix == f"use {PROVIDER!r}"
