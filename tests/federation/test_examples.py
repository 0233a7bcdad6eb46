"""The cross-cloud and CI examples plan and verify offline (the same programs `pulumi up` runs)."""

import json
import re
from pathlib import Path

import pytest

from pulumi_wid.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = {
    "eks-to-gcs": ["gcp federated] reader"],
    "gke-to-s3": ["aws federated] writer"],
    "aks-to-gcp": ["gcp federated] publisher"],
    "github-deployer": ["aws ci] deploy-aws", "azure ci] deploy-azure", "gcp ci] deploy-gcp"],
}


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_example_verifies_every_chain(capsys, example):
    code = main(["verify", str(ROOT / "examples" / example)])
    out, err = capsys.readouterr()
    assert code == 0, out + err
    chains = [line for line in out.splitlines() if re.match(r"^(PASS|FAIL|UNVERIFIED)\s", line)]
    assert len(chains) == len(EXAMPLES[example]) and all(line.startswith("PASS") for line in chains), out
    for expected in EXAMPLES[example]:
        assert expected in out


def test_gke_to_s3_plan_shows_the_gke_issuer_trust_and_the_pod_side(capsys):
    code = main(["plan", "--format", "json", str(ROOT / "examples" / "gke-to-s3")])
    out, err = capsys.readouterr()
    assert code == 0, err
    plan = json.loads(out)
    text = json.dumps(plan)
    issuer = "container.googleapis.com/v1/projects/shop-prod/locations/us-central1/clusters/prod-gke"
    assert f'\\"{issuer}:sub\\":\\"system:serviceaccount:ingest:writer\\"' in text
    assert "AWS_WEB_IDENTITY_TOKEN_FILE" in text and "wid-aws-token" in text
