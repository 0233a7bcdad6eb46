"""examples/platform-addons plans offline: one identity per add-on, each with its preset's policies."""

import json
from pathlib import Path

from pulumi_wid import cli

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "platform-addons"


def test_platform_addons_plan(capsys):
    # WHEN the example is planned offline (mock runtime, no credentials)
    assert cli.main(["plan", str(EXAMPLE), "--format", "json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    components = {c["name"]: c for c in plan["components"]}
    # THEN each add-on has its identity under the chart's default namespace and ServiceAccount
    assert {name: (c["outputs"]["namespace"], c["outputs"]["service_account_name"]) for name, c in components.items()} == {
        "external-dns": ("external-dns", "external-dns"),
        "cert-manager": ("cert-manager", "cert-manager"),
        "external-secrets": ("external-secrets", "external-secrets"),
        "velero": ("velero", "velero-server"),
        "ebs-csi-driver": ("kube-system", "ebs-csi-controller-sa"),
        "aws-load-balancer-controller": ("kube-system", "aws-load-balancer-controller"),
        "karpenter": ("kube-system", "karpenter"),
    }

    def policies(name):
        return [r["inputs"]["policy"] for r in components[name]["resources"] if r["type"] == "aws:iam/policy:Policy"]

    # AND the big presets are split over two managed policies, the others fit one (the account id is an
    # Output here, counted at 128 characters per value until known: Karpenter's 5.4k then needs two)
    assert {name: len(policies(name)) for name in components} == {
        "external-dns": 1, "cert-manager": 1, "external-secrets": 1, "velero": 1, "ebs-csi-driver": 1,
        "aws-load-balancer-controller": 2, "karpenter": 2}
    assert all(len(json.dumps(p, separators=(",", ":"))) <= 6144 for name in components for p in policies(name))
    # AND nothing is inline, and the DNS add-ons write to the one zone only
    assert not any(r["type"] == "aws:iam/rolePolicy:RolePolicy" for c in components.values() for r in c["resources"])
    dns = policies("external-dns")[0]["Statement"][0]
    assert dns["Resource"] == ["arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ"]
    # AND velero has no EC2 write (file-system backups only), its objects under the cluster's prefix
    velero = policies("velero")[0]["Statement"]
    assert [s["Sid"] for s in velero] == ["S3ReadWrite", "S3List"]
    assert velero[0]["Resource"] == ["arn:aws:s3:::prod-eks-velero/prod-eks/*"]
    # AND the secrets are read by ARN prefix in the (deploy-time) account
    eso = policies("external-secrets")[0]["Statement"][0]["Resource"]
    assert eso == ["arn:aws:secretsmanager:us-east-1:<aws account id, known after deploy>:secret:prod/*"]
