"""AWS presets: IAM statements for the add-ons every EKS cluster runs (pure).

Each function returns a fragment (see ``pulumi_wid.presets``) with

- ``policy_statements``: statements scoped to the resources you name, or on ``"*"``
  only for actions without resource-level permissions (checked by the component with
  exactly the rules of user statements);
- ``account_wide_statements``: statements IAM can only scope to every resource of one
  type in your account and region (the volumes the EBS CSI driver will create, the
  instances Karpenter will launch), narrowed by the add-on's own tag conditions. They
  are built only with ``allow_account_wide=True`` (except the read-only
  ``route53:GetChange`` of cert-manager, whose change ids cannot be known), and the
  component lifts for them only the "every resource of a type" rule: the account and
  region are always written out;
- ``managed_policy_arns``: an AWS managed policy, when you choose it over the scoped
  statements (``use_managed_policy=True``; the docstring says which is narrower).

The statements follow the policies of terraform-aws-modules/terraform-aws-eks-pod-identity,
which follow each add-on's own documentation (``provenance.json`` names file and commit):
their ``"*"`` resources are replaced by ARNs in your account and region, their wildcard
actions (``kms:ReEncrypt*``, ``kms:GenerateDataKey*``) by the actions they stand for.
The component puts a preset's statements into customer managed policies of their own,
split under IAM's 6,144-character limit.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..errors import ValidationError
from ..validation import is_unknown
from . import check_bool, fragment, join, str_list

PARTITIONS = ("aws", "aws-cn", "aws-us-gov")
_ACCOUNT = re.compile(r"^\d{12}$")
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")
_ZONE_ID = re.compile(r"^(?:/hostedzone/)?([A-Z0-9]{1,32})$")
_CLUSTER = re.compile(r"^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$")
_VPC = re.compile(r"^vpc-[0-9a-f]{8,17}$")
# Read-only actions that may stay type-wide without an opt-in: the resource is the
# id of an asynchronous change, which the caller cannot know in advance.
READ_ONLY_TYPE_WIDE = ("route53:GetChange",)


# -- shared checks and builders -------------------------------------------------------
def _partition(preset: str, value: Any) -> str:
    if value not in PARTITIONS:
        raise ValidationError(f"{preset}.partition", value, f"must be one of {', '.join(PARTITIONS)}")
    return value


def _account(preset: str, value: Any) -> Any:
    if value is None:
        raise ValidationError(
            f"{preset}.account_id", None, "these statements name your account: IAM cannot scope them to named resources",
            "pass account_id (e.g. aws.get_caller_identity().account_id)",
        )
    if not is_unknown(value) and not (isinstance(value, str) and _ACCOUNT.fullmatch(value)):
        raise ValidationError(f"{preset}.account_id", value, "must be a 12-digit AWS account id", "e.g. '123456789012'")
    return value


def _region(preset: str, value: Any) -> Any:
    if value is None:
        raise ValidationError(
            f"{preset}.region", None, "these statements name your region: IAM cannot scope them to named resources",
            "pass the cluster's region, e.g. 'us-east-1'",
        )
    if not is_unknown(value) and not (isinstance(value, str) and _REGION.fullmatch(value)):
        raise ValidationError(f"{preset}.region", value, "must be an AWS region name", "e.g. 'us-east-1'")
    return value


def _cluster(preset: str, value: Any) -> Any:
    if not is_unknown(value) and not (isinstance(value, str) and _CLUSTER.fullmatch(value)):
        raise ValidationError(
            f"{preset}.cluster_name", value, "an EKS cluster name is 1-100 letters, digits, '-' and '_'", "e.g. 'prod-eks'"
        )
    return value


def _arns(preset: str, key: str, value: Any, service: str, kind: str, example: str, required: bool = True) -> list[Any]:
    """A list of ARNs of one service and resource kind (Outputs checked by the component)."""
    items = str_list(f"{preset}.{key}", value, required, f"{kind} ARNs", f"for example [{example!r}]")
    for index, arn in enumerate(items):
        if isinstance(arn, str):
            parts = arn.split(":", 5)
            if len(parts) != 6 or parts[0] != "arn" or parts[1] not in PARTITIONS or parts[2] != service:
                raise ValidationError(
                    f"{preset}.{key}[{index}]", arn, f"must be the ARN of a {kind} (arn:<partition>:{service}:...)",
                    f"for example {example!r}",
                )
            if any(c in parts[1] + parts[2] + parts[3] + parts[4] for c in "*?"):
                raise ValidationError(f"{preset}.{key}[{index}]", arn, "names no wildcard partition, region or account",
                                      "write the account and region out")
    return items


def _allow(preset: str, allow: Any, what: str, alternative: str = "") -> None:
    """Refuse to build account-wide statements without the opt-in."""
    if check_bool(f"{preset}.allow_account_wide", allow):
        return
    raise ValidationError(
        f"{preset}.allow_account_wide", False,
        f"{what}: IAM cannot scope these actions to resources you can name in advance, only to every such "
        "resource of your account and region (narrowed by the add-on's tag conditions)",
        "pass allow_account_wide=True to accept that" + (f", or {alternative}" if alternative else ""),
    )


def _st(sid: str, actions: list[str], resources: Any, condition: dict[str, Any] | None = None) -> dict[str, Any]:
    statement: dict[str, Any] = {"Sid": sid, "Effect": "Allow", "Action": list(actions),
                                 "Resource": resources if isinstance(resources, list) else [resources]}
    if condition:
        statement["Condition"] = condition
    return statement


def _ec2(partition: str, region: Any, account: Any, kind: str) -> Any:
    """``arn:<p>:ec2:<region>:<account>:<kind>/*`` (images and snapshots carry no account)."""
    owner = "" if kind in ("image", "snapshot") else account
    return join(f"arn:{partition}:ec2:", region, ":", owner, f":{kind}/*")


def _managed(partition: str, name: str) -> str:
    return f"arn:{partition}:iam::aws:policy/{name}"


_KMS_GRANTS = ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"]
_KMS_USE = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey",
            "kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey"]


def _kms_statements(keys: list[Any], extra_grant_actions: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    if not keys:
        return []
    return [
        _st("KmsGrantsForAwsResources", _KMS_GRANTS + list(extra_grant_actions), keys,
            {"Bool": {"kms:GrantIsForAWSResource": "true"}}),
        _st("KmsUse", _KMS_USE, keys),
    ]


def _kms(preset: str, value: Any) -> list[Any]:
    return _arns(preset, "kms_key_arns", value, "kms", "KMS key",
                 "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", required=False)


# -- storage: CSI drivers ----------------------------------------------------------------
def ebs_csi_driver(account_id: Any = None, region: Any = None, kms_key_arns: Any = None, allow_account_wide: bool = False,
                   use_managed_policy: bool = False, partition: str = "aws", namespace: str = "kube-system",
                   service_account: str = "ebs-csi-controller-sa") -> dict[str, Any]:
    """Amazon EBS CSI driver (controller): create, attach, resize, snapshot and delete EBS volumes.

    The driver works on volumes and snapshots it creates itself, so the write statements
    cover every volume, snapshot and instance of ``account_id`` in ``region`` (needs
    ``allow_account_wide=True``), with the driver's tag conditions on create and delete.
    ``kms_key_arns``: the keys of encrypted volumes (grants only for AWS resources).
    ``use_managed_policy=True`` attaches AWS's ``AmazonEBSCSIDriverPolicy`` instead: it
    grants the same actions on every region and account (``*``), so the preset is narrower.
    """
    name = "ebs-csi-driver"
    params = _params(locals())
    partition = _partition(name, partition)
    keys = _kms(name, kms_key_arns)
    if check_bool(f"{name}.use_managed_policy", use_managed_policy):
        return fragment("aws", name, params, namespace, service_account, policy_statements=_kms_statements(keys),
                        managed_policy_arns=[_managed(partition, "service-role/AmazonEBSCSIDriverPolicy")])
    account, region = _account(name, account_id), _region(name, region)
    _allow(name, allow_account_wide, "the EBS CSI driver attaches, snapshots and deletes volumes it creates",
           "use_managed_policy=True for AmazonEBSCSIDriverPolicy (broader: every region and account)")
    volume, snapshot, instance = (_ec2(partition, region, account, k) for k in ("volume", "snapshot", "instance"))
    created_by = {"StringEquals": {"ec2:CreateAction": ["CreateVolume", "CreateSnapshot"]}}
    wide = [
        _st("AttachResizeSnapshot", ["ec2:AttachVolume", "ec2:DetachVolume", "ec2:ModifyVolume", "ec2:CreateSnapshot"],
            [volume, snapshot, instance]),
        _st("TagOnCreate", ["ec2:CreateTags"], [volume, snapshot], created_by),
        _st("Untag", ["ec2:DeleteTags"], [volume, snapshot]),
        _st("CreateClusterVolume", ["ec2:CreateVolume"], [volume, snapshot],
            {"StringLike": {"aws:RequestTag/ebs.csi.aws.com/cluster": "true"}}),
        _st("CreateNamedVolume", ["ec2:CreateVolume"], [volume, snapshot],
            {"StringLike": {"aws:RequestTag/CSIVolumeName": "*"}}),
        _st("CreateOwnedVolume", ["ec2:CreateVolume"], [volume, snapshot],
            {"StringLike": {"aws:RequestTag/kubernetes.io/cluster/*": "owned"}}),
        _st("DeleteClusterVolume", ["ec2:DeleteVolume"], [volume],
            {"StringLike": {"ec2:ResourceTag/ebs.csi.aws.com/cluster": "true"}}),
        _st("DeleteNamedVolume", ["ec2:DeleteVolume"], [volume], {"StringLike": {"ec2:ResourceTag/CSIVolumeName": "*"}}),
        _st("DeleteOwnedVolume", ["ec2:DeleteVolume"], [volume],
            {"StringLike": {"ec2:ResourceTag/kubernetes.io/cluster/*": "owned"}}),
        _st("DeletePvcVolume", ["ec2:DeleteVolume"], [volume],
            {"StringLike": {"ec2:ResourceTag/kubernetes.io/created-for/pvc/name": "*"}}),
        _st("DeleteNamedSnapshot", ["ec2:DeleteSnapshot"], [snapshot],
            {"StringLike": {"ec2:ResourceTag/CSIVolumeSnapshotName": "*"}}),
        _st("DeleteClusterSnapshot", ["ec2:DeleteSnapshot"], [snapshot],
            {"StringLike": {"ec2:ResourceTag/ebs.csi.aws.com/cluster": "true"}}),
    ]
    describe = _st("Describe", ["ec2:DescribeAvailabilityZones", "ec2:DescribeInstances", "ec2:DescribeSnapshots",
                                "ec2:DescribeTags", "ec2:DescribeVolumes", "ec2:DescribeVolumesModifications"], "*")
    return fragment("aws", name, params, namespace, service_account, policy_statements=[describe, *_kms_statements(keys)],
                    account_wide_statements=wide,
                    alternative={"managed_policy_arn": _managed(partition, "service-role/AmazonEBSCSIDriverPolicy"),
                                 "narrower": "preset"})


def efs_csi_driver(file_system_arns: Any = None, account_id: Any = None, region: Any = None,
                   allow_account_wide: bool = False, use_managed_policy: bool = False, partition: str = "aws",
                   namespace: str = "kube-system", service_account: str = "efs-csi-controller-sa") -> dict[str, Any]:
    """Amazon EFS CSI driver (controller): create and delete access points on the file systems you name.

    Describe and create act on ``file_system_arns``. The access points the driver creates
    get ids it cannot know in advance, so tagging and deleting them covers every access
    point of ``account_id`` in ``region`` (``allow_account_wide=True``), limited to those
    tagged ``efs.csi.aws.com/cluster=true``. ``use_managed_policy=True`` attaches
    ``AmazonEFSCSIDriverPolicy`` (every file system and access point: broader).
    """
    name = "efs-csi-driver"
    params = _params(locals())
    partition = _partition(name, partition)
    if check_bool(f"{name}.use_managed_policy", use_managed_policy):
        return fragment("aws", name, params, namespace, service_account,
                        managed_policy_arns=[_managed(partition, "service-role/AmazonEFSCSIDriverPolicy")])
    systems = _arns(name, "file_system_arns", file_system_arns, "elasticfilesystem", "EFS file system",
                    "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0123456789abcdef0")
    account, region = _account(name, account_id), _region(name, region)
    _allow(name, allow_account_wide, "the EFS CSI driver tags and deletes the access points it creates",
           "use_managed_policy=True for AmazonEFSCSIDriverPolicy (broader)")
    points = join(f"arn:{partition}:elasticfilesystem:", region, ":", account, ":access-point/*")
    tagged = {"StringLike": {"aws:RequestTag/efs.csi.aws.com/cluster": "true"}}
    return fragment(
        "aws", name, params, namespace, service_account,
        policy_statements=[
            _st("DescribeZones", ["ec2:DescribeAvailabilityZones"], "*"),
            _st("DescribeFileSystems", ["elasticfilesystem:DescribeAccessPoints", "elasticfilesystem:DescribeFileSystems",
                                        "elasticfilesystem:DescribeMountTargets"], systems),
            _st("CreateAccessPoint", ["elasticfilesystem:CreateAccessPoint"], systems, tagged),
        ],
        account_wide_statements=[
            _st("TagAccessPoint", ["elasticfilesystem:TagResource"], [points], tagged),
            _st("DeleteAccessPoint", ["elasticfilesystem:DeleteAccessPoint"], [points],
                {"StringEquals": {"aws:ResourceTag/efs.csi.aws.com/cluster": "true"}}),
        ],
        alternative={"managed_policy_arn": _managed(partition, "service-role/AmazonEFSCSIDriverPolicy"), "narrower": "preset"},
    )


def fsx_lustre_csi_driver(account_id: Any = None, region: Any = None, bucket_arns: Any = None,
                          allow_account_wide: bool = False, partition: str = "aws", namespace: str = "kube-system",
                          service_account: str = "fsx-csi-controller-sa") -> dict[str, Any]:
    """Amazon FSx for Lustre CSI driver: create, tag and delete FSx file systems (dynamic provisioning).

    The file systems get ids only at creation, so create/tag/delete cover every FSx file
    system of ``account_id`` in ``region`` (``allow_account_wide=True``). The service-linked
    roles FSx needs are named exactly. ``bucket_arns``: S3 buckets linked as data
    repositories (``s3:ListBucket`` on them only).
    """
    name = "fsx-lustre-csi-driver"
    params = _params(locals())
    partition = _partition(name, partition)
    buckets = _arns(name, "bucket_arns", bucket_arns, "s3", "S3 bucket", "arn:aws:s3:::my-lustre-data", required=False)
    account, region = _account(name, account_id), _region(name, region)
    _allow(name, allow_account_wide, "the FSx CSI driver creates and deletes file systems")
    roles = [join(f"arn:{partition}:iam::", account, ":role/aws-service-role/s3.data-source.lustre.fsx.amazonaws.com/*"),
             join(f"arn:{partition}:iam::", account, ":role/aws-service-role/fsx.amazonaws.com/*")]
    systems = join(f"arn:{partition}:fsx:", region, ":", account, ":file-system/*")
    statements = [
        _st("ServiceLinkedRoles", ["iam:CreateServiceLinkedRole", "iam:AttachRolePolicy", "iam:PutRolePolicy"], roles,
            {"StringLike": {"iam:AWSServiceName": ["fsx.amazonaws.com", "s3.data-source.lustre.fsx.amazonaws.com"]}}),
        _st("DescribeFileSystems", ["fsx:DescribeFileSystems"], "*"),
    ]
    if buckets:
        statements.append(_st("ListDataRepository", ["s3:ListBucket"], buckets))
    return fragment("aws", name, params, namespace, service_account, policy_statements=statements,
                    account_wide_statements=[_st("ManageFileSystems", ["fsx:CreateFileSystem", "fsx:DeleteFileSystem",
                                                                       "fsx:TagResource"], [systems])])


def mountpoint_s3_csi_driver(bucket_arns: Any = None, read_only: bool = False, partition: str = "aws",
                             namespace: str = "kube-system", service_account: str = "s3-csi-driver-sa") -> dict[str, Any]:
    """Mountpoint for Amazon S3 CSI driver: list and read (and, unless ``read_only``, write) the buckets you name."""
    name = "mountpoint-s3-csi-driver"
    params = _params(locals())
    _partition(name, partition)
    buckets = _arns(name, "bucket_arns", bucket_arns, "s3", "S3 bucket", "arn:aws:s3:::my-bucket")
    objects = [join(b, "/*") for b in buckets]
    actions = ["s3:GetObject"] if check_bool(f"{name}.read_only", read_only) else [
        "s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload", "s3:DeleteObject"]
    return fragment("aws", name, params, namespace, service_account, policy_statements=[
        _st("MountpointListBucket", ["s3:ListBucket"], buckets),
        _st("MountpointObjects", actions, objects),
    ])


# -- networking ---------------------------------------------------------------------------
def load_balancer_controller(account_id: Any = None, region: Any = None, vpc_id: Any = None,
                             allow_account_wide: bool = False, partition: str = "aws", namespace: str = "kube-system",
                             service_account: str = "aws-load-balancer-controller") -> dict[str, Any]:
    """AWS Load Balancer Controller: ALBs/NLBs, target groups, listeners and their security groups.

    Security groups are created in ``vpc_id`` only. The load balancers, target groups,
    listeners and security groups the controller creates cover every such resource of
    ``account_id`` in ``region`` (``allow_account_wide=True``), with the controller's
    ``elbv2.k8s.aws/cluster`` tag conditions; certificates, WAF ACLs, Shield protections
    and Cognito pools are read and associated in your account and region only. AWS
    publishes no managed policy for it. Too long for one managed policy: the component
    splits it over two.
    """
    name = "aws-load-balancer-controller"
    params = _params(locals())
    partition = _partition(name, partition)
    account, region = _account(name, account_id), _region(name, region)
    if vpc_id is None or (not is_unknown(vpc_id) and not (isinstance(vpc_id, str) and _VPC.fullmatch(vpc_id))):
        raise ValidationError(f"{name}.vpc_id", vpc_id, "must be the id of the cluster's VPC (security groups are created there)",
                              "e.g. vpc.id or 'vpc-0123456789abcdef0'")
    _allow(name, allow_account_wide, "the controller manages the load balancers and security groups it creates")

    def arn(service: str, resource: str) -> Any:
        return join(f"arn:{partition}:{service}:", region, ":", account, f":{resource}")

    sg, vpc = arn("ec2", "security-group/*"), join(f"arn:{partition}:ec2:", region, ":", account, ":vpc/", vpc_id)
    lbs = [arn("elasticloadbalancing", "loadbalancer/net/*/*"), arn("elasticloadbalancing", "loadbalancer/app/*/*")]
    tgs = arn("elasticloadbalancing", "targetgroup/*/*")
    listeners = [arn("elasticloadbalancing", r) for r in
                 ("listener/net/*/*/*", "listener/app/*/*/*", "listener-rule/net/*/*/*", "listener-rule/app/*/*/*")]
    tagged = {"Null": {"aws:RequestTag/elbv2.k8s.aws/cluster": "false"}}
    owned = {"Null": {"aws:ResourceTag/elbv2.k8s.aws/cluster": "false"}}
    untouched_tag = {"Null": {"aws:RequestTag/elbv2.k8s.aws/cluster": "true", "aws:ResourceTag/elbv2.k8s.aws/cluster": "false"}}
    statements = [
        _st("ElbServiceLinkedRole", ["iam:CreateServiceLinkedRole"],
            join(f"arn:{partition}:iam::", account, ":role/aws-service-role/elasticloadbalancing.amazonaws.com/*"),
            {"StringEquals": {"iam:AWSServiceName": "elasticloadbalancing.amazonaws.com"}}),
        _st("Describe", [
            "ec2:DescribeAccountAttributes", "ec2:DescribeAddresses", "ec2:DescribeAvailabilityZones",
            "ec2:DescribeInternetGateways", "ec2:DescribeVpcs", "ec2:DescribeVpcPeeringConnections", "ec2:DescribeSubnets",
            "ec2:DescribeSecurityGroups", "ec2:DescribeInstances", "ec2:DescribeNetworkInterfaces", "ec2:DescribeTags",
            "ec2:DescribeCoipPools", "elasticloadbalancing:DescribeLoadBalancers",
            "elasticloadbalancing:DescribeLoadBalancerAttributes", "elasticloadbalancing:DescribeListeners",
            "elasticloadbalancing:DescribeListenerCertificates", "elasticloadbalancing:DescribeSSLPolicies",
            "elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeTargetGroups",
            "elasticloadbalancing:DescribeTargetGroupAttributes", "elasticloadbalancing:DescribeTargetHealth",
            "elasticloadbalancing:DescribeTags", "elasticloadbalancing:DescribeTrustStores",
            "elasticloadbalancing:DescribeListenerAttributes", "acm:ListCertificates", "iam:ListServerCertificates",
            "shield:GetSubscriptionState", "shield:CreateProtection", "elasticloadbalancing:SetWebAcl"], "*"),
        _st("CreateSecurityGroupInVpc", ["ec2:CreateSecurityGroup"], [vpc]),
    ]
    wide = [
        _st("ReadIntegrations", ["acm:DescribeCertificate", "cognito-idp:DescribeUserPoolClient",
                                 "iam:GetServerCertificate", "waf-regional:GetWebACL", "wafv2:GetWebACL",
                                 "shield:DescribeProtection", "ec2:GetCoipPoolUsage"],
            [arn("acm", "certificate/*"), arn("cognito-idp", "userpool/*"), arn("ec2", "coip-pool/*"),
             join(f"arn:{partition}:iam::", account, ":server-certificate/*"), arn("waf-regional", "webacl/*"),
             arn("wafv2", "regional/webacl/*/*"), join(f"arn:{partition}:shield::", account, ":protection/*")]),
        _st("AssociateWebAcls", ["waf-regional:GetWebACLForResource", "waf-regional:AssociateWebACL",
                                 "waf-regional:DisassociateWebACL", "wafv2:GetWebACLForResource", "wafv2:AssociateWebACL",
                                 "wafv2:DisassociateWebACL", "shield:DeleteProtection"],
            [arn("waf-regional", "webacl/*"), arn("wafv2", "regional/webacl/*/*"), lbs[1],
             join(f"arn:{partition}:shield::", account, ":protection/*")]),
        _st("CreateSecurityGroup", ["ec2:CreateSecurityGroup"], [sg], tagged),
        _st("TagNewSecurityGroup", ["ec2:CreateTags"], [sg],
            {"StringEquals": {"ec2:CreateAction": "CreateSecurityGroup"}, **tagged}),
        _st("TagOwnSecurityGroup", ["ec2:CreateTags", "ec2:DeleteTags"], [sg], untouched_tag),
        _st("ManageOwnSecurityGroup", ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress",
                                       "ec2:DeleteSecurityGroup"], [sg], owned),
        _st("AllowIngressFromOwnGroups", ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"], [sg]),
        _st("CreateLoadBalancer", ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"],
            [*lbs, tgs], tagged),
        _st("ManageListeners", ["elasticloadbalancing:CreateListener", "elasticloadbalancing:DeleteListener",
                                "elasticloadbalancing:CreateRule", "elasticloadbalancing:DeleteRule"], [*lbs, *listeners]),
        _st("TagOwnLoadBalancer", ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"], [tgs, *lbs],
            untouched_tag),
        _st("TagListeners", ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"], listeners),
        _st("ManageOwnLoadBalancer", [
            "elasticloadbalancing:ModifyLoadBalancerAttributes", "elasticloadbalancing:SetIpAddressType",
            "elasticloadbalancing:SetSecurityGroups", "elasticloadbalancing:SetSubnets",
            "elasticloadbalancing:DeleteLoadBalancer", "elasticloadbalancing:ModifyTargetGroup",
            "elasticloadbalancing:ModifyTargetGroupAttributes", "elasticloadbalancing:DeleteTargetGroup",
            "elasticloadbalancing:ModifyListenerAttributes"], [*lbs, tgs, *listeners[:2]], owned),
        _st("TagOnCreate", ["elasticloadbalancing:AddTags"], [tgs, *lbs],
            {"StringEquals": {"elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer"]}, **tagged}),
        _st("RegisterTargets", ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"], [tgs]),
        _st("ModifyListeners", ["elasticloadbalancing:ModifyListener", "elasticloadbalancing:AddListenerCertificates",
                                "elasticloadbalancing:RemoveListenerCertificates", "elasticloadbalancing:ModifyRule"],
            listeners),
    ]
    return fragment("aws", name, params, namespace, service_account, policy_statements=statements,
                    account_wide_statements=wide)


def vpc_cni(account_id: Any = None, region: Any = None, ipv6: bool = False, allow_account_wide: bool = False,
            use_managed_policy: bool = False, partition: str = "aws", namespace: str = "kube-system",
            service_account: str = "aws-node") -> dict[str, Any]:
    """Amazon VPC CNI (``aws-node``): create, attach and address the nodes' network interfaces.

    ``ipv6=False``: the IPv4 actions (AWS's "scope-down policy for IPv4 mode");
    ``ipv6=True``: ``ec2:AssignIpv6Addresses`` only. The interfaces are every network
    interface and instance of ``account_id`` in ``region`` (``allow_account_wide=True``).
    ``use_managed_policy=True`` attaches ``AmazonEKS_CNI_Policy`` (IPv4 only; every region
    and account: broader). AWS publishes no managed policy for IPv6.
    """
    name = "aws-vpc-cni"
    params = _params(locals())
    partition = _partition(name, partition)
    six = check_bool(f"{name}.ipv6", ipv6)
    if check_bool(f"{name}.use_managed_policy", use_managed_policy):
        if six:
            raise ValidationError(f"{name}.use_managed_policy", True, "AmazonEKS_CNI_Policy covers IPv4 only",
                                  "drop use_managed_policy for an IPv6 cluster")
        return fragment("aws", name, params, namespace, service_account,
                        managed_policy_arns=[_managed(partition, "AmazonEKS_CNI_Policy")])
    account, region = _account(name, account_id), _region(name, region)
    _allow(name, allow_account_wide, "the VPC CNI manages the network interfaces of every node",
           "use_managed_policy=True for AmazonEKS_CNI_Policy (broader)")
    eni, instance = _ec2(partition, region, account, "network-interface"), _ec2(partition, region, account, "instance")
    subnet, sg = _ec2(partition, region, account, "subnet"), _ec2(partition, region, account, "security-group")
    describe = ["ec2:DescribeInstances", "ec2:DescribeTags", "ec2:DescribeNetworkInterfaces", "ec2:DescribeInstanceTypes",
                "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets"]
    if six:
        wide = [_st("AssignIpv6", ["ec2:AssignIpv6Addresses"], [eni])]
    else:
        wide = [_st("ManageInterfaces", [
            "ec2:AssignPrivateIpAddresses", "ec2:AttachNetworkInterface", "ec2:CreateNetworkInterface",
            "ec2:DeleteNetworkInterface", "ec2:DetachNetworkInterface", "ec2:ModifyNetworkInterfaceAttribute",
            "ec2:UnassignPrivateIpAddresses"], [eni, instance, subnet, sg])]
    wide.append(_st("TagInterfaces", ["ec2:CreateTags"], [eni]))
    return fragment("aws", name, params, namespace, service_account, policy_statements=[_st("Describe", describe, "*")],
                    account_wide_statements=wide,
                    alternative=None if six else {"managed_policy_arn": _managed(partition, "AmazonEKS_CNI_Policy"),
                                                  "narrower": "preset"})


# -- DNS and certificates -------------------------------------------------------------------
def _zones(preset: str, value: Any, partition: str) -> list[Any]:
    ids = str_list(f"{preset}.hosted_zone_ids", value, True, "Route 53 hosted zone ids", "for example ['Z0123456789ABCDEFGHIJ'] (zone.zone_id)")
    arns = []
    for index, zone in enumerate(ids):
        if isinstance(zone, str):
            match = _ZONE_ID.fullmatch(zone)
            if not match:
                raise ValidationError(f"{preset}.hosted_zone_ids[{index}]", zone, "must be a Route 53 hosted zone id",
                                      "e.g. 'Z0123456789ABCDEFGHIJ' (zone.zone_id)")
            zone = match.group(1)
        arns.append(join(f"arn:{partition}:route53:::hostedzone/", zone))
    return arns


def external_dns(hosted_zone_ids: Any = None, partition: str = "aws", namespace: str = "external-dns",
                 service_account: str = "external-dns") -> dict[str, Any]:
    """external-dns: change and list the records of the hosted zones you name.

    ``route53:ListHostedZones`` has no resource-level permissions (``"*"``); listing
    records and tags is limited to the zones (upstream grants them on ``"*"``).
    ``route53:ListTagsForResources``: external-dns reads zone tags in batches
    (kubernetes-sigs/external-dns#5058; terraform-aws-eks-pod-identity#53, v2.5.0).
    """
    name = "external-dns"
    params = _params(locals())
    zones = _zones(name, hosted_zone_ids, _partition(name, partition))
    return fragment("aws", name, params, namespace, service_account, policy_statements=[
        _st("ChangeRecords", ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets",
                              "route53:ListTagsForResource", "route53:ListTagsForResources"], zones),
        _st("ListZones", ["route53:ListHostedZones"], "*"),
    ])


