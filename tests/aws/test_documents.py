"""The AWS documents and checks as plain functions, without the mock runtime."""

import json

import pytest

from pulumi_wid.aws import documents as doc
from pulumi_wid.errors import ValidationError

ISSUER = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
PROVIDER = f"arn:aws:iam::111122223333:oidc-provider/{ISSUER}"
SUBJECT = "system:serviceaccount:apps:api"


def test_pod_identity_trust_is_exact():
    assert doc.compact_json(doc.pod_identity_trust_policy()) == (
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
        '"Principal":{"Service":"pods.eks.amazonaws.com"},'
        '"Action":["sts:AssumeRole","sts:TagSession"]}]}'
    )


def test_irsa_trust_pins_sub_and_aud_with_string_equals():
    trust = doc.irsa_trust_policy([(PROVIDER, ISSUER)], SUBJECT)
    assert trust == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": PROVIDER},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {
                        f"{ISSUER}:sub": "system:serviceaccount:apps:api",
                        f"{ISSUER}:aud": "sts.amazonaws.com",
                    }
                },
            }
        ],
    }


def test_irsa_trust_uses_string_like_only_for_explicit_patterns():
    trust = doc.irsa_trust_policy([(PROVIDER, ISSUER)], SUBJECT, ["system:serviceaccount:apps:api-*"])
    condition = trust["Statement"][0]["Condition"]
    assert condition == {
        "StringEquals": {f"{ISSUER}:aud": "sts.amazonaws.com"},
        "StringLike": {f"{ISSUER}:sub": [SUBJECT, "system:serviceaccount:apps:api-*"]},
    }


def test_subject_patterns_must_keep_namespace_and_need_opt_in():
    with pytest.raises(ValidationError, match="namespace exact"):
        doc.check_subject_patterns("p", ["system:serviceaccount:*:api"], "apps", True)
    with pytest.raises(ValidationError, match="allow_wildcards=True"):
        doc.check_subject_patterns("p", ["system:serviceaccount:apps:api-*"], "apps", False)
    assert doc.check_subject_patterns("p", ["system:serviceaccount:apps:api-*"], "apps", True)


def test_multi_cluster_trust_has_one_statement_per_provider():
    other = "oidc.eks.eu-west-1.amazonaws.com/id/SECOND"
    trust = doc.irsa_trust_policy(
        [(PROVIDER, ISSUER), (f"arn:aws:iam::111122223333:oidc-provider/{other}", other)], SUBJECT
    )
    assert [s["Principal"]["Federated"] for s in trust["Statement"]] == [
        PROVIDER,
        f"arn:aws:iam::111122223333:oidc-provider/{other}",
    ]
    assert trust["Statement"][1]["Condition"]["StringEquals"] == {
        f"{other}:sub": SUBJECT,
        f"{other}:aud": "sts.amazonaws.com",
    }


def _clusters(n):
    out = []
    for i in range(n):
        issuer = f"oidc.eks.us-east-1.amazonaws.com/id/{i:032X}"
        out.append((f"arn:aws:iam::111122223333:oidc-provider/{issuer}", issuer))
    return out


def test_trust_size_quota_allows_four_clusters_and_refuses_six():
    doc.check_trust_size("t", doc.irsa_trust_policy(_clusters(4), SUBJECT))
    with pytest.raises(ValidationError) as err:
        doc.check_trust_size("t", doc.irsa_trust_policy(_clusters(6), SUBJECT))
    message = str(err.value)
    assert "2048" in message and "pod_identity" in message and "Service Quotas" in message
    size = len(json.dumps(doc.irsa_trust_policy(_clusters(6), SUBJECT), separators=(",", ":")))
    assert f"{size} characters" in message


def test_size_ignores_whitespace():
    trust = doc.irsa_trust_policy(_clusters(1), SUBJECT)
    assert doc.check_size("t", json.dumps(trust, indent=4), 2048, "x", "y") == len(doc.compact_json(trust))


def test_provider_arn_parsing_and_partitions():
    assert doc.parse_oidc_provider_arn("f", PROVIDER) == {
        "partition": "aws",
        "account": "111122223333",
        "issuer": ISSUER,
    }
    gov = "arn:aws-us-gov:iam::111122223333:oidc-provider/oidc.eks.us-gov-west-1.amazonaws.com/id/X"
    assert doc.parse_oidc_provider_arn("f", gov)["partition"] == "aws-us-gov"
    for bad in ("arn:aws:iam::1234:oidc-provider/x", "arn:aws:iam::111122223333:role/x", "oidc.eks"):
        with pytest.raises(ValidationError, match="OIDC provider ARN"):
            doc.parse_oidc_provider_arn("oidc_provider_arn", bad)


