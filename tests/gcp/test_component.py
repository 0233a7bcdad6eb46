"""GkeWorkloadIdentity under the mock runtime: the exact resources and inputs it registers."""

import subprocess
import sys

import pulumi
import pulumi_gcp as gcp
import pulumi_kubernetes as k8s
import pytest

from pulumi_wid import GkeWorkloadIdentity, ValidationError, merge_pod_template
from pulumi_wid.testing import WidMocks, install

ACCOUNT = "gcp:serviceaccount/account:Account"
WI_USER = "gcp:serviceaccount/iAMMember:IAMMember"
PROJECT_MEMBER = "gcp:projects/iAMMember:IAMMember"
SA = "kubernetes:core/v1:ServiceAccount"
SA_PATCH = "kubernetes:core/v1:ServiceAccountPatch"
COMPONENT = "wid:index:GkeWorkloadIdentity"
PRINCIPAL = (
    "principal://iam.googleapis.com/projects/123456789012/locations/global/"
    "workloadIdentityPools/my-project.svc.id.goog/subject/ns/apps/sa/api"
)
OUTPUTS = ("gcp_service_account_email", "member", "service_account_name", "namespace",
           "service_account_annotations", "pod_template_patch")


def identity(**extra):
    return {"namespace": "apps", "service_account": "api", **extra}


def build(mocks, args, name="api", opts=None):
    def program():
        c = GkeWorkloadIdentity(name, args, opts)
        return {key: getattr(c, key) for key in OUTPUTS}

    return mocks.run(program)


def test_service_account_mode_end_to_end(wid_mocks):
    out = build(wid_mocks, {"identity": identity(name="payments-api"), "project": "my-project",
                            "roles": ["roles/cloudtrace.agent"]})
    assert sorted(wid_mocks.types()) == sorted([COMPONENT, ACCOUNT, WI_USER, PROJECT_MEMBER, SA])  # registration is asynchronous
    account = wid_mocks.one(ACCOUNT)
    assert account.name == "api-gsa"
    assert account.inputs == {
        "accountId": "apps-payments-api",
        "project": "my-project",
        "displayName": "GKE workload apps/api",
        "description": "Workload identity of Kubernetes ServiceAccount apps/api (pulumi-wid)",
    }
    email = "apps-payments-api@my-project.iam.gserviceaccount.com"
    wi = wid_mocks.one(WI_USER)
    assert wi.name == "api-workload-identity-user"
    assert wi.inputs == {
        "serviceAccountId": f"projects/my-project/serviceAccounts/{email}",
        "role": "roles/iam.workloadIdentityUser",
        "member": "serviceAccount:my-project.svc.id.goog[apps/api]",
    }
    # negative: the grant admits exactly this KSA, not another namespace or KSA
    assert wi.inputs["member"] != "serviceAccount:my-project.svc.id.goog[other/api]"
    assert wi.inputs["member"] != "serviceAccount:my-project.svc.id.goog[apps/worker]"
    assert "*" not in wi.inputs["member"]
    grant = wid_mocks.one(PROJECT_MEMBER)
    assert grant.name == "api-role-cloudtrace.agent"
    assert grant.inputs == {"project": "my-project", "role": "roles/cloudtrace.agent", "member": f"serviceAccount:{email}"}
    sa = wid_mocks.one(SA)
    assert sa.inputs["metadata"] == {
        "name": "api", "namespace": "apps", "annotations": {"iam.gke.io/gcp-service-account": email}}
    # the ServiceAccount (and so the pods) come after the impersonation grant and the grants
    assert wi.urn in sa.depends_on
    assert grant.urn in sa.depends_on
    assert out == {
        "gcp_service_account_email": email,
        "member": f"serviceAccount:{email}",
        "service_account_name": "api",
        "namespace": "apps",
        "service_account_annotations": {"iam.gke.io/gcp-service-account": email},
        "pod_template_patch": {"spec": {"serviceAccountName": "api",
                                        "nodeSelector": {"iam.gke.io/gke-metadata-server-enabled": "true"}}},
    }
    component = wid_mocks.one(COMPONENT)
    assert all(r.parent == component.urn for r in wid_mocks.resources[1:])
    assert wid_mocks.component_outputs[component.urn]["member"] == f"serviceAccount:{email}"


