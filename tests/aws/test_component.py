"""EksPodIdentity under the mock runtime: the exact resources and inputs it registers."""

import json
import subprocess
import sys

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s
import pytest

from pulumi_wid import EksPodIdentity, ValidationError
from pulumi_wid.testing import WidMocks, install

ISSUER = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
PROVIDER = f"arn:aws:iam::123456789012:oidc-provider/{ISSUER}"
ROLE = "aws:iam/role:Role"
ASSOC = "aws:eks/podIdentityAssociation:PodIdentityAssociation"
SA = "kubernetes:core/v1:ServiceAccount"
SA_PATCH = "kubernetes:core/v1:ServiceAccountPatch"


def identity(**extra):
    return {"namespace": "apps", "service_account": "api", **extra}


def build(mocks, args, name="api", opts=None):
    box = {}

    def program():
        box["c"] = EksPodIdentity(name, args, opts)
        c = box["c"]
        return {
            "role_arn": c.role_arn,
            "role_name": c.role_name,
            "trust_policy": c.trust_policy,
            "association_id": c.association_id,
            "service_account_name": c.service_account_name,
            "namespace": c.namespace,
            "service_account_annotations": c.service_account_annotations,
            "pod_template_patch": c.pod_template_patch,
        }

    return mocks.run(program)


