"""federation.args: the source (pod or CI) and each target's rules, refused before anything is made."""

import pytest

from pulumi_wid import ValidationError
from pulumi_wid.federation.args import aws_spec, azure_spec, ci_subject, gcp_spec

AKS = "https://eastus.oic.prod-aks.azure.com/11111111-1111-1111-1111-111111111111/22222222-2222-2222-2222-222222222222/"
POD = {"identity": {"namespace": "apps", "service_account": "api"}, "oidc_issuer_url": AKS}
GCP = {"project": "shop-prod", "project_number": "123456789012"}


def gh(**extra):
    return {"provider": "github_actions", "repository": "octo-org/deploy", **extra}


def test_the_source_is_one_of_identity_or_ci():
    with pytest.raises(ValidationError, match="exactly one source"):
        aws_spec({})
    with pytest.raises(ValidationError, match="exactly one source"):
        aws_spec({**POD, "ci": [gh(branch="main")]})
    with pytest.raises(ValidationError) as err:
        aws_spec({"identity": POD["identity"]})
    assert err.value.field == "oidc_issuer_url"
    with pytest.raises(ValidationError) as err:
        aws_spec({"ci": [gh(branch="main")], "token_expiration_seconds": 3600})
    assert err.value.field == "token_expiration_seconds"


@pytest.mark.parametrize("url", ["http://x.example.com", "https://x.example.com/?a=1", "oidc.eks.amazonaws.com/id/A", ""])
def test_issuers_are_https_urls(url):
    with pytest.raises(ValidationError):
        azure_spec({**POD, "oidc_issuer_url": url, "resource_group_name": "rg"})


def test_the_issuer_is_kept_verbatim():
    assert azure_spec({**POD, "resource_group_name": "rg"}).source.issuer == AKS  # trailing '/' kept


@pytest.mark.parametrize("value", [599, 86401, 3600.0, "3600"])
def test_token_expiration_range(value):
    with pytest.raises(ValidationError):
        aws_spec({**POD, "token_expiration_seconds": value})


@pytest.mark.parametrize("source,field", [
    (gh(), "ci[0]"),  # no context: every workflow of the repository
    (gh(branch="main", environment="prod"), "ci[0]"),  # two contexts
    (gh(repository="octo-org/*", branch="main"), "ci[0].repository"),
    (gh(branch="*"), "ci[0].branch"),
    (gh(subject="repo:octo-org/*"), "ci[0].subject"),
    (gh(repository="octo-org", branch="main"), "ci[0].repository"),
    (gh(branch="main", owner_id="123"), "ci[0].owner_id"),
    (gh(branch="main", owner_id="x1", repository_id="2"), "ci[0].owner_id"),
    (gh(subject="project_path:g/p:ref_type:branch:ref:main"), "ci[0].subject"),
    ({"provider": "gitlab_ci", "repository": "grp/app", "environment": "prod"}, "ci[0].environment"),
    ({"provider": "gitlab_ci", "repository": "app", "branch": "main"}, "ci[0].repository"),
    ({"provider": "circleci", "repository": "a/b", "branch": "main"}, "ci[0].provider"),
    (gh(branch="main", issuer_url="http://ghes.example.com"), "ci[0].issuer_url"),
])
def test_ci_sources_refused(source, field):
    with pytest.raises(ValidationError) as err:
        aws_spec({"ci": [source]})
    assert err.value.field == field


def test_subject_wildcards_are_a_named_aws_only_opt_in():
    spec = aws_spec({"ci": [gh(branch="release/*")], "allow_subject_wildcards": True})
    assert spec.source.subjects == ["repo:octo-org/deploy:ref:refs/heads/release/*"] and spec.source.wildcard
    # Azure and GCP match subjects exactly: there is nothing to opt into
    with pytest.raises(ValidationError, match="exactly"):
        azure_spec({"ci": [gh(branch="release/*")], "resource_group_name": "rg"})
    with pytest.raises(ValidationError, match="exactly"):
        ci_subject("ci[0]", gh(branch="*"), "gcp", True)