def test_gsa_in_another_project_keeps_the_clusters_pool(wid_mocks):
    out = build(wid_mocks, {"identity": identity(name="payments-api"), "project": "cluster-project",
                            "gsa_project": "identity-project"})
    assert wid_mocks.one(ACCOUNT).inputs["project"] == "identity-project"
    email = "apps-payments-api@identity-project.iam.gserviceaccount.com"
    assert wid_mocks.one(WI_USER).inputs == {
        "serviceAccountId": f"projects/identity-project/serviceAccounts/{email}",
        "role": "roles/iam.workloadIdentityUser",
        "member": "serviceAccount:cluster-project.svc.id.goog[apps/api]",
    }
    assert wid_mocks.one(WI_USER).inputs["member"] != "serviceAccount:identity-project.svc.id.goog[apps/api]"
    assert out["gcp_service_account_email"] == email


def test_derived_account_id_for_short_and_dotted_names(wid_mocks):
    build(wid_mocks, {"identity": identity(service_account="api.v1"), "project": "my-project"})
    account_id = wid_mocks.one(ACCOUNT).inputs["accountId"]
    assert account_id.startswith("apps-api-v1-") and 6 <= len(account_id) <= 30
    assert wid_mocks.one(WI_USER).inputs["member"] == "serviceAccount:my-project.svc.id.goog[apps/api.v1]"


def test_explicit_account_id(wid_mocks):
    build(wid_mocks, {"identity": identity(), "project": "my-project", "account_id": "orders-reader"})
    assert wid_mocks.one(ACCOUNT).inputs["accountId"] == "orders-reader"


def test_existing_service_account_creates_no_account(wid_mocks):
    email = "porter-app@shared-ids.iam.gserviceaccount.com"
    out = build(wid_mocks, {"identity": identity(), "project": "my-project", "existing_service_account_email": email,
                            "bindings": [{"role": "roles/storage.objectViewer", "resource_type": "storage_bucket",
                                          "resource": "data"}]})
    assert ACCOUNT not in wid_mocks.types()
    assert wid_mocks.one(WI_USER).inputs == {
        "serviceAccountId": f"projects/shared-ids/serviceAccounts/{email}",
        "role": "roles/iam.workloadIdentityUser",
        "member": "serviceAccount:my-project.svc.id.goog[apps/api]",
    }
    bucket = wid_mocks.one("gcp:storage/bucketIAMMember:BucketIAMMember")
    assert bucket.inputs["member"] == f"serviceAccount:{email}"
    assert wid_mocks.one(SA).inputs["metadata"]["annotations"] == {"iam.gke.io/gcp-service-account": email}
    assert out["gcp_service_account_email"] == email


def test_existing_compute_default_account_uses_the_wildcard_project(wid_mocks):
    email = "123456789012-compute@developer.gserviceaccount.com"
    build(wid_mocks, {"identity": identity(), "project": "my-project", "existing_service_account_email": email})
    assert wid_mocks.one(WI_USER).inputs["serviceAccountId"] == f"projects/-/serviceAccounts/{email}"


def test_direct_mode(wid_mocks):
    out = build(wid_mocks, {"identity": identity(), "project": "my-project", "mode": "direct",
                            "project_number": "123456789012", "roles": ["roles/pubsub.viewer"],
                            "bindings": [{"role": "roles/storage.objectViewer", "resource_type": "storage_bucket",
                                          "resource": "data"}]})
    types = wid_mocks.types()
    assert ACCOUNT not in types and WI_USER not in types
    assert wid_mocks.one(PROJECT_MEMBER).inputs == {"project": "my-project", "role": "roles/pubsub.viewer",
                                                    "member": PRINCIPAL}
    bucket = wid_mocks.one("gcp:storage/bucketIAMMember:BucketIAMMember")
    assert bucket.inputs == {"bucket": "data", "role": "roles/storage.objectViewer", "member": PRINCIPAL}
    # negative: the principal names exactly this namespace and KSA
    assert bucket.inputs["member"] != PRINCIPAL.replace("/ns/apps/", "/ns/other/")
    assert bucket.inputs["member"] != PRINCIPAL.replace("/sa/api", "/sa/worker")
    sa = wid_mocks.one(SA)
    assert sa.inputs["metadata"] == {"name": "api", "namespace": "apps"}  # direct access: no annotation at all
    assert bucket.urn in sa.depends_on
    assert out["gcp_service_account_email"] is None
    assert out["member"] == PRINCIPAL
    assert out["service_account_annotations"] == {}


