"""Generated inputs (issue 15): thousands of mixed argument sets per component, every run.

A seeded generator (``WID_GENERATED_SEED`` to replay or vary a run) draws each argument from
pools of valid, borderline and invalid values. Every set must either give what obeys every
rule below, or raise ``ValidationError``; with plain values, before anything at all is
registered. The pure spec functions (``eks_spec``, ``aks_spec``, ``gke_spec``) take the
thousands; the full components under the recording mocks take a few hundred, some of them
with Output values (which may fail only once they resolve, with the same error).

The rules are written out here from the clouds' documentation, not imported from the
package, so a check that shares the builder's mistake cannot pass.
"""

import json
import os
import random
import re
import unicodedata

import pulumi
import pytest

from pulumi_wid import AksFederatedIdentity, EksPodIdentity, GkeWorkloadIdentity, ValidationError
from pulumi_wid.aws.args import eks_spec
from pulumi_wid.azure.args import aks_spec
from pulumi_wid.gcp.args import gke_spec
from pulumi_wid.testing import WidMocks, install

SEED = int(os.environ.get("WID_GENERATED_SEED", "15"))
SPECS_PER_COMPONENT = 2000
COMPONENTS_PER_CLOUD = 100


# -- the rules, from the clouds' documentation --------------------------------------------------
def aws_tag_text(text):
    """IAM "Tag": [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]."""
    return all(c.isalpha() or c.isnumeric() or unicodedata.category(c) in ("Zs", "Zl", "Zp") or c in "_.:/=+-@"
               for c in text)


def aws_tags_ok(tags):
    return len(tags) <= 50 and all(
        1 <= len(k) <= 128 and aws_tag_text(k) and not k.lower().startswith("aws:")
        and isinstance(v, str) and len(v) <= 256 and aws_tag_text(v) for k, v in tags.items())


def azure_tags_ok(tags):
    names = [k.lower() for k in tags]
    return len(tags) <= 50 and len(set(names)) == len(names) and all(
        len(k) <= 512 and not set(k) & set("<>%&\\?/") and isinstance(v, str) and len(v) <= 256
        for k, v in tags.items())


def gcp_label(text, key):
    ok = all(c in "_-" or c.isdigit() or (c.isalpha() and not c.isupper() and not c.istitle()) for c in text)
    return ok and len(text) <= 63 and (not key or (len(text) >= 1 and not text[0].isdigit() and text[0] not in "_-"))


def gcp_tags_ok(tags):
    return len(tags) <= 64 and all(gcp_label(k, True) and isinstance(v, str) and gcp_label(v, False)
                                   for k, v in tags.items())


K8S_NAME = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]")
K8S_PREFIX = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")


def k8s_key_ok(key):
    prefix, _, name = key.rpartition("/")
    return (len(name) <= 63 and bool(K8S_NAME.fullmatch(name))
            and (not prefix or (len(prefix) <= 253 and bool(K8S_PREFIX.fullmatch(prefix)))))


def k8s_metadata_ok(metadata):
    labels, annotations = metadata.get("labels") or {}, metadata.get("annotations") or {}
    labels_ok = all(k8s_key_ok(k) and (v == "" or (len(v) <= 63 and K8S_NAME.fullmatch(v))) for k, v in labels.items())
    size = sum(len(k.encode()) + len(v.encode()) for k, v in annotations.items())
    return labels_ok and all(k8s_key_ok(k) for k in annotations) and size <= 256 * 1024


def compact(document):
    return len(json.dumps(document, separators=(",", ":")))


# -- pools: valid, borderline, invalid ---------------------------------------------------------
def choose(rng, pool, good):
    """One of ``pool``: one of its first ``good`` (valid or borderline) entries nine times in ten, any of
    them otherwise, so that a set holds a few invalid values at most and both outcomes stay common."""
    return rng.choice(pool[:good]) if rng.random() < 0.9 else rng.choice(pool)


