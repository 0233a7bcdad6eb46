"""Keyless GitHub Actions deployers for AWS, Azure and GCP: no client secret, access key or JSON key.

Each cloud trusts exactly one subject: jobs of <owner>/<repo> that deploy to the `production`
environment (the immutable repo:<owner>@<id>/<repo>@<id>:environment:production form when the
ids are configured). The exports are what the workflow needs:
aws-actions/configure-aws-credentials (role-to-assume), azure/login (client-id, tenant-id),
google-github-actions/auth (workload_identity_provider, service_account).

Run: `pulumi stack init dev && pulumi config set repository <owner>/<repo> && pulumi up`.
"""

import pulumi
import pulumi_aws as aws
import pulumi_azure_native as azure_native
import pulumi_gcp as gcp

from pulumi_wid import AwsFederatedRole, AzureFederatedIdentity, GcpFederatedPrincipal

config = pulumi.Config()
repository = config.get("repository") or "octo-org/platform"
environment = config.get("environment") or "production"
source = {"provider": "github_actions", "repository": repository, "environment": environment}
if config.get("ownerId") and config.get("repositoryId"):
    source.update(owner_id=config.get("ownerId"), repository_id=config.get("repositoryId"))

aws_provider = aws.Provider("aws", region=pulumi.Config("aws").get("region") or "us-east-1")
azure_provider = azure_native.Provider("azure")
gcp_project = config.get("gcpProject") or "platform-prod"
gcp_provider = gcp.Provider("gcp", project=gcp_project)

# An AWS account holds one OIDC provider per issuer URL: pass it when it already exists.
existing = config.get("githubOidcProviderArn")
deploy_aws = AwsFederatedRole(
    "deploy-aws",
    {"ci": [source], **({"oidc_provider_arn": existing} if existing else {}),
     "managed_policy_arns": ["arn:aws:iam::aws:policy/AWSCloudFormationFullAccess"]},
    pulumi.ResourceOptions(providers=[aws_provider]),
)
deploy_azure = AzureFederatedIdentity(
    "deploy-azure",
    {"ci": [source], "resource_group_name": config.get("resourceGroup") or "platform-rg",
     "role_assignments": [{"role": "AcrPush",
                           "scope": config.get("registryId") or "/subscriptions/00000000-0000-0000-0000-000000000000/"
                           "resourceGroups/platform-rg/providers/Microsoft.ContainerRegistry/registries/platform"}]},
    pulumi.ResourceOptions(providers=[azure_provider]),
)
deploy_gcp = GcpFederatedPrincipal(
    "deploy-gcp",
    {"ci": [source], "project": gcp_project, "project_number": config.get("gcpProjectNumber") or "123456789012",
     "mode": "service_account", "roles": ["roles/run.developer"]},
    pulumi.ResourceOptions(providers=[gcp_provider]),
)

pulumi.export("awsRoleToAssume", deploy_aws.role_arn)
pulumi.export("azureLogin", deploy_azure.ci_settings)
pulumi.export("gcpAuth", deploy_gcp.ci_settings)
pulumi.export("subjects", deploy_aws.subjects)