def cert_manager(hosted_zone_ids: Any = None, partition: str = "aws", namespace: str = "cert-manager",
                 service_account: str = "cert-manager") -> dict[str, Any]:
    """cert-manager (ACME DNS-01 with Route 53): write the challenge records in the zones you name.

    ``route53:GetChange`` reads the status of a change whose id Route 53 returns only
    when it is made, so it is granted on ``change/*`` (read-only, no opt-in needed).
    """
    name = "cert-manager"
    params = _params(locals())
    partition = _partition(name, partition)
    zones = _zones(name, hosted_zone_ids, partition)
    return fragment("aws", name, params, namespace, service_account, policy_statements=[
        _st("ChangeRecords", ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets"], zones),
        _st("ListZones", ["route53:ListHostedZonesByName"], "*"),
    ], account_wide_statements=[_st("GetChange", ["route53:GetChange"], f"arn:{partition}:route53:::change/*")])


def privateca_issuer(certificate_authority_arns: Any = None, partition: str = "aws",
                     namespace: str = "aws-privateca-issuer", service_account: str = "aws-privateca-issuer") -> dict[str, Any]:
    """AWS Private CA Issuer for cert-manager: issue certificates from the CAs you name."""
    name = "aws-privateca-issuer"
    params = _params(locals())
    _partition(name, partition)
    cas = _arns(name, "certificate_authority_arns", certificate_authority_arns, "acm-pca", "private certificate authority",
                "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/12345678-1234-1234-1234-123456789012")
    return fragment("aws", name, params, namespace, service_account, policy_statements=[
        _st("IssueCertificates", ["acm-pca:DescribeCertificateAuthority", "acm-pca:GetCertificate",
                                  "acm-pca:IssueCertificate"], cas),
    ])


# -- autoscaling ------------------------------------------------------------------------------
def cluster_autoscaler(cluster_name: Any = None, account_id: Any = None, region: Any = None,
                       auto_scaling_group_names: Any = None, allow_account_wide: bool = False, partition: str = "aws",
                       namespace: str = "kube-system", service_account: str = "cluster-autoscaler") -> dict[str, Any]:
    """Cluster Autoscaler: scale the node groups of ``cluster_name``.

    ``auto_scaling_group_names``: scale exactly these groups. Without them (auto-discovery),
    every group of ``account_id`` in ``region`` tagged ``k8s.io/cluster-autoscaler/<cluster>=owned``
    (``allow_account_wide=True``). ``eks:DescribeNodegroup`` is limited to the cluster's node groups.
    The ServiceAccount name depends on the Helm release (``<release>-aws-cluster-autoscaler``): override it.
    """
    name = "cluster-autoscaler"
    params = _params(locals())
    partition = _partition(name, partition)
    if cluster_name is None:
        raise ValidationError(f"{name}.cluster_name", None, "is required: the scaling actions are limited to its node groups",
                              "pass the EKS cluster's name")
    cluster = _cluster(name, cluster_name)
    account, region = _account(name, account_id), _region(name, region)
    groups = str_list(f"{name}.auto_scaling_group_names", auto_scaling_group_names, False, "Auto Scaling group names",
                      "for example ['eks-workers-1a']")
    owned = {"StringEquals": {join("autoscaling:ResourceTag/k8s.io/cluster-autoscaler/", cluster): "owned"}} \
        if isinstance(cluster, str) else None
    describe = _st("Describe", [
        "autoscaling:DescribeAutoScalingGroups", "autoscaling:DescribeAutoScalingInstances",
        "autoscaling:DescribeLaunchConfigurations", "autoscaling:DescribeScalingActivities", "autoscaling:DescribeTags",
        "ec2:DescribeLaunchTemplateVersions", "ec2:DescribeInstanceTypes", "ec2:DescribeImages",
        "ec2:GetInstanceTypesFromInstanceRequirements"], "*")
    nodegroups = _st("DescribeNodegroups", ["eks:DescribeNodegroup"],
                     join(f"arn:{partition}:eks:", region, ":", account, ":nodegroup/", cluster, "/*/*"))
    scale = ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"]
    group_arn = join(f"arn:{partition}:autoscaling:", region, ":", account, ":autoScalingGroup:*:autoScalingGroupName/")
    if groups:
        return fragment("aws", name, params, namespace, service_account, policy_statements=[
            describe, nodegroups, _st("ScaleNamedGroups", scale, [join(group_arn, g) for g in groups], owned)])
    _allow(name, allow_account_wide, "auto-discovery scales every Auto Scaling group tagged for the cluster",
           "name the groups in auto_scaling_group_names")
    return fragment("aws", name, params, namespace, service_account, policy_statements=[describe, nodegroups],
                    account_wide_statements=[_st("ScaleTaggedGroups", scale, [join(group_arn, "*")], owned)])


def karpenter(cluster_name: Any = None, account_id: Any = None, region: Any = None, node_role_arns: Any = None,
              interruption_queue_arn: Any = None, allow_account_wide: bool = False, partition: str = "aws",
              namespace: str = "kube-system", service_account: str = "karpenter") -> dict[str, Any]:
    """Karpenter controller: launch, tag and terminate the nodes of ``cluster_name``.

    Follows Karpenter's controller policy: every EC2 write carries the cluster's
    ``kubernetes.io/cluster/<cluster>=owned`` and ``karpenter.sh/nodepool`` tags (on the
    request when creating, on the resource when deleting), so the instances, fleets,
    volumes, interfaces, launch templates and instance profiles cover every such
    resource of ``account_id`` in ``region`` (``allow_account_wide=True``).
    ``iam:PassRole`` only for ``node_role_arns`` and only to EC2; the SQS statements
    only for ``interruption_queue_arn`` (omit it when interruption handling is off);
    ``eks:DescribeCluster`` only on the cluster. The upstream Terraform policy swapped the
    ``ec2:CreateAction`` and ``karpenter.sh/nodepool`` values in one statement; this
    preset follows Karpenter's own.
    """
    name = "karpenter"
    params = _params(locals())
    partition = _partition(name, partition)
    if cluster_name is None:
        raise ValidationError(f"{name}.cluster_name", None, "is required: every write is limited to the cluster's tags",
                              "pass the EKS cluster's name")
    cluster = _cluster(name, cluster_name)
    account, region = _account(name, account_id), _region(name, region)
    roles = _arns(name, "node_role_arns", node_role_arns, "iam", "IAM role (the nodes' role)",
                  "arn:aws:iam::123456789012:role/KarpenterNodeRole-prod")
    queues = _arns(name, "interruption_queue_arn", [interruption_queue_arn] if interruption_queue_arn is not None else [],
                   "sqs", "SQS queue", "arn:aws:sqs:us-east-1:123456789012:Karpenter-prod", required=False)
    _allow(name, allow_account_wide, "Karpenter launches and terminates instances it names itself")
    tag = join("kubernetes.io/cluster/", cluster)
    request_owned = {join("aws:RequestTag/", tag): "owned"}
    resource_owned = {join("aws:ResourceTag/", tag): "owned"}
    if not all(isinstance(k, str) for k in request_owned):
        raise ValidationError(f"{name}.cluster_name", cluster_name, "is a condition key: it must be known before deployment",
                              "pass the cluster's name as a string")
    ec2 = {k: _ec2(partition, region, account, k) for k in (
        "image", "snapshot", "security-group", "subnet", "capacity-reservation", "launch-template", "fleet", "instance",
        "volume", "network-interface", "spot-instances-request")}
    profiles = join(f"arn:{partition}:iam::", account, ":instance-profile/*")
    nodepool = {"aws:RequestTag/karpenter.sh/nodepool": "*"}
    created = [ec2[k] for k in ("fleet", "instance", "volume", "network-interface", "launch-template")]
    # A Spot launch tags the spot-instances-request CreateFleet makes: without it "not authorized to perform:
    # ec2:CreateTags on resource: ...:spot-instances-request/*" (aws/karpenter-provider-aws#5270, #6264).
    tagged_on_create = [*created, ec2["spot-instances-request"]]
    wide = [
        _st("AllowScopedEC2InstanceAccessActions", ["ec2:RunInstances", "ec2:CreateFleet"],
            [ec2[k] for k in ("image", "snapshot", "security-group", "subnet", "capacity-reservation")]),
        _st("AllowScopedEC2LaunchTemplateAccessActions", ["ec2:RunInstances", "ec2:CreateFleet"], [ec2["launch-template"]],
            {"StringEquals": resource_owned, "StringLike": {"aws:ResourceTag/karpenter.sh/nodepool": "*"}}),
        _st("AllowScopedEC2InstanceActionsWithTags", ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"],
            created, {"StringEquals": request_owned, "StringLike": nodepool}),
        _st("AllowScopedResourceCreationTagging", ["ec2:CreateTags"], tagged_on_create,
            {"StringEquals": {**request_owned, "ec2:CreateAction": ["RunInstances", "CreateFleet", "CreateLaunchTemplate"]},
             "StringLike": nodepool}),
        _st("AllowScopedResourceTagging", ["ec2:CreateTags"], [ec2["instance"]],
            {"StringEquals": resource_owned, "StringLike": {"aws:ResourceTag/karpenter.sh/nodepool": "*"},
             "StringEqualsIfExists": {"aws:RequestTag/eks:eks-cluster-name": cluster},
             "ForAllValues:StringEquals": {"aws:TagKeys": ["eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"]}}),
        _st("AllowScopedDeletion", ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"],
            [ec2["instance"], ec2["launch-template"]],
            {"StringEquals": resource_owned, "StringLike": {"aws:ResourceTag/karpenter.sh/nodepool": "*"}}),
        _st("AllowScopedInstanceProfileCreationActions", ["iam:CreateInstanceProfile"], [profiles],
            {"StringEquals": {**request_owned, "aws:RequestTag/topology.kubernetes.io/region": region},
             "StringLike": {"aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*"}}),
        _st("AllowScopedInstanceProfileTagActions", ["iam:TagInstanceProfile"], [profiles],
            {"StringEquals": {**resource_owned, "aws:ResourceTag/topology.kubernetes.io/region": region,
                              **request_owned, "aws:RequestTag/topology.kubernetes.io/region": region},
             "StringLike": {"aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*",
                            "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*"}}),
        _st("AllowScopedInstanceProfileActions", ["iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile",
                                                  "iam:DeleteInstanceProfile"], [profiles],
            {"StringEquals": {**resource_owned, "aws:ResourceTag/topology.kubernetes.io/region": region},
             "StringLike": {"aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*"}}),
        _st("AllowInstanceProfileReadActions", ["iam:GetInstanceProfile"], [profiles]),
    ]
    statements = [
        _st("AllowRegionalReadActions", [
            "ec2:DescribeAvailabilityZones", "ec2:DescribeImages", "ec2:DescribeInstances",
            "ec2:DescribeInstanceTypeOfferings", "ec2:DescribeInstanceTypes", "ec2:DescribeLaunchTemplates",
            "ec2:DescribeSecurityGroups", "ec2:DescribeSpotPriceHistory", "ec2:DescribeSubnets"], "*",
            {"StringEquals": {"aws:RequestedRegion": region}}),
        _st("AllowSSMReadActions", ["ssm:GetParameter"], join(f"arn:{partition}:ssm:", region, "::parameter/aws/service/*")),
        _st("AllowPricingReadActions", ["pricing:GetProducts"], "*"),
        _st("AllowPassingInstanceRole", ["iam:PassRole"], roles, {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}),
        _st("AllowAPIServerEndpointDiscovery", ["eks:DescribeCluster"],
            join(f"arn:{partition}:eks:", region, ":", account, ":cluster/", cluster)),
    ]
    if queues:
        statements.append(_st("AllowInterruptionQueueActions", ["sqs:DeleteMessage", "sqs:GetQueueUrl",
                                                                "sqs:ReceiveMessage"], queues))
    return fragment("aws", name, params, namespace, service_account, policy_statements=statements,
                    account_wide_statements=wide)


# -- secrets --------------------------------------------------------------------------------------
def external_secrets(secret_arns: Any = None, parameter_arns: Any = None, kms_key_arns: Any = None,
                     push_secrets: bool = False, partition: str = "aws", namespace: str = "external-secrets",
                     service_account: str = "external-secrets") -> dict[str, Any]:
    """External Secrets Operator: read the Secrets Manager secrets and SSM parameters you name.

    ``secret_arns`` and ``parameter_arns`` may be prefixes
    (``arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/*``; a bare ``secret:*``
    is refused by the component); at least one of them is needed. ``kms_key_arns``: keys of
    customer-managed encryption (``kms:Decrypt`` only). ``push_secrets=True`` adds the
    PushSecret writes on the same secrets (delete only of secrets tagged
    ``managed-by=external-secrets``). The list actions have no resource-level permissions.
    """
    name = "external-secrets"
    params = _params(locals())
    _partition(name, partition)
    secrets = _arns(name, "secret_arns", secret_arns, "secretsmanager", "Secrets Manager secret",
                    "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf", required=False)
    parameters = _arns(name, "parameter_arns", parameter_arns, "ssm", "SSM parameter",
                       "arn:aws:ssm:us-east-1:123456789012:parameter/prod/*", required=False)
    keys = _kms(name, kms_key_arns)
    if not secrets and not parameters:
        raise ValidationError(f"{name}.secret_arns", None, "names no secret and no parameter: the preset grants only on what you name",
                              "pass secret_arns and/or parameter_arns (ARNs or ARN prefixes ending in '*')")
    statements = []
    if secrets:
        statements += [
            _st("ReadSecrets", ["secretsmanager:GetResourcePolicy", "secretsmanager:GetSecretValue",
                                "secretsmanager:DescribeSecret", "secretsmanager:ListSecretVersionIds"], secrets),
            _st("ListSecrets", ["secretsmanager:ListSecrets"], "*"),
        ]
        if check_bool(f"{name}.push_secrets", push_secrets):
            statements += [
                _st("PushSecrets", ["secretsmanager:CreateSecret", "secretsmanager:PutSecretValue",
                                    "secretsmanager:TagResource"], secrets),
                _st("DeletePushedSecrets", ["secretsmanager:DeleteSecret"], secrets,
                    {"StringEquals": {"secretsmanager:ResourceTag/managed-by": "external-secrets"}}),
            ]
    if parameters:
        statements += [
            _st("ReadParameters", ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"], parameters),
            _st("DescribeParameters", ["ssm:DescribeParameters"], "*"),
        ]
    if keys:
        statements.append(_st("Decrypt", ["kms:Decrypt"], keys))
    return fragment("aws", name, params, namespace, service_account, policy_statements=statements)


# -- backup ---------------------------------------------------------------------------------------
def velero(bucket_arns: Any = None, prefix: str = "", account_id: Any = None, region: Any = None,
           volume_snapshots: bool = True, kms_key_arns: Any = None, allow_account_wide: bool = False,
           partition: str = "aws", namespace: str = "velero", service_account: str = "velero-server") -> dict[str, Any]:
    """Velero with velero-plugin-for-aws: backups in the buckets you name, EBS snapshots of the volumes.

    Objects only under ``prefix`` (the BackupStorageLocation's prefix) of ``bucket_arns``.
    ``volume_snapshots=True`` (the default) snapshots and restores EBS volumes: every
    volume and snapshot of ``account_id`` in ``region`` (``allow_account_wide=True``);
    with ``False`` (file-system backups only) no EC2 write is granted.
    """
    name = "velero"
    params = _params(locals())
    partition = _partition(name, partition)
    buckets = _arns(name, "bucket_arns", bucket_arns, "s3", "S3 bucket", "arn:aws:s3:::my-velero-backups")
    if not isinstance(prefix, str) or any(c in prefix for c in "*?") or prefix.startswith("/"):
        raise ValidationError(f"{name}.prefix", prefix, "must be a plain key prefix (no wildcard, no leading '/')", "e.g. 'prod-cluster/'")
    keys = _kms(name, kms_key_arns)
    statements = [
        _st("S3ReadWrite", ["s3:GetObject", "s3:DeleteObject", "s3:PutObject", "s3:PutObjectTagging",
                            "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
            [join(b, "/", prefix, "*") if prefix else join(b, "/*") for b in buckets]),
        _st("S3List", ["s3:ListBucket"], buckets),
    ]
    wide: list[dict[str, Any]] = []
    if check_bool(f"{name}.volume_snapshots", volume_snapshots):
        account, region = _account(name, account_id), _region(name, region)
        _allow(name, allow_account_wide, "Velero snapshots every volume it backs up and restores volumes from snapshots",
               "volume_snapshots=False for file-system backups only")
        statements.insert(0, _st("Ec2Describe", ["ec2:DescribeVolumes", "ec2:DescribeSnapshots"], "*"))
        wide = [_st("Ec2Snapshots", ["ec2:CreateTags", "ec2:CreateVolume", "ec2:CreateSnapshot", "ec2:DeleteSnapshot"],
                    [_ec2(partition, region, account, "volume"), _ec2(partition, region, account, "snapshot")])]
    return fragment("aws", name, params, namespace, service_account,
                    policy_statements=statements + _kms_statements(keys, ("kms:RetireGrant",)),
                    account_wide_statements=wide)


# -- observability ------------------------------------------------------------------------------------
def amp_ingest(workspace_arns: Any = None, query: bool = False, partition: str = "aws", namespace: str = "prometheus",
               service_account: str = "amp-iamproxy-ingest-service-account", use_managed_policy: bool = False) -> dict[str, Any]:
    """Amazon Managed Service for Prometheus: remote-write (and, with ``query``, read) the workspaces you name.

    ``use_managed_policy=True`` attaches ``AmazonPrometheusRemoteWriteAccess`` instead
    (``aps:RemoteWrite`` on every workspace: broader).
    """
    name = "amp-ingest"
    params = _params(locals())
    partition = _partition(name, partition)
    if check_bool(f"{name}.use_managed_policy", use_managed_policy):
        if query:
            raise ValidationError(f"{name}.use_managed_policy", True, "AmazonPrometheusRemoteWriteAccess grants no query actions",
                                  "drop use_managed_policy or query")
        return fragment("aws", name, params, namespace, service_account,
                        managed_policy_arns=[_managed(partition, "AmazonPrometheusRemoteWriteAccess")])
    workspaces = _arns(name, "workspace_arns", workspace_arns, "aps", "AMP workspace",
                       "arn:aws:aps:us-east-1:123456789012:workspace/ws-12345678-1234-1234-1234-123456789012")
    actions = ["aps:RemoteWrite"]
    if check_bool(f"{name}.query", query):
        actions += ["aps:QueryMetrics", "aps:GetSeries", "aps:GetLabels", "aps:GetMetricMetadata"]
    return fragment("aws", name, params, namespace, service_account,
                    policy_statements=[_st("Prometheus", actions, workspaces)],
                    alternative={"managed_policy_arn": _managed(partition, "AmazonPrometheusRemoteWriteAccess"),
                                 "narrower": "preset"})


def cloudwatch_agent(cluster_name: Any = None, account_id: Any = None, region: Any = None, use_managed_policy: bool = False,
                     partition: str = "aws", namespace: str = "amazon-cloudwatch",
                     service_account: str = "cloudwatch-agent") -> dict[str, Any]:
    """CloudWatch agent (Container Insights): metrics, and logs in ``/aws/containerinsights/<cluster>/*`` only.

    ``cloudwatch:PutMetricData`` and the describes have no resource-level permissions.
    The agent's configuration parameter is read from ``AmazonCloudWatch-*`` only.
    ``use_managed_policy=True`` attaches ``CloudWatchAgentServerPolicy`` (every log group of
    every account: broader).
    """
    name = "cloudwatch-agent"
    params = _params(locals())
    partition = _partition(name, partition)
    if check_bool(f"{name}.use_managed_policy", use_managed_policy):
        return fragment("aws", name, params, namespace, service_account,
                        managed_policy_arns=[_managed(partition, "CloudWatchAgentServerPolicy")])
    if cluster_name is None:
        raise ValidationError(f"{name}.cluster_name", None, "is required: logs go to the cluster's log groups only",
                              "pass the EKS cluster's name")
    cluster = _cluster(name, cluster_name)
    account, region = _account(name, account_id), _region(name, region)
    groups = join(f"arn:{partition}:logs:", region, ":", account, ":log-group:/aws/containerinsights/", cluster, "/*")
    return fragment("aws", name, params, namespace, service_account, policy_statements=[
        _st("PutMetrics", ["cloudwatch:PutMetricData", "ec2:DescribeVolumes", "ec2:DescribeTags",
                           "logs:DescribeLogGroups"], "*"),
        _st("ClusterLogGroups", ["logs:CreateLogGroup", "logs:DescribeLogStreams", "logs:PutRetentionPolicy"], [groups]),
        _st("ClusterLogStreams", ["logs:CreateLogStream", "logs:PutLogEvents"], [join(groups, ":log-stream:*")]),
        _st("AgentConfig", ["ssm:GetParameter"], join(f"arn:{partition}:ssm:", region, ":", account,
                                                      ":parameter/AmazonCloudWatch-*")),
    ], alternative={"managed_policy_arn": _managed(partition, "CloudWatchAgentServerPolicy"), "narrower": "preset"})


def _params(values: dict[str, Any]) -> dict[str, Any]:
    """The call's keyword arguments, for the fragment's ``parameters``."""
    return {k: v for k, v in values.items() if k != "name" and not k.startswith("_")}


PRESETS: dict[str, Callable[..., dict[str, Any]]] = {
    "ebs-csi-driver": ebs_csi_driver,
    "efs-csi-driver": efs_csi_driver,
    "fsx-lustre-csi-driver": fsx_lustre_csi_driver,
    "mountpoint-s3-csi-driver": mountpoint_s3_csi_driver,
    "aws-load-balancer-controller": load_balancer_controller,
    "aws-vpc-cni": vpc_cni,
    "external-dns": external_dns,
    "cert-manager": cert_manager,
    "aws-privateca-issuer": privateca_issuer,
    "cluster-autoscaler": cluster_autoscaler,
    "karpenter": karpenter,
    "external-secrets": external_secrets,
    "velero": velero,
    "amp-ingest": amp_ingest,
    "cloudwatch-agent": cloudwatch_agent,
}
