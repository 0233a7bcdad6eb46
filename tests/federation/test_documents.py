"""federation.documents: exact subjects, trusts, pool providers, credential files and pod patches (pure)."""

import json

import pytest

from pulumi_wid import ValidationError
from pulumi_wid.aws import documents as aws_doc
from pulumi_wid.federation import documents as doc

EKS = "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
AKS = "https://eastus.oic.prod-aks.azure.com/11111111-1111-1111-1111-111111111111/22222222-2222-2222-2222-222222222222/"
GKE = "https://container.googleapis.com/v1/projects/shop-prod/locations/us-central1/clusters/main"


def test_source_kinds_and_the_gke_issuer():
    assert doc.gke_issuer_url("shop-prod", "us-central1", "main") == GKE
    assert [doc.source_kind(i) for i in (EKS, AKS, GKE, "https://token.actions.githubusercontent.com",
                                         "https://gitlab.com", "https://k8s.example.com")] == [
        "eks", "aks", "gke", "github_actions", "gitlab_ci", "oidc"]


@pytest.mark.parametrize("kwargs,subject", [
    ({"branch": "main"}, "repo:octo-org/deploy:ref:refs/heads/main"),
    ({"tag": "v1.2.0"}, "repo:octo-org/deploy:ref:refs/tags/v1.2.0"),
    ({"environment": "prod"}, "repo:octo-org/deploy:environment:prod"),
    ({"pull_request": True}, "repo:octo-org/deploy:pull_request"),
    ({"environment": "prod", "owner_id": "123456", "repository_id": "456789"},
     "repo:octo-org@123456/deploy@456789:environment:prod"),
])
def test_github_subjects(kwargs, subject):
    assert doc.github_subject("octo-org/deploy", **kwargs) == subject


def test_gitlab_subjects():
    assert doc.gitlab_subject("grp/sub/app", branch="main") == "project_path:grp/sub/app:ref_type:branch:ref:main"
    assert doc.gitlab_subject("grp/app", tag="v1") == "project_path:grp/app:ref_type:tag:ref:v1"


def test_aws_trust_for_a_foreign_issuer_is_the_irsa_statement():
    arn = "arn:aws:iam::123456789012:oidc-provider/eastus.oic.prod-aks.azure.com/1/2/"
    trust = doc.aws_web_identity_trust(arn, "https://eastus.oic.prod-aks.azure.com/1/2/",
                                       ["system:serviceaccount:apps:api"], "sts.amazonaws.com")
    prefix = "eastus.oic.prod-aks.azure.com/1/2/"  # the issuer's final '/' stays (IAM's provider name)
    assert trust == {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Federated": arn}, "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {f"{prefix}:sub": "system:serviceaccount:apps:api",
                                       f"{prefix}:aud": "sts.amazonaws.com"}}}]}
    # GIVEN the default audience THEN the statement is exactly IRSA's
    assert trust["Statement"][0] == aws_doc.irsa_statement(arn, prefix, "system:serviceaccount:apps:api")
    text = json.dumps(trust)
    assert "ForAllValues" not in text and "StringLike" not in text


def test_aws_trust_wildcard_only_by_opt_in_and_aud_stays_exact():
    trust = doc.aws_web_identity_trust("arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com",
                                       "https://token.actions.githubusercontent.com",
                                       ["repo:o/r:ref:refs/heads/*"], "sts.amazonaws.com", wildcard=True)
    assert trust["Statement"][0]["Condition"] == {
        "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
        "StringLike": {"token.actions.githubusercontent.com:sub": "repo:o/r:ref:refs/heads/*"}}


def test_gcp_names_principals_and_condition():
    assert doc.gcp_sts_audience("123", "pool-a", "prov") == \
        "//iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/pool-a/providers/prov"
    assert doc.gcp_token_audience("123", "pool-a", "prov") == \
        "https://iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/pool-a/providers/prov"
    assert doc.gcp_principal("123", "pool-a", "system:serviceaccount:apps:api") == (
        "principal://iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/pool-a/subject/"
        "system:serviceaccount:apps:api")
    assert doc.gcp_attribute_mapping() == {"google.subject": "assertion.sub"}
    assert doc.gcp_attribute_condition(["a"]) == 'assertion.sub == "a"'
    assert doc.gcp_attribute_condition(["a", "b"]) == 'assertion.sub in ["a", "b"]'


def test_gcp_credential_configuration_exact():
    assert doc.gcp_credential_configuration("123", "p", "q", "/t/token") == {
        "type": "external_account",
        "audience": "//iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/p/providers/q",
        "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",
        "token_url": "https://sts.googleapis.com/v1/token",
        "credential_source": {"file": "/t/token", "format": {"type": "text"}},
    }
    gsa = doc.gcp_credential_configuration("123", "p", "q", "/t/token", "ci@proj-a1.iam.gserviceaccount.com")
    assert gsa["service_account_impersonation_url"] == ("https://iamcredentials.googleapis.com/v1/projects/-/"
                                                        "serviceAccounts/ci@proj-a1.iam.gserviceaccount.com:generateAccessToken")
    assert doc.credential_json(gsa) == doc.credential_json(dict(gsa))  # byte-identical


