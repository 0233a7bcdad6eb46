"""plan's and verify's summary table, Azure role names, issuers in diagrams, and the CI formats
(SARIF 2.1.0 and a pull-request comment in Markdown)."""

import json
from pathlib import Path

import pytest

from pulumi_wid import render
from pulumi_wid.cli import main
from pulumi_wid.verify.model import Chain, Check, Probe, Res

ROOT = Path(__file__).resolve().parent.parent
STATE = Path(__file__).parent / "data" / "state"
AKS_WEST = "https://westus.oic.prod-aks.azure.com/11111111-1111-1111-1111-111111111111/9c1e7f3a-2b4d-4e6f-8a0b-1c2d3e4f5a6b/"
AKS_EAST = "https://eastus.oic.prod-aks.azure.com/11111111-1111-1111-1111-111111111111/4b2d6c0e-3a0b-4d35-9a67-1f1c8e7a2d10/"
EKS_ISSUER = "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
DEMO_PINS = ("--issuer", EKS_ISSUER, "--issuer", AKS_EAST, "--workload-pool", "payments-prod.svc.id.goog",
             "--project-number", "123456789012")
BLOB_READER = "role Storage Blob Data Reader (2a2b9908-6ea1-4ae2-8e65-a410df84e7d1) on /subscriptions/" \
              "00000000-0000-0000-0000-000000000000/resourceGroups/payments-rg/providers/Microsoft.Storage/" \
              "storageAccounts/paymentsinvoices"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# -- the summary at the top of plan and verify ---------------------------------------------------------
def test_plan_opens_with_a_summary_and_what_to_do_next(capsys):
    code, out, _ = run(capsys, "plan", str(ROOT))
    assert code == 0
    lines = out.splitlines()
    assert lines[:3] == ["Plan of project 'wid-demo', stack 'dev' (offline, mock runtime)", "",
                         "5 identities (verdict: pulumi-wid verify without pinned cluster facts)"]
    assert lines[3:12] == [
        "  UNVERIFIED  managed identity payments-api  [payments-api-aks]",
        f"                cluster  {AKS_WEST}",
        f"                         {AKS_EAST}",
        "                trusts   system:serviceaccount:payments:api",
        f"                grants   {BLOB_READER}",
        "  PASS        IAM role payments-api  [payments-api-eks]",
        "                cluster  prod-eks",
        "                trusts   system:serviceaccount:payments:api",
        "                grants   inline policy: s3:GetObject, s3:ListBucket",
    ]
    assert "  UNVERIFIED  IAM role payments-worker  [payments-worker-eks]" in lines
    assert "                cluster  oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE" in lines
    next_step = next(i for i, line in enumerate(lines) if line.startswith("Next: "))
    assert lines[next_step] == (f"Next: `pulumi-wid verify {ROOT} --issuer URL --workload-pool POOL --project-number N` "
                                "pins the clusters this stack does not hold and proves each chain; then `pulumi up`.")
    assert lines[next_step + 2] == "wid:index:AksFederatedIdentity 'payments-api-aks'"  # then the resources, as before


def test_next_step_follows_the_verdicts():
    row = render.SummaryRow("x", "IAM role x", "prod", "system:serviceaccount:a:b", (), "PASS")
    assert render.next_steps([row], ".")[0].startswith("Next: `pulumi up`; afterwards `pulumi stack export")
    failing = render.SummaryRow("x", "IAM role x", "prod", "system:serviceaccount:a:b", (), "FAIL")
    assert render.next_steps([row, failing], "stack")[0].startswith("Next: `pulumi-wid verify stack` shows which link")
    assert "creates no workload identity" in render.next_steps([], ".")[0]


def test_verify_opens_with_the_summary_and_pinned_facts_pass(capsys):
    code, out, _ = run(capsys, "verify", str(ROOT), *DEMO_PINS)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Verify project 'wid-demo' (offline plan): 5 identity chain(s)"
    assert lines[1] == "  PASS        managed identity payments-api  [payments-api-aks]"
    summary = lines[1:lines.index("")]
    assert [line.split()[0] for line in summary if not line.startswith("    ")] == ["PASS"] * 5
    assert "UNVERIFIED" not in out and "FAIL" not in out


def test_summary_of_a_state_file_without_components(capsys):
    # GIVEN a stack exported without pulumi-wid's components: the chain's resources are the stack's own
    code, out, _ = run(capsys, "verify", "--state", str(STATE / "gcp-extra-member.json"),
                       "--workload-pool", "shop-prod.svc.id.goog")
    assert code == 1
    assert out.splitlines()[1:5] == [
        "  FAIL        Google service account orders-api  [ServiceAccount 'api']",
        "                cluster  shop-prod.svc.id.goog",
        "                trusts   orders/api",
        "                grants   none",
    ]