def test_issuer_must_be_https_without_trailing_slash():
    assert doc.issuer_host_path("u", f"https://{ISSUER}") == ISSUER
    with pytest.raises(ValidationError, match="https"):
        doc.issuer_host_path("u", f"http://{ISSUER}")
    with pytest.raises(ValidationError, match="trailing"):
        doc.issuer_host_path("u", f"https://{ISSUER}/")
    assert doc.oidc_provider_arn("aws-cn", "111122223333", ISSUER) == (
        f"arn:aws-cn:iam::111122223333:oidc-provider/{ISSUER}"
    )


def test_role_name_derivation_is_stable_and_short():
    assert doc.derive_role_name("apps", "api") == "apps-api"
    long = doc.derive_role_name("a" * 63, "b" * 200)
    assert len(long) == 64 and long == doc.derive_role_name("a" * 63, "b" * 200)
    assert long != doc.derive_role_name("a" * 63, "b" * 199)
    doc.check_role_name("r", long)


@pytest.mark.parametrize("bad", ["", "x" * 65, "has space", "slash/name"])
def test_role_name_rule(bad):
    with pytest.raises(ValidationError, match="1-64"):
        doc.check_role_name("role_name", bad)


@pytest.mark.parametrize("bad", ["workloads", "/workloads", "workloads/", "/" + "a" * 511 + "/"])
def test_role_path_rule(bad):
    with pytest.raises(ValidationError, match="path"):
        doc.check_role_path("role_path", bad)


def test_statement_normalization_orders_keys():
    out = doc.normalize_statements(
        "s",
        [{"Resource": ["arn:aws:s3:::b/*"], "Action": ["s3:GetObject"], "Sid": "Read"}],
        False,
    )
    assert list(out[0]) == ["Sid", "Effect", "Action", "Resource"]
    assert out[0]["Effect"] == "Allow"


@pytest.mark.parametrize(
    "statement,match",
    [
        ({"Action": "*", "Resource": "arn:aws:s3:::b"}, "wildcard actions"),
        ({"Action": "s3:*", "Resource": "arn:aws:s3:::b"}, "wildcard actions"),
        ({"Action": "s3:GetObject", "Resource": "*"}, "every resource"),
        ({"Action": "s3:GetObject", "Resource": ["arn:aws:s3:::b", "*"]}, "every resource"),
        ({"NotAction": "iam:*", "Resource": "arn:aws:s3:::b"}, "NotAction"),
        ({"Action": "s3:GetObject", "NotResource": "arn:aws:s3:::b"}, "NotResource"),
        ({"Action": "s3:GetObject", "Resource": "arn:aws:s3:::b", "Principal": "*"}, "no Principal"),
        ({"Action": "GetObject", "Resource": "arn:aws:s3:::b"}, "<service>:<Action>"),
        ({"Effect": "Maybe", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b"}, "'Allow' or 'Deny'"),
        ({"Action": "s3:GetObject"}, "Resource or NotResource"),
    ],
)
def test_statement_refusals(statement, match):
    with pytest.raises(ValidationError, match=match):
        doc.normalize_statements("policy_statements", [statement], False)


def test_wildcards_accepted_by_name_and_deny_is_never_refused():
    doc.normalize_statements("s", [{"Action": "s3:*", "Resource": "*"}], True)
    doc.normalize_statements("s", [{"Effect": "Deny", "Action": "*", "Resource": "*"}], False)


def test_admin_managed_policies_need_opt_in():
    with pytest.raises(ValidationError, match="AdministratorAccess grants"):
        doc.check_managed_policy_arn("m", "arn:aws:iam::aws:policy/AdministratorAccess", False)
    doc.check_managed_policy_arn("m", "arn:aws:iam::aws:policy/AdministratorAccess", True)
    doc.check_managed_policy_arn("m", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", False)
    with pytest.raises(ValidationError, match="policy ARN"):
        doc.check_managed_policy_arn("m", "AmazonS3ReadOnlyAccess", False)


def test_tags_limits():
    doc.check_tags("t", {f"k{i}": "v" for i in range(50)})
    with pytest.raises(ValidationError, match="at most 50"):
        doc.check_tags("t", {f"k{i}": "v" for i in range(51)})
    with pytest.raises(ValidationError, match="aws:"):
        doc.check_tags("t", {"aws:owner": "me"})


def test_cross_account_documents():
    target = "arn:aws:iam::444455556666:role/data"
    assert doc.assume_target_role_policy(target)["Statement"] == [
        {"Effect": "Allow", "Action": ["sts:AssumeRole", "sts:TagSession"], "Resource": target}
    ]


def test_plan_placeholders_are_accepted_only_while_planning():
    arn = "arn:aws:iam::<aws account id, known after deploy>:role/apps-api"
    with pytest.raises(ValidationError, match="IAM role ARN"):
        doc.parse_role_arn("role_arn", arn)
    assert doc.parse_role_arn("role_arn", arn, placeholders=True)["name"] == "apps-api"
