"""GKE pod -> S3 bucket, without an access key.

The GKE cluster's issuer (https://container.googleapis.com/v1/projects/<p>/locations/<l>/clusters/<c>,
public JWKS) becomes an IAM OIDC provider; the role's trust pins <issuer>:sub to the pod's
ServiceAccount and <issuer>:aud to sts.amazonaws.com, exactly as IRSA does. The pod gets a
projected token for sts.amazonaws.com, AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE.

Run: `pulumi stack init dev && pulumi config set gkeProject <project id> && pulumi config set clusterName <gke cluster> && pulumi up`.
"""

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from pulumi_wid import AwsFederatedRole, merge_pod_template
from pulumi_wid.federation.documents import gke_issuer_url

config = pulumi.Config()
gke_project = config.get("gkeProject") or "shop-prod"
location = config.get("location") or "us-central1"
cluster_name = config.get("clusterName") or "prod-gke"
namespace = config.get("namespace") or "ingest"

aws_provider = aws.Provider("aws", region=pulumi.Config("aws").get("region") or "us-east-1")
k8s_provider = k8s.Provider("gke", context=config.get("kubeContext") or cluster_name)

bucket = aws.s3.Bucket("landing", opts=pulumi.ResourceOptions(provider=aws_provider))

writer = AwsFederatedRole(
    "writer",
    {
        "identity": {"namespace": namespace, "service_account": "writer"},
        "oidc_issuer_url": gke_issuer_url(gke_project, location, cluster_name),
        "policy_statements": [{"Action": ["s3:PutObject"], "Resource": [bucket.arn.apply(lambda a: f"{a}/*")]}],
    },
    pulumi.ResourceOptions(providers=[aws_provider, k8s_provider]),
)

spec = {
    "replicas": 1,
    "selector": {"matchLabels": {"app": "writer"}},
    "template": {"metadata": {"labels": {"app": "writer"}}, "spec": {"containers": [{
        "name": "writer", "image": "amazon/aws-cli:2.17.0",
        "command": ["sh", "-c", "aws sts get-caller-identity && sleep 3600"]}]}},
}
k8s.apps.v1.Deployment("writer", metadata={"name": "writer", "namespace": namespace},
                       spec=merge_pod_template(spec, writer.pod_template_patch),
                       opts=pulumi.ResourceOptions(provider=k8s_provider, depends_on=[writer]))

pulumi.export("roleArn", writer.role_arn)
pulumi.export("trustPolicy", writer.trust_policy)
pulumi.export("podTemplatePatch", writer.pod_template_patch)
