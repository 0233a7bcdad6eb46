"""Property-based tests: generated identities and args, under the recording mocks.

The cloud rules are written out here from the clouds' documentation (not imported
from the package), so that a builder that breaks them cannot pass by sharing the
same mistake. Mocks are installed in each example's body: hypothesis runs many
examples per test function, and a function-scoped fixture would be shared by them.
"""

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pulumi_wid import AksFederatedIdentity, EksPodIdentity, GkeWorkloadIdentity, ValidationError, policies
from pulumi_wid.testing import WidMocks, install

# The clouds' rules (DESIGN.md "Facts the code must get right").
IAM_ROLE_NAME = re.compile(r"[A-Za-z0-9_+=,.@-]{1,64}", re.ASCII)
UAMI_NAME = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9_-]{2,127}")
FIC_NAME = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9_-]{2,119}")
GSA_ACCOUNT_ID = re.compile(r"[a-z](?:[-a-z0-9]{4,28}[a-z0-9])")
K8S_ANNOTATIONS = {"aws": "eks.amazonaws.com/role-arn", "azure": "azure.workload.identity/client-id",
                   "gcp": "iam.gke.io/gcp-service-account"}

ISSUER = "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"
PROVIDER = f"arn:aws:iam::111122223333:oidc-provider/{ISSUER}"
AKS_ISSUER = "https://westeurope.oic.prod-aks.azure.com/11111111-1111-1111-1111-111111111111/2f8c0b9e-3a1d-4e55-9c2b-7d6e5f4a3b21/"
PROJECT = "my-project"
STORAGE = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/data/providers/Microsoft.Storage/storageAccounts/appdata"

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# -- generated valid identities -------------------------------------------------------------
label = st.from_regex(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?", fullmatch=True)
short_label = st.from_regex(r"[a-z0-9]([-a-z0-9]{0,14}[a-z0-9])?", fullmatch=True)
subdomain = st.one_of(
    label,
    st.lists(short_label, min_size=2, max_size=4).map(".".join),
    st.lists(label, min_size=2, max_size=5).map(".".join).filter(lambda s: len(s) <= 253),
)
# identity.name is free text in the contract: accepted names must still give valid cloud names
names = st.one_of(st.none(), subdomain, st.text(min_size=1, max_size=90),
                  st.from_regex(r"[A-Za-z][A-Za-z0-9 _.]{0,40}", fullmatch=True))


@st.composite
def identities(draw):
    identity = {"namespace": draw(label), "service_account": draw(subdomain)}
    name = draw(names)
    if name is not None:
        identity["name"] = name
    return identity


def build_aws(identity, mode):
    args = {"identity": identity, "cluster_name": "prod",
            "policy_statements": [{"Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::data/*"]}]}
    if mode == "irsa":
        args.update(mode="irsa", oidc_provider_arn=PROVIDER)
    return lambda: EksPodIdentity("wid", args)


def build_azure(identity):
    args = {"identity": identity, "resource_group_name": "workloads", "oidc_issuer_url": AKS_ISSUER,
            "role_assignments": [{"role": "Storage Blob Data Reader", "scope": STORAGE}]}
    return lambda: AksFederatedIdentity("wid", args)


def build_gcp(identity):
    args = {"identity": identity, "project": PROJECT, "roles": ["roles/cloudtrace.agent"]}
    return lambda: GkeWorkloadIdentity("wid", args)


BUILDERS = {
    "aws-pod-identity": lambda i: build_aws(i, "pod_identity"),
    "aws-irsa": lambda i: build_aws(i, "irsa"),
    "azure": build_azure,
    "gcp": build_gcp,
}


def run(program):
    mocks = install(WidMocks())
    mocks.run(program)
    return mocks


def canonical(mocks):
    """Every registration as one string: equal strings mean byte-identical documents."""
    return json.dumps(sorted([r.type, r.name, r.inputs] for r in mocks.resources), sort_keys=True)