NAMESPACES = ["apps", "a", "n" * 63, "team-1", "Apps", "n" * 64, "apps_v2", "-apps"]
SERVICE_ACCOUNTS = ["api", "api.v1", "s" * 253, "s" * 254, "API", "api..v1", "api_v1"]
LABELS = [{}, {"app": "api"}, {"example.com/team": "v" * 63}, {"app": "v" * 64}, {"app": "not ok!"},
          {"a/b/c": "x"}, {"app": ""}, {"azure.workload.identity/use": "true"},
          {"azure.workload.identity/use": "false"}]
BIG = "v" * (256 * 1024 - 2048 - 1)
ANNOTATIONS = [{}, {"team": "free text, any characters! #%"}, {"example.com/owner": "ops"}, {"big": BIG},
               {"big": BIG + "xy"}, {"eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/other"},
               {"eks.amazonaws.com/audience": "sts.amazonaws.com"}, {"eks.amazonaws.com/token-expiration": "7200"},
               {"azure.workload.identity/tenant-id": "not-a-guid"},
               {"azure.workload.identity/client-id": "33333333-3333-3333-3333-333333333333"},
               {"iam.gke.io/gcp-service-account": "reader@other-project.iam.gserviceaccount.com"},
               {"bad key!": "x"}]
TAGS = [{}, {"team": "payments"}, {"Cost Center": "Zürich 42"}, {"k" * 128: "v" * 256}, {"k" * 129: "v"},
        {"team": "v" * 257}, {"team": "a#b"}, {"team": "50%"}, {"team": "<b>"}, {"team": "rocket \U0001F680"},
        {"aws:team": "x"}, {"a<b": "x"}, {"Team": "a", "team": "b"}, {"team": "pay_ments-1", "zone": ""},
        {"n" * 512: "v"}, {"1team": "x"}, {"équipe": "é"}, {f"t{i}": "x" for i in range(51)},
        {"team": "line\nbreak"}, {"owner": "a+b@example.com"}]


def identity(rng):
    result = {"namespace": choose(rng, NAMESPACES, 4), "service_account": choose(rng, SERVICE_ACCOUNTS, 3)}
    if rng.random() < 0.2:
        result["name"] = rng.choice(["payments-api", "x" * 90, "my api", "é"])
    if rng.random() < 0.1:
        result["service_account_mode"] = rng.choice(["patch", "none"])
    for key, pool, chance in (("labels", LABELS, 0.3), ("annotations", ANNOTATIONS, 0.4), ("tags", TAGS, 0.6)):
        if rng.random() < chance:
            result[key] = dict(rng.choice(pool))  # about half of each pool breaks a rule somewhere
    return result


def statements(rng, count, width):
    return [{"Action": "s3:GetObject", "Resource": f"arn:aws:s3:::b/{'k' * width}{i:04d}"} for i in range(count)]


ISSUER = "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"
PROVIDERS = [f"arn:aws:iam::111122223333:oidc-provider/{ISSUER}",
             f"arn:aws:iam::111122223333:oidc-provider/https://{ISSUER}",
             f"arn:aws-us-gov:iam::111122223333:oidc-provider/{ISSUER}", "arn:aws:iam::1:oidc-provider/x"]


def issuer_urls(rng):
    count, pad = rng.randint(1, 6), rng.choice([0, 0, 10, 40])
    return [f"https://oidc.eks.eu-west-{i}.amazonaws.com/id/{'A' * (32 + pad)}" for i in range(count)]


def aws_args(rng):
    args = {"identity": identity(rng),
            "cluster_name": choose(rng, ["prod", "prod_eks-1", "c" * 100, "c" * 101, "bad name!", "-prod"], 3)}
    if rng.random() < 0.5:
        args["policy_statements"] = statements(rng, rng.choice([1, 3, 44, 45, 60]), 150)
    if rng.random() < 0.1:
        args["role_arn"] = "arn:aws:iam::111122223333:role/existing"
        args.pop("policy_statements", None)
    if rng.random() < 0.5:
        args["mode"] = "irsa"
        if rng.random() < 0.5:
            args["oidc_provider_arn"] = choose(rng, PROVIDERS, 1)
        else:
            args["oidc_issuer_urls"] = issuer_urls(rng)
        if rng.random() < 0.3:
            args["token_expiration_seconds"] = rng.choice([3600, 7200, 86400, 86401, 100])
        if rng.random() < 0.3:
            args["sts_regional_endpoints"] = rng.choice([True, False])
    else:
        if rng.random() < 0.4:
            args["disable_session_tags"] = rng.choice([True, True, False])
            args["session_policy_statements"] = statements(rng, rng.choice([1, 10, 20, 21, 30]), 40)
        if rng.random() < 0.2 and "role_arn" not in args:
            args["target_role_arn"] = "arn:aws:iam::999988887777:role/target"
    return args


