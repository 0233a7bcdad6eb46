"""AWS presets: exact statements, scoping refusals, and every statement against the IAM database."""

import json

import pytest
from cases import AWS_CALLS, KMS, ZONE

from pulumi_wid import ValidationError, presets
from pulumi_wid.aws import documents as doc
from pulumi_wid.aws import knowledge
from pulumi_wid.presets import aws

A = {"account_id": "123456789012", "region": "us-east-1"}
ZONE_ARN = f"arn:aws:route53:::hostedzone/{ZONE}"


def statements(fragment):
    return fragment["policy_statements"] + fragment["account_wide_statements"]


# -- exact statements -------------------------------------------------------------------
def test_external_dns_exact():
    # GIVEN one hosted zone, given with Route 53's /hostedzone/ prefix
    fragment = aws.external_dns(hosted_zone_ids=[f"/hostedzone/{ZONE}"])
    # THEN record changes and listing are on that zone only; only ListHostedZones is on "*"
    # (ListTagsForResources: external-dns reads zone tags in batches since kubernetes-sigs/external-dns#5058;
    # terraform-aws-eks-pod-identity added it in #53, v2.5.0)
    assert fragment["policy_statements"] == [
        {"Sid": "ChangeRecords", "Effect": "Allow",
         "Action": ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets", "route53:ListTagsForResource",
                    "route53:ListTagsForResources"],
         "Resource": [ZONE_ARN]},
        {"Sid": "ListZones", "Effect": "Allow", "Action": ["route53:ListHostedZones"], "Resource": ["*"]},
    ]
    assert fragment["account_wide_statements"] == [] and fragment["managed_policy_arns"] == []
    assert fragment["identity"] == {"namespace": "external-dns", "service_account": "external-dns"}
    assert fragment["provenance"]["path"] == "external_dns.tf"


def test_cert_manager_exact_with_partition():
    fragment = aws.cert_manager(hosted_zone_ids=[ZONE], partition="aws-cn")
    assert fragment["policy_statements"] == [
        {"Sid": "ChangeRecords", "Effect": "Allow",
         "Action": ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets"],
         "Resource": [f"arn:aws-cn:route53:::hostedzone/{ZONE}"]},
        {"Sid": "ListZones", "Effect": "Allow", "Action": ["route53:ListHostedZonesByName"], "Resource": ["*"]},
    ]
    # GetChange: change ids are unknown in advance, read-only: type-wide without an opt-in
    assert fragment["account_wide_statements"] == [
        {"Sid": "GetChange", "Effect": "Allow", "Action": ["route53:GetChange"], "Resource": ["arn:aws-cn:route53:::change/*"]},
    ]
    assert all(a in aws.READ_ONLY_TYPE_WIDE for s in fragment["account_wide_statements"] for a in s["Action"])


def test_mountpoint_exact_read_only_and_read_write():
    rw = aws.mountpoint_s3_csi_driver(bucket_arns=["arn:aws:s3:::data"])
    assert rw["policy_statements"] == [
        {"Sid": "MountpointListBucket", "Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": ["arn:aws:s3:::data"]},
        {"Sid": "MountpointObjects", "Effect": "Allow",
         "Action": ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload", "s3:DeleteObject"],
         "Resource": ["arn:aws:s3:::data/*"]},
    ]
    ro = aws.mountpoint_s3_csi_driver(bucket_arns=["arn:aws:s3:::data"], read_only=True)
    assert ro["policy_statements"][1]["Action"] == ["s3:GetObject"]
    assert "s3:PutObject" not in json.dumps(statements(ro))


def test_external_secrets_exact_read_only():
    fragment = aws.external_secrets(secret_arns=["arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/*"],
                                    kms_key_arns=[KMS])
    assert fragment["policy_statements"] == [
        {"Sid": "ReadSecrets", "Effect": "Allow",
         "Action": ["secretsmanager:GetResourcePolicy", "secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret",
                    "secretsmanager:ListSecretVersionIds"],
         "Resource": ["arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/*"]},
        {"Sid": "ListSecrets", "Effect": "Allow", "Action": ["secretsmanager:ListSecrets"], "Resource": ["*"]},
        {"Sid": "Decrypt", "Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": [KMS]},
    ]
    # no SSM statement without parameters, no write without push_secrets
    grants = json.dumps(statements(fragment))
    assert "ssm:" not in grants and "PutSecretValue" not in grants