def test_direct_mode_accepts_an_int_project_number(wid_mocks):
    out = build(wid_mocks, {"identity": identity(), "project": "my-project", "mode": "direct",
                            "project_number": 123456789012})
    assert out["member"] == PRINCIPAL


def test_every_binding_kind_and_its_inputs(wid_mocks):
    bindings = [
        ("storage_bucket", "data", "gcp:storage/bucketIAMMember:BucketIAMMember", {"bucket": "data"}),
        ("secret", "projects/other-proj/secrets/db", "gcp:secretmanager/secretIamMember:SecretIamMember",
         {"secretId": "db", "project": "other-proj"}),
        ("pubsub_topic", "orders", "gcp:pubsub/topicIAMMember:TopicIAMMember", {"topic": "orders", "project": "my-project"}),
        ("pubsub_subscription", "orders-worker", "gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember",
         {"subscription": "orders-worker", "project": "my-project"}),
        ("artifact_registry_repository", "us-central1/images",
         "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember",
         {"repository": "images", "location": "us-central1", "project": "my-project"}),
        ("bigquery_dataset", "analytics", "gcp:bigquery/datasetIamMember:DatasetIamMember",
         {"datasetId": "analytics", "project": "my-project"}),
    ]
    build(wid_mocks, {"identity": identity(name="payments-api"), "project": "my-project",
                      "bindings": [{"role": "roles/browser",
                                    "resource_type": kind, "resource": res} for kind, res, _, _ in bindings]})
    member = "serviceAccount:apps-payments-api@my-project.iam.gserviceaccount.com"
    sa = wid_mocks.one(SA)
    for _kind, _res, token, target in bindings:
        record = wid_mocks.one(token)
        assert record.inputs == {**target, "role": "roles/browser", "member": member}
        assert record.name.startswith("api-binding-")
        assert record.urn in sa.depends_on
    assert "IAMBinding" not in " ".join(wid_mocks.types()) and "Policy" not in " ".join(wid_mocks.types())


def test_binding_names_are_stable_and_independent_of_position():
    a = {"role": "roles/storage.objectViewer", "resource_type": "storage_bucket", "resource": "data"}
    b = {"role": "roles/pubsub.publisher", "resource_type": "pubsub_topic", "resource": "orders"}
    names = []
    for bindings in ([a, b], [b, a]):
        mocks = install(WidMocks())
        build(mocks, {"identity": identity(), "project": "my-project", "bindings": bindings})
        names.append(sorted(r.name for r in mocks.resources))
    assert names[0] == names[1]


def test_autopilot_drops_the_node_selector(wid_mocks):
    out = build(wid_mocks, {"identity": identity(), "project": "my-project", "autopilot": True})
    assert out["pod_template_patch"] == {"spec": {"serviceAccountName": "api"}}


def test_pod_template_patch_merges_into_a_deployment(wid_mocks):
    out = build(wid_mocks, {"identity": identity(), "project": "my-project"})
    spec = {"selector": {"matchLabels": {"app": "api"}},
            "template": {"metadata": {"labels": {"app": "api"}}, "spec": {"containers": [{"name": "api"}]}}}
    merged = merge_pod_template(spec, out["pod_template_patch"])
    assert merged["template"]["spec"]["serviceAccountName"] == "api"
    assert merged["template"]["spec"]["nodeSelector"] == {"iam.gke.io/gke-metadata-server-enabled": "true"}
    spec["template"]["spec"]["hostNetwork"] = True
    with pytest.raises(ValidationError, match="host network"):
        merge_pod_template(spec, out["pod_template_patch"])


def test_patch_and_none_modes(wid_mocks):
    build(wid_mocks, {"identity": identity(service_account_mode="patch", name="payments-api"), "project": "my-project"})
    assert SA not in wid_mocks.types()
    patch = wid_mocks.one(SA_PATCH)
    assert patch.inputs["metadata"]["annotations"] == {
        "iam.gke.io/gcp-service-account": "apps-payments-api@my-project.iam.gserviceaccount.com"}
    assert wid_mocks.one(WI_USER).urn in patch.depends_on