AKS_ISSUER = "https://eastus.oic.prod-aks.azure.com/11111111-1111-1111-1111-111111111111/abc/"
TENANT = "22222222-2222-2222-2222-222222222222"


def azure_args(rng):
    args = {"identity": identity(rng), "resource_group_name": choose(rng, ["workloads", "w" * 90, "w" * 91], 2)}
    issuers = [AKS_ISSUER, "https://eastus.oic.prod-aks.azure.com/" + "a" * 561 + "/",
               "https://eastus.oic.prod-aks.azure.com/" + "a" * 562 + "/", "http://insecure/"]
    if rng.random() < 0.8:
        args["oidc_issuer_url"] = choose(rng, issuers, 2)
    else:
        args["oidc_issuer_urls"] = rng.sample(issuers[:3], rng.randint(1, 3))
    if rng.random() < 0.3:
        args["tenant_id"] = rng.choice([TENANT, "not-a-guid"])
    if rng.random() < 0.3:
        args["token_expiration_seconds"] = rng.choice([3600, 86400, 86401])
    return args


def gcp_args(rng):
    args = {"identity": identity(rng), "project": choose(rng, ["my-project", "p" * 30, "P", "my_project"], 2)}
    if rng.random() < 0.3:
        args.update(mode="direct", project_number=rng.choice(["123456789012", "x"]))
    elif rng.random() < 0.3:
        args["existing_service_account_email"] = rng.choice(
            ["reader@other-project.iam.gserviceaccount.com", "not-an-email"])
    if rng.random() < 0.3:
        args["roles"] = [rng.choice(["roles/cloudtrace.agent", "roles/owner"])]
    return args


# -- what an accepted spec must hold ------------------------------------------------------------
OWNED = {
    "aws": ("eks.amazonaws.com/role-arn", "eks.amazonaws.com/audience", "eks.amazonaws.com/token-expiration",
            "eks.amazonaws.com/sts-regional-endpoints"),
    "azure": ("azure.workload.identity/",),
    "gcp": ("iam.gke.io/gcp-service-account",),
}


def owned_ok(cloud, given, written):
    """A user annotation on a key the component owns equals what the component writes."""
    return all(written.get(k) == v for k, v in given.items() if k.startswith(OWNED[cloud]))


def check_aws_spec(args, spec):
    assert aws_tags_ok(spec.tags), spec.tags
    assert re.fullmatch(r"[0-9A-Za-z][A-Za-z0-9_-]{0,99}", spec.cluster_name or "prod"), spec.cluster_name
    if spec.session_policy is not None:
        assert compact({"Version": "2012-10-17", "Statement": spec.session_policy}) <= 2048
    inline = list(spec.statements)
    if spec.target_role_arn:
        inline.append({"Effect": "Allow", "Action": ["sts:AssumeRole", "sts:TagSession"], "Resource": spec.target_role_arn})
    assert compact({"Version": "2012-10-17", "Statement": inline}) <= 10240
    for arn in spec.providers:
        assert "://" not in arn.split(":oidc-provider/", 1)[1], arn
    written = dict(spec.annotations_extra)
    if spec.mode == "irsa":
        written.update({"eks.amazonaws.com/role-arn": args.get("role_arn"), "eks.amazonaws.com/audience": "sts.amazonaws.com"})
    assert owned_ok("aws", spec.identity.annotations, written)
    assert k8s_metadata_ok({"labels": spec.identity.labels, "annotations": spec.identity.annotations})