def accepted(program):
    """The recorded mocks, or None when the input is refused (with the package's error only)."""
    try:
        return run(program)
    except ValidationError:
        return None


def check_cloud_rules(cloud, mocks, identity):
    ns, sa = identity["namespace"], identity["service_account"]
    subject = f"system:serviceaccount:{ns}:{sa}"
    if cloud.startswith("aws"):
        role = mocks.one("aws:iam/role:Role")
        assert IAM_ROLE_NAME.fullmatch(role.inputs["name"]), role.inputs["name"]
        trust = json.loads(role.inputs["assumeRolePolicy"])
        if cloud == "aws-irsa":
            [statement] = trust["Statement"]
            assert statement["Condition"] == {
                "StringEquals": {f"{ISSUER}:sub": subject, f"{ISSUER}:aud": "sts.amazonaws.com"}}
            assert statement["Principal"] == {"Federated": PROVIDER}
        else:
            association = mocks.one("aws:eks/podIdentityAssociation:PodIdentityAssociation")
            assert (association.inputs["namespace"], association.inputs["serviceAccount"]) == (ns, sa)
            assert trust["Statement"][0]["Principal"] == {"Service": "pods.eks.amazonaws.com"}
    elif cloud == "azure":
        uami = mocks.one("azure-native:managedidentity:UserAssignedIdentity")
        assert UAMI_NAME.fullmatch(uami.inputs["resourceName"]), uami.inputs["resourceName"]
        fic = mocks.one("azure-native:managedidentity:FederatedIdentityCredential")
        assert FIC_NAME.fullmatch(fic.inputs["federatedIdentityCredentialResourceName"])
        assert fic.inputs["subject"] == subject
        assert fic.inputs["audiences"] == ["api://AzureADTokenExchange"]
        assert fic.inputs["issuer"] == AKS_ISSUER
    else:
        account = mocks.one("gcp:serviceaccount/account:Account")
        assert GSA_ACCOUNT_ID.fullmatch(account.inputs["accountId"]), account.inputs["accountId"]
        assert len(account.inputs.get("displayName", "")) <= 100
        binding = mocks.one("gcp:serviceaccount/iAMMember:IAMMember")
        assert binding.inputs["role"] == "roles/iam.workloadIdentityUser"
        assert binding.inputs["member"] == f"serviceAccount:{PROJECT}.svc.id.goog[{ns}/{sa}]"
    service_account = mocks.one("kubernetes:core/v1:ServiceAccount")
    assert service_account.inputs["metadata"]["name"] == sa
    assert service_account.inputs["metadata"]["namespace"] == ns
    key = K8S_ANNOTATIONS[cloud.split("-")[0]]
    if cloud != "aws-pod-identity":
        assert key in service_account.inputs["metadata"]["annotations"]
    for record in mocks.resources:  # and the policy pack has nothing to say about them
        assert policies.check(record.type, record.inputs) == [], (record.type, record.name)


@pytest.mark.parametrize("cloud", sorted(BUILDERS))
@FAST
@given(identity=identities())
def test_valid_identities_give_valid_names_exact_trusts_and_identical_documents(cloud, identity):
    program = BUILDERS[cloud](identity)
    first = accepted(program)
    if first is None:  # only a free-text name may be refused, never a valid namespace/ServiceAccount
        with pytest.raises(ValidationError) as err:
            run(program)
        assert err.value.field == "identity.name", err.value
        return
    check_cloud_rules(cloud, first, identity)
    assert canonical(run(program)) == canonical(first)


# -- generated invalid input ---------------------------------------------------------------------
DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
DNS_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
junk = st.one_of(st.integers(), st.booleans(), st.binary(max_size=8), st.lists(st.text(max_size=5), max_size=3),
                 st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2))
bad_namespace = st.one_of(junk, st.text(max_size=70).filter(lambda s: len(s) > 63 or not DNS_LABEL.fullmatch(s)),
                          st.just("a" * 64), st.just("Apps"), st.just("apps_v2"))
