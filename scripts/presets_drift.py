"""Report how the upstream documents the presets follow have changed (not run in CI: needs the files).

    python scripts/presets_drift.py --checkout ~/src [--cloud aws] [--preset karpenter]

``--checkout`` is a directory holding clones of the upstream projects named in
``pulumi_wid/presets/provenance.json``, as ``<dir>/<owner>/<repo>`` or ``<dir>/<repo>``.
For each preset it reads the upstream file at its recorded path and reports

- the commit the file is at in the clone, when it is a git clone, against the recorded one;
- AWS: IAM actions the upstream file names that the preset does not grant (candidates for
  "the controller needs a new permission"), and actions the preset grants that the file
  does not name (the preset's own changes, listed in provenance.json, or upstream removals);
- Azure and GCP: roles the upstream file names that the preset does not grant, and the reverse.

Exit code 0 when nothing differs beyond the recorded changes, 1 otherwise, 2 when a file is missing.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from pulumi_wid import presets

ACTION = re.compile(r"""["']([a-z0-9-]+:[A-Za-z0-9*]+)["']""")
GCP_ROLE = re.compile(r"roles/[a-zA-Z]+\.[a-zA-Z]+")

# Parameters that switch every optional statement of a preset on, for the comparison.
SAMPLE = "123456789012", "us-east-1"
AWS_SAMPLE: dict[str, dict[str, Any]] = {
    "ebs-csi-driver": {"account_id": SAMPLE[0], "region": SAMPLE[1], "allow_account_wide": True,
                       "kms_key_arns": [f"arn:aws:kms:{SAMPLE[1]}:{SAMPLE[0]}:key/k"]},
    "efs-csi-driver": {"file_system_arns": [f"arn:aws:elasticfilesystem:{SAMPLE[1]}:{SAMPLE[0]}:file-system/fs-1"],
                       "account_id": SAMPLE[0], "region": SAMPLE[1], "allow_account_wide": True},
    "fsx-lustre-csi-driver": {"account_id": SAMPLE[0], "region": SAMPLE[1], "allow_account_wide": True,
                              "bucket_arns": ["arn:aws:s3:::b"]},
    "mountpoint-s3-csi-driver": {"bucket_arns": ["arn:aws:s3:::b"]},
    "aws-load-balancer-controller": {"account_id": SAMPLE[0], "region": SAMPLE[1], "vpc_id": "vpc-0123456789abcdef0",
                                     "allow_account_wide": True},
    "aws-vpc-cni": {"account_id": SAMPLE[0], "region": SAMPLE[1], "allow_account_wide": True},
    "external-dns": {"hosted_zone_ids": ["Z1"]},
    "cert-manager": {"hosted_zone_ids": ["Z1"]},
    "aws-privateca-issuer": {"certificate_authority_arns": [f"arn:aws:acm-pca:{SAMPLE[1]}:{SAMPLE[0]}:certificate-authority/c"]},
    "cluster-autoscaler": {"cluster_name": "c", "account_id": SAMPLE[0], "region": SAMPLE[1], "allow_account_wide": True},
    "karpenter": {"cluster_name": "c", "account_id": SAMPLE[0], "region": SAMPLE[1], "allow_account_wide": True,
                  "node_role_arns": [f"arn:aws:iam::{SAMPLE[0]}:role/n"],
                  "interruption_queue_arn": f"arn:aws:sqs:{SAMPLE[1]}:{SAMPLE[0]}:q"},
    "external-secrets": {"secret_arns": [f"arn:aws:secretsmanager:{SAMPLE[1]}:{SAMPLE[0]}:secret:s"],
                         "parameter_arns": [f"arn:aws:ssm:{SAMPLE[1]}:{SAMPLE[0]}:parameter/p"],
                         "kms_key_arns": [f"arn:aws:kms:{SAMPLE[1]}:{SAMPLE[0]}:key/k"], "push_secrets": True},
    "velero": {"bucket_arns": ["arn:aws:s3:::b"], "account_id": SAMPLE[0], "region": SAMPLE[1], "allow_account_wide": True,
               "kms_key_arns": [f"arn:aws:kms:{SAMPLE[1]}:{SAMPLE[0]}:key/k"]},
    "amp-ingest": {"workspace_arns": [f"arn:aws:aps:{SAMPLE[1]}:{SAMPLE[0]}:workspace/w"], "query": True},
    "cloudwatch-agent": {"use_managed_policy": True},
}
SUB = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/g/providers"
AZURE_SAMPLE = {
    "external-dns": {"zone_ids": [f"{SUB}/Microsoft.Network/dnsZones/z"], "private_zone_ids": [f"{SUB}/Microsoft.Network/privateDnsZones/p"]},
    "cert-manager": {"zone_ids": [f"{SUB}/Microsoft.Network/dnsZones/z"]},
    "external-secrets": {"vault_ids": [f"{SUB}/Microsoft.KeyVault/vaults/v"], "certificates": True, "keys": True},
    "secrets-store-csi-driver": {"vault_ids": [f"{SUB}/Microsoft.KeyVault/vaults/v"], "certificates": True},
    "velero": {"storage_ids": [f"{SUB}/Microsoft.Storage/storageAccounts/s"]},
}
GCP_SAMPLE = {
    "external-dns": {"managed_zones": ["z"], "allow_project_wide": True},
    "cert-manager": {"managed_zones": ["z"]},
    "external-secrets": {"secrets": ["s"]},
    "velero": {"buckets": ["bucket"], "allow_project_wide": True},
}
SAMPLES = {"aws": AWS_SAMPLE, "azure": AZURE_SAMPLE, "gcp": GCP_SAMPLE}


def upstream_actions(text: str) -> set[str]:
    """The IAM actions an upstream policy file (JSON, Terraform, Markdown) names."""
    return {m for m in ACTION.findall(text) if not m.startswith(("arn:", "http"))}


def granted(cloud: str, fragment: dict[str, Any]) -> set[str]:
    """What a fragment grants, in the vocabulary of the upstream files: actions (AWS) or roles."""
    if cloud == "aws":
        found = {a for s in fragment["policy_statements"] + fragment["account_wide_statements"] for a in s["Action"]}
        return found | {arn.rsplit("/", 1)[-1] for arn in fragment["managed_policy_arns"]}
    if cloud == "azure":
        return {a["role"] for a in fragment["role_assignments"]}
    return {b["role"] for b in fragment["bindings"]} | set(fragment["roles"])


def upstream_grants(cloud: str, text: str, preset_grants: set[str]) -> set[str]:
    if cloud == "aws":
        return upstream_actions(text) | {m for m in preset_grants if ":" not in m and m in text}
    if cloud == "gcp":
        return set(GCP_ROLE.findall(text))
    return {role for role in preset_grants if role in text}  # Azure: role names are prose; report the ones absent


def compare(upstream: set[str], preset: set[str]) -> dict[str, list[str]]:
    """``missing``: named upstream, not granted; ``extra``: granted, not named upstream."""
    def expand(actions: set[str]) -> set[str]:
        # an upstream wildcard (kms:ReEncrypt*) counts as the preset's expansion of it
        return {a for a in actions if "*" not in a}

    wild = [re.compile(re.escape(a).replace(r"\*", ".*") + "$") for a in upstream if "*" in a]
    extra = sorted(a for a in preset - expand(upstream) if not any(w.match(a) for w in wild))
    missing = sorted(a for a in expand(upstream) - preset)
    missing += sorted(a for a in upstream if "*" in a and not any(re.match(
        re.escape(a).replace(r"\*", ".*") + "$", p) for p in preset))
    return {"missing": missing, "extra": extra}


def _file(checkout: Path, project: str, path: str) -> Path | None:
    for base in (checkout / project, checkout / project.split("/", 1)[1]):
        if (base / path).is_file():
            return base / path
    return None


def _commit(file: Path) -> str | None:
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%H", "--", file.name], cwd=file.parent,
                             capture_output=True, text=True, check=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkout", required=True, type=Path, help="directory with clones of the upstream projects")
    parser.add_argument("--cloud", choices=presets.CLOUDS)
    parser.add_argument("--preset")
    options = parser.parse_args(argv)
    status = 0
    for cloud in [options.cloud] if options.cloud else presets.CLOUDS:
        for name, entry in presets.provenance()[cloud].items():
            if options.preset and name != options.preset:
                continue
            file = _file(options.checkout, entry["project"], entry["path"])
            if file is None:
                print(f"{cloud}/{name}: {entry['project']}/{entry['path']} not found under {options.checkout}")
                status = max(status, 2)
                continue
            fragment = presets.build(cloud, name, SAMPLES[cloud][name])
            mine = granted(cloud, fragment)
            diff = compare(upstream_grants(cloud, file.read_text(encoding="utf-8", errors="replace"), mine), mine)
            commit = _commit(file)
            recorded = entry.get("commit") or entry.get("version")
            lines = []
            if commit and commit != recorded:
                lines.append(f"  upstream file now at {commit} (recorded {recorded})")
            if diff["missing"]:
                lines.append(f"  named upstream, not granted: {', '.join(diff['missing'])}")
            if diff["extra"]:
                lines.append(f"  granted, not named upstream: {', '.join(diff['extra'])}")
            print(f"{cloud}/{name}: {'unchanged' if not lines else 'differs'}")
            if lines:
                print("\n".join(lines))
            if diff["missing"] or (commit and commit != recorded):
                status = max(status, 1)
    return status


if __name__ == "__main__":
    sys.exit(main())