def test_none_mode_creates_nothing_in_kubernetes(wid_mocks):
    out = build(wid_mocks, {"identity": identity(service_account_mode="none", name="payments-api"),
                            "project": "my-project"})
    assert not [t for t in wid_mocks.types() if t.startswith("kubernetes:")]
    assert out["service_account_annotations"] == {
        "iam.gke.io/gcp-service-account": "apps-payments-api@my-project.iam.gserviceaccount.com"}


def test_tags_go_into_the_description(wid_mocks):
    build(wid_mocks, {"identity": identity(tags={"team": "payments", "env": "prod"}), "project": "my-project"})
    assert wid_mocks.one(ACCOUNT).inputs["description"] == (
        "Workload identity of Kubernetes ServiceAccount apps/api (pulumi-wid); tags: env=prod, team=payments")


def test_explicit_providers_reach_every_child(wid_mocks):
    def program():
        gcp_provider = gcp.Provider("gcp-prod", project="my-project")
        k8s_provider = k8s.Provider("k8s-prod", kubeconfig="{}")
        GkeWorkloadIdentity("api", {"identity": identity(), "project": "my-project", "roles": ["roles/cloudtrace.agent"],
                                    "bindings": [{"role": "roles/storage.objectViewer", "resource_type": "storage_bucket",
                                                  "resource": "data"}]},
                            pulumi.ResourceOptions(providers=[gcp_provider, k8s_provider]))

    wid_mocks.run(program)
    gcp_ref = wid_mocks.named("gcp-prod").urn
    k8s_ref = wid_mocks.named("k8s-prod").urn
    children = [r for r in wid_mocks.resources if r.parent_type == COMPONENT]
    assert len(children) == 5
    for child in children:
        expected = k8s_ref if child.type.startswith("kubernetes:") else gcp_ref
        assert child.provider.startswith(expected + "::"), (child.type, child.provider)


def test_output_valued_inputs(wid_mocks):
    def program():
        c = GkeWorkloadIdentity("api", {
            "identity": identity(), "project": pulumi.Output.from_input("my-project"),
            "bindings": [{"role": pulumi.Output.from_input("roles/secretmanager.secretAccessor"),
                          "resource_type": "secret",
                          "resource": pulumi.Output.from_input("projects/other-proj/secrets/db")}]})
        return c.member

    member = wid_mocks.run(program)
    assert member == "serviceAccount:apps-api@my-project.iam.gserviceaccount.com"
    secret = wid_mocks.one("gcp:secretmanager/secretIamMember:SecretIamMember")
    assert secret.inputs == {"secretId": "db", "project": "other-proj", "role": "roles/secretmanager.secretAccessor",
                             "member": member}
    assert wid_mocks.one(WI_USER).inputs["member"] == "serviceAccount:my-project.svc.id.goog[apps/api]"


@pytest.mark.parametrize(
    "extra,match",
    [
        ({"project": pulumi.Output.from_input("Not A Project")}, r"project: 'Not A Project' is invalid"),
        ({"roles": [pulumi.Output.from_input("roles/owner")]}, r"roles\[0\]: 'roles/owner' is invalid: basic roles"),
        ({"existing_service_account_email": pulumi.Output.from_input("nope")},
         "existing_service_account_email: 'nope' is invalid"),
    ],
)
def test_output_valued_input_is_checked_when_it_resolves(wid_mocks, extra, match):
    def program():
        GkeWorkloadIdentity("api", {"identity": identity(), "project": "my-project", **extra})

    with pytest.raises(Exception, match=match):
        wid_mocks.run(program)


def test_same_inputs_give_identical_registrations():
    runs = []
    for _ in range(2):
        mocks = install(WidMocks())
        build(mocks, {"identity": identity(service_account="a.very.long.kubernetes.service-account.name"),
                      "project": "my-project", "roles": ["roles/cloudtrace.agent", "projects/my-project/roles/reader"]})
        runs.append([(r.type, r.name, sorted(r.inputs.items(), key=str)) for r in mocks.resources])
    assert runs[0] == runs[1]