bad_service_account = st.one_of(
    junk, st.text(max_size=30).filter(lambda s: not DNS_SUBDOMAIN.fullmatch(s)), st.just("a" * 254), st.just("api..v1"))


@st.composite
def invalid_cases(draw):
    """(cloud, args, expected field, expected value): one thing wrong in otherwise valid args."""
    cloud = draw(st.sampled_from(sorted(BUILDERS)))
    kind = draw(st.sampled_from(["namespace", "service_account", "mode", "unknown_key", "identity"]))
    identity = {"namespace": "apps", "service_account": "api"}
    expected_value: object
    if kind == "namespace":
        identity["namespace"] = expected_value = draw(bad_namespace)
        field = "identity.namespace"
    elif kind == "service_account":
        identity["service_account"] = expected_value = draw(bad_service_account)
        field = "identity.service_account"
    elif kind == "mode":
        expected_value = draw(st.text(max_size=10).filter(lambda s: s not in ("create", "patch", "none")))
        identity["service_account_mode"] = expected_value
        field = "identity.service_account_mode"
    elif kind == "unknown_key":
        key = draw(st.from_regex(r"[a-z]{3,12}_x", fullmatch=True))
        identity[key] = expected_value = draw(st.text(max_size=5))
        field = f"identity.{key}"
    else:
        identity = expected_value = draw(st.one_of(st.text(max_size=5), st.integers(), st.lists(st.integers(), max_size=2)))
        field = "identity"
    return cloud, identity, field, expected_value


@FAST
@given(case=invalid_cases())
def test_invalid_input_raises_only_validation_error_before_any_registration(case):
    cloud, identity, field, value = case
    mocks = install(WidMocks())
    with pytest.raises(ValidationError) as err:
        mocks.run(BUILDERS[cloud](identity))
    error = err.value
    assert isinstance(error, ValueError)
    if value in ("", None) or value == [] or value == {}:
        assert error.field in (field, "identity"), error
    else:
        assert (error.field, error.value) == (field, value), error
    assert isinstance(error.rule, str) and error.rule
    assert mocks.resources == []


ARG_KEYS = {
    "aws-pod-identity": ["cluster_name", "role_name", "role_path", "max_session_duration", "policy_statements",
                         "managed_policy_arns", "target_role_arn", "disable_session_tags", "allow_wildcards",
                         "session_policy_statements", "permissions_boundary", "role_arn"],
    "aws-irsa": ["oidc_provider_arn", "oidc_issuer_url", "irsa_subject_patterns", "token_expiration_seconds",
                 "sts_regional_endpoints", "policy_statements"],
    "azure": ["resource_group_name", "oidc_issuer_url", "identity_name", "role_assignments", "tenant_id",
              "token_expiration_seconds", "allow_broad_roles"],
    "gcp": ["project", "account_id", "roles", "bindings", "mode", "project_number", "autopilot", "allow_basic_roles"],
}
anything = st.one_of(st.none(), st.text(max_size=12), st.integers(-5, 100000), st.booleans(),
                     st.lists(st.one_of(st.text(max_size=8), st.dictionaries(st.text(max_size=8), st.text(max_size=8),
                                                                             max_size=3)), max_size=3),
                     st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=3))


@st.composite
def fuzzed_args(draw):
    cloud = draw(st.sampled_from(sorted(ARG_KEYS)))
    key = draw(st.sampled_from(ARG_KEYS[cloud]))
    return cloud, key, draw(anything)


