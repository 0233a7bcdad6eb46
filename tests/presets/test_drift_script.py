"""scripts/presets_drift.py on a fake checkout (the real one needs the upstream clones)."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("presets_drift", ROOT / "scripts" / "presets_drift.py")
drift = importlib.util.module_from_spec(spec)
spec.loader.exec_module(drift)


def test_compare_reports_new_upstream_actions_and_understands_wildcards():
    upstream = {"route53:ChangeResourceRecordSets", "route53:ListHostedZones", "route53:NewThing", "kms:ReEncrypt*"}
    preset = {"route53:ChangeResourceRecordSets", "route53:ListHostedZones", "kms:ReEncryptFrom", "route53:Extra"}
    assert drift.compare(upstream, preset) == {"missing": ["route53:NewThing"], "extra": ["route53:Extra"]}


def test_main_on_a_fake_checkout(tmp_path, capsys):
    # GIVEN a checkout whose external_dns.tf gained an action THEN the script names it and exits 1
    repo = tmp_path / "terraform-aws-modules" / "terraform-aws-eks-pod-identity"
    repo.mkdir(parents=True)
    (repo / "external_dns.tf").write_text(
        'actions = ["route53:ChangeResourceRecordSets"]\nactions = ["route53:ListHostedZones", '
        '"route53:ListResourceRecordSets", "route53:ListTagsForResource", "route53:ListTagsForResources", '
        '"route53:GetHostedZone"]\n')
    assert drift.main(["--checkout", str(tmp_path), "--cloud", "aws", "--preset", "external-dns"]) == 1
    out = capsys.readouterr().out
    assert "aws/external-dns: differs" in out and "not granted: route53:GetHostedZone" in out
    # AND a file missing from the checkout is exit 2
    assert drift.main(["--checkout", str(tmp_path), "--cloud", "aws", "--preset", "karpenter"]) == 2
