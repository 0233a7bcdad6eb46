"""aws.args: EksPodIdentityArgs -> EksSpec, plain values, no mock runtime."""

import pytest

from pulumi_wid.aws.args import EksSpec, eks_spec
from pulumi_wid.errors import ValidationError

IDENTITY = {"namespace": "apps", "service_account": "api"}
ROLE_ARN = "arn:aws:iam::123456789012:role/existing"


def test_defaults_of_pod_identity():
    spec = eks_spec({"identity": IDENTITY, "cluster_name": "prod"})
    assert isinstance(spec, EksSpec)
    assert (spec.mode, spec.role_name, spec.role_path, spec.cluster_name) == ("pod_identity", "apps-api", "/", "prod")
    assert spec.placeholders is False and spec.statements == [] and spec.annotations_extra == {}


def test_irsa_annotations_and_trust_sources():
    provider = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC"
    spec = eks_spec({"identity": IDENTITY, "mode": "irsa", "oidc_provider_arn": provider,
                     "sts_regional_endpoints": True, "token_expiration_seconds": 3600})
    assert spec.providers == [provider] and spec.issuers == []
    assert spec.annotations_extra == {
        "eks.amazonaws.com/sts-regional-endpoints": "true", "eks.amazonaws.com/token-expiration": "3600",
    }


@pytest.mark.parametrize("key, value, mode, other", [
    ("oidc_issuer_url", "https://oidc.example", "pod_identity", "irsa"),
    ("disable_session_tags", True, "irsa", "pod_identity"),
])
def test_mode_only_keys_are_refused(key, value, mode, other):
    args = {"identity": IDENTITY, "cluster_name": "prod", "mode": mode, key: value}
    with pytest.raises(ValidationError, match=f"only applies when mode='{other}'"):
        eks_spec(args)


def test_role_settings_are_refused_with_an_existing_role():
    with pytest.raises(ValidationError, match="does not create \\(role_arn is given\\)"):
        eks_spec({"identity": IDENTITY, "cluster_name": "prod", "role_arn": ROLE_ARN, "role_name": "x"})


def test_a_managed_policy_listed_twice_is_refused_now():
    arn = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
    with pytest.raises(ValidationError, match=r"managed_policy_arns\[1\].*already attached by managed_policy_arns\[0\]"):
        eks_spec({"identity": IDENTITY, "cluster_name": "prod", "managed_policy_arns": [arn, arn]})


def test_placeholders_only_in_placeholder_mode():
    arn = "arn:aws:iam::<aws account id, known after deploy>:role/existing"
    with pytest.raises(ValidationError, match="IAM role ARN"):
        eks_spec({"identity": IDENTITY, "cluster_name": "prod", "role_arn": arn})
    assert eks_spec({"identity": IDENTITY, "cluster_name": "prod", "role_arn": arn}, placeholders=True).existing_role_arn == arn


IRSA = {"identity": IDENTITY, "mode": "irsa",
        "oidc_provider_arn": "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC"}


@pytest.mark.parametrize("seconds", [600, 3599, 86400])
def test_irsa_token_expiration_takes_the_eks_webhooks_range(seconds):
    # GIVEN a token lifetime inside the EKS pod identity webhook's 600-86400
    # WHEN validated THEN it is annotated as given
    spec = eks_spec({**IRSA, "token_expiration_seconds": seconds})
    assert spec.annotations_extra == {"eks.amazonaws.com/token-expiration": str(seconds)}


@pytest.mark.parametrize("seconds", [599, 0, 86401])
def test_irsa_token_expiration_outside_the_webhooks_range_is_refused(seconds):
    with pytest.raises(ValidationError, match="600 to 86400") as err:
        eks_spec({**IRSA, "token_expiration_seconds": seconds})
    assert err.value.field == "token_expiration_seconds"
