"""The federated components under the mock runtime: every source cluster kind to every cloud, and CI.

Each direction asserts the exact trust (issuer, subject, audience) the target cloud holds,
and the exact pod side: the merged Deployment is validated against the Kubernetes schema.
"""

import json

import kubernetes_validate
import pytest

from pulumi_wid import (
    AwsFederatedRole,
    AzureFederatedIdentity,
    GcpFederatedPrincipal,
    ValidationError,
    merge_pod_template,
)

K8S_VERSION = "1.33"
EKS = "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
AKS = "https://eastus.oic.prod-aks.azure.com/11111111-1111-1111-1111-111111111111/22222222-2222-2222-2222-222222222222/"
GKE = "https://container.googleapis.com/v1/projects/shop-prod/locations/us-central1/clusters/main"
IDENTITY = {"namespace": "apps", "service_account": "api"}
SUBJECT = "system:serviceaccount:apps:api"
GITHUB = "https://token.actions.githubusercontent.com"
OUTPUTS = ("pod_template_patch", "audience", "subjects", "issuer_url", "ci_settings", "service_account_name")
WORKLOAD = {
    "replicas": 1, "selector": {"matchLabels": {"app": "api"}},
    "template": {"metadata": {"labels": {"app": "api"}}, "spec": {"containers": [
        {"name": "api", "image": "api:1", "env": [{"name": "LOG_LEVEL", "value": "info"}],
         "volumeMounts": [{"name": "cache", "mountPath": "/cache"}]},
        {"name": "sidecar", "image": "proxy:1"}],
        "volumes": [{"name": "cache", "emptyDir": {}}]}},
}


def build(mocks, cls, args, extra=()):
    def program():
        c = cls("api", args)
        return {k: getattr(c, k) for k in (*OUTPUTS, *extra)}
    return mocks.run(program)


def validated_deployment(patch):
    spec = merge_pod_template(WORKLOAD, patch)
    manifest = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "api", "namespace": "apps"}, "spec": spec}
    assert kubernetes_validate.validate(manifest, K8S_VERSION, strict=True) == K8S_VERSION
    return spec["template"]["spec"]


def assert_every_container(pod, env, mount_paths):
    assert pod["serviceAccountName"] == "api"
    main, sidecar = pod["containers"]
    assert main["env"][0] == {"name": "LOG_LEVEL", "value": "info"}  # the user's first, untouched
    assert main["env"][1:] == env and sidecar["env"] == env
    assert main["volumeMounts"][0] == {"name": "cache", "mountPath": "/cache"}
    assert [m["mountPath"] for m in sidecar["volumeMounts"]] == mount_paths
    assert pod["volumes"][0] == {"name": "cache", "emptyDir": {}}


