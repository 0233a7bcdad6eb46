"""Small helpers shared by the component tests."""

import json

import pulumi


def resolve_outputs(mocks, component, *names):
    """The resolved values of a component's output attributes."""
    return mocks.resolve({n: getattr(component, n) for n in names})


def trust_of(record):
    return json.loads(record.inputs["assumeRolePolicy"])


def provider(mocks, ctor, name, **kwargs):
    return ctor(name, **kwargs)


__all__ = ["pulumi", "resolve_outputs", "trust_of", "provider"]
