"""The shared component skeleton (pulumi_wid/_component.py, _outputs.after): outputs, their
dependencies and what is registered, whichever way the SDK lets them be made (issue 19)."""

from typing import Any

import pulumi
import pulumi_kubernetes as k8s
import pytest

from pulumi_wid import EksPodIdentity, GkeWorkloadIdentity, _outputs
from pulumi_wid._component import WidComponent
from pulumi_wid.aws.component import EksPodIdentity as EksClass

EKS_ARGS = {"identity": {"namespace": "apps", "service_account": "api"}, "cluster_name": "prod",
            "policy_statements": [{"Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::d/*"]}]}
IRSA_ARGS = {"identity": {"namespace": "apps", "service_account": "api"}, "mode": "irsa",
             "oidc_provider_arn": "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC"}
SA = "kubernetes:core/v1:ServiceAccount"
ASSOCIATION = "aws:eks/podIdentityAssociation:PodIdentityAssociation"


def _outputs_and_deps(mocks, args):
    def program():
        c = EksPodIdentity("api", args)
        k8s.core.v1.ConfigMap("probe", metadata={"namespace": "apps"},
                              data={"sa": c.service_account_name, "ns": c.namespace,
                                    "annotations": c.service_account_annotations.apply(str),
                                    "patch": c.pod_template_patch.apply(str)})
        return {key: getattr(c, key) for key in ("role_arn", "role_name", "trust_policy", "association_id",
                                                 "target_role_arn", "service_account_name", "namespace",
                                                 "service_account_annotations", "pod_template_patch")}

    values = mocks.run(program)
    probe = mocks.named("probe")
    return values, probe


@pytest.mark.parametrize("fast", [True, False], ids=["sdk-records", "public-api"])
@pytest.mark.parametrize("args", [EKS_ARGS, IRSA_ARGS], ids=["pod-identity", "irsa"])
def test_outputs_are_the_registered_values_and_carry_the_chain(wid_mocks, monkeypatch, fast, args):
    # GIVEN the SDK's own record constructors, or (another SDK) only its public API
    if not fast:
        monkeypatch.setattr(_outputs, "_FROM_DATA", None)
    # WHEN a component's outputs feed another resource
    values, probe = _outputs_and_deps(wid_mocks, args)
    component = wid_mocks.one("wid:index:EksPodIdentity")
    registered = wid_mocks.component_outputs[component.urn]
    # THEN every attribute resolves to what was registered (None is not sent at all)
    assert {k: v for k, v in values.items() if v is not None} == registered
    assert values["namespace"] == "apps" and values["service_account_name"] == "api"
    assert values["pod_template_patch"] == {"spec": {"serviceAccountName": "api"}}
    assert values["target_role_arn"] is None and "target_role_arn" not in registered
    # AND what a pod needs is among the consumer's dependencies: the role, its grants, the
    # association (Pod Identity) and the ServiceAccount; nothing outside the component
    needed = {wid_mocks.one("aws:iam/role:Role").urn, wid_mocks.one(SA).urn}
    if args is EKS_ARGS:
        needed |= {wid_mocks.one(ASSOCIATION).urn, wid_mocks.one("aws:iam/rolePolicy:RolePolicy").urn}
    assert needed <= set(probe.depends_on)
    children = {r.urn for r in wid_mocks.resources if r.parent == component.urn}
    assert set(probe.depends_on) <= children


def test_irsa_annotations_hold_the_role_arn(wid_mocks):
    # GIVEN IRSA: the annotations hold an Output (the role's ARN)
    values, probe = _outputs_and_deps(wid_mocks, IRSA_ARGS)
    role = wid_mocks.one("aws:iam/role:Role")
    # THEN the annotation is the role's ARN, and the consumer waits for the role through it
    assert values["service_account_annotations"] == {"eks.amazonaws.com/role-arn": role.outputs["arn"]}
    assert role.urn in probe.depends_on


def test_an_output_read_twice_is_one_output_and_unknown_names_still_fail(wid_mocks):
    seen = {}

    def program():
        c = GkeWorkloadIdentity("api", {"identity": {"namespace": "apps", "service_account": "api"},
                                        "project": "my-project", "roles": ["roles/pubsub.subscriber"]})
        seen["same"] = c.namespace is c.namespace
        seen["type"] = isinstance(c.pod_template_patch, pulumi.Output)
        with pytest.raises(AttributeError, match="no attribute 'nope'"):
            c.nope  # noqa: B018
        return c.namespace

    assert wid_mocks.run(program) == "apps"
    assert seen == {"same": True, "type": True}


def test_resource_types_kept_per_component_class_are_the_sdks():
    # GIVEN the SDK's function, wrapped once per process by pulumi_wid._component
    from pulumi import _types

    wrapped = _types.resource_types
    original = wrapped.__wrapped__
    # THEN for each component class the kept answer is the SDK's, and a fresh dict each time
    for cls in (EksClass, GkeWorkloadIdentity):
        assert issubclass(cls, WidComponent)
        assert wrapped(cls) == original(cls)
        assert wrapped(cls) is not wrapped(cls)
    assert wrapped(EksClass)["pod_template_patch"] == dict[str, Any]
    # AND any other class goes to the SDK's function as before
    assert wrapped(k8s.core.v1.ServiceAccount) == original(k8s.core.v1.ServiceAccount)
