"""The `preset` argument of each component, under the mock runtime: the exact resources it adds."""

import json

import pulumi
import pytest
from cases import AZ_ZONE, ZONE

from pulumi_wid import AksFederatedIdentity, EksPodIdentity, GkeWorkloadIdentity, ValidationError
from pulumi_wid.presets import aws as aws_presets

POLICY = "aws:iam/policy:Policy"
ATTACH = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
INLINE = "aws:iam/rolePolicy:RolePolicy"
LBC = {"name": "aws-load-balancer-controller", "parameters": {
    "account_id": "123456789012", "region": "us-east-1", "vpc_id": "vpc-0123456789abcdef0", "allow_account_wide": True}}


def build(mocks, cls, args):
    return mocks.run(lambda: {"sa": cls("addon", args).service_account_name})


def test_eks_preset_goes_into_its_own_managed_policy_and_fills_the_identity(wid_mocks):
    # GIVEN the external-dns preset and no identity
    fragment = aws_presets.external_dns(hosted_zone_ids=[ZONE])
    build(wid_mocks, EksPodIdentity, {"cluster_name": "prod", "preset": fragment})
    # THEN one customer managed policy holds exactly the preset's statements, attached to the role
    policy = wid_mocks.one(POLICY)
    assert policy.name == "addon-preset-1"
    assert policy.inputs["name"] == "external-dns-external-dns-external-dns-1"
    assert json.loads(policy.inputs["policy"]) == {"Version": "2012-10-17", "Statement": fragment["policy_statements"]}
    attachment = wid_mocks.one(ATTACH)
    assert attachment.inputs["policyArn"].endswith(":policy/external-dns-external-dns-external-dns-1")
    assert wid_mocks.of_type(INLINE) == []  # no inline policy: the user gave no statements
    # AND the association is for the chart's default namespace/ServiceAccount
    association = wid_mocks.one("aws:eks/podIdentityAssociation:PodIdentityAssociation")
    assert (association.inputs["namespace"], association.inputs["serviceAccount"]) == ("external-dns", "external-dns")


def test_eks_big_preset_is_split_and_user_statements_stay_inline(wid_mocks):
    own = [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::cfg/*"]}]
    build(wid_mocks, EksPodIdentity, {"identity": {"namespace": "ingress", "service_account": "lbc"},
                                      "cluster_name": "prod", "preset": LBC, "policy_statements": own})
    policies = wid_mocks.of_type(POLICY)
    assert [p.name for p in policies] == ["addon-preset-1", "addon-preset-2"]
    assert all(len(p.inputs["policy"]) <= 6144 for p in policies)
    statements = [s for p in policies for s in json.loads(p.inputs["policy"])["Statement"]]
    fragment = aws_presets.load_balancer_controller(**LBC["parameters"])
    assert statements == fragment["policy_statements"] + fragment["account_wide_statements"]
    assert json.loads(wid_mocks.one(INLINE).inputs["policy"])["Statement"] == own
    assert len(wid_mocks.of_type(ATTACH)) == 2
    association = wid_mocks.one("aws:eks/podIdentityAssociation:PodIdentityAssociation")
    assert association.inputs["namespace"] == "ingress"  # the caller's identity wins


def test_eks_managed_policy_alternative_is_attached(wid_mocks):
    build(wid_mocks, EksPodIdentity, {"cluster_name": "prod",
                                      "preset": {"name": "aws-vpc-cni", "parameters": {"use_managed_policy": True}}})
    assert wid_mocks.of_type(POLICY) == []
    assert [a.inputs["policyArn"] for a in wid_mocks.of_type(ATTACH)] == ["arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"]


def test_eks_preset_refusals(wid_mocks):
    with pytest.raises(ValidationError) as error:
        EksPodIdentity("x", {"cluster_name": "prod", "preset": {**LBC, "parameters": {
            k: v for k, v in LBC["parameters"].items() if k != "allow_account_wide"}}})
    assert error.value.field == "aws-load-balancer-controller.allow_account_wide"
    with pytest.raises(ValidationError, match="role_arn"):
        EksPodIdentity("x", {"cluster_name": "prod", "role_arn": "arn:aws:iam::123456789012:role/r",
                             "preset": {"name": "external-dns", "parameters": {"hosted_zone_ids": [ZONE]}}})
    with pytest.raises(ValidationError, match="attached by the preset"):
        EksPodIdentity("x", {"cluster_name": "prod", "managed_policy_arns": ["arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"],
                             "preset": {"name": "aws-vpc-cni", "parameters": {"use_managed_policy": True}}})
    assert wid_mocks.of_type("wid:index:EksPodIdentity") == []  # refused before anything is registered


def test_eks_preset_with_an_output_zone_id(wid_mocks):
    # GIVEN a hosted zone id that is an Output THEN the statement holds it once it resolves
    def program():
        zone = pulumi.Output.from_input(ZONE)
        EksPodIdentity("addon", {"cluster_name": "prod", "preset": aws_presets.external_dns(hosted_zone_ids=[zone])})
    wid_mocks.run(program)
    statement = json.loads(wid_mocks.one(POLICY).inputs["policy"])["Statement"][0]
    assert statement["Resource"] == [f"arn:aws:route53:::hostedzone/{ZONE}"]


def test_aks_preset_role_assignments(wid_mocks):
    build(wid_mocks, AksFederatedIdentity, {
        "resource_group_name": "platform", "oidc_issuer_url": "https://eastus.oic.prod-aks.azure.com/t/c/",
        "preset": {"name": "cert-manager", "parameters": {"zone_ids": [AZ_ZONE]}}})
    assignment = wid_mocks.one("azure-native:authorization:RoleAssignment")
    assert assignment.inputs["scope"] == AZ_ZONE
    assert assignment.inputs["roleDefinitionId"].endswith("/roleDefinitions/befefa01-2a29-4197-83a8-272ff33ce314")
    credential = wid_mocks.one("azure-native:managedidentity:FederatedIdentityCredential")
    assert credential.inputs["subject"] == "system:serviceaccount:cert-manager:cert-manager"


def test_gke_preset_binds_the_managed_zone(wid_mocks):
    build(wid_mocks, GkeWorkloadIdentity, {
        "project": "my-project",
        "preset": {"name": "cert-manager", "parameters": {"managed_zones": ["prod-example-com"]}}})
    binding = wid_mocks.one("gcp:dns/dnsManagedZoneIamMember:DnsManagedZoneIamMember")
    assert binding.inputs["role"] == "roles/dns.admin"
    assert (binding.inputs["managedZone"], binding.inputs["project"]) == ("prod-example-com", "my-project")
    assert wid_mocks.of_type("gcp:projects/iAMMember:IAMMember") == []  # nothing project-wide
    wi = wid_mocks.one("gcp:serviceaccount/iAMMember:IAMMember")
    assert wi.inputs["member"] == "serviceAccount:my-project.svc.id.goog[cert-manager/cert-manager]"