@pytest.mark.parametrize("value,ok", [("pool", True), ("a" * 32, True), ("abc", False), ("a" * 33, False),
                                      ("Pool", False), ("gcp-pool", False), ("my_pool", False)])
def test_pool_ids(value, ok):
    if ok:
        assert doc.check_pool_id("pool_id", value) == value
    else:
        with pytest.raises(ValidationError):
            doc.check_pool_id("pool_id", value)
    derived = doc.derive_pool_id(value)
    assert doc.check_pool_id("x", derived) == derived


def test_gcp_subject_limit():
    doc.check_gcp_subject("s", "x" * 127)
    with pytest.raises(ValidationError, match="127 bytes"):
        doc.check_gcp_subject("s", "x" * 128)


def test_pod_patches_exact():
    assert doc.aws_pod_patch("api", "arn:aws:iam::1:role/r", "sts.amazonaws.com", 3600) == {
        "spec": {"serviceAccountName": "api", "volumes": [{"name": "wid-aws-token", "projected": {"sources": [
            {"serviceAccountToken": {"audience": "sts.amazonaws.com", "expirationSeconds": 3600, "path": "token"}}]}}]},
        "allContainers": {
            "env": [{"name": "AWS_ROLE_ARN", "value": "arn:aws:iam::1:role/r"},
                    {"name": "AWS_WEB_IDENTITY_TOKEN_FILE", "value": "/var/run/secrets/wid/aws/token"}],
            "volumeMounts": [{"name": "wid-aws-token", "mountPath": "/var/run/secrets/wid/aws", "readOnly": True}]},
    }
    azure = doc.azure_pod_patch("api", "cid", "tid", 7200)
    assert azure["spec"]["volumes"][0]["projected"]["sources"][0]["serviceAccountToken"] == {
        "audience": "api://AzureADTokenExchange", "expirationSeconds": 7200, "path": "token"}
    assert azure["allContainers"]["env"] == [
        {"name": "AZURE_CLIENT_ID", "value": "cid"}, {"name": "AZURE_TENANT_ID", "value": "tid"},
        {"name": "AZURE_FEDERATED_TOKEN_FILE", "value": "/var/run/secrets/wid/azure/token"},
        {"name": "AZURE_AUTHORITY_HOST", "value": "https://login.microsoftonline.com/"}]
    gcp = doc.gcp_pod_patch("api", "https://iam.googleapis.com/x", 3600, "api-gcp-credentials")
    assert gcp["spec"]["volumes"][1] == {"name": "wid-gcp-credentials", "configMap": {"name": "api-gcp-credentials"}}
    assert gcp["allContainers"]["env"] == [
        {"name": "GOOGLE_APPLICATION_CREDENTIALS", "value": "/etc/wid/gcp/credential-configuration.json"}]
    assert [m["mountPath"] for m in gcp["allContainers"]["volumeMounts"]] == ["/var/run/secrets/wid/gcp", "/etc/wid/gcp"]


def test_aws_condition_keys_keep_the_issuers_trailing_slash():
    # IAM names a provider by its URL without the scheme, verbatim: a provider registered for an issuer
    # ending in '/' (AKS, Auth0) is oidc-provider/<host/path>/ and its condition keys are <host/path>/:sub
    # and <host/path>/:aud (e.g. mozilla-iam's roles: oidc-provider/auth.mozilla.auth0.com/ with
    # auth.mozilla.auth0.com/:aud). Keys without the '/' name no provider and never match.
    # GIVEN an AKS issuer WHEN the trust is built THEN its keys and provider ARN end in '/'
    arn = doc.aws_provider_arn("aws", "123456789012", AKS)
    assert arn == f"arn:aws:iam::123456789012:oidc-provider/{AKS.removeprefix('https://')}"
    prefix = doc.aws_condition_prefix(AKS)
    assert prefix == AKS.removeprefix("https://") and prefix.endswith("/")
    trust = doc.aws_web_identity_trust(arn, AKS, ["system:serviceaccount:apps:api"], "sts.amazonaws.com")
    keys = set(trust["Statement"][0]["Condition"]["StringEquals"])
    assert keys == {f"{prefix}:sub", f"{prefix}:aud"}
    assert f"{prefix.rstrip('/')}:sub" not in keys
    # GIVEN an issuer without '/' THEN nothing is added
    assert doc.aws_condition_prefix("https://token.actions.githubusercontent.com") == "token.actions.githubusercontent.com"
