"""validation (pure checks) and _outputs (the Output-aware helpers)."""

import pulumi
import pytest

from pulumi_wid import _outputs
from pulumi_wid.errors import ValidationError
from pulumi_wid.validation import (
    check_bool,
    check_choice,
    check_dns_label,
    check_dns_subdomain,
    check_int_range,
    check_k8s_annotations,
    check_k8s_key,
    check_k8s_labels,
    check_str_list,
    check_str_map,
    contains_unknown,
    first_duplicate,
    is_placeholder,
    is_unknown,
    refuse_for_mode,
    refuse_with_existing,
    reject_unknown_keys,
    require,
    short_hash,
    without_placeholders,
)

PLACEHOLDER = "<arn of jobs, known after deploy>"


def test_require_and_unknown_keys():
    assert require({"a": 1}, "a", "") == 1
    with pytest.raises(ValidationError, match="a.b: None is invalid: is required"):
        require({}, "b", "a")
    with pytest.raises(ValidationError, match="did you mean 'namespace'"):
        reject_unknown_keys("identity", {"namespce": "x"}, ["namespace", "service_account"])


def test_scalar_checks():
    assert check_bool("f", True) is True
    with pytest.raises(ValidationError, match="true or false"):
        check_bool("f", "yes")
    assert check_int_range("n", 5, 1, 10) == 5
    for bad in (0, True, 1.5):
        with pytest.raises(ValidationError):
            check_int_range("n", bad, 1, 10)
    with pytest.raises(ValidationError, match="did you mean 'irsa'"):
        check_choice("mode", "irsaa", ["pod_identity", "irsa"])


def test_collections_and_kubernetes_names():
    assert check_str_list("l", ("a",)) == ["a"]
    with pytest.raises(ValidationError, match="must be a list"):
        check_str_list("l", "a")
    with pytest.raises(ValidationError, match="values must be strings"):
        check_str_map("m", {"k": 1})
    assert check_dns_label("ns", "apps") == "apps"
    with pytest.raises(ValidationError, match="DNS-1123 label"):
        check_dns_label("ns", "Apps")
    assert check_dns_subdomain("sa", "api.v1") == "api.v1"
    check_k8s_labels("labels", {"example.com/team": "a"})
    with pytest.raises(ValidationError, match="label value"):
        check_k8s_labels("labels", {"team": "not ok"})
    with pytest.raises(ValidationError, match="Kubernetes key"):
        check_k8s_annotations("annotations", {"bad key": "x"})


def test_placeholders_are_recognised_only_when_asked():
    assert not is_placeholder(PLACEHOLDER)
    assert is_placeholder(PLACEHOLDER, placeholders=True)
    assert not is_placeholder("arn:aws:sqs:::jobs", placeholders=True)
    assert without_placeholders(f"/x/{PLACEHOLDER}", "0", placeholders=True) == "/x/0"
    assert without_placeholders(f"/x/{PLACEHOLDER}", "0") == f"/x/{PLACEHOLDER}"


def test_refusals_and_hashes():
    with pytest.raises(ValidationError, match="only applies when mode='irsa'"):
        refuse_for_mode({"oidc_issuer_url": "x"}, ["oidc_issuer_url"], "irsa")
    refuse_for_mode({"oidc_issuer_url": None}, ["oidc_issuer_url"], "irsa")
    with pytest.raises(ValidationError, match="cannot be applied to a role the component does not create"):
        refuse_with_existing({"role_name": "x"}, ["role_name"], "a role", "role_arn")
    assert first_duplicate(["a", "b", "a"]) == (0, 2) and first_duplicate(["a", "b"]) is None
    assert short_hash("a") == short_hash("a") != short_hash("b") and len(short_hash("a", size=6)) == 6


@pulumi.runtime.test
def test_output_helpers(wid_mocks):
    assert not is_unknown("x") and is_unknown(pulumi.Output.from_input("x"))
    assert contains_unknown({"a": [pulumi.Output.from_input(1)]}) and not contains_unknown({"a": [1]})
    assert _outputs.known("a", str.upper) == "A"
    assert _outputs.when_known(None, lambda v: 1 / 0) is None
    assert _outputs.fmt(lambda a, b: a + b, "x", "y") == "xy"
    later = _outputs.known(pulumi.Output.from_input(PLACEHOLDER), lambda v: 1 / 0, placeholders=True)
    joined = _outputs.fmt(lambda a, b: a + b, pulumi.Output.from_input("x"), "y")

    def refuse(values, first, second, later):
        raise ValidationError("l", values[second], f"twice ({first}, {second}, {later})")

    with pytest.raises(ValidationError, match=r"twice \(0, 1, False\)"):
        _outputs.unique(["a", "a"], lambda v: v, refuse)
    checked = _outputs.unique(["a", pulumi.Output.from_input("b")], lambda v: v, refuse)
    return pulumi.Output.all(later, joined, checked[1]).apply(lambda v: _expect(v, [PLACEHOLDER, "xy", "b"]))


