"""WidMocks.component_outputs: a component's registered outputs, decoded when read."""

from google.protobuf import struct_pb2

from pulumi_wid.testing import _ComponentOutputs


def _struct(**values):
    message = struct_pb2.Struct()
    message.update(values)
    return message


def test_outputs_read_back_as_plain_values_and_a_later_registration_wins():
    outputs = _ComponentOutputs()
    first = _struct(role_arn="arn:aws:iam::123456789012:role/a", namespace="apps")
    outputs._record("urn:a", first)
    first["namespace"] = "changed after the call"  # the message is copied when recorded
    assert outputs["urn:a"] == {"role_arn": "arn:aws:iam::123456789012:role/a", "namespace": "apps"}
    outputs._record("urn:a", _struct(role_arn="arn:aws:iam::123456789012:role/b"))
    assert outputs["urn:a"] == {"role_arn": "arn:aws:iam::123456789012:role/b"}
    assert dict(outputs) == {"urn:a": {"role_arn": "arn:aws:iam::123456789012:role/b"}}


def test_membership_does_not_decode_and_an_unknown_urn_is_a_key_error():
    outputs = _ComponentOutputs()
    outputs._record("urn:a", _struct(x="1"))
    assert "urn:a" in outputs and "urn:b" not in outputs
    assert outputs._decoded == {}
    assert outputs.get("urn:b") is None and len(outputs) == 1
    assert "urn:a" in repr(outputs)
