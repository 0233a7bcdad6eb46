"""kubernetes: the pod template merge and the ServiceAccount manifests."""

import kubernetes_validate
import pytest

from pulumi_wid import EksPodIdentity, ValidationError, merge_pod_template
from pulumi_wid.identity import validate_identity
from pulumi_wid.kubernetes import pod_template_patch, service_account_manifest

PROVIDER = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC"
K8S_VERSION = "1.33"


DEPLOYMENT_SPEC = {
    "replicas": 2,
    "selector": {"matchLabels": {"app": "api"}},
    "template": {
        "metadata": {"labels": {"app": "api"}},
        "spec": {"containers": [{"name": "api", "image": "api:1"}], "nodeSelector": {"pool": "general"}},
    },
}


def test_merge_keeps_users_labels_selector_and_node_selector():
    patch = pod_template_patch(
        "api", labels={"azure.workload.identity/use": "true"},
        node_selector={"iam.gke.io/gke-metadata-server-enabled": "true"},
    )
    merged = merge_pod_template(DEPLOYMENT_SPEC, patch)
    assert merged["selector"] == {"matchLabels": {"app": "api"}}
    assert merged["template"]["metadata"]["labels"] == {"app": "api", "azure.workload.identity/use": "true"}
    assert merged["template"]["spec"]["nodeSelector"] == {
        "pool": "general",
        "iam.gke.io/gke-metadata-server-enabled": "true",
    }
    assert merged["template"]["spec"]["serviceAccountName"] == "api"
    assert merged["template"]["spec"]["containers"] == [{"name": "api", "image": "api:1"}]
    assert "serviceAccountName" not in DEPLOYMENT_SPEC["template"]["spec"]  # input untouched


def test_merge_into_cronjob_and_manifest():
    cron = {"schedule": "* * * * *", "jobTemplate": {"spec": {"template": {"spec": {"containers": []}}}}}
    merged = merge_pod_template(cron, {"spec": {"serviceAccountName": "api"}})
    assert merged["jobTemplate"]["spec"]["template"]["spec"]["serviceAccountName"] == "api"
    manifest = {"apiVersion": "apps/v1", "kind": "Deployment", "spec": DEPLOYMENT_SPEC}
    assert merge_pod_template(manifest, {"spec": {"serviceAccountName": "api"}})["spec"]["template"]["spec"][
        "serviceAccountName"] == "api"


@pytest.mark.parametrize(
    "template_spec,patch,field",
    [
        ({"serviceAccountName": "other"}, {"spec": {"serviceAccountName": "api"}}, "template.spec.serviceAccountName"),
        ({"nodeSelector": {"iam.gke.io/gke-metadata-server-enabled": "false"}},
         {"spec": {"serviceAccountName": "api", "nodeSelector": {"iam.gke.io/gke-metadata-server-enabled": "true"}}},
         "template.spec.nodeSelector.iam.gke.io/gke-metadata-server-enabled"),
        ({"hostNetwork": True},
         {"spec": {"serviceAccountName": "api", "nodeSelector": {"iam.gke.io/gke-metadata-server-enabled": "true"}}},
         "template.spec.hostNetwork"),
    ],
)
def test_merge_conflicts_are_errors(template_spec, patch, field):
    with pytest.raises(ValidationError) as err:
        merge_pod_template({"template": {"spec": template_spec}}, patch)
    assert err.value.field == field


def test_merge_label_conflict():
    with pytest.raises(ValidationError, match="conflicts"):
        merge_pod_template(
            {"template": {"metadata": {"labels": {"azure.workload.identity/use": "false"}}}},
            {"metadata": {"labels": {"azure.workload.identity/use": "true"}}, "spec": {}},
        )


def test_merge_with_output_patch(wid_mocks):
    import pulumi

    merged = wid_mocks.resolve(merge_pod_template(DEPLOYMENT_SPEC, pulumi.Output.from_input({"spec": {"serviceAccountName": "api"}})))
    assert merged["template"]["spec"]["serviceAccountName"] == "api"


def _manifest_from_record(record):
    kind = "ServiceAccount"
    body = {"apiVersion": "v1", "kind": kind, "metadata": record.inputs["metadata"]}
    if "automountServiceAccountToken" in record.inputs:
        body["automountServiceAccountToken"] = record.inputs["automountServiceAccountToken"]
    return body


@pytest.mark.parametrize("mode", ["create", "patch"])
def test_generated_service_accounts_validate_against_the_kubernetes_schema(wid_mocks, mode):
    extra = {"labels": {"app": "api"}, "annotations": {"team": "payments"}, "automount_service_account_token": True} if mode == "create" else {}
    wid_mocks.run(lambda: EksPodIdentity("api", {
        "identity": {"namespace": "apps", "service_account": "api", "service_account_mode": mode, **extra},
        "cluster_name": "prod", "mode": "irsa", "oidc_provider_arn": PROVIDER}))
    records = [r for r in wid_mocks.resources if r.type.startswith("kubernetes:core/v1:ServiceAccount")]
    assert len(records) == 1
    manifest = _manifest_from_record(records[0])
    assert kubernetes_validate.validate(manifest, K8S_VERSION, strict=True) == K8S_VERSION


def test_schema_validator_rejects_a_broken_manifest():
    # The check above can fail: a non-string annotation value is not a valid ServiceAccount.
    bad = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "api", "annotations": {"x": 1}}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(bad, K8S_VERSION, strict=True)


def test_service_account_manifest_helper_validates():
    ident = validate_identity({"namespace": "apps", "service_account": "api", "annotations": {"a": "b"}})
    manifest = service_account_manifest(ident, {"eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/x"})
    assert manifest["metadata"]["annotations"] == {"a": "b", "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/x"}
    kubernetes_validate.validate(manifest, K8S_VERSION, strict=True)