def test_ci_subjects_and_issuers():
    spec = aws_spec({"ci": [gh(environment="prod", owner_id="1", repository_id="2"), gh(pull_request=True)]})
    assert spec.source.subjects == ["repo:octo-org@1/deploy@2:environment:prod", "repo:octo-org/deploy:pull_request"]
    assert spec.source.issuer == "https://token.actions.githubusercontent.com" and spec.audience == "sts.amazonaws.com"
    assert spec.role_name == "ci-deploy-prod"
    with pytest.raises(ValidationError, match="share one issuer"):
        aws_spec({"ci": [gh(branch="main"), {"provider": "gitlab_ci", "repository": "g/p", "branch": "main"}]})
    with pytest.raises(ValidationError, match="same subject"):
        aws_spec({"ci": [gh(branch="main"), gh(branch="main")]})


def test_at_most_20_credentials_per_identity():
    ci = [gh(branch=f"b{i}") for i in range(21)]
    with pytest.raises(ValidationError, match="at most 20"):
        azure_spec({"ci": ci, "resource_group_name": "rg"})
    assert len(azure_spec({"ci": ci[:20], "resource_group_name": "rg"}).fic_names) == 20


@pytest.mark.parametrize("args,field", [
    ({"project_number": "shop-prod"}, "project_number"),
    ({"project_number": None}, "project_number"),
    ({"pool_id": "gcp-pool"}, "pool_id"),
    ({"provider_id": "abc"}, "provider_id"),
    ({"create_pool": True, "create_provider": False}, "create_provider"),
    ({"account_id": "ci-deployer"}, "account_id"),  # direct mode
    ({"roles": ["roles/owner"]}, "roles[0]"),
    ({"roles": ["roles/iam.serviceAccountTokenCreator"]}, "roles[0]"),
    ({"audience": "*"}, "audience"),
])
def test_gcp_rules(args, field):
    with pytest.raises(ValidationError) as err:
        gcp_spec({**POD, **GCP, **args})
    assert err.value.field == field


def test_gcp_subject_over_127_bytes_refused():
    long = {"namespace": "n" * 60, "service_account": "s" * 60}
    with pytest.raises(ValidationError, match="127 bytes"):
        gcp_spec({**POD, **GCP, "identity": long})


def test_target_rules_are_the_clouds_own():
    with pytest.raises(ValidationError) as err:
        aws_spec({**POD, "policy_statements": [{"Action": "s3:*", "Resource": "*"}]})
    assert err.value.field.startswith("policy_statements[0]")
    with pytest.raises(ValidationError, match="Owner"):
        azure_spec({**POD, "resource_group_name": "rg", "role_assignments": [
            {"role": "Owner", "scope": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg"}]})
    with pytest.raises(ValidationError) as err:
        aws_spec({**POD, "role_name": "x" * 65})
    assert err.value.field == "role_name"


def test_an_aws_oidc_provider_url_is_at_most_255_characters():
    # IAM CreateOpenIDConnectProvider: Url is 1-255 characters; the role's trust names that provider
    # GIVEN an issuer of 255 characters THEN it is accepted for AWS
    at_limit = "https://k8s.example.com/" + "a" * (255 - len("https://k8s.example.com/"))
    assert aws_spec({**POD, "oidc_issuer_url": at_limit}).source.issuer == at_limit
    # GIVEN 256 characters THEN AWS refuses it before anything is made (Azure's 600 still accepts it)
    with pytest.raises(ValidationError) as err:
        aws_spec({**POD, "oidc_issuer_url": at_limit + "b"})
    assert err.value.field == "oidc_issuer_url" and "255" in err.value.rule
    assert azure_spec({**POD, "oidc_issuer_url": at_limit + "b", "resource_group_name": "rg"})
