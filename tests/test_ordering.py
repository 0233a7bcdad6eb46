"""What a workload takes from a component waits for the identity (issue 14, item 1).

The EKS Pod Identity and Azure webhooks act only when a pod is admitted: a pod created
before its association, federated credential or ServiceAccount annotation runs without
credentials until it is restarted. A Deployment built from a component's outputs must
therefore record, in its dependencies, every resource that must exist first.
"""

import pulumi_kubernetes as k8s
import pytest

from pulumi_wid import AksFederatedIdentity, EksPodIdentity, GkeWorkloadIdentity, merge_pod_template

ISSUER_AKS = "https://eastus.oic.prod-aks.azure.com/11111111-1111-1111-1111-111111111111/abc/"
SPEC = {"selector": {"matchLabels": {"app": "api"}}, "template": {"metadata": {"labels": {"app": "api"}},
                                                                   "spec": {"containers": [{"name": "api", "image": "api"}]}}}
SA = "kubernetes:core/v1:ServiceAccount"

CASES = {
    "eks-pod-identity": (
        lambda: EksPodIdentity("api", {"identity": {"namespace": "apps", "service_account": "api"}, "cluster_name": "prod",
                                       "policy_statements": [{"Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::d/*"]}]}),
        ["aws:eks/podIdentityAssociation:PodIdentityAssociation", "aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy", SA],
    ),
    "eks-irsa": (
        lambda: EksPodIdentity("api", {"identity": {"namespace": "apps", "service_account": "api"}, "mode": "irsa",
                                       "oidc_provider_arn": "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1"
                                                            ".amazonaws.com/id/ABC",
                                       "managed_policy_arns": ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]}),
        ["aws:iam/role:Role", "aws:iam/rolePolicyAttachment:RolePolicyAttachment", SA],
    ),
    "aks": (
        lambda: AksFederatedIdentity("api", {"identity": {"namespace": "apps", "service_account": "api"},
                                             "resource_group_name": "rg", "location": "eastus",
                                             "oidc_issuer_url": ISSUER_AKS,
                                             "role_assignments": [{"role": "Reader", "scope": "/subscriptions/00000000-0000"
                                                                   "-0000-0000-000000000000/resourceGroups/rg"}]}),
        ["azure-native:managedidentity:FederatedIdentityCredential", "azure-native:authorization:RoleAssignment", SA],
    ),
    "gke": (
        lambda: GkeWorkloadIdentity("api", {"identity": {"namespace": "apps", "service_account": "api"},
                                            "project": "my-project", "roles": ["roles/pubsub.subscriber"]}),
        ["gcp:serviceaccount/iAMMember:IAMMember", "gcp:projects/iAMMember:IAMMember", SA],
    ),
}


def _urns(mocks, types):
    return sorted(r.urn for r in mocks.resources if r.type in types)


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_deployment_built_from_the_patch_waits_for_the_identity(wid_mocks, case):
    make, required = CASES[case]
    box = {}

    def program():
        component = make()
        box["patch"] = component.pod_template_patch
        k8s.apps.v1.Deployment("web", metadata={"namespace": "apps"},
                               spec=merge_pod_template(SPEC, component.pod_template_patch))
        return component.pod_template_patch

    # GIVEN a Deployment whose spec merges the component's pod_template_patch
    patch = wid_mocks.run(program)
    deployment = wid_mocks.one("kubernetes:apps/v1:Deployment")
    # THEN it depends on every resource a pod needs at admission, each of them
    wanted = _urns(wid_mocks, required)
    assert len(wanted) == len(required)
    assert set(wanted) <= set(deployment.depends_on)
    # AND on nothing else than the component's own children
    children = {r.urn for r in wid_mocks.resources if r.parent and r.parent_type.startswith("wid:index:")}
    assert set(deployment.depends_on) <= children
    # AND the patch's value is what it always was
    assert patch["spec"]["serviceAccountName"] == "api"
    assert deployment.inputs["spec"]["template"]["spec"]["serviceAccountName"] == "api"