def test_pod_identity_end_to_end(wid_mocks):
    out = build(wid_mocks, {"identity": identity(), "cluster_name": "prod",
                            "policy_statements": [{"Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::data/*"]}]})
    # registration order is asynchronous: compare the sets, and the order through dependencies
    assert sorted(wid_mocks.types()) == sorted([
        "wid:index:EksPodIdentity",
        ROLE,
        "aws:iam/rolePolicy:RolePolicy",
        ASSOC,
        SA,
    ])
    role = wid_mocks.one(ROLE)
    assert role.name == "api-role"
    assert role.inputs["name"] == "apps-api"
    assert "path" not in role.inputs  # IAM's default "/" is the provider's: no input for it
    assert role.inputs["assumeRolePolicy"] == (
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
        '"Principal":{"Service":"pods.eks.amazonaws.com"},'
        '"Action":["sts:AssumeRole","sts:TagSession"]}]}'
    )
    policy = wid_mocks.one("aws:iam/rolePolicy:RolePolicy")
    assert json.loads(policy.inputs["policy"]) == {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::data/*"]}],
    }
    assoc = wid_mocks.one(ASSOC)
    assert assoc.inputs == {
        "clusterName": "prod",
        "namespace": "apps",
        "serviceAccount": "api",
        "roleArn": "arn:aws:iam::123456789012:role/apps-api",
    }
    # permissions exist before the association hands out credentials
    assert policy.urn in assoc.depends_on
    sa = wid_mocks.one(SA)
    # no empty annotations map and no unset automount: what service_account_manifest writes too
    assert sa.inputs == {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "api", "namespace": "apps"}}
    # the ServiceAccount comes last: a pod naming it is admitted after the association exists
    assert sa.depends_on == [assoc.urn]
    assert out["role_arn"] == "arn:aws:iam::123456789012:role/apps-api"
    assert out["role_name"] == "apps-api"
    assert out["association_id"].startswith("a-")
    assert out["service_account_annotations"] == {}
    assert out["pod_template_patch"] == {"spec": {"serviceAccountName": "api"}}
    assert (out["namespace"], out["service_account_name"]) == ("apps", "api")
    component = wid_mocks.one("wid:index:EksPodIdentity")
    assert all(r.parent == component.urn for r in wid_mocks.resources if r is not component)


def test_irsa_with_provider_arn(wid_mocks):
    out = build(wid_mocks, {"identity": identity(), "cluster_name": "prod", "mode": "irsa",
                            "oidc_provider_arn": PROVIDER})
    assert ASSOC not in wid_mocks.types()
    trust = json.loads(wid_mocks.one(ROLE).inputs["assumeRolePolicy"])
    assert trust == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": PROVIDER},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {
                        f"{ISSUER}:sub": "system:serviceaccount:apps:api",
                        f"{ISSUER}:aud": "sts.amazonaws.com",
                    }
                },
            }
        ],
    }
    # negative: no other namespace, ServiceAccount or audience is admitted, and no StringLike
    cond = trust["Statement"][0]["Condition"]
    assert list(cond) == ["StringEquals"]
    assert cond["StringEquals"][f"{ISSUER}:sub"] != "system:serviceaccount:other:api"
    assert cond["StringEquals"][f"{ISSUER}:sub"] != "system:serviceaccount:apps:other"
    assert cond["StringEquals"][f"{ISSUER}:aud"] != "api://AzureADTokenExchange"
    annotations = {"eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/apps-api"}
    assert wid_mocks.one(SA).inputs["metadata"]["annotations"] == annotations
    assert out["service_account_annotations"] == annotations
    assert json.loads(out["trust_policy"]) == trust
    assert out["association_id"] is None


def test_irsa_from_issuer_url_uses_callers_partition_and_account():
    mocks = install(WidMocks(partition="aws-cn", account_id="210987654321"))
    build(mocks, {"identity": identity(), "cluster_name": "prod", "mode": "irsa",
                  "oidc_issuer_url": "https://oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC"})
    trust = json.loads(mocks.one(ROLE).inputs["assumeRolePolicy"])
    statement = trust["Statement"][0]
    assert statement["Principal"] == {
        "Federated": "arn:aws-cn:iam::210987654321:oidc-provider/oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC"
    }
    assert statement["Condition"]["StringEquals"] == {
        "oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC:sub": "system:serviceaccount:apps:api",
        "oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC:aud": "sts.amazonaws.com",
    }
    assert mocks.one(ROLE).outputs["arn"] == "arn:aws-cn:iam::210987654321:role/apps-api"


def test_irsa_looks_the_issuer_up_from_the_cluster_name(wid_mocks):
    build(wid_mocks, {"identity": identity(), "cluster_name": "prod", "mode": "irsa"})
    assert "aws:eks/getCluster:getCluster" in [token for token, _ in wid_mocks.calls]
    trust = json.loads(wid_mocks.one(ROLE).inputs["assumeRolePolicy"])
    federated = trust["Statement"][0]["Principal"]["Federated"]
    assert federated.startswith("arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/")


def test_irsa_multi_cluster_one_statement_each(wid_mocks):
    second = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/SECOND"
    build(wid_mocks, {"identity": identity(), "cluster_name": "prod", "mode": "irsa",
                      "oidc_provider_arns": [PROVIDER, second]})
    trust = json.loads(wid_mocks.one(ROLE).inputs["assumeRolePolicy"])
    assert [s["Principal"]["Federated"] for s in trust["Statement"]] == [PROVIDER, second]
    assert trust["Statement"][1]["Condition"]["StringEquals"] == {
        "oidc.eks.eu-west-1.amazonaws.com/id/SECOND:sub": "system:serviceaccount:apps:api",
        "oidc.eks.eu-west-1.amazonaws.com/id/SECOND:aud": "sts.amazonaws.com",
    }


def test_irsa_too_many_clusters_is_refused_before_anything_registers(wid_mocks):
    arns = [f"arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/{i:032X}" for i in range(6)]
    with pytest.raises(ValidationError, match="quota") as err:
        build(wid_mocks, {"identity": identity(), "cluster_name": "prod", "mode": "irsa", "oidc_provider_arns": arns})
    assert err.value.field == "oidc_provider_arns"
    assert wid_mocks.resources == []


def test_irsa_annotations_extra(wid_mocks):
    out = build(wid_mocks, {"identity": identity(), "cluster_name": "prod", "mode": "irsa", "oidc_provider_arn": PROVIDER,
                            "sts_regional_endpoints": True, "token_expiration_seconds": 3600})
    assert out["service_account_annotations"] == {
        "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/apps-api",
        "eks.amazonaws.com/sts-regional-endpoints": "true",
        "eks.amazonaws.com/token-expiration": "3600",
    }


def test_bring_your_own_role_creates_no_role(wid_mocks):
    existing = "arn:aws:iam::123456789012:role/team/existing-role"
    out = build(wid_mocks, {"identity": identity(), "cluster_name": "prod", "role_arn": existing})
    assert sorted(wid_mocks.types()) == sorted(["wid:index:EksPodIdentity", ASSOC, SA])
    assert wid_mocks.one(ASSOC).inputs["roleArn"] == existing
    assert out["role_name"] == "existing-role"
    assert out["trust_policy"] is None


def test_bring_your_own_role_with_irsa_only_annotates(wid_mocks):
    existing = "arn:aws:iam::123456789012:role/existing-role"
    build(wid_mocks, {"identity": identity(), "cluster_name": "prod", "mode": "irsa", "role_arn": existing})
    assert sorted(wid_mocks.types()) == sorted(["wid:index:EksPodIdentity", SA])
    assert wid_mocks.one(SA).inputs["metadata"]["annotations"] == {"eks.amazonaws.com/role-arn": existing}


def test_cross_account_target_role(wid_mocks):
    target = "arn:aws:iam::444455556666:role/data-reader"
    build(wid_mocks, {"identity": identity(), "cluster_name": "prod", "target_role_arn": target,
                      "disable_session_tags": True,
                      "session_policy_statements": [{"Action": "s3:GetObject", "Resource": "arn:aws:s3:::data/*"}]})
    assoc = wid_mocks.one(ASSOC)
    assert assoc.inputs["targetRoleArn"] == target
    assert assoc.inputs["disableSessionTags"] is True
    assert json.loads(assoc.inputs["policy"]) == {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data/*"}],
    }
    policy = json.loads(wid_mocks.one("aws:iam/rolePolicy:RolePolicy").inputs["policy"])
    assert policy["Statement"] == [{"Effect": "Allow", "Action": ["sts:AssumeRole", "sts:TagSession"], "Resource": target}]


def test_managed_policies_boundary_tags_and_duration(wid_mocks):
    build(wid_mocks, {"identity": identity(tags={"team": "payments"}), "cluster_name": "prod",
                      "managed_policy_arns": ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"],
                      "permissions_boundary": "arn:aws:iam::123456789012:policy/boundary",
                      "max_session_duration": 7200, "role_path": "/workloads/", "role_name": "payments-api"})
    role = wid_mocks.one(ROLE)
    assert role.inputs["name"] == "payments-api"
    assert role.inputs["path"] == "/workloads/"
    assert role.inputs["maxSessionDuration"] == 7200
    assert role.inputs["permissionsBoundary"] == "arn:aws:iam::123456789012:policy/boundary"
    assert role.inputs["tags"] == {"team": "payments"}
    attach = wid_mocks.one("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    assert attach.name == "api-managed-AmazonS3ReadOnlyAccess"
    assert attach.inputs == {"role": "payments-api", "policyArn": "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"}
    assert wid_mocks.one(ASSOC).inputs["tags"] == {"team": "payments"}
    assert wid_mocks.one(ASSOC).inputs["roleArn"] == "arn:aws:iam::123456789012:role/workloads/payments-api"


def test_patch_and_none_modes(wid_mocks):
    build(wid_mocks, {"identity": identity(service_account_mode="patch"), "cluster_name": "c", "mode": "irsa",
                      "oidc_provider_arn": PROVIDER}, name="p")
    patch = wid_mocks.one(SA_PATCH)
    assert patch.inputs["metadata"] == {
        "name": "api",
        "namespace": "apps",
        "annotations": {"eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/apps-api"},
    }
    assert SA not in wid_mocks.types()


def test_none_mode_creates_nothing_in_kubernetes(wid_mocks):
    out = build(wid_mocks, {"identity": identity(service_account_mode="none"), "cluster_name": "c", "mode": "irsa",
                            "oidc_provider_arn": PROVIDER})
    assert not [t for t in wid_mocks.types() if t.startswith("kubernetes:")]
    assert out["service_account_annotations"] == {
        "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/apps-api"
    }


def test_user_labels_and_annotations_merge_under_the_clouds(wid_mocks):
    build(wid_mocks, {"identity": identity(labels={"app": "api"}, annotations={"team": "x"},
                                           automount_service_account_token=False),
                      "cluster_name": "c", "mode": "irsa", "oidc_provider_arn": PROVIDER})
    sa = wid_mocks.one(SA)
    assert sa.inputs["metadata"] == {
        "name": "api",
        "namespace": "apps",
        "labels": {"app": "api"},
        "annotations": {"team": "x", "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/apps-api"},
    }
    assert sa.inputs["automountServiceAccountToken"] is False


def test_explicit_providers_reach_every_child(wid_mocks):
    def program():
        aws_provider = aws.Provider("aws-prod", region="us-east-1")
        k8s_provider = k8s.Provider("k8s-prod", kubeconfig="{}")
        EksPodIdentity("api", {"identity": identity(), "cluster_name": "prod", "policy_statements": [
            {"Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]},
            pulumi.ResourceOptions(providers=[aws_provider, k8s_provider]))

    wid_mocks.run(program)
    aws_ref = wid_mocks.named("aws-prod").urn
    k8s_ref = wid_mocks.named("k8s-prod").urn
    children = [r for r in wid_mocks.resources if r.parent_type == "wid:index:EksPodIdentity"]
    assert len(children) == 4
    for child in children:
        expected = k8s_ref if child.type.startswith("kubernetes:") else aws_ref
        assert child.provider.startswith(expected + "::"), (child.type, child.provider)


def test_same_inputs_give_byte_identical_documents():
    runs = []
    for _ in range(2):
        mocks = install(WidMocks())
        build(mocks, {"identity": identity(), "cluster_name": "c", "mode": "irsa",
                      "oidc_provider_arns": [PROVIDER, PROVIDER.replace("EXAMPLE", "OTHER")],
                      "policy_statements": [{"Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::b/*"}]})
        runs.append(sorted((r.type, r.name, json.dumps(r.inputs, sort_keys=True)) for r in mocks.resources))
    assert runs[0] == runs[1]


BAD = [
    ({"identity": identity(namespace="Apps")}, "identity.namespace", "DNS-1123 label"),
    ({"identity": identity(namespace="a" * 64)}, "identity.namespace", "DNS-1123 label"),
    ({"identity": identity(service_account="api_v2")}, "identity.service_account", "DNS-1123 subdomain"),
    ({"identity": {"namespace": "apps"}}, "identity.service_account", "is required"),
    ({"identity": identity(service_account_mode="replace")}, "identity.service_account_mode", "one of"),
    ({"identity": identity(), "mode": "kiam"}, "mode", "one of"),
    ({"identity": identity(), "clustr_name": "x"}, "clustr_name", "did you mean 'cluster_name'"),
    ({"identity": identity(), "role_name": "x" * 65}, "role_name", "1-64"),
    ({"identity": identity(), "role_path": "team"}, "role_path", "path"),
    ({"identity": identity(), "max_session_duration": 60}, "max_session_duration", "3600 to 43200"),
    ({"identity": identity(tags={f"t{i}": "v" for i in range(51)})}, "identity.tags", "at most 50"),
    ({"identity": identity(), "policy_statements": [{"Action": "*", "Resource": "arn:aws:s3:::b"}]},
     "policy_statements[0].Action[0]", "wildcard"),
    ({"identity": identity(), "policy_statements": [{"Action": "s3:GetObject", "Resource": "*"}]},
     "policy_statements[0].Resource[0]", "every resource"),
    ({"identity": identity(), "managed_policy_arns": ["arn:aws:iam::aws:policy/AdministratorAccess"]},
     "managed_policy_arns[0]", "AdministratorAccess"),
    ({"identity": identity(), "mode": "irsa", "oidc_issuer_url": "http://oidc.example.com"}, "oidc_issuer_urls[0]", "https"),
    ({"identity": identity(), "mode": "irsa", "oidc_provider_arn": "arn:aws:iam::123:oidc-provider/x"},
     "oidc_provider_arns[0]", "OIDC provider ARN"),
    ({"identity": identity(), "target_role_arn": "arn:aws:iam::123456789012:role/x", "mode": "irsa",
      "oidc_provider_arn": PROVIDER}, "target_role_arn", "mode='pod_identity'"),
    ({"identity": identity(), "oidc_provider_arn": PROVIDER}, "oidc_provider_arn", "mode='irsa'"),
    ({"identity": identity(), "session_policy_statements": [{"Action": "s3:GetObject", "Resource": "arn:aws:s3:::b"}]},
     "session_policy_statements", "session tags disabled"),
    ({"identity": identity(), "role_arn": "arn:aws:iam::123456789012:role/x", "policy_statements": []},
     "policy_statements", "does not create"),
    ({"identity": identity(), "role_arn": "my-role"}, "role_arn", "IAM role ARN"),
    ({"identity": identity(), "mode": "irsa", "oidc_provider_arn": PROVIDER,
      "irsa_subject_patterns": ["system:serviceaccount:apps:*"]}, "irsa_subject_patterns[0]", "allow_wildcards"),
    ({"identity": identity()}, "cluster_name", "is required"),
    ({"identity": identity(), "managed_policy_arns": ["arn:aws:iam::aws:policy/ReadOnlyAccess",
                                                       "arn:aws:iam::aws:policy/ReadOnlyAccess"]},
     "managed_policy_arns[1]", r"already attached by managed_policy_arns\[0\]"),
    ({"identity": identity(), "mode": "irsa", "oidc_issuer_url": f"https://{ISSUER} x"}, "oidc_issuer_urls[0]",
     "no whitespace"),
    ({"identity": identity(), "mode": "irsa", "oidc_issuer_url": "https://oidc.eks.us-east-1.amazonaws.com/id/\tAB"},
     "oidc_issuer_urls[0]", "no whitespace"),
    ({"identity": identity(), "mode": "irsa", "oidc_provider_arn": PROVIDER, "oidc_issuer_url": f"https://{ISSUER}"},
     "oidc_issuer_urls[0]", r"same cluster as oidc_provider_arns\[0\]"),
    ({"identity": identity(), "mode": "irsa", "oidc_provider_arns": [PROVIDER.replace("EXAMPLE", "OTHER"), PROVIDER],
      "oidc_issuer_urls": [f"https://{ISSUER}"]}, "oidc_issuer_urls[0]", r"same cluster as oidc_provider_arns\[1\]"),
]


@pytest.mark.parametrize("args,field,match", BAD)
def test_bad_input_is_refused_before_anything_registers(wid_mocks, args, field, match):
    args = {"cluster_name": "prod", **args} if field != "cluster_name" else args
    with pytest.raises(ValidationError, match=match) as err:
        build(wid_mocks, args)
    assert err.value.field == field
    assert "Fix:" in str(err.value) or err.value.rule
    assert wid_mocks.resources == []


def test_managed_policies_sharing_a_name_get_distinct_stable_names(wid_mocks):
    aws_ro, own_ro = "arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::123456789012:policy/ReadOnlyAccess"
    build(wid_mocks, {"identity": identity(), "cluster_name": "prod",
                      "managed_policy_arns": [aws_ro, own_ro, "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]})
    attachments = {r.name: r.inputs["policyArn"] for r in wid_mocks.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")}
    assert attachments == {
        "api-managed-ReadOnlyAccess-2a3bda39": aws_ro,  # sha256 of the full ARN, first 8 hex digits
        "api-managed-ReadOnlyAccess-ad964ad9": own_ro,
        "api-managed-AmazonS3ReadOnlyAccess": "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",  # unique: plain name
    }


def test_duplicate_output_managed_policy_is_refused_when_it_resolves(wid_mocks):
    def program():
        arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
        EksPodIdentity("api", {"identity": identity(), "cluster_name": "c",
                               "managed_policy_arns": [arn, pulumi.Output.from_input(arn)]})

    with pytest.raises(Exception, match=r"managed_policy_arns\[1\]: 'arn:aws:iam::aws:policy/ReadOnlyAccess' is invalid: is already attached"):
        wid_mocks.run(program)


def test_distinct_output_managed_policies_are_attached(wid_mocks):
    def program():
        EksPodIdentity("api", {"identity": identity(), "cluster_name": "c", "managed_policy_arns": [
            "arn:aws:iam::aws:policy/ReadOnlyAccess", pulumi.Output.from_input("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")]})

    wid_mocks.run(program)
    attachments = {r.name: r.inputs["policyArn"] for r in wid_mocks.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")}
    assert attachments == {"api-managed-ReadOnlyAccess": "arn:aws:iam::aws:policy/ReadOnlyAccess",
                           "api-managed-1": "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"}


def test_output_valued_input_is_checked_when_it_resolves(wid_mocks):
    def program():
        bad = pulumi.Output.from_input("arn:aws:iam::123:oidc-provider/x")
        EksPodIdentity("api", {"identity": identity(), "cluster_name": "c", "mode": "irsa", "oidc_provider_arn": bad})

    # Pulumi wraps errors raised in apply; the package's message comes through whole.
    with pytest.raises(Exception, match=r"oidc_provider_arns\[0\]: 'arn:aws:iam::123:oidc-provider/x' is invalid: must be an IAM OIDC provider ARN"):
        wid_mocks.run(program)


def test_importing_aws_does_not_import_other_clouds():
    code = (
        "import sys, pulumi_wid\n"
        "from pulumi_wid import EksPodIdentity\n"
        "bad = [m for m in sys.modules if m.startswith(('pulumi_azure_native', 'pulumi_gcp'))]\n"
        "assert 'pulumi_aws' in sys.modules\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    code2 = "import sys, pulumi_wid\nassert not [m for m in sys.modules if m.startswith(('pulumi_aws', 'pulumi_azure_native', 'pulumi_gcp'))]\n"
    subprocess.run([sys.executable, "-c", code2], check=True)


def test_default_providers_are_not_used_silently(wid_mocks, caplog):
    import logging

    caplog.set_level(logging.WARNING)
    wid_mocks.run(lambda: EksPodIdentity("api", {"identity": identity(), "cluster_name": "prod"}))
    assert "no explicit aws or kubernetes provider" in caplog.text


def test_no_warning_with_explicit_providers(wid_mocks, caplog):
    import logging

    caplog.set_level(logging.WARNING)

    def program():
        providers = [aws.Provider("aws-prod", region="us-east-1"), k8s.Provider("k8s-prod", kubeconfig="{}")]
        EksPodIdentity("api", {"identity": identity(), "cluster_name": "prod"}, pulumi.ResourceOptions(providers=providers))

    wid_mocks.run(program)
    assert "no explicit" not in caplog.text


def test_role_name_is_the_name_the_role_got_when_a_transformation_renames_it(wid_mocks):
    # GIVEN a naming convention applied to the component's children by a transformation
    def prefix(args):
        if args.type_ == ROLE and args.props.get("name"):
            args.props["name"] = "prod-" + args.props["name"]
            return pulumi.ResourceTransformationResult(args.props, args.opts)
        return None

    out = build(wid_mocks, {"identity": identity(), "cluster_name": "prod"},
                opts=pulumi.ResourceOptions(transformations=[prefix]))
    # THEN role_name is the role's real name, as its ARN is (not the name the component asked for)
    assert wid_mocks.one(ROLE).inputs["name"] == "prod-apps-api"
    assert out["role_name"] == "prod-apps-api" and out["role_arn"].endswith(":role/prod-apps-api")