@pytest.mark.parametrize("issuer", [AKS, GKE, "https://k8s.example.com/cluster-1"], ids=["aks", "gke", "any"])
def test_any_cluster_to_aws(wid_mocks, issuer):
    out = build(wid_mocks, AwsFederatedRole, {"identity": IDENTITY, "oidc_issuer_url": issuer,
                "policy_statements": [{"Action": ["s3:PutObject"], "Resource": ["arn:aws:s3:::reports/*"]}]})
    provider = wid_mocks.one("aws:iam/openIdConnectProvider:OpenIdConnectProvider")
    assert provider.inputs["url"] == issuer and provider.inputs["clientIdLists"] == ["sts.amazonaws.com"]
    # IAM keeps an issuer's trailing '/' in the provider's name and in its condition keys
    prefix = issuer.removeprefix("https://")
    assert provider.outputs["arn"] == f"arn:aws:iam::123456789012:oidc-provider/{prefix}"
    trust = json.loads(wid_mocks.one("aws:iam/role:Role").inputs["assumeRolePolicy"])
    assert trust == {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Federated": provider.outputs["arn"]},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {f"{prefix}:sub": SUBJECT, f"{prefix}:aud": "sts.amazonaws.com"}}}]}
    assert out["ci_settings"] is None and out["subjects"] == [SUBJECT]
    pod = validated_deployment(out["pod_template_patch"])
    assert_every_container(pod, [{"name": "AWS_ROLE_ARN", "value": "arn:aws:iam::123456789012:role/apps-api"},
                                 {"name": "AWS_WEB_IDENTITY_TOKEN_FILE", "value": "/var/run/secrets/wid/aws/token"}],
                           ["/var/run/secrets/wid/aws"])
    assert pod["volumes"][1]["projected"]["sources"][0]["serviceAccountToken"]["audience"] == "sts.amazonaws.com"
    sa = wid_mocks.one("kubernetes:core/v1:ServiceAccount")
    assert sa.inputs["metadata"] == {"name": "api", "namespace": "apps"}  # no EKS annotation off EKS


def test_aws_with_an_existing_provider_of_another_issuer_is_refused(wid_mocks):
    with pytest.raises(Exception, match="names issuer"):
        build(wid_mocks, AwsFederatedRole, {"identity": IDENTITY, "oidc_issuer_url": AKS,
              "oidc_provider_arn": "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/X"})


@pytest.mark.parametrize("issuer", [EKS, GKE], ids=["eks", "gke"])
def test_any_cluster_to_azure(wid_mocks, issuer):
    out = build(wid_mocks, AzureFederatedIdentity, {"identity": IDENTITY, "oidc_issuer_url": issuer,
                "resource_group_name": "rg"}, ("client_id", "tenant_id"))
    fic = wid_mocks.one("azure-native:managedidentity:FederatedIdentityCredential")
    assert {k: fic.inputs[k] for k in ("issuer", "subject", "audiences")} == {
        "issuer": issuer, "subject": SUBJECT, "audiences": ["api://AzureADTokenExchange"]}
    assert "azure.workload.identity/use" not in json.dumps(out["pod_template_patch"])  # no webhook off AKS
    pod = validated_deployment(out["pod_template_patch"])
    assert_every_container(pod, [
        {"name": "AZURE_CLIENT_ID", "value": out["client_id"]}, {"name": "AZURE_TENANT_ID", "value": out["tenant_id"]},
        {"name": "AZURE_FEDERATED_TOKEN_FILE", "value": "/var/run/secrets/wid/azure/token"},
        {"name": "AZURE_AUTHORITY_HOST", "value": "https://login.microsoftonline.com/"}], ["/var/run/secrets/wid/azure"])


@pytest.mark.parametrize("issuer,provider_id", [(EKS, "k8s-eks"), (AKS, "k8s-aks")], ids=["eks", "aks"])
def test_any_cluster_to_gcp_direct(wid_mocks, issuer, provider_id):
    out = build(wid_mocks, GcpFederatedPrincipal, {
        "identity": IDENTITY, "oidc_issuer_url": issuer, "project": "shop-prod", "project_number": "123456789012",
        "bindings": [{"role": "roles/storage.objectViewer", "resource_type": "storage_bucket", "resource": "invoices"}],
    }, ("members", "credential_configuration", "provider_name"))
    name = f"projects/123456789012/locations/global/workloadIdentityPools/wid-apps-api/providers/{provider_id}"
    audience = f"https://iam.googleapis.com/{name}"
    provider = wid_mocks.one("gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider")
    assert provider.inputs == {
        "project": "shop-prod", "workloadIdentityPoolId": "wid-apps-api", "workloadIdentityPoolProviderId": provider_id,
        "displayName": provider_id, "attributeMapping": {"google.subject": "assertion.sub"},
        "attributeCondition": f'assertion.sub == "{SUBJECT}"',
        "oidc": {"issuerUri": issuer, "allowedAudiences": [audience]},
    }
    pool = wid_mocks.one("gcp:iam/workloadIdentityPool:WorkloadIdentityPool")
    assert pool.urn in provider.depends_on
    principal = f"principal://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/wid-apps-api/subject/{SUBJECT}"
    grant = wid_mocks.one("gcp:storage/bucketIAMMember:BucketIAMMember")
    assert grant.inputs == {"bucket": "invoices", "role": "roles/storage.objectViewer", "member": principal}
    assert out["members"] == [principal] and out["provider_name"] == name
    config = json.loads(out["credential_configuration"])
    assert config == {"type": "external_account", "audience": f"//iam.googleapis.com/{name}",
                      "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",
                      "token_url": "https://sts.googleapis.com/v1/token",
                      "credential_source": {"file": "/var/run/secrets/wid/gcp/token", "format": {"type": "text"}}}
    cm = wid_mocks.one("kubernetes:core/v1:ConfigMap")
    assert cm.inputs["metadata"] == {"name": "api-gcp-credentials", "namespace": "apps"}
    assert cm.inputs["data"] == {"credential-configuration.json": out["credential_configuration"]}
    assert kubernetes_validate.validate({"apiVersion": "v1", "kind": "ConfigMap", "metadata": cm.inputs["metadata"],
                                         "data": cm.inputs["data"]}, K8S_VERSION, strict=True)
    pod = validated_deployment(out["pod_template_patch"])
    assert_every_container(pod, [{"name": "GOOGLE_APPLICATION_CREDENTIALS", "value": "/etc/wid/gcp/credential-configuration.json"}],
                           ["/var/run/secrets/wid/gcp", "/etc/wid/gcp"])
    assert pod["volumes"][1]["projected"]["sources"][0]["serviceAccountToken"] == {
        "audience": audience, "expirationSeconds": 3600, "path": "token"}
    assert pod["volumes"][2] == {"name": "wid-gcp-credentials", "configMap": {"name": "api-gcp-credentials"}}


def test_gcp_through_a_gsa(wid_mocks):
    out = build(wid_mocks, GcpFederatedPrincipal, {
        "identity": IDENTITY, "oidc_issuer_url": EKS, "project": "shop-prod", "project_number": "123456789012",
        "mode": "service_account", "roles": ["roles/pubsub.publisher"]}, ("gcp_service_account_email", "credential_configuration"))
    email = out["gcp_service_account_email"]
    wiu = wid_mocks.one("gcp:serviceaccount/iAMMember:IAMMember")
    assert wiu.inputs["role"] == "roles/iam.workloadIdentityUser"
    assert wiu.inputs["member"].endswith(f"/workloadIdentityPools/wid-apps-api/subject/{SUBJECT}")
    assert wid_mocks.one("gcp:projects/iAMMember:IAMMember").inputs["member"] == f"serviceAccount:{email}"
    assert json.loads(out["credential_configuration"])["service_account_impersonation_url"] == (
        f"https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/{email}:generateAccessToken")


def test_github_actions_deployers_on_each_cloud(wid_mocks):
    ci = [{"provider": "github_actions", "repository": "octo-org/deploy", "environment": "prod",
           "owner_id": "123456", "repository_id": "456789"}]
    sub = "repo:octo-org@123456/deploy@456789:environment:prod"
    aws_out = build(wid_mocks, AwsFederatedRole, {"ci": ci, "oidc_provider_arn":
                    "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"})
    trust = json.loads(wid_mocks.one("aws:iam/role:Role").inputs["assumeRolePolicy"])
    assert trust["Statement"][0]["Condition"] == {"StringEquals": {
        "token.actions.githubusercontent.com:sub": sub, "token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}
    assert "aws:iam/openIdConnectProvider:OpenIdConnectProvider" not in wid_mocks.types()  # the account's one, given
    assert not any(t.startswith("kubernetes:") for t in wid_mocks.types())
    assert aws_out["pod_template_patch"] is None and aws_out["service_account_name"] is None
    assert aws_out["ci_settings"] == {"role_arn": "arn:aws:iam::123456789012:role/ci-deploy-prod", "audience": "sts.amazonaws.com"}

    az = build(wid_mocks, AzureFederatedIdentity, {"ci": ci, "resource_group_name": "rg"})
    fic = wid_mocks.one("azure-native:managedidentity:FederatedIdentityCredential")
    assert (fic.inputs["issuer"], fic.inputs["subject"], fic.inputs["audiences"]) == (GITHUB, sub, ["api://AzureADTokenExchange"])
    assert az["ci_settings"]["audience"] == "api://AzureADTokenExchange"

    g = build(wid_mocks, GcpFederatedPrincipal, {"ci": ci, "project": "shop-prod", "project_number": "123456789012",
                                                  "roles": ["roles/run.developer"]})
    provider = wid_mocks.one("gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider")
    assert provider.inputs["workloadIdentityPoolProviderId"] == "github"
    assert provider.inputs["attributeCondition"] == f'assertion.sub == "{sub}"'
    assert provider.inputs["oidc"]["issuerUri"] == GITHUB
    assert g["ci_settings"] == {
        "workload_identity_provider": "projects/123456789012/locations/global/workloadIdentityPools/wid-deploy-prod/providers/github",
        "audience": "https://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/wid-deploy-prod/providers/github"}
    assert "kubernetes:core/v1:ConfigMap" not in wid_mocks.types()


def test_gitlab_ci_to_aws(wid_mocks):
    build(wid_mocks, AwsFederatedRole, {"ci": [{"provider": "gitlab_ci", "repository": "grp/app", "branch": "main"}],
                                        "audience": "https://gitlab.com"})
    provider = wid_mocks.one("aws:iam/openIdConnectProvider:OpenIdConnectProvider")
    assert (provider.inputs["url"], provider.inputs["clientIdLists"]) == ("https://gitlab.com", ["https://gitlab.com"])
    trust = json.loads(wid_mocks.one("aws:iam/role:Role").inputs["assumeRolePolicy"])
    assert trust["Statement"][0]["Condition"] == {"StringEquals": {
        "gitlab.com:sub": "project_path:grp/app:ref_type:branch:ref:main", "gitlab.com:aud": "https://gitlab.com"}}


def test_bad_input_registers_nothing(wid_mocks):
    with pytest.raises(ValidationError):
        wid_mocks.run(lambda: AwsFederatedRole("x", {"ci": [{"provider": "github_actions", "repository": "o/*", "branch": "main"}]}))
    assert wid_mocks.resources == []


@pytest.mark.parametrize("user,field", [
    ({"volumes": [{"name": "wid-aws-token", "emptyDir": {}}]}, "template.spec.volumes.wid-aws-token"),
    ({"containers": [{"name": "a", "image": "a", "env": [{"name": "AWS_ROLE_ARN", "value": "other"}]}]},
     "template.spec.containers[0].env.AWS_ROLE_ARN"),
    ({"containers": [{"name": "a", "image": "a", "volumeMounts": [{"name": "x", "mountPath": "/var/run/secrets/wid/aws"}]}]},
     "template.spec.containers[0].volumeMounts"),
    ({"containers": []}, "template.spec.containers"),
])
def test_merge_refuses_to_clobber(user, field):
    from pulumi_wid.federation.documents import aws_pod_patch

    spec = {"containers": [{"name": "a", "image": "a"}], **user}
    with pytest.raises(ValidationError) as err:
        merge_pod_template({"template": {"spec": spec}}, aws_pod_patch("api", "arn:aws:iam::1:role/r", "sts.amazonaws.com", 3600))
    assert err.value.field == field


def test_merge_is_idempotent_and_leaves_native_patches_alone():
    from pulumi_wid.federation.documents import aws_pod_patch

    patch = aws_pod_patch("api", "arn:aws:iam::1:role/r", "sts.amazonaws.com", 3600)
    once = merge_pod_template(WORKLOAD, patch)
    assert merge_pod_template(once, patch) == once
    native = merge_pod_template(WORKLOAD, {"spec": {"serviceAccountName": "api"}})
    assert native["template"]["spec"]["containers"] == WORKLOAD["template"]["spec"]["containers"]
    assert "allContainers" not in json.dumps(once)
