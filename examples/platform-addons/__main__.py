"""A platform stack: the add-ons every EKS cluster runs, each with a least-privilege identity.

Each add-on gets one `EksPodIdentity` built from a preset of `pulumi_wid.presets.aws`: the
Helm chart's default namespace and ServiceAccount, and IAM statements scoped to the zone,
secrets, bucket and roles named here (provenance: `pulumi_wid/presets/provenance.json`).
The add-ons that manage resources they create themselves (EBS volumes, load balancers,
Karpenter's instances) are scoped to this account and region and need
`allow_account_wide=True`, said where it is used. Install the Helm charts with their
default ServiceAccount names and `serviceAccount.create=false` (the component creates it).

Run: `pulumi stack init dev && pulumi up`, or offline: `pulumi-wid plan examples/platform-addons`.
"""

import json

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from pulumi_wid import EksPodIdentity
from pulumi_wid.presets import aws as presets

config = pulumi.Config()
cluster_name = config.get("clusterName") or "prod-eks"
region = pulumi.Config("aws").get("region") or "us-east-1"

aws_provider = aws.Provider("aws", region=region)
invoke = pulumi.InvokeOutputOptions(provider=aws_provider)
cluster = aws.eks.get_cluster_output(name=cluster_name, opts=invoke)
account_id = aws.get_caller_identity_output(opts=invoke).account_id
kubeconfig = pulumi.Output.all(cluster.endpoint, cluster.certificate_authorities, cluster.name).apply(
    lambda v: json.dumps({
        "apiVersion": "v1", "kind": "Config",
        "clusters": [{"name": v[2], "cluster": {"server": v[0], "certificate-authority-data": (
            v[1][0]["data"] if isinstance(v[1][0], dict) else v[1][0].data)}}],
        "contexts": [{"name": v[2], "context": {"cluster": v[2], "user": v[2]}}],
        "current-context": v[2],
        "users": [{"name": v[2], "user": {"exec": {
            "apiVersion": "client.authentication.k8s.io/v1beta1", "command": "aws",
            "args": ["eks", "get-token", "--cluster-name", v[2], "--region", region]}}}],
    })
)
k8s_provider = k8s.Provider("eks", kubeconfig=kubeconfig)
opts = pulumi.ResourceOptions(providers=[aws_provider, k8s_provider])

zone = config.get("hostedZoneId") or "Z0123456789ABCDEFGHIJ"
here = {"account_id": account_id, "region": region}
secrets_arn = account_id.apply(
    lambda account: f"arn:aws:secretsmanager:{region}:{account}:secret:{config.get('secretsPrefix') or 'prod/'}*")
bucket = config.get("backupBucket") or "prod-eks-velero"
node_role = account_id.apply(
    lambda account: f"arn:aws:iam::{account}:role/{config.get('karpenterNodeRole') or 'KarpenterNodeRole-prod-eks'}")

addons = {
    # DNS and certificates: only the one hosted zone
    "external-dns": presets.external_dns(hosted_zone_ids=[zone]),
    "cert-manager": presets.cert_manager(hosted_zone_ids=[zone]),
    # secrets: only names under the prefix, read-only
    "external-secrets": presets.external_secrets(secret_arns=[secrets_arn]),
    # backups: one bucket, file-system backups only (no EC2 snapshot writes)
    "velero": presets.velero(bucket_arns=[f"arn:aws:s3:::{bucket}"], prefix=f"{cluster_name}/", volume_snapshots=False),
    # controllers that create their own resources: this account and region, with their tag conditions
    "ebs-csi-driver": presets.ebs_csi_driver(**here, allow_account_wide=True),
    "aws-load-balancer-controller": presets.load_balancer_controller(
        **here, vpc_id=config.get("vpcId") or "vpc-0123456789abcdef0", allow_account_wide=True),
    "karpenter": presets.karpenter(cluster_name=cluster_name, **here, node_role_arns=[node_role],
                                   allow_account_wide=True),
}

for name, preset in addons.items():
    identity = EksPodIdentity(name, {"cluster_name": cluster_name, "preset": preset}, opts)
    pulumi.export(f"{name}-role", identity.role_arn)
    pulumi.export(f"{name}-service-account", pulumi.Output.concat(identity.namespace, "/", identity.service_account_name))
