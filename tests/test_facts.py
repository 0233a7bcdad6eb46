"""verify keeps its own copies of the clouds' facts on purpose (a checker must not share the
builder's code); this is the one place that asserts the copies agree with each cloud's facts.py."""

from pulumi_wid.aws import facts as aws
from pulumi_wid.azure import facts as azure
from pulumi_wid.gcp import facts as gcp
from pulumi_wid.verify import aws as verify_aws
from pulumi_wid.verify import azure as verify_azure
from pulumi_wid.verify import gcp as verify_gcp
from pulumi_wid.verify import kinds


def test_verify_copies_agree_with_facts():
    pairs = [
        (verify_aws.WEB_IDENTITY, aws.IRSA_ACTION),
        (verify_aws.EKS_AUDIENCE, aws.IRSA_AUDIENCE),
        (verify_aws.ROLE_ARN_ANNOTATION, aws.ROLE_ARN_ANNOTATION),
        (verify_aws.PODS_SERVICE, aws.POD_IDENTITY_PRINCIPAL),
        (kinds.ROLE, aws.ROLE),
        (kinds.OIDC_PROVIDER, aws.OIDC_PROVIDER),
        (kinds.EKS_CLUSTER, aws.EKS_CLUSTER),
        (kinds.EKS_ADDON, aws.EKS_ADDON),
        (verify_aws.POD_IDENTITY_AGENT, aws.POD_IDENTITY_AGENT_ADDON),
        (verify_azure.CLIENT_ID_ANNOTATION, azure.CLIENT_ID_ANNOTATION),
        (verify_azure.USE_LABEL, azure.USE_LABEL),
        (verify_azure.AUDIENCE, azure.AUDIENCE),
        (verify_gcp.GSA_ANNOTATION, gcp.GSA_ANNOTATION),
        (verify_gcp.WIU, gcp.WORKLOAD_IDENTITY_USER),
        (verify_gcp.NODE_SELECTOR, gcp.GKE_METADATA_SELECTOR),
        (kinds.GSA, gcp.SERVICE_ACCOUNT),
        (kinds.GKE_CLUSTER, gcp.CONTAINER_CLUSTER),
    ]
    assert [v for v, _ in pairs] == [f for _, f in pairs]
    # verify recognises the builders' types among the wider families it reads
    assert azure.USER_ASSIGNED_IDENTITY in kinds.UAMI
    assert azure.FEDERATED_IDENTITY_CREDENTIAL in kinds.FIC
    assert azure.MANAGED_CLUSTER in kinds.AKS_CLUSTER
    for token in (gcp.SERVICE_ACCOUNT_IAM_MEMBER, gcp.SERVICE_ACCOUNT_IAM_BINDING, gcp.SERVICE_ACCOUNT_IAM_POLICY):
        assert kinds.is_gcp_grant(token)