def _res(type_, name, inputs=None, parent="", custom=True, outputs=None):
    return Res(type_, name, f"urn:{type_}::{name}", inputs or {}, outputs or {}, parent=parent, custom=custom)


def test_loose_chains_share_no_resources_when_there_are_several():
    # GIVEN two chains outside any component in one stack
    resources = [_res("aws:iam/role:Role", "a"), _res("aws:iam/role:Role", "b")]
    chains = [Chain("aws", "irsa", "a", "system:serviceaccount:x:a"), Chain("aws", "irsa", "b", "system:serviceaccount:x:b")]
    rows = render.summarize(resources, chains)
    # THEN no row claims the other's role: what cannot be told apart is shown as unknown
    assert [(r.name, r.identity, r.cluster, r.subject, r.verdict) for r in rows] == [
        ("a", "-", "-", "system:serviceaccount:x:a", "PASS"),
        ("b", "-", "-", "system:serviceaccount:x:b", "PASS"),
    ]


def test_a_component_takes_its_chains_worst_verdict():
    component = _res("wid:index:EksPodIdentity", "api", custom=False,
                     outputs={"namespace": "apps", "service_account_name": "api"})
    role = _res("aws:iam/role:Role", "api-role", {"name": "apps-api"}, parent=component.urn)
    ok = Chain("aws", "pod_identity", "api-association", "system:serviceaccount:apps:api")
    bad = Chain("aws", "pod_identity", "api", "system:serviceaccount:apps:api", checks=[Check("trust", "FAIL", "no")])
    other = Chain("aws", "pod_identity", "api2", "system:serviceaccount:apps:api2")  # not "api-...": not this one
    rows = render.summarize([component, role], [ok, bad, other])
    # THEN the component's row has its role and the worst of its chains; the other chain owns nothing
    assert [(r.name, r.identity, r.verdict) for r in rows] == [("api", "IAM role apps-api", "FAIL"), ("api2", "-", "PASS")]


# -- Azure role names and federated credentials' issuers ------------------------------------------------
def test_azure_role_names_beside_guids():
    rid = "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/2A2B9908-6EA1-4AE2-8E65-A410DF84E7D1"
    assert render.azure_role_name(rid) == "Storage Blob Data Reader"
    assert render.azure_role_label(rid) == "Storage Blob Data Reader (2A2B9908-6EA1-4AE2-8E65-A410DF84E7D1)"
    custom = "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/00000000-1111-2222-3333-444444444444"
    assert render.azure_role_name(custom) is None
    assert render.azure_role_label(custom) == "00000000-1111-2222-3333-444444444444"  # never a made-up name


def test_plan_text_names_the_azure_role(capsys):
    _, out, _ = run(capsys, "plan", str(ROOT))
    assert ("      roleDefinitionId: /subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/"
            "roleDefinitions/2a2b9908-6ea1-4ae2-8e65-a410df84e7d1 (Storage Blob Data Reader)") in out.splitlines()


def test_mermaid_shows_each_credentials_issuer_and_role_names(capsys):
    _, out, _ = run(capsys, "plan", str(ROOT), "--format", "mermaid")
    lines = out.splitlines()
    fics = [line for line in lines if "federated credential" in line]
    assert fics == [
        f'    c0r1{{{{"federated credential<br/>system:serviceaccount:payments:api<br/>iss={AKS_WEST}"}}}}',
        f'    c0r2{{{{"federated credential<br/>system:serviceaccount:payments:api<br/>iss={AKS_EAST}"}}}}',
    ]
    assert len(set(f.split("{{", 1)[1] for f in fics)) == 2  # two credentials, two different boxes
    assert f'    c0r3["{BLOB_READER}"]' in lines
    assert '    c1r1{{"Pod Identity association<br/>payments/api<br/>cluster=prod-eks"}}' in lines