@FAST
@given(case=fuzzed_args())
def test_any_value_for_any_arg_is_accepted_or_refused_with_validation_error(case):
    cloud, key, value = case
    identity = {"namespace": "apps", "service_account": "api"}
    base = {
        "aws-pod-identity": {"identity": identity, "cluster_name": "prod"},
        "aws-irsa": {"identity": identity, "cluster_name": "prod", "mode": "irsa", "oidc_provider_arn": PROVIDER},
        "azure": {"identity": identity, "resource_group_name": "workloads", "oidc_issuer_url": AKS_ISSUER},
        "gcp": {"identity": identity, "project": PROJECT},
    }[cloud]
    args = {**base, key: value}
    component = {"aws": EksPodIdentity, "azure": AksFederatedIdentity, "gcp": GkeWorkloadIdentity}[cloud.split("-")[0]]
    mocks = install(WidMocks())
    try:
        mocks.run(lambda: component("wid", args))
    except ValidationError as error:
        assert error.field and error.rule
        assert mocks.resources == []


def test_fuzzed_arg_keys_are_real_args_keys():
    """Each fuzzed key is one of its component's args (tags, for one, live under identity)."""
    from pulumi_wid.aws.component import EksPodIdentityArgs
    from pulumi_wid.azure.component import AksFederatedIdentityArgs
    from pulumi_wid.gcp.component import GkeWorkloadIdentityArgs

    real = {"aws": EksPodIdentityArgs, "azure": AksFederatedIdentityArgs, "gcp": GkeWorkloadIdentityArgs}
    for cloud, keys in ARG_KEYS.items():
        annotations = real[cloud.split("-")[0]].__annotations__
        assert [k for k in keys if k not in annotations or k == "identity"] == [], cloud


# -- generated invalid cloud args: grants, roles, scopes, policies ------------------------------
SUBSCRIPTION = "/subscriptions/00000000-0000-0000-0000-000000000000"
BROAD_AZURE_ROLES = ["Owner", "Contributor", "User Access Administrator", "Role Based Access Control Administrator",
                     "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "b24988ac-6180-42a0-ab88-20f7382dd24c",
                     f"{SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
                     "/providers/Microsoft.Authorization/roleDefinitions/f58310d9-a9f6-439a-9e8d-f62e7b41a168"]
BROAD_AZURE_SCOPES = [SUBSCRIPTION, f"{SUBSCRIPTION.upper()}", "/providers/Microsoft.Management/managementGroups/mg", "/"]
WILDCARD_STATEMENTS = [
    {"Action": "s3:*", "Resource": "arn:aws:s3:::data/*"},
    {"Action": "s3:?etObject", "Resource": "arn:aws:s3:::data/*"},
    {"Action": "s3:GetObject", "Resource": "*"},
    {"Action": "s3:GetObject", "Resource": "arn:aws:s3:::*"},
    {"Action": "s3:GetObject", "Resource": "arn:aws:s3:::*/*"},
    {"Action": "s3:GetObject", "Resource": "arn:*:s3:::data/*"},
    {"Action": "iam:PassRole", "Resource": "arn:aws:iam::*:role/x"},
    {"Action": "sts:AssumeRole", "Resource": "arn:aws:iam::123456789012:role/*"},
    {"Action": "s3:GetObject", "NotResource": "arn:aws:s3:::data/*"},
    {"Action": [5], "Resource": "arn:aws:s3:::data/*"},
    {"Action": "s3:GetObject", "Resource": {"arn": "arn:aws:s3:::data/*"}},
    {"Action": "s3:GetObject", "Resource": ["arn:aws:s3:::data/*", 7]},
]
BAD_MANAGED = [
    ["arn:aws:iam::aws:policy/AdministratorAccess"],
    ["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/ReadOnlyAccess"],
    ["arn:aws:iam::aws:policy/ReadOnlyAccess", "ReadOnlyAccess"],
    ["arn:aws:iam::aws:policy/PowerUserAccess"],
]
GCP_BAD_ROLES = ["roles/owner", "roles/Owner", "roles/OWNER", "roles/eDiToR", "roles/viewer",
                 "roles/iam.serviceAccountTokenCreator", "roles/IAM.serviceAccountUser", "roles/resourcemanager.projectIamAdmin",
                 "storage.admin", "roles/"]