def test_cluster_autoscaler_named_groups_exact():
    fragment = aws.cluster_autoscaler(cluster_name="prod", **A, auto_scaling_group_names=["eks-a"])
    scale = fragment["policy_statements"][2]
    assert scale == {
        "Sid": "ScaleNamedGroups", "Effect": "Allow",
        "Action": ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
        "Resource": ["arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:*:autoScalingGroupName/eks-a"],
        "Condition": {"StringEquals": {"autoscaling:ResourceTag/k8s.io/cluster-autoscaler/prod": "owned"}},
    }
    assert fragment["policy_statements"][1]["Resource"] == ["arn:aws:eks:us-east-1:123456789012:nodegroup/prod/*/*"]
    assert fragment["account_wide_statements"] == []


def test_privateca_and_amp_exact():
    ca = "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/12345678-1234-1234-1234-123456789012"
    assert aws.privateca_issuer(certificate_authority_arns=[ca])["policy_statements"] == [
        {"Sid": "IssueCertificates", "Effect": "Allow",
         "Action": ["acm-pca:DescribeCertificateAuthority", "acm-pca:GetCertificate", "acm-pca:IssueCertificate"],
         "Resource": [ca]}]
    ws = "arn:aws:aps:us-east-1:123456789012:workspace/ws-1"
    assert aws.amp_ingest(workspace_arns=[ws])["policy_statements"] == [
        {"Sid": "Prometheus", "Effect": "Allow", "Action": ["aps:RemoteWrite"], "Resource": [ws]}]


def test_ebs_csi_scoped_to_account_and_region_with_expanded_kms_actions():
    fragment = aws.ebs_csi_driver(**AWS_CALLS["ebs-csi-driver"])
    wide = {s["Sid"]: s for s in fragment["account_wide_statements"]}
    assert wide["AttachResizeSnapshot"]["Resource"] == [
        "arn:aws:ec2:us-east-1:123456789012:volume/*", "arn:aws:ec2:us-east-1::snapshot/*",
        "arn:aws:ec2:us-east-1:123456789012:instance/*"]
    assert wide["TagOnCreate"]["Condition"] == {"StringEquals": {"ec2:CreateAction": ["CreateVolume", "CreateSnapshot"]}}
    assert wide["CreateClusterVolume"]["Condition"] == {"StringLike": {"aws:RequestTag/ebs.csi.aws.com/cluster": "true"}}
    kms = {s["Sid"]: s for s in fragment["policy_statements"]}
    assert kms["KmsUse"]["Action"] == ["kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo",
                                       "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey"]
    assert kms["KmsGrantsForAwsResources"]["Condition"] == {"Bool": {"kms:GrantIsForAWSResource": "true"}}
    assert fragment["alternative"] == {
        "managed_policy_arn": "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy", "narrower": "preset"}


def test_karpenter_passes_only_the_named_role_and_reads_public_ami_parameters():
    fragment = aws.karpenter(**AWS_CALLS["karpenter"])
    by_sid = {s["Sid"]: s for s in statements(fragment)}
    assert by_sid["AllowPassingInstanceRole"] == {
        "Sid": "AllowPassingInstanceRole", "Effect": "Allow", "Action": ["iam:PassRole"],
        "Resource": ["arn:aws:iam::123456789012:role/KarpenterNodeRole-prod"],
        "Condition": {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}}
    assert by_sid["AllowSSMReadActions"]["Resource"] == ["arn:aws:ssm:us-east-1::parameter/aws/service/*"]
    # the create-tagging statement as Karpenter's own policy (upstream Terraform swapped these values)
    assert by_sid["AllowScopedResourceCreationTagging"]["Condition"] == {
        "StringEquals": {"aws:RequestTag/kubernetes.io/cluster/prod": "owned",
                         "ec2:CreateAction": ["RunInstances", "CreateFleet", "CreateLaunchTemplate"]},
        "StringLike": {"aws:RequestTag/karpenter.sh/nodepool": "*"}}
    assert by_sid["AllowAPIServerEndpointDiscovery"]["Resource"] == ["arn:aws:eks:us-east-1:123456789012:cluster/prod"]
    # Spot: a Spot launch tags the spot-instances-request on create (aws/karpenter-provider-aws#5270, #6264:
    # "not authorized to perform: ec2:CreateTags on resource: ...:spot-instances-request/*" without it)
    spot = "arn:aws:ec2:us-east-1:123456789012:spot-instances-request/*"
    assert by_sid["AllowScopedResourceCreationTagging"]["Resource"] == [
        f"arn:aws:ec2:us-east-1:123456789012:{kind}/*"
        for kind in ("fleet", "instance", "volume", "network-interface", "launch-template", "spot-instances-request")]
    assert spot not in by_sid["AllowScopedDeletion"]["Resource"]  # never deleted by Karpenter
    # no interruption queue named: no SQS statement
    no_queue = aws.karpenter(**{k: v for k, v in AWS_CALLS["karpenter"].items() if k != "interruption_queue_arn"})
    assert "sqs:" not in json.dumps(statements(no_queue))