# -- SARIF ------------------------------------------------------------------------------------------------
def test_sarif_of_a_failing_chain(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    code, out, _ = run(capsys, "verify", "--state", "tests/data/state/aws-irsa-missing-sub.json",
                       "--issuer", EKS_ISSUER, "--format", "sarif")
    assert code == 1  # the same exit code as the text report
    doc = json.loads(out)
    assert list(doc) == ["$schema", "version", "runs"]
    assert doc["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json" and doc["version"] == "2.1.0"
    (run_,) = doc["runs"]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "pulumi-wid" and driver["informationUri"].startswith("https://")
    assert driver["rules"] == [{
        "id": "aws/irsa/probe", "name": "negative-probe",
        "shortDescription": {"text": "aws irsa: negative probe"},
        "defaultConfiguration": {"level": "error"},
        "helpUri": "https://github.com/pulumi-wid/pulumi-wid#verify",
    }]
    (result,) = run_["results"]
    assert result["ruleId"] == "aws/irsa/probe" and result["ruleIndex"] == 0 and result["level"] == "error"
    assert result["locations"] == [{"physicalLocation": {
        "artifactLocation": {"uri": "tests/data/state/aws-irsa-missing-sub.json"}, "region": {"startLine": 1}}}]
    assert result["message"]["text"].startswith("FAIL [aws irsa] ServiceAccount 'api' (system:serviceaccount:orders:api): ")
    assert "probe 'api in namespace other-namespace' is accepted by Role 'orders-api' statement 0" in result["message"]["text"]
    assert result["properties"]["verdict"] == "FAIL"
    assert list(result["partialFingerprints"]) == ["widChain/v1"]


def test_sarif_rule_is_the_first_failing_check_and_unverified_is_a_warning():
    chain = Chain("azure", "workload_identity", "api", "system:serviceaccount:a:api",
                  checks=[Check("client-id annotation", "ok", ""), Check("cluster", "UNVERIFIED", "pass --issuer"),
                          Check("pod label", "FAIL", "missing")])
    unverified = Chain("gcp", "gsa", "b", "a/b", checks=[Check("workload pool", "UNVERIFIED", "pass --workload-pool")],
                       probes=[Probe("other namespace", None, "cannot tell")])
    passing = Chain("aws", "irsa", "c", "system:serviceaccount:a:c", checks=[Check("trust", "ok", "")])
    doc = render.to_sarif([chain, unverified, passing], "Pulumi.yaml", "9.9.9")
    results = doc["runs"][0]["results"]
    assert [(r["ruleId"], r["ruleIndex"], r["level"]) for r in results] == [
        ("azure/workload_identity/pod-label", 0, "error"), ("gcp/gsa/workload-pool", 1, "warning")]
    assert [r["id"] for r in doc["runs"][0]["tool"]["driver"]["rules"]] == [
        "azure/workload_identity/pod-label", "gcp/gsa/workload-pool"]
    assert doc["runs"][0]["tool"]["driver"]["version"] == "9.9.9"
    # a PASS chain is no result at all
    assert render.to_sarif([passing], "Pulumi.yaml", "1")["runs"][0]["results"] == []


def test_sarif_of_a_project_points_at_its_pulumi_yaml(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    code, out, _ = run(capsys, "verify", ".", "--format", "sarif")
    assert code == 3
    results = json.loads(out)["runs"][0]["results"]
    assert len(results) == 4 and {r["level"] for r in results} == {"warning"}
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results} == {"Pulumi.yaml"}


# -- Markdown for a pull-request comment ------------------------------------------------------------------
def test_markdown_comment_of_a_failing_state(capsys):
    state = str(STATE / "gcp-extra-member.json")
    code, out, _ = run(capsys, "verify", "--state", state, "--workload-pool", "shop-prod.svc.id.goog",
                       "--format", "markdown")
    assert code == 1
    assert out == (
        "### pulumi-wid verify: **FAIL**\n\n"
        f"state file {state}: 1 identity chain(s), 0 passed, 1 failed, 0 unverified.\n\n"
        "| identity | cluster | trusted subject | grants | verdict |\n"
        "|---|---|---|---|---|\n"
        "| Google service account orders-api | shop-prod.svc.id.goog | orders/api | none | **FAIL** |\n\n"
        "#### FAIL [gcp gsa] `ServiceAccount 'api'` (orders/api)\n\n"
        "- probe 'serviceAccount:shop-prod.svc.id.goog[staging/api] (another member of the grant)' is accepted by "
        "IAMMember 'staging-api'\n"
    )


def test_markdown_comment_folds_passing_chains(capsys):
    code, out, _ = run(capsys, "verify", str(ROOT), *DEMO_PINS, "--format", "markdown")
    assert code == 0
    assert out.startswith("### pulumi-wid verify: **PASS**\n")
    assert out.count("| **PASS** |") == 5 and "####" not in out
    assert "<details><summary>5 chain(s) PASS</summary>" in out
    assert f"| managed identity payments-api | {AKS_WEST}, {AKS_EAST} | system:serviceaccount:payments:api | " \
           f"{BLOB_READER} | **PASS** |" in out


@pytest.mark.parametrize("text,cell", [("a|b", "a\\|b"), ("<arn of x, known after deploy>", "&lt;arn of x, known after deploy&gt;")])
def test_markdown_cells_are_escaped(text, cell):
    assert render._md_cell(text) == cell


def test_help_lists_the_ci_formats(capsys):
    with pytest.raises(SystemExit):
        main(["verify", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "sarif: SARIF 2.1.0" in out and "markdown: a pull-request comment" in out