BASIC = {"identity": identity(), "project": "my-project"}
BAD = [
    ({"roles": ["roles/owner"]}, "roles[0]", "basic roles"),
    ({"roles": ["roles/editor"]}, "roles[0]", "basic roles"),
    ({"roles": ["roles/viewer"]}, "roles[0]", "basic roles"),
    ({"roles": ["roles/Owner"]}, "roles[0]", "basic roles"),
    ({"roles": ["roles/storage.objectViewer", "roles/OWNER"]}, "roles[1]", "basic roles"),
    ({"bindings": [{"role": "roles/Editor", "resource_type": "storage_bucket", "resource": "data"}]},
     "bindings[0].role", "basic roles"),
    ({"roles": ["roles/IAM.serviceAccountTokenCreator"]}, "roles[0]", "every service account of the project"),
    ({"bindings": [{"role": "roles/editor", "resource_type": "storage_bucket", "resource": "data"}]},
     "bindings[0].role", "basic roles"),
    ({"roles": ["storage.admin"]}, "roles[0]", "did you mean 'roles/storage.admin'"),
    ({"roles": ["roles/cloudtrace.agent", "roles/cloudtrace.agent"]}, "roles", "twice"),
    ({"account_id": "ab"}, "account_id", "service account id"),
    ({"account_id": "a" * 31}, "account_id", "service account id"),
    ({"account_id": "Payments_API"}, "account_id", "service account id"),
    ({"existing_service_account_email": "payments@my-project"}, "existing_service_account_email", "email"),
    ({"existing_service_account_email": "serviceAccount:apps-payments-api@my-project.iam.gserviceaccount.com"},
     "existing_service_account_email", "email"),
    ({"existing_service_account_email": "apps-payments-api@my-project.iam.gserviceaccount.com", "account_id": "payments-api"},
     "account_id", "does not create"),
    ({"existing_service_account_email": "apps-payments-api@my-project.iam.gserviceaccount.com", "gsa_project": "other-proj"},
     "gsa_project", "does not create"),
    ({"project": "My Project"}, "project", "6-30"),
    ({"project": "123456789012"}, "project", "project number, not a project id"),
    ({"project": "example.com:legacy-proj"}, "project", "domain-scoped"),
    ({"gsa_project": "x"}, "gsa_project", "6-30"),
    ({"mode": "direct"}, "project_number", "direct mode needs"),
    ({"mode": "direct", "project_number": "my-project"}, "project_number", "digits"),
    ({"mode": "direct", "project_number": "1234", "account_id": "payments-api"}, "account_id", "mode='service_account'"),
    ({"mode": "direct", "project_number": "1234", "gsa_project": "other-proj"}, "gsa_project", "mode='service_account'"),
    ({"mode": "direct", "project_number": "1234",
      "existing_service_account_email": "apps-payments-api@my-project.iam.gserviceaccount.com"},
     "existing_service_account_email", "mode='service_account'"),
    ({"project_number": "1234"}, "project_number", "mode='direct'"),
    ({"mode": "gsa"}, "mode", "one of"),
    ({"autopilot": "yes"}, "autopilot", "true or false"),
    ({"allow_basic_roles": 1}, "allow_basic_roles", "true or false"),
    ({"bindings": [{"role": "roles/storage.objectViewer", "resource_type": "bucket", "resource": "data"}]},
     "bindings[0].resource_type", "did you mean 'storage_bucket'"),
    ({"bindings": [{"role": "roles/storage.objectViewer", "resource_type": "storage_bucket", "resource": "gs://data"}]},
     "bindings[0].resource", "gs://"),
    ({"bindings": [{"role": "roles/artifactregistry.reader", "resource_type": "artifact_registry_repository",
                    "resource": "images"}]}, "bindings[0].resource", "location is required"),
    ({"bindings": [{"role": "roles/storage.objectViewer", "resource_type": "storage_bucket"}]},
     "bindings[0].resource", "is required"),
    ({"bindings": [{"role": "roles/storage.objectViewer", "resource_type": "storage_bucket", "resource": "d1",
                    "condition": "x"}]}, "bindings[0].condition", "not a known key"),
    ({"bindings": ["roles/storage.objectViewer"]}, "bindings[0]", "must be a dict"),
    ({"roles": "roles/cloudtrace.agent"}, "roles", "must be a list"),
    ({"projct": "my-project"}, "projct", "did you mean 'project'"),
    ({"identity": identity(namespace="Apps")}, "identity.namespace", "DNS-1123 label"),
    ({"identity": identity(tags={f"tag{i}": "x" * 20 for i in range(12)})}, "identity.tags", "no labels"),
]