def _expect(value, expected):
    assert value == expected


# -- issue 15: owned metadata keys, Kubernetes annotation size, Output labels on resolve ----------
def test_refuse_owned_keys_accepts_only_the_value_the_component_writes():
    from pulumi_wid.validation import refuse_owned_keys

    owned = {"x.io/role": ("arn:1", "pass role_arn"), "x.io/": (None, "the x.io/ keys are the component's")}
    refuse_owned_keys("identity.annotations", {"x.io/role": "arn:1", "team": "a"}, owned, "x.io/")
    with pytest.raises(ValidationError) as err:
        refuse_owned_keys("identity.annotations", {"x.io/role": "arn:2"}, owned, "x.io/")
    assert (err.value.field, err.value.value) == ("identity.annotations.x.io/role", "arn:2")
    assert "as 'arn:1'" in err.value.rule and err.value.fix.endswith("pass role_arn")
    with pytest.raises(ValidationError, match="x.io/ keys are the component's"):
        refuse_owned_keys("identity.annotations", {"x.io/other": "v"}, owned, "x.io/")


def test_annotations_are_limited_to_256_kib_with_room_for_the_components_own():
    from pulumi_wid.validation import ANNOTATIONS_RESERVE, K8S_ANNOTATIONS_LIMIT, check_k8s_annotations

    room = K8S_ANNOTATIONS_LIMIT - ANNOTATIONS_RESERVE
    check_k8s_annotations("identity.annotations", {"a": "v" * (room - 1)})  # key and value: exactly the room
    with pytest.raises(ValidationError, match="262144 bytes in total") as err:
        check_k8s_annotations("identity.annotations", {"a": "v" * room})
    assert err.value.value == f"{room + 1} bytes"
    with pytest.raises(ValidationError):  # bytes, not characters: 'é' is two
        check_k8s_annotations("identity.annotations", {"a": "é" * (room // 2)})


def test_output_label_values_and_annotations_are_checked_when_they_resolve(wid_mocks):
    from pulumi_wid import EksPodIdentity

    identity = {"namespace": "apps", "service_account": "api", "labels": {"app": pulumi.Output.from_input("not ok!")}}
    with pytest.raises(Exception, match=r"identity\.labels\.app.*label value"):
        wid_mocks.run(lambda: EksPodIdentity("api", {"identity": identity, "cluster_name": "prod"}))
    assert wid_mocks.of_type("kubernetes:core/v1:ServiceAccount") == []


def test_output_annotations_over_the_total_fail_when_they_resolve(wid_mocks):
    from pulumi_wid import EksPodIdentity

    big = pulumi.Output.from_input("v" * 200_000)
    identity = {"namespace": "apps", "service_account": "api", "annotations": {"a": big, "b": "w" * 70_000}}
    with pytest.raises(Exception, match=r"identity\.annotations.*262144 bytes"):
        wid_mocks.run(lambda: EksPodIdentity("api", {"identity": identity, "cluster_name": "prod"}))
    assert wid_mocks.of_type("kubernetes:core/v1:ServiceAccount") == []


@pytest.mark.parametrize("key", ["team", "example.com/team", "a.b-c/x_y.z", "A1"])
def test_k8s_keys_kubernetes_accepts(key):
    check_k8s_key("identity.labels", key)


@pytest.mark.parametrize("key", [
    "/team",  # an empty prefix: apimachinery IsQualifiedName "prefix part must be non-empty"
    "a/b/c",  # more than one '/'
    "Example.com/team",  # the prefix is a lower-case DNS subdomain
    "example.com/",  # an empty name
    "-team", "x" * 64,
])
def test_k8s_keys_kubernetes_refuses(key):
    with pytest.raises(ValidationError, match="Kubernetes key"):
        check_k8s_key("identity.labels", key)