def check_azure_spec(args, spec):
    assert azure_tags_ok(spec.tags), spec.tags
    assert all(len(i) <= 600 and i.startswith("https://") for i in spec.issuers)
    written = {"azure.workload.identity/tenant-id": spec.tenant_id,
               "azure.workload.identity/service-account-token-expiration":
                   str(spec.token_expiration_seconds) if spec.token_expiration_seconds else None}
    assert owned_ok("azure", spec.identity.annotations, written)
    assert all(v == "true" for k, v in spec.identity.labels.items() if k.startswith("azure.workload.identity/"))
    assert k8s_metadata_ok({"labels": spec.identity.labels, "annotations": spec.identity.annotations})


def check_gcp_spec(args, spec):
    assert gcp_tags_ok(spec.identity.tags), spec.identity.tags
    assert len(spec.description.encode()) <= 256
    written = {"iam.gke.io/gcp-service-account": spec.existing_email if spec.mode != "direct" else None}
    assert owned_ok("gcp", spec.identity.annotations, written)
    assert k8s_metadata_ok({"labels": spec.identity.labels, "annotations": spec.identity.annotations})


CLOUDS = {
    "aws": (aws_args, eks_spec, check_aws_spec, EksPodIdentity),
    "azure": (azure_args, aks_spec, check_azure_spec, AksFederatedIdentity),
    "gcp": (gcp_args, gke_spec, check_gcp_spec, GkeWorkloadIdentity),
}


@pytest.mark.parametrize("cloud", sorted(CLOUDS))
def test_thousands_of_generated_argument_sets_give_valid_specs_or_validation_errors(cloud):
    make, spec_of, check, _ = CLOUDS[cloud]
    rng = random.Random(f"{SEED}-{cloud}-spec")
    outcomes = {"accepted": 0, "refused": 0}
    for index in range(SPECS_PER_COMPONENT):
        args = make(rng)
        try:
            spec = spec_of(args)
        except ValidationError as error:
            assert error.field and error.rule, (index, args)
            outcomes["refused"] += 1
            continue
        try:
            check(args, spec)
        except AssertionError as failure:
            raise AssertionError(f"seed {SEED} {cloud} #{index}: accepted {args!r:.2000}") from failure
        outcomes["accepted"] += 1
    # the pools are mixed enough that both outcomes are common: a generator that only ever
    # produced refusals (or acceptances) would test nothing
    assert outcomes["accepted"] > SPECS_PER_COMPONENT // 10 and outcomes["refused"] > SPECS_PER_COMPONENT // 10, outcomes


# -- full components under the recording mocks ---------------------------------------------------
# Pulumi re-raises an error of an Output's apply as a new ValueError, "... has risen: <message>"
# (without the original as its cause): the message is all that is left of the ValidationError.
RISEN = re.compile(r"has risen: (?P<field>[^\s:]+(?::[^\s:]+)*): .* is invalid: .+", re.S)


def validation_error_in(error, on_resolve):
    """The ValidationError raised (or, ``on_resolve``, the field of one an Output raised once resolved)."""
    if isinstance(error, ValidationError):
        return error.field
    match = RISEN.search(str(error)) if on_resolve and isinstance(error, ValueError) else None
    return match["field"] if match else None


def with_outputs(rng, cloud, args):
    """The same args with some values as Outputs (the rules then apply once they resolve)."""
    args = {**args, "identity": dict(args["identity"])}
    ident = args["identity"]
    if ident.get("tags") and rng.random() < 0.5:
        ident["tags"] = {k: pulumi.Output.from_input(v) for k, v in ident["tags"].items()}
    if ident.get("labels") and rng.random() < 0.5:
        ident["labels"] = {k: pulumi.Output.from_input(v) for k, v in ident["labels"].items()}
    if cloud == "aws" and rng.random() < 0.5:
        args["cluster_name"] = pulumi.Output.from_input(args["cluster_name"])
    if cloud == "azure" and "oidc_issuer_url" in args and rng.random() < 0.5:
        args["oidc_issuer_url"] = pulumi.Output.from_input(args["oidc_issuer_url"])
    return args


