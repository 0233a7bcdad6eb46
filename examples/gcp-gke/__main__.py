"""GKE: give two workloads Google identities without static keys.

- `api` uses a Google service account (the default mode): the GSA, the
  roles/iam.workloadIdentityUser grant for
  serviceAccount:<project>.svc.id.goog[<namespace>/api], a bucket grant and the
  `iam.gke.io/gcp-service-account` annotation.
- `worker` uses direct access: no GSA; the grants go to the KSA's
  principal://iam.googleapis.com/projects/<number>/.../subject/ns/<namespace>/sa/worker.
  Some services do not accept such principals (see docs/gcp.md).

The cluster must have Workload Identity Federation for GKE enabled (always on
with Autopilot; on Standard, the cluster's workload pool and the node pools'
GKE metadata server).

Run: `pulumi stack init dev && pulumi config set project <cluster project id> &&
pulumi config set clusterName <cluster> && pulumi up`.
"""

import json

import pulumi
import pulumi_gcp as gcp
import pulumi_kubernetes as k8s

from pulumi_wid import GkeWorkloadIdentity, merge_pod_template

config = pulumi.Config()
project = config.get("project") or "my-gke-project"
cluster_name = config.get("clusterName") or "prod-gke"
location = config.get("location") or "us-central1"
namespace = config.get("namespace") or "payments"
autopilot = config.get_bool("autopilot") or False

# Explicit providers: nothing below falls back to ambient project or kubeconfig.
gcp_provider = gcp.Provider("gcp", project=project, region=location)
gcp_invoke = pulumi.InvokeOutputOptions(provider=gcp_provider)
cluster = gcp.container.get_cluster_output(name=cluster_name, location=location, project=project, opts=gcp_invoke)
# Direct principal:// identifiers need the project number: from config, else looked up.
project_number = config.get("projectNumber") or gcp.organizations.get_project_output(
    project_id=project, opts=gcp_invoke).number



def ca_certificate(master_auths) -> str:
    auth = master_auths[0]
    return auth["cluster_ca_certificate"] if isinstance(auth, dict) else auth.cluster_ca_certificate


kubeconfig = pulumi.Output.all(cluster.endpoint, cluster.master_auths, cluster.name).apply(
    lambda v: json.dumps(
        {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [{"name": v[2], "cluster": {
                "server": f"https://{v[0]}", "certificate-authority-data": ca_certificate(v[1])}}],
            "users": [{"name": v[2], "user": {"exec": {
                "apiVersion": "client.authentication.k8s.io/v1beta1",
                "command": "gke-gcloud-auth-plugin",
                "provideClusterInfo": True,
            }}}],
            "contexts": [{"name": v[2], "context": {"cluster": v[2], "user": v[2]}}],
            "current-context": v[2],
        }
    )
)
k8s_provider = k8s.Provider("gke", kubeconfig=kubeconfig)
providers = pulumi.ResourceOptions(providers=[gcp_provider, k8s_provider])

bucket = gcp.storage.Bucket(
    "invoices",
    project=project,
    location="US",
    uniform_bucket_level_access=True,
    opts=pulumi.ResourceOptions(provider=gcp_provider),
)

ns = k8s.core.v1.Namespace("ns", metadata={"name": namespace}, opts=pulumi.ResourceOptions(provider=k8s_provider))

api = GkeWorkloadIdentity(
    "api",
    {
        "identity": {"namespace": namespace, "service_account": "api", "tags": {"app": "api"}},
        "project": project,
        "roles": ["roles/cloudtrace.agent"],
        "bindings": [{"role": "roles/storage.objectViewer", "resource_type": "storage_bucket", "resource": bucket.name}],
        "autopilot": autopilot,
    },
    pulumi.ResourceOptions.merge(providers, pulumi.ResourceOptions(depends_on=[ns])),
)

worker = GkeWorkloadIdentity(
    "worker",
    {
        "identity": {"namespace": namespace, "service_account": "worker"},
        "project": project,
        "mode": "direct",
        "project_number": project_number,
        "bindings": [{"role": "roles/storage.objectCreator", "resource_type": "storage_bucket", "resource": bucket.name}],
        "autopilot": autopilot,
    },
    pulumi.ResourceOptions.merge(providers, pulumi.ResourceOptions(depends_on=[ns])),
)


def deployment(name: str, identity: GkeWorkloadIdentity) -> k8s.apps.v1.Deployment:
    spec = {
        "replicas": 1,
        "selector": {"matchLabels": {"app": name}},
        "template": {
            "metadata": {"labels": {"app": name}},
            "spec": {"containers": [{
                "name": name,
                "image": "gcr.io/google.com/cloudsdktool/google-cloud-cli:stable",
                "command": ["sh", "-c", "gcloud auth list && sleep 3600"],
            }]},
        },
    }
    return k8s.apps.v1.Deployment(
        name,
        metadata={"name": name, "namespace": namespace},
        spec=merge_pod_template(spec, identity.pod_template_patch),
        opts=pulumi.ResourceOptions(provider=k8s_provider, depends_on=[identity]),
    )


deployment("api", api)
deployment("worker", worker)

pulumi.export("apiServiceAccountEmail", api.gcp_service_account_email)
pulumi.export("apiMember", api.member)
pulumi.export("workerPrincipal", worker.member)
pulumi.export("bucket", bucket.name)