def mixed_case(draw, text):
    flips = draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    return "".join(c.upper() if f else c.lower() for c, f in zip(text, flips, strict=True))


@st.composite
def invalid_cloud_args(draw):
    """(cloud, args builder, field prefix): the identity is fine, one grant is not. The builder
    runs inside the mock runtime, so that a value can be an Output where the case says so."""
    cloud = draw(st.sampled_from(["aws", "azure", "gcp"]))
    identity = {"namespace": "apps", "service_account": "api"}
    if cloud == "aws":
        kind = draw(st.sampled_from(["policy_statements", "session_policy_statements", "managed_policy_arns"]))
        base = {"identity": identity, "cluster_name": "prod"}
        if kind == "managed_policy_arns":
            value = draw(st.sampled_from(BAD_MANAGED))
        else:
            good = {"Action": "s3:GetObject", "Resource": "arn:aws:s3:::data/*"}
            bad = draw(st.sampled_from(WILDCARD_STATEMENTS))
            value = draw(st.permutations([good, bad]))
            if kind == "session_policy_statements":
                base["disable_session_tags"] = True
        return "aws", lambda: {**base, kind: value}, kind
    if cloud == "azure":
        base = {"identity": identity, "resource_group_name": "workloads", "oidc_issuer_url": AKS_ISSUER}
        if draw(st.booleans()):
            role = draw(st.sampled_from(BROAD_AZURE_ROLES))
            role = mixed_case(draw, role) if not role.startswith("/") else role
            scope, output_half = STORAGE, "scope"
        else:
            role, scope, output_half = "Storage Blob Data Reader", draw(st.sampled_from(BROAD_AZURE_SCOPES)), "role"
        # the other half may be an Output: the plain half is still refused before anything registers
        as_output = draw(st.booleans())

        def args():
            import pulumi

            item = {"role": role, "scope": scope}
            if as_output:
                item[output_half] = pulumi.Output.from_input(item[output_half])
            return {**base, "role_assignments": [item]}

        return "azure", args, "role_assignments[0]"
    base = {"identity": identity, "project": PROJECT}
    role = draw(st.sampled_from(GCP_BAD_ROLES))
    if draw(st.booleans()):
        return "gcp", lambda: {**base, "roles": ["roles/cloudtrace.agent", role]}, "roles[1]"
    if role in GCP_BAD_ROLES[5:8]:  # escalation roles are only refused project-wide
        role = "roles/Owner"
    binding = {"role": role, "resource_type": "storage_bucket", "resource": "data"}
    return "gcp", lambda: {**base, "bindings": [binding]}, "bindings[0].role"


@FAST
@given(case=invalid_cloud_args())
def test_invalid_cloud_args_raise_only_validation_error_before_any_registration(case):
    cloud, make_args, field = case
    component = {"aws": EksPodIdentity, "azure": AksFederatedIdentity, "gcp": GkeWorkloadIdentity}[cloud]
    mocks = install(WidMocks())
    with pytest.raises(ValidationError) as err:
        mocks.run(lambda: component("wid", make_args()))
    assert err.value.field.startswith(field), err.value
    assert isinstance(err.value.rule, str) and err.value.rule
    assert mocks.resources == []


def test_free_text_names_give_valid_distinct_role_names():
    from pulumi_wid.aws import documents as doc

    assert doc.derive_role_name("apps", "api") == "apps-api"  # clean names are kept as they are
    star, space = doc.derive_role_name("apps", "*"), doc.derive_role_name("apps", "my api")
    assert re.fullmatch(r"apps-[0-9a-f]{8}", star)
    assert space.startswith("apps-my-api-") and space != doc.derive_role_name("apps", "my-api")
    assert not IAM_ROLE_NAME.fullmatch("apps-é") and IAM_ROLE_NAME.fullmatch(doc.derive_role_name("apps", "é"))