def check_recorded(cloud, mocks):
    """Every recorded resource obeys the rules; the ServiceAccount carries only what may be there."""
    service_accounts = mocks.of_type("kubernetes:core/v1:ServiceAccount")
    for sa in service_accounts:
        assert k8s_metadata_ok(sa.inputs["metadata"]), sa.inputs["metadata"]
    annotations = service_accounts[0].inputs["metadata"].get("annotations", {}) if service_accounts else {}
    if cloud == "aws":
        for record in mocks.of_type("aws:iam/role:Role"):
            assert aws_tags_ok(record.inputs.get("tags") or {})
            trust = record.inputs["assumeRolePolicy"]
            assert len(trust) <= 2048
            for statement in json.loads(trust)["Statement"]:
                for keys in statement.get("Condition", {}).values():
                    assert not any("://" in key for key in keys), keys
        for record in mocks.of_type("aws:iam/rolePolicy:RolePolicy"):
            assert len(record.inputs["policy"]) <= 10240
        for record in mocks.of_type("aws:eks/podIdentityAssociation:PodIdentityAssociation"):
            assert aws_tags_ok(record.inputs.get("tags") or {})
            assert re.fullmatch(r"[0-9A-Za-z][A-Za-z0-9_-]{0,99}", record.inputs["clusterName"])
            assert len(record.inputs.get("policy") or "") <= 2048
            assert not [k for k in annotations if k.startswith("eks.amazonaws.com/")], annotations
        roles = mocks.of_type("aws:iam/role:Role")
        if "eks.amazonaws.com/role-arn" in annotations and roles:
            assert annotations["eks.amazonaws.com/role-arn"] == roles[0].outputs["arn"]
    elif cloud == "azure":
        for record in mocks.of_type("azure-native:managedidentity:UserAssignedIdentity"):
            assert azure_tags_ok(record.inputs.get("tags") or {})
            if service_accounts:
                assert annotations.get("azure.workload.identity/client-id") == record.outputs["clientId"]
        for record in mocks.of_type("azure-native:managedidentity:FederatedIdentityCredential"):
            assert len(record.inputs["issuer"]) <= 600
        labels = service_accounts[0].inputs["metadata"].get("labels", {}) if service_accounts else {}
        assert all(v == "true" for k, v in labels.items() if k.startswith("azure.workload.identity/"))
    else:
        for record in mocks.of_type("gcp:serviceaccount/account:Account"):
            assert len(record.inputs["description"].encode()) <= 256
            if service_accounts:
                assert annotations.get("iam.gke.io/gcp-service-account") == record.outputs["email"]
        if not mocks.of_type("gcp:serviceaccount/iAMMember:IAMMember"):  # direct mode: no GSA to name
            assert "iam.gke.io/gcp-service-account" not in annotations


@pytest.mark.parametrize("cloud", sorted(CLOUDS))
def test_generated_components_register_valid_resources_or_nothing(cloud):
    make, _, _, component = CLOUDS[cloud]
    rng = random.Random(f"{SEED}-{cloud}-component")
    outcomes = {"accepted": 0, "refused": 0, "refused on resolve": 0}
    for index in range(COMPONENTS_PER_CLOUD):
        plain = make(rng)
        outputs = rng.random() < 0.3
        mocks = install(WidMocks())

        def program(plain=plain, outputs=outputs):  # Outputs are made inside the mock runtime
            component("wid", with_outputs(rng, cloud, plain) if outputs else plain)

        where = f"seed {SEED} {cloud} #{index}: {plain!r:.2000}"
        try:
            mocks.run(program)
        except Exception as raised:  # noqa: BLE001 - judged below: only the package's error is fine
            error = validation_error_in(raised, outputs)
            assert error is not None, f"{where} crashed: {raised!r:.500}"
            if not outputs:
                assert mocks.resources == [], f"{where} registered {mocks.types()} before {error}"
                outcomes["refused"] += 1
            else:
                outcomes["refused on resolve" if mocks.resources else "refused"] += 1
            continue
        try:
            check_recorded(cloud, mocks)
        except AssertionError as failure:
            raise AssertionError(f"{where} registered resources that break a rule") from failure
        outcomes["accepted"] += 1
    assert outcomes["accepted"] >= COMPONENTS_PER_CLOUD // 10 and outcomes["refused"] >= COMPONENTS_PER_CLOUD // 10, outcomes
