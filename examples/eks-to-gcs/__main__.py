"""EKS pod -> GCS bucket, without a service-account key.

The EKS cluster's OIDC issuer becomes a GCP workload identity pool provider; the pod's
ServiceAccount (system:serviceaccount:<namespace>:reader) is a principal:// of that pool
granted roles/storage.objectViewer on one bucket. The pod gets a projected token for the
provider's audience and the external_account credential file from a ConfigMap.

Run: `pulumi stack init dev && pulumi config set clusterName <eks cluster> &&
pulumi config set gcpProject <project id> && pulumi config set gcpProjectNumber <number> && pulumi up`.
"""

import pulumi
import pulumi_aws as aws
import pulumi_gcp as gcp
import pulumi_kubernetes as k8s

from pulumi_wid import GcpFederatedPrincipal, merge_pod_template

config = pulumi.Config()
cluster_name = config.get("clusterName") or "prod-eks"
project = config.get("gcpProject") or "shop-data"
project_number = config.get("gcpProjectNumber") or "123456789012"
namespace = config.get("namespace") or "reports"

aws_provider = aws.Provider("aws", region=pulumi.Config("aws").get("region") or "us-east-1")
gcp_provider = gcp.Provider("gcp", project=project)
k8s_provider = k8s.Provider("eks", context=config.get("kubeContext") or cluster_name)

cluster = aws.eks.get_cluster_output(name=cluster_name, opts=pulumi.InvokeOutputOptions(provider=aws_provider))
issuer = cluster.identities.apply(
    lambda ids: (ids[0]["oidcs"][0]["issuer"] if isinstance(ids[0], dict) else ids[0].oidcs[0].issuer))

bucket = gcp.storage.Bucket("exports", location="US", uniform_bucket_level_access=True,
                            opts=pulumi.ResourceOptions(provider=gcp_provider))

reader = GcpFederatedPrincipal(
    "reader",
    {
        "identity": {"namespace": namespace, "service_account": "reader"},
        "oidc_issuer_url": issuer,
        "project": project,
        "project_number": project_number,
        "bindings": [{"role": "roles/storage.objectViewer", "resource_type": "storage_bucket", "resource": bucket.name}],
    },
    pulumi.ResourceOptions(providers=[gcp_provider, k8s_provider]),
)

spec = {
    "replicas": 1,
    "selector": {"matchLabels": {"app": "reader"}},
    "template": {"metadata": {"labels": {"app": "reader"}}, "spec": {"containers": [{
        "name": "reader", "image": "google/cloud-sdk:slim",
        "command": ["sh", "-c", "gcloud auth login --cred-file=$GOOGLE_APPLICATION_CREDENTIALS && gcloud storage ls gs://$BUCKET && sleep 3600"],
        "env": [{"name": "BUCKET", "value": bucket.name}]}]}},
}
k8s.apps.v1.Deployment("reader", metadata={"name": "reader", "namespace": namespace},
                       spec=merge_pod_template(spec, reader.pod_template_patch),
                       opts=pulumi.ResourceOptions(provider=k8s_provider, depends_on=[reader]))

pulumi.export("issuer", reader.issuer_url)
pulumi.export("members", reader.members)
pulumi.export("credentialConfiguration", reader.credential_configuration)
pulumi.export("podTemplatePatch", reader.pod_template_patch)
