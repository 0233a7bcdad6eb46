"""EKS: give two workloads IAM roles without static keys.

- `api` uses EKS Pod Identity (the default): role trusting pods.eks.amazonaws.com
  plus a Pod Identity association. Needs the eks-pod-identity-agent add-on and
  Linux EC2 nodes (not Fargate, not Windows).
- `worker` uses IRSA: the cluster's IAM OIDC provider, a role whose trust pins
  `sub` and `aud`, and the `eks.amazonaws.com/role-arn` annotation.

Run: `pulumi stack init dev && pulumi config set clusterName <your cluster> && pulumi up`.
"""

import json

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from pulumi_wid import EksPodIdentity, merge_pod_template

config = pulumi.Config()
cluster_name = config.get("clusterName") or "prod-eks"
namespace = config.get("namespace") or "payments"
region = pulumi.Config("aws").get("region") or "us-east-1"

# Explicit providers: nothing below falls back to ambient credentials or kubeconfig.
aws_provider = aws.Provider("aws", region=region)
aws_opts = pulumi.InvokeOutputOptions(provider=aws_provider)
cluster = aws.eks.get_cluster_output(name=cluster_name, opts=aws_opts)

def ca_data(authorities) -> str:
    first = authorities[0]
    return first["data"] if isinstance(first, dict) else first.data


kubeconfig = pulumi.Output.all(cluster.endpoint, cluster.certificate_authorities, cluster.name).apply(
    lambda v: json.dumps(
        {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [{"name": v[2], "cluster": {"server": v[0], "certificate-authority-data": ca_data(v[1])}}],
            "users": [{"name": v[2], "user": {"exec": {
                "apiVersion": "client.authentication.k8s.io/v1beta1",
                "command": "aws",
                "args": ["eks", "get-token", "--cluster-name", v[2], "--region", region],
            }}}],
            "contexts": [{"name": v[2], "context": {"cluster": v[2], "user": v[2]}}],
            "current-context": v[2],
        }
    )
)
k8s_provider = k8s.Provider("eks", kubeconfig=kubeconfig)
providers = pulumi.ResourceOptions(providers=[aws_provider, k8s_provider])

# Pod Identity needs its agent on the cluster.
aws.eks.Addon(
    "pod-identity-agent",
    cluster_name=cluster_name,
    addon_name="eks-pod-identity-agent",
    opts=pulumi.ResourceOptions(provider=aws_provider),
)

# IRSA needs the cluster's issuer registered as an IAM OIDC provider.
def oidc_issuer(identities) -> str:
    first = identities[0]
    oidcs = first["oidcs"] if isinstance(first, dict) else first.oidcs
    return oidcs[0]["issuer"] if isinstance(oidcs[0], dict) else oidcs[0].issuer


issuer = cluster.identities.apply(oidc_issuer)
oidc = aws.iam.OpenIdConnectProvider(
    "eks-oidc",
    url=issuer,
    client_id_lists=["sts.amazonaws.com"],
    opts=pulumi.ResourceOptions(provider=aws_provider),
)

bucket = aws.s3.Bucket(f"{namespace}-invoices", opts=pulumi.ResourceOptions(provider=aws_provider))

k8s.core.v1.Namespace("ns", metadata={"name": namespace}, opts=pulumi.ResourceOptions(provider=k8s_provider))

api = EksPodIdentity(
    "api",
    {
        "identity": {"namespace": namespace, "service_account": "api", "tags": {"app": "api"}},
        "cluster_name": cluster_name,
        "policy_statements": [
            {"Sid": "ReadInvoices", "Action": ["s3:GetObject"], "Resource": [bucket.arn.apply(lambda a: f"{a}/*")]},
        ],
    },
    providers,
)

worker = EksPodIdentity(
    "worker",
    {
        "identity": {"namespace": namespace, "service_account": "worker"},
        "cluster_name": cluster_name,
        "mode": "irsa",
        "oidc_provider_arn": oidc.arn,
        "policy_statements": [
            {"Action": ["s3:PutObject"], "Resource": [bucket.arn.apply(lambda a: f"{a}/*")]},
        ],
        "sts_regional_endpoints": True,
    },
    providers,
)


def deployment(name: str, identity: EksPodIdentity) -> k8s.apps.v1.Deployment:
    spec = {
        "replicas": 1,
        "selector": {"matchLabels": {"app": name}},
        "template": {
            "metadata": {"labels": {"app": name}},
            "spec": {"containers": [{"name": name, "image": "amazon/aws-cli:2.17.0",
                                     "command": ["sh", "-c", "aws sts get-caller-identity && sleep 3600"]}]},
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

pulumi.export("apiRoleArn", api.role_arn)
pulumi.export("apiAssociationId", api.association_id)
pulumi.export("workerRoleArn", worker.role_arn)
pulumi.export("workerTrustPolicy", worker.trust_policy)
