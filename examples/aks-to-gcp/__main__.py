"""AKS pod -> GCP (Pub/Sub) through a Google service account, without a JSON key.

The AKS cluster's issuer (verbatim, trailing '/') becomes a GCP pool provider; the pod's
principal:// may impersonate a GSA (roles/iam.workloadIdentityUser), which may publish to
one topic. The credential file in the ConfigMap carries service_account_impersonation_url.

Run: `pulumi stack init dev && pulumi config set clusterName <aks> && pulumi config set resourceGroup <rg> &&
pulumi config set gcpProject <project id> && pulumi config set gcpProjectNumber <number> && pulumi up`.
"""

import pulumi
import pulumi_azure_native as azure_native
import pulumi_gcp as gcp
import pulumi_kubernetes as k8s

from pulumi_wid import GcpFederatedPrincipal, merge_pod_template

config = pulumi.Config()
cluster_name = config.get("clusterName") or "prod-aks"
resource_group = config.get("resourceGroup") or "aks-rg"
project = config.get("gcpProject") or "shop-events"
project_number = config.get("gcpProjectNumber") or "123456789012"
namespace = config.get("namespace") or "orders"

azure_provider = azure_native.Provider("azure")
gcp_provider = gcp.Provider("gcp", project=project)
k8s_provider = k8s.Provider("aks", context=config.get("kubeContext") or cluster_name)

cluster = azure_native.containerservice.get_managed_cluster_output(
    resource_group_name=resource_group, resource_name=cluster_name,
    opts=pulumi.InvokeOutputOptions(provider=azure_provider))
issuer = cluster.oidc_issuer_profile.apply(lambda p: p.issuer_url)

topic = gcp.pubsub.Topic("orders", opts=pulumi.ResourceOptions(provider=gcp_provider))

publisher = GcpFederatedPrincipal(
    "publisher",
    {
        "identity": {"namespace": namespace, "service_account": "publisher"},
        "oidc_issuer_url": issuer,
        "project": project,
        "project_number": project_number,
        "mode": "service_account",
        "bindings": [{"role": "roles/pubsub.publisher", "resource_type": "pubsub_topic", "resource": topic.id}],
    },
    pulumi.ResourceOptions(providers=[gcp_provider, k8s_provider]),
)

spec = {
    "replicas": 1,
    "selector": {"matchLabels": {"app": "publisher"}},
    "template": {"metadata": {"labels": {"app": "publisher"}}, "spec": {"containers": [{
        "name": "publisher", "image": "google/cloud-sdk:slim",
        "command": ["sh", "-c", "gcloud auth login --cred-file=$GOOGLE_APPLICATION_CREDENTIALS && sleep 3600"]}]}},
}
k8s.apps.v1.Deployment("publisher", metadata={"name": "publisher", "namespace": namespace},
                       spec=merge_pod_template(spec, publisher.pod_template_patch),
                       opts=pulumi.ResourceOptions(provider=k8s_provider, depends_on=[publisher]))

pulumi.export("issuer", publisher.issuer_url)
pulumi.export("gsa", publisher.gcp_service_account_email)
pulumi.export("credentialConfiguration", publisher.credential_configuration)
