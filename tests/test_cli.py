"""pulumi-wid plan and verify: formats, failures, and broken chains that must FAIL."""

import json
import textwrap
from pathlib import Path

import pytest

from pulumi_wid.cli import main
from pulumi_wid.verify import iam, load_state, verify_resources

ROOT = Path(__file__).resolve().parent.parent
STATE = Path(__file__).parent / "data" / "state"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_plan_text_of_the_demo(capsys):
    code, out, _ = run(capsys, "plan", str(ROOT))
    assert code == 0
    assert "wid:index:EksPodIdentity 'payments-api-eks'" in out
    assert '"Service": "pods.eks.amazonaws.com"' in out
    assert "roleArn: arn:aws:iam::<aws account id, known after deploy>:role/payments-api" in out
    # values only the cloud knows are never invented
    assert "arn:aws:iam::123456789012:role/" not in out
    assert "Exports" in out


def test_plan_json_is_one_document(capsys):
    code, out, _ = run(capsys, "plan", str(ROOT), "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["project"] == "wid-demo"
    by_name = {c["name"]: c for c in doc["components"]}
    role = next(r for r in by_name["payments-worker-eks"]["resources"] if r["type"] == "aws:iam/role:Role")
    statement = role["inputs"]["assumeRolePolicy"]["Statement"][0]
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert statement["Condition"]["StringEquals"][
        "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub"] == "system:serviceaccount:payments:worker"
    assert by_name["payments-worker-eks"]["outputs"]["pod_template_patch"] == {"spec": {"serviceAccountName": "worker"}}


def test_plan_mermaid(capsys):
    code, out, _ = run(capsys, "plan", str(ROOT), "--format", "mermaid")
    assert code == 0
    assert out.startswith("flowchart LR\n")
    assert 'subgraph c0["AksFederatedIdentity payments-api-aks"]' in out  # components sorted by name
    assert 'subgraph c1["EksPodIdentity payments-api-eks"]' in out
    assert "-->" in out and '"' not in out.replace('["', "").replace('"]', "").replace('{{"', "").replace('"}}', "").replace('(["', "").replace('"])', "")


DEMO_PINS = ("--issuer", "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
             "--issuer", "https://eastus.oic.prod-aks.azure.com/11111111-1111-1111-1111-111111111111/"
                         "4b2d6c0e-3a0b-4d35-9a67-1f1c8e7a2d10/",
             "--workload-pool", "payments-prod.svc.id.goog", "--project-number", "123456789012")


def test_verify_demo_passes_with_its_clusters_pinned(capsys):
    code, out, _ = run(capsys, "verify", str(ROOT), *DEMO_PINS)
    assert code == 0, out
    assert "FAIL" not in out and "UNVERIFIED" not in out
    assert "PASS        [aws irsa] payments-worker-eks" in out
    assert out.splitlines()[-1] == "5 passed, 0 failed, 0 unverified"


def test_verify_demo_without_its_clusters_is_unverified_not_pass(capsys):
    # The demo's clusters are not in the stack: what the trusts name cannot be checked against them.
    code, out, _ = run(capsys, "verify", str(ROOT))
    assert code == 3, out
    assert "PASS        [aws irsa]" not in out and "UNVERIFIED  [aws irsa] payments-worker-eks" in out
    assert "pass --issuer" in out and "pass --workload-pool" in out and "pass --project-number" in out


def project(tmp_path, program, runtime="python", stack_config=None, extra=""):
    (tmp_path / "Pulumi.yaml").write_text(f"name: t\nruntime: {runtime}\n{extra}")
    (tmp_path / "__main__.py").write_text(textwrap.dedent(program))
    if stack_config is not None:
        (tmp_path / "Pulumi.dev.yaml").write_text(stack_config)
    return str(tmp_path)


def test_missing_pulumi_yaml(tmp_path, capsys):
    code, out, err = run(capsys, "plan", str(tmp_path))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "no Pulumi.yaml" in err


def test_non_python_runtime(tmp_path, capsys):
    code, _, err = run(capsys, "plan", project(tmp_path, "", runtime="nodejs"))
    assert code == 2 and err.count("\n") == 1 and "runtime is 'nodejs'" in err


def test_unknown_stack(tmp_path, capsys):
    code, _, err = run(capsys, "plan", project(tmp_path, ""), "--stack", "prod")
    assert code == 2 and err.count("\n") == 1 and "unknown stack 'prod'" in err


def test_program_error_points_at_the_users_line(tmp_path, capsys):
    program = """\
        from pulumi_wid import EksPodIdentity

        EksPodIdentity("api", {"identity": {"namespace": "Bad_NS", "service_account": "api"}, "cluster_name": "c"})
    """
    code, out, err = run(capsys, "plan", project(tmp_path, program))
    assert code == 4  # the program itself failed
    assert "__main__.py:3: error: ValidationError: identity.namespace: 'Bad_NS' is invalid" in err
    assert 'EksPodIdentity("api"' in err


def test_stack_config_secrets_and_overrides(tmp_path, capsys):
    program = """\
        import pulumi
        c = pulumi.Config()
        pulumi.export("ns", c.get("ns"))
        pulumi.export("token", c.get("token"))
        pulumi.export("region", pulumi.Config("aws").get("region"))
        pulumi.export("over", c.get("over"))
    """
    stack = "config:\n  t:ns: orders\n  aws:region: eu-west-1\n  t:token:\n    secure: AAABAxyz\n"
    code, out, err = run(capsys, "plan", project(tmp_path, program, stack_config=stack), "--stack", "dev",
                         "--config", "over=1", "--format", "json")
    assert code == 0
    exports = json.loads(out)["exports"]
    assert exports == {"ns": "orders", "token": "<secret: not decrypted offline>", "region": "eu-west-1", "over": "1"}
    assert "t:token is a secret" in err


def test_project_config_defaults(tmp_path, capsys):
    program = "import pulumi\npulumi.export('ns', pulumi.Config().get('ns'))\n"
    code, out, _ = run(capsys, "plan", project(tmp_path, program, extra="config:\n  ns:\n    type: string\n    default: shop\n"),
                       "--format", "json")
    assert json.loads(out)["exports"] == {"ns": "shop"}


def test_bad_config_flag(tmp_path, capsys):
    code, _, err = run(capsys, "plan", project(tmp_path, ""), "--config", "novalue")
    assert code == 2 and "KEY=VALUE" in err


# -- verify on state files ------------------------------------------------------
GOOD = ["aws-irsa-good.json", "aws-pod-identity-good.json", "azure-good.json", "gcp-good.json", "gcp-direct-good.json"]
BROKEN = {
    "aws-irsa-missing-sub.json": "probe api in namespace other-namespace: ACCEPTED by Role 'orders-api' statement 0",
    "aws-irsa-wildcard-namespace.json": "probe api in namespace other-namespace: ACCEPTED by Role 'orders-api' statement 0",
    "aws-irsa-unannotated-no-sub.json": "without an exact :sub condition",
    "aws-pod-identity-no-tagsession.json": "does not let pods.eks.amazonaws.com call sts:TagSession",
    "azure-slash-stripped.json": "no credential matches iss=https://oidc.eks.us-east-1.amazonaws.com/",
    "azure-slash-stripped-with-cluster.json": "no credential matches iss=",
    "azure-no-pod-label.json": "lacks the pod label azure.workload.identity/use",
    "gcp-other-namespace.json": "no roles/iam.workloadIdentityUser grant on orders-api@shop-prod.iam.gserviceaccount.com admits serviceAccount:shop-prod.svc.id.goog[orders/api]",
    "gcp-namespace-principal-set.json": "probe other-service-account in namespace orders: ACCEPTED by IAMMember 'orders-ns'",
    # a second cluster's statement without :sub is probed too
    "aws-irsa-second-cluster-no-sub.json": "probe api in namespace other-namespace (issuer oidc.eks.eu-west-1.amazonaws.com/id/SECONDCLUSTER0000000000000000000): ACCEPTED by Role 'orders-api' statement 1",
    # an operator verify cannot evaluate never makes a probe look refused
    "aws-irsa-unevaluated-operator.json": "ACCEPTED by Role 'orders-api' statement 1 (operator DateLessThan is not evaluated offline)",
    "aws-irsa-extra-subject.json": "probe subject system:serviceaccount:kube-system:default (named in the trust): ACCEPTED by Role 'orders-api' statement 0",
    "aws-pod-identity-extra-principal.json": "ACCEPTED by Role 'orders-api' statement 1: AWS arn:aws:iam::999999999999:root",
    "azure-extra-subject.json": "probe subject system:serviceaccount:staging:api (another credential on the identity): ACCEPTED by FederatedIdentityCredential 'orders-api-staging'",
    "gcp-extra-member.json": "probe serviceAccount:shop-prod.svc.id.goog[staging/api] (another member of the grant): ACCEPTED by IAMMember 'staging-api'",
    "gcp-project-level-wiu.json": "roles/iam.workloadIdentityUser is granted on a whole project/folder/organization",
    "gcp-cluster-principal-set.json": "probe other-service-account in namespace orders: ACCEPTED by IAMMember 'cluster-set'",
}


AKS_ISSUER = "https://eastus.oic.prod-aks.azure.com/72f988bf-86f1-41af-91ab-2d7cd011db47/4b2d6c0e-3a0b-4d35-9a67-1f1c8e7a2d10/"
EKS_ISSUER = "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
PINS = {  # the facts of the clusters these fixtures run in, which the fixtures do not hold
    "aws-irsa-good.json": ("--issuer", EKS_ISSUER),
    "aws-pod-identity-good.json": (),
    "azure-good.json": ("--issuer", AKS_ISSUER),
    "gcp-good.json": ("--workload-pool", "shop-prod.svc.id.goog"),
    "gcp-direct-good.json": ("--workload-pool", "shop-prod.svc.id.goog", "--project-number", "123456789012"),
}


@pytest.mark.parametrize("name", GOOD)
def test_verify_state_good_chains_pass(capsys, name):
    code, out, _ = run(capsys, "verify", "--state", str(STATE / name), *PINS[name])
    assert code == 0, out
    assert out.splitlines()[-1] == "1 passed, 0 failed, 0 unverified"


@pytest.mark.parametrize("name", [n for n in GOOD if PINS[n]])
def test_verify_state_good_chains_without_their_cluster_are_unverified(capsys, name):
    code, out, _ = run(capsys, "verify", "--state", str(STATE / name))
    assert code == 3, out
    assert out.splitlines()[-1] == "0 passed, 0 failed, 1 unverified"


@pytest.mark.parametrize("name,reason", sorted(BROKEN.items()))
def test_verify_state_broken_chains_fail(capsys, name, reason):
    code, out, _ = run(capsys, "verify", "--state", str(STATE / name), "--issuer", EKS_ISSUER, "--issuer", AKS_ISSUER,
                       "--workload-pool", "shop-prod.svc.id.goog")
    assert code == 1, out
    assert reason in out
    assert out.splitlines()[-1] == "0 passed, 1 failed, 0 unverified"


def test_verify_json_format(capsys):
    code, out, _ = run(capsys, "verify", "--state", str(STATE / "aws-irsa-missing-sub.json"), "--format", "json")
    doc = json.loads(out)
    assert code == 1 and doc["status"] == "FAIL"
    chain = doc["chains"][0]
    assert chain["status"] == "FAIL"
    accepted = [p for p in chain["probes"] if p["accepted"]]
    assert {p["description"] for p in accepted} == {"api in namespace other-namespace", "other-service-account in namespace orders"}


def test_verify_bad_state_file(tmp_path, capsys):
    bad = tmp_path / "s.json"
    bad.write_text("{}")
    code, _, err = run(capsys, "verify", "--state", str(bad))
    assert code == 2 and "no 'deployment' or 'checkpoint'" in err and err.count("\n") == 1
    code, out, _ = run(capsys, "verify", "--state", str(bad), "--format", "json")
    assert code == 2 and json.loads(out) == {"error": json.loads(out)["error"], "exit_code": 2}


def test_verify_empty_stack_says_so_and_is_not_a_pass(tmp_path, capsys):
    empty = tmp_path / "s.json"
    empty.write_text(json.dumps({"version": 3, "deployment": {"resources": []}}))
    code, out, _ = run(capsys, "verify", "--state", str(empty))
    assert code == 3 and "no identity chain in this stack" in out


# -- the IAM evaluator on its own --------------------------------------------------
def test_iam_condition_semantics():
    ctx = {"i:sub": "system:serviceaccount:a:b", "i:aud": "sts.amazonaws.com"}
    assert iam.condition_holds({"StringEquals": {"i:sub": ["x", "system:serviceaccount:a:b"]}}, ctx)[0]  # values ORed
    assert not iam.condition_holds({"StringEquals": {"i:sub": "system:serviceaccount:a:b", "i:aud": "x"}}, ctx)[0]  # keys ANDed
    assert iam.condition_holds({"StringLike": {"i:sub": "system:serviceaccount:a:*"}}, ctx)[0]
    assert not iam.condition_holds({"StringLike": {"i:sub": "system:serviceaccount:a:c?"}}, ctx)[0]
    assert not iam.condition_holds({"StringEquals": {"other:sub": "x"}}, ctx)[0]  # missing key fails
    assert iam.condition_holds({"StringEqualsIfExists": {"other:sub": "x"}}, ctx)[0]
    assert iam.condition_holds({"StringNotEquals": {"other:sub": "x"}}, ctx)[0]  # negated: missing key holds
    assert iam.condition_holds({"StringEquals": {"I:SUB": "system:serviceaccount:a:b"}}, ctx)[0]  # keys are case-insensitive
    assert not iam.condition_holds({"StringEquals": {"i:sub": "SYSTEM:serviceaccount:a:b"}}, ctx)[0]  # values are not
    assert iam.condition_holds({"NumericLessThan": {"i:sub": "1"}}, ctx)[0] is None  # not evaluated: unknown


def test_iam_explicit_deny_wins():
    policy = {"Statement": [
        {"Effect": "Allow", "Principal": {"Federated": "p"}, "Action": "sts:*"},
        {"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRoleWithWebIdentity",
         "Condition": {"StringEquals": {"i:sub": "bad"}}},
    ]}
    assert iam.evaluate(policy, "Federated", "p", "sts:AssumeRoleWithWebIdentity", {"i:sub": "good"})[0]
    assert iam.evaluate(policy, "Federated", "p", "sts:AssumeRoleWithWebIdentity", {"i:sub": "bad"}) == (
        False, "denied by statement 1")


def test_state_reader_skips_providers_and_stack():
    names = [r.type for r in load_state(STATE / "aws-irsa-good.json") if not r.type.startswith("pulumi:providers:")]
    assert names == ["aws:iam/role:Role", "kubernetes:core/v1:ServiceAccount"]
    assert len(verify_resources(load_state(STATE / "aws-irsa-good.json"))) == 1


@pytest.mark.parametrize("example", ["aws-eks", "azure-aks", "gcp-gke"])
def test_examples_plan_and_verify_offline(capsys, example):
    code, out, err = run(capsys, "verify", str(ROOT / "examples" / example))
    assert code in (0, 3), out + err  # clusters outside the example's stack leave links unverified
    assert "FAIL" not in out


def test_error_inside_an_apply_is_reported_not_hung(tmp_path, capsys):
    program = """\
        import pulumi
        pulumi.export("x", pulumi.Output.from_input(1).apply(lambda v: v / 0))
    """
    code, _, err = run(capsys, "plan", project(tmp_path, program))
    assert code == 4
    assert "ZeroDivisionError" in err


def test_cluster_facts_pin_what_the_stack_does_not_hold(capsys):
    # Without the cluster in the stack, the issuer/pool come from the credential and the run says so ...
    code, out, _ = run(capsys, "verify", "--state", str(STATE / "azure-foreign-issuer.json"))
    assert code == 3 and "pass --issuer" in out
    code, out, _ = run(capsys, "verify", "--state", str(STATE / "gcp-wrong-pool.json"))
    assert code == 3 and "pass --workload-pool" in out
    # ... and given the cluster's facts, a foreign issuer or another project's pool FAILs.
    code, out, _ = run(capsys, "verify", "--state", str(STATE / "azure-foreign-issuer.json"), "--issuer", AKS_ISSUER)
    assert code == 1 and f"no credential matches iss={AKS_ISSUER}" in out
    code, out, _ = run(capsys, "verify", "--state", str(STATE / "azure-good.json"), "--issuer", AKS_ISSUER)
    assert code == 0
    code, out, _ = run(capsys, "verify", "--state", str(STATE / "gcp-wrong-pool.json"), "--workload-pool", "shop-prod.svc.id.goog")
    assert code == 1 and "admits serviceAccount:shop-prod.svc.id.goog[orders/api]" in out
    code, out, _ = run(capsys, "verify", "--state", str(STATE / "gcp-good.json"), "--workload-pool", "shop-prod.svc.id.goog")
    assert code == 0


def test_direct_principal_checked_against_the_project_number(capsys):
    code, out, _ = run(capsys, "verify", "--state", str(STATE / "gcp-direct-good.json"), "--project-number", "999")
    assert code == 1 and "the principal names project 123456789012, the cluster's project is 999" in out
    code, _, _ = run(capsys, "verify", "--state", str(STATE / "gcp-direct-good.json"), "--project-number", "123456789012",
                     "--workload-pool", "shop-prod.svc.id.goog")
    assert code == 0


@pytest.mark.parametrize("argv", [("plan",), ("plan", "--format", "json"), ("plan", "--format", "mermaid"), ("verify",),
                                  ("verify", "--format", "json")])
def test_same_program_same_output_byte_for_byte(capsys, argv):
    outputs = {run(capsys, *argv, str(ROOT))[1] for _ in range(3)}
    assert len(outputs) == 1


def test_pod_identity_abac_trust_conditions(capsys):
    # Conditions on values only a live request has are "allowed if they match", not refused ...
    code, out, _ = run(capsys, "verify", "--state", str(STATE / "aws-pod-identity-abac.json"))
    assert code == 3 and "only if values known to the live request match" in out
    # ... while the session tags verify does know are evaluated: another namespace is refused.
    code, out, _ = run(capsys, "verify", "--state", str(STATE / "aws-pod-identity-abac-other-namespace.json"))
    assert code == 1 and "does not let pods.eks.amazonaws.com call sts:AssumeRole" in out


def test_a_workload_needs_one_known_cluster_not_all(capsys):
    # The ServiceAccount's provider is tied to no cluster: judged against both, never PASS on a guess.
    code, out, _ = run(capsys, "verify", "--state", str(STATE / "azure-two-clusters.json"))
    assert code == 3 and "FAIL" not in out, out
    code, out, _ = run(capsys, "verify", "--state", str(STATE / "gcp-two-pools.json"))
    assert code == 3 and "FAIL" not in out, out
    assert "serviceAccount:shop-prod.svc.id.goog[orders/api]" in out


def test_issuer_facts_for_every_cloud(capsys):
    gov = "https://usgovvirginia.oic.prod-aks.azure.us/72f988bf-86f1-41af-91ab-2d7cd011db47/4b2d6c0e-3a0b-4d35-9a67-1f1c8e7a2d10/"
    code, out, _ = run(capsys, "verify", "--state", str(STATE / "azure-foreign-issuer.json"), "--issuer", gov)
    assert code == 1 and f"no credential matches iss={gov}" in out
    eks = "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
    code, out, _ = run(capsys, "verify", "--state", str(STATE / "aws-irsa-good.json"), "--issuer", eks)
    assert code == 0 and "the trust names the OIDC provider of oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE" in out
    other = "https://oidc.eks.eu-west-1.amazonaws.com/id/OTHER"
    code, out, _ = run(capsys, "verify", "--state", str(STATE / "aws-irsa-good.json"), "--issuer", other)
    assert code == 1 and "not the OIDC provider of the ServiceAccount's cluster (oidc.eks.eu-west-1.amazonaws.com/id/OTHER)" in out


def test_version_and_help_read_cleanly(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    import pulumi_wid
    assert capsys.readouterr().out == f"pulumi-wid {pulumi_wid.__version__}\n"
    with pytest.raises(SystemExit):
        main(["verify", "--help"])
    out = capsys.readouterr().out
    assert "``" not in out and "exit codes:" in out and "3  nothing fails, but something is UNVERIFIED" in out
    assert "json: one JSON" in " ".join(out.split())


def test_verify_json_carries_unverified_and_what_would_prove_it(capsys):
    code, out, _ = run(capsys, "verify", "--state", str(STATE / "azure-good.json"), "--format", "json")
    doc = json.loads(out)
    assert code == 3 and doc["status"] == "UNVERIFIED" and doc["exit_code"] == 3
    assert doc["summary"] == {"PASS": 0, "FAIL": 0, "UNVERIFIED": 1}
    [chain] = doc["chains"]
    [unverified] = [c for c in chain["checks"] if c["status"] == "UNVERIFIED"]
    assert unverified["name"] == "cluster" and "pass --issuer" in unverified["detail"]
