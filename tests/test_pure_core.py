"""The pure core imports without Pulumi or any cloud SDK."""

import json
import subprocess
import sys

PURE = [
    "pulumi_wid.errors",
    "pulumi_wid.validation",
    "pulumi_wid.identity",
    "pulumi_wid.aws.facts",
    "pulumi_wid.aws.documents",
    "pulumi_wid.aws.knowledge",
    "pulumi_wid.azure.facts",
    "pulumi_wid.azure.documents",
    "pulumi_wid.gcp.facts",
    "pulumi_wid.gcp.documents",
    "pulumi_wid.policy.rules",
    "pulumi_wid._statements",
]
SDKS = ["pulumi", "pulumi_aws", "pulumi_azure_native", "pulumi_gcp"]


def test_pure_modules_import_without_pulumi_or_a_cloud_sdk():
    code = (
        "import importlib, json, sys\n"
        f"for m in {PURE!r}: importlib.import_module(m)\n"
        f"print(json.dumps(sorted(m for m in {SDKS!r} if m in sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == []


def test_pure_checks_run_without_pulumi():
    code = (
        "import sys\n"
        "from pulumi_wid.aws import documents as doc\n"
        "print(doc.derive_role_name('apps', 'api'), 'pulumi' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["apps-api", "False"]