@pytest.mark.parametrize("extra,field,match", BAD)
def test_bad_input_is_refused_before_anything_registers(wid_mocks, extra, field, match):
    with pytest.raises(ValidationError, match=match) as err:
        build(wid_mocks, {**BASIC, **extra})
    assert err.value.field == field
    assert wid_mocks.resources == []


def test_missing_project_is_refused(wid_mocks):
    with pytest.raises(ValidationError, match="is required") as err:
        build(wid_mocks, {"identity": identity()})
    assert err.value.field == "project"
    assert wid_mocks.resources == []


def test_basic_roles_with_opt_in(wid_mocks):
    build(wid_mocks, {**BASIC, "roles": ["roles/viewer"], "allow_basic_roles": True})
    assert wid_mocks.one(PROJECT_MEMBER).inputs["role"] == "roles/viewer"


def test_importing_gcp_does_not_import_other_clouds():
    code = (
        "import sys\n"
        "from pulumi_wid import GkeWorkloadIdentity\n"
        "bad = [m for m in sys.modules if m.startswith(('pulumi_azure_native', 'pulumi_aws'))]\n"
        "assert 'pulumi_gcp' in sys.modules\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


class _ClusterMocks(WidMocks):
    def _call(self, token, args):
        if token == "gcp:container/getCluster:getCluster":
            return {"name": args.get("name"), "endpoint": "203.0.113.10",
                    "masterAuths": [{"clusterCaCertificate": "Q0E="}]}
        return super()._call(token, args)


def test_example_program_runs_under_the_mocks():
    import pathlib
    import runpy

    mocks = install(_ClusterMocks(), project="wid-gcp-gke")
    pulumi.runtime.set_config("wid-gcp-gke:project", "my-project")
    example = pathlib.Path(__file__).resolve().parents[2] / "examples" / "gcp-gke" / "__main__.py"
    mocks.run(lambda: runpy.run_path(str(example)))
    assert mocks.named("api-workload-identity-user").inputs["member"] == (
        "serviceAccount:my-project.svc.id.goog[payments/api]")
    assert "annotations" not in mocks.named("worker-service-account").inputs["metadata"]
    worker_grant = [r for r in mocks.resources if r.name.startswith("worker-binding-")]
    assert [r.inputs["member"] for r in worker_grant] == [PRINCIPAL.replace("/ns/apps/sa/api", "/ns/payments/sa/worker")]
    for name in ("api", "worker"):
        template = mocks.named(name + "-service-account") and [
            r for r in mocks.resources if r.type == "kubernetes:apps/v1:Deployment" and r.name == name][0]
        assert template.inputs["spec"]["template"]["spec"]["serviceAccountName"] == name


@pytest.mark.parametrize("role", ["roles/iam.serviceAccountTokenCreator", "roles/iam.serviceAccountUser",
                                  "roles/iam.workloadIdentityUser", "roles/resourcemanager.projectIamAdmin"])
def test_project_wide_escalation_roles_are_refused(wid_mocks, role):
    with pytest.raises(ValidationError, match="every service account of the project") as err:
        build(wid_mocks, {**BASIC, "roles": ["roles/storage.objectViewer", role]})
    assert (err.value.field, err.value.value) == ("roles[1]", role)
    assert "allow_project_escalation_roles=True" in err.value.fix
    assert wid_mocks.resources == []


def test_escalation_roles_with_opt_in_and_on_one_resource(wid_mocks):
    build(wid_mocks, {**BASIC, "roles": ["roles/iam.serviceAccountTokenCreator"], "allow_project_escalation_roles": True})
    assert wid_mocks.one(PROJECT_MEMBER).inputs["role"] == "roles/iam.serviceAccountTokenCreator"


def test_escalation_role_check_applies_to_output_roles(wid_mocks):
    def program():
        GkeWorkloadIdentity("api", {**BASIC, "roles": [pulumi.Output.from_input("roles/iam.serviceAccountUser")]})

    with pytest.raises(Exception, match=r"roles\[0\]: 'roles/iam.serviceAccountUser' is invalid"):
        wid_mocks.run(program)