def test_a_service_account_made_from_the_annotations_waits_for_the_association(wid_mocks):
    # GIVEN service_account_mode "none" (GitOps / own ServiceAccount): the user makes it from the outputs
    def program():
        c = EksPodIdentity("api", {"identity": {"namespace": "apps", "service_account": "api",
                                                "service_account_mode": "none"}, "cluster_name": "prod"})
        k8s.core.v1.ServiceAccount("mine", metadata={"name": c.service_account_name, "namespace": "apps",
                                                     "annotations": c.service_account_annotations})
        return {"annotations": c.service_account_annotations, "name": c.service_account_name}

    out = wid_mocks.run(program)
    mine = wid_mocks.named("mine")
    association = wid_mocks.one("aws:eks/podIdentityAssociation:PodIdentityAssociation")
    role = wid_mocks.one("aws:iam/role:Role")
    assert association.urn in mine.depends_on and role.urn in mine.depends_on
    assert out == {"annotations": {}, "name": "api"}  # values unchanged; nothing made in Kubernetes by the component
    assert [r for r in wid_mocks.resources if r.type == SA] == [mine]


def test_outputs_stay_known_in_a_preview():
    # URNs are known in a preview, so a dependency added through them leaves the values known
    from pulumi_wid.testing import WidMocks, install

    mocks = install(WidMocks(), preview=True)
    seen = {}

    def program():
        c = GkeWorkloadIdentity("api", {"identity": {"namespace": "apps", "service_account": "api"},
                                        "project": "my-project", "autopilot": True})
        c.pod_template_patch.apply(lambda v: seen.setdefault("patch", v))
        c.service_account_name.apply(lambda v: seen.setdefault("name", v))
        return c.pod_template_patch

    mocks.run(program)
    assert seen == {"patch": {"spec": {"serviceAccountName": "api"}}, "name": "api"}


@pytest.mark.parametrize(("case", "before"), [
    ("eks-pod-identity", "aws:eks/podIdentityAssociation:PodIdentityAssociation"),
    ("eks-irsa", "aws:iam/rolePolicyAttachment:RolePolicyAttachment"),
])
def test_the_components_own_service_account_comes_after_what_a_pod_needs(wid_mocks, case, before):
    # GIVEN an EKS component that creates the ServiceAccount (a pod naming it is admitted only once it exists)
    make, _ = CASES[case]
    wid_mocks.run(make)
    sa = wid_mocks.one(SA)
    # THEN it waits for the association (Pod Identity; which waits for the grants) or the grants (IRSA)
    role = wid_mocks.one("aws:iam/role:Role").urn
    if case == "eks-pod-identity":
        association = wid_mocks.one(before)
        assert sa.depends_on == [association.urn]
        assert sorted(association.depends_on) == sorted([role, wid_mocks.one("aws:iam/rolePolicy:RolePolicy").urn])
    else:  # the role through its ARN in the annotation, the grant by the explicit edge
        assert sorted(sa.depends_on) == sorted([role, wid_mocks.one(before).urn])


def test_a_policy_attached_to_role_name_waits_for_the_role(wid_mocks):
    # GIVEN a user's attachment built from the component's role_name (registered as the name the role was given)
    import pulumi_aws as aws

    def program():
        c = EksPodIdentity("api", {"identity": {"namespace": "apps", "service_account": "api"}, "cluster_name": "prod"})
        aws.iam.RolePolicyAttachment("extra", role=c.role_name, policy_arn="arn:aws:iam::aws:policy/ReadOnlyAccess")
        return c.role_name

    name = wid_mocks.run(program)
    extra, role = wid_mocks.named("extra"), wid_mocks.one("aws:iam/role:Role")
    # THEN it names the role and is created after it, as with the role's own output
    assert name == extra.inputs["role"] == role.outputs["name"] == "apps-api"
    assert role.urn in extra.depends_on
    assert wid_mocks.component_outputs[wid_mocks.one("wid:index:EksPodIdentity").urn]["role_name"] == "apps-api"