def test_load_balancer_controller_is_split_over_two_managed_policies():
    fragment = aws.load_balancer_controller(**AWS_CALLS["aws-load-balancer-controller"])
    everything = statements(fragment)
    assert len(doc.compact_json(doc.permission_policy(everything))) > 6144  # over one managed policy
    groups = doc.split_policies(everything)
    assert len(groups) == 2 and [s for g in groups for s in g] == everything  # order kept, nothing lost
    assert all(len(doc.compact_json(doc.permission_policy(g))) <= 6144 for g in groups)
    by_sid = {s["Sid"]: s for s in everything}
    assert by_sid["CreateSecurityGroupInVpc"]["Resource"] == ["arn:aws:ec2:us-east-1:123456789012:vpc/vpc-0123456789abcdef0"]


def test_split_policies_refuses_one_statement_over_the_limit():
    big = {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": [f"arn:aws:s3:::b/{'x' * 7000}"]}
    with pytest.raises(ValidationError, match="over the 6144-character limit"):
        doc.split_policies([big])


@pytest.mark.parametrize("name,managed", [
    ("ebs-csi-driver", "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"),
    ("efs-csi-driver", "arn:aws:iam::aws:policy/service-role/AmazonEFSCSIDriverPolicy"),
    ("aws-vpc-cni", "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"),
    ("amp-ingest", "arn:aws:iam::aws:policy/AmazonPrometheusRemoteWriteAccess"),
    ("cloudwatch-agent", "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"),
])
def test_managed_policy_alternative(name, managed):
    # WHEN the AWS managed policy is chosen THEN it is attached and no account-wide statement is built
    fragment = presets.build("aws", name, {"use_managed_policy": True})
    assert fragment["managed_policy_arns"] == [managed]
    assert fragment["account_wide_statements"] == []
    # AND the scoped preset names it as the (broader) alternative
    scoped = presets.build("aws", name, AWS_CALLS[name])
    assert scoped["alternative"] == {"managed_policy_arn": managed, "narrower": "preset"}


# -- refusals ---------------------------------------------------------------------------------
WIDE = ["ebs-csi-driver", "efs-csi-driver", "fsx-lustre-csi-driver", "aws-load-balancer-controller", "aws-vpc-cni",
        "karpenter", "velero"]


@pytest.mark.parametrize("name", WIDE)
def test_account_wide_presets_need_the_opt_in(name):
    params = {k: v for k, v in AWS_CALLS[name].items() if k != "allow_account_wide"}
    with pytest.raises(ValidationError) as error:
        presets.build("aws", name, params)
    assert error.value.field == f"{name}.allow_account_wide"
    assert "allow_account_wide=True" in error.value.fix


@pytest.mark.parametrize("name,key", [
    ("external-dns", "hosted_zone_ids"), ("cert-manager", "hosted_zone_ids"),
    ("mountpoint-s3-csi-driver", "bucket_arns"), ("aws-privateca-issuer", "certificate_authority_arns"),
    ("amp-ingest", "workspace_arns"), ("velero", "bucket_arns"), ("efs-csi-driver", "file_system_arns"),
    ("karpenter", "node_role_arns"),
])
def test_refuses_without_the_resources(name, key):
    params = {**AWS_CALLS[name], key: []}
    with pytest.raises(ValidationError) as error:
        presets.build("aws", name, params)
    assert error.value.field == f"{name}.{key}"
    assert "grants only on resources you name" in error.value.rule


def test_other_refusals():
    with pytest.raises(ValidationError, match="names no secret and no parameter"):
        aws.external_secrets()
    with pytest.raises(ValidationError, match="hosted zone id"):
        aws.external_dns(hosted_zone_ids=["example.com"])
    with pytest.raises(ValidationError, match="no wildcard partition, region or account"):
        aws.privateca_issuer(certificate_authority_arns=["arn:aws:acm-pca:*:123456789012:certificate-authority/x"])
    with pytest.raises(ValidationError, match="ARN of a S3 bucket"):
        aws.mountpoint_s3_csi_driver(bucket_arns=["my-bucket"])
    with pytest.raises(ValidationError, match="listed twice"):
        aws.mountpoint_s3_csi_driver(bucket_arns=["arn:aws:s3:::a", "arn:aws:s3:::a"])
    with pytest.raises(ValidationError, match="plain key prefix"):
        aws.velero(bucket_arns=["arn:aws:s3:::b"], prefix="*", volume_snapshots=False)
    with pytest.raises(ValidationError, match="covers IPv4 only"):
        aws.vpc_cni(ipv6=True, use_managed_policy=True)
    with pytest.raises(ValidationError, match="12-digit"):
        aws.vpc_cni(account_id="1234", region="us-east-1", allow_account_wide=True)
    with pytest.raises(ValidationError, match="id of the cluster's VPC"):
        aws.load_balancer_controller(**A, allow_account_wide=True)
    with pytest.raises(ValidationError, match="auto-discovery"):
        aws.cluster_autoscaler(cluster_name="prod", **A)


def test_velero_without_snapshots_grants_no_ec2_write():
    fragment = aws.velero(bucket_arns=["arn:aws:s3:::backups"], volume_snapshots=False)
    assert fragment["account_wide_statements"] == []
    assert "ec2:" not in json.dumps(statements(fragment))
    assert fragment["policy_statements"][0]["Resource"] == ["arn:aws:s3:::backups/*"]


# -- every statement against the IAM database ----------------------------------------------------
def every_aws_fragment():
    for name, params in AWS_CALLS.items():
        yield name, presets.build("aws", name, params)
    yield "cluster-autoscaler (auto-discovery)", aws.cluster_autoscaler(cluster_name="prod", **A, allow_account_wide=True)
    yield "aws-vpc-cni (ipv6)", aws.vpc_cni(**A, ipv6=True, allow_account_wide=True)


@pytest.mark.parametrize("name,fragment", list(every_aws_fragment()))
def test_every_action_exists_and_every_statement_passes_the_user_checks(name, fragment):
    for statement in statements(fragment):
        for action in statement["Action"]:
            assert "*" not in action and "?" not in action, action  # no wildcard actions at all
            assert len(knowledge.lookup("Action", action)) == 1  # exists in the IAM database
    for index, statement in enumerate(fragment["policy_statements"]):
        # exactly the checks of user statements, no switch
        doc.check_statement_values(f"{name}[{index}]", statement, False)
    for index, statement in enumerate(fragment["account_wide_statements"]):
        doc.check_statement_values(f"{name}[{index}]", statement, False, allow_type_wide=True)


@pytest.mark.parametrize("name,fragment", list(every_aws_fragment()))
def test_star_only_for_actions_without_resource_level_permissions(name, fragment):
    for statement in statements(fragment):
        if "*" in statement["Resource"]:
            assert statement["Resource"] == ["*"]
            assert knowledge.resource_level_actions(statement["Action"]) == [], (name, statement["Sid"])


@pytest.mark.parametrize("name,fragment", list(every_aws_fragment()))
def test_every_arn_names_partition_account_and_region(name, fragment):
    for statement in statements(fragment):
        for arn in statement["Resource"]:
            if arn == "*":
                continue
            _, partition, service, region, account, _rest = arn.split(":", 5)
            assert partition == "aws" and "*" not in service + region + account, arn
            if region:
                assert region == "us-east-1", arn
            if account:
                assert account == "123456789012", arn


@pytest.mark.parametrize("name", [n for n in WIDE])
def test_account_wide_statements_really_need_the_lift(name):
    # GIVEN the statements the preset calls account-wide THEN without the lift the user checks refuse
    # each of them (so the classification is honest, not a way round the checks)
    fragment = presets.build("aws", name, AWS_CALLS[name])
    assert fragment["account_wide_statements"]
    for index, statement in enumerate(fragment["account_wide_statements"]):
        with pytest.raises(ValidationError, match="of only wildcards"):
            doc.check_statement_values(f"{name}[{index}]", statement, False)


def test_same_inputs_byte_identical():
    for name, params in AWS_CALLS.items():
        assert json.dumps(presets.build("aws", name, params)) == json.dumps(presets.build("aws", name, dict(params)))
