"""The multi-language provider: the components served to TypeScript, Go, .NET, Java and YAML.

Pulumi runs this package as a source-based component plugin (``PulumiPlugin.yaml``
at the repository root, entry point ``__main__.py``). The schema is inferred from
the components' type annotations by ``pulumi.provider.experimental``; the
package name ``wid`` matches the type tokens ``wid:index:<Class>``.

Regenerate the committed ``schema.json`` with::

    python -m pulumi_wid.provider --schema > schema.json

The host lives in an experimental namespace of the Pulumi SDK whose shape has
changed between releases; ``pyproject.toml`` asks for 3.237 or later, the first
release whose analyzer reads these components (docs/multi-language.md,
"Supported Pulumi versions").
"""

import json
import sys
from collections.abc import Sequence
from typing import Any

import pulumi
from pulumi.provider.experimental.analyzer import PropertyDefinition, PropertyType
from pulumi.provider.experimental.component import ComponentProvider

from . import __version__

PACKAGE = "wid"
"""Package name: the first part of every type token (``wid:index:EksPodIdentity``)."""


def components() -> list[type[pulumi.ComponentResource]]:
    """The components the plugin serves (importing every cloud's SDK)."""
    from .aws import EksPodIdentity
    from .azure import AksFederatedIdentity
    from .federation import AwsFederatedRole, AzureFederatedIdentity, GcpFederatedPrincipal
    from .gcp import GkeWorkloadIdentity

    return [EksPodIdentity, AksFederatedIdentity, GkeWorkloadIdentity,
            AwsFederatedRole, AzureFederatedIdentity, GcpFederatedPrincipal]


class WidComponentProvider(ComponentProvider):
    """Pulumi's ``ComponentProvider``, with integer inputs handed to the components as ``int``.

    Numbers reach a provider as protobuf doubles (``3600.0``). The 3.237-3.272 hosts mean
    to convert ``integer`` properties with ``int()`` but then overwrites the
    converted value with the raw float, and the components (rightly) refuse a float
    where they want whole seconds. Whole floats of ``integer`` properties become
    ``int`` here; any other value is passed on for the component to refuse.
    """

    def map_input_properties(
        self,
        inputs: Any,
        properties: dict[str, PropertyDefinition],
        mapping: dict[str, str],
        component_name: str,
        property_path: str,
    ) -> Any:
        mapped = super().map_input_properties(inputs, properties, mapping, component_name, property_path)
        for schema_name, prop in properties.items():
            value = mapped.get(mapping[schema_name])
            if prop.type == PropertyType.INTEGER and isinstance(value, float) and value.is_integer():
                mapped[mapping[schema_name]] = int(value)
        return mapped


def provider() -> WidComponentProvider:
    """The provider the plugin serves, with the package version."""
    return WidComponentProvider(components(), PACKAGE, None, __version__)


def schema() -> dict[str, Any]:
    """The package schema Pulumi generates from the components' annotations."""
    return json.loads(provider().schema or "{}")


def schema_text() -> str:
    """``schema()`` as the committed ``schema.json`` holds it (indented, trailing newline)."""
    return json.dumps(schema(), indent=2) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    """Serve the components to the Pulumi engine, or print the schema with ``--schema``.

    Does what ``pulumi.provider.experimental.component_provider_host`` does (which
    hard-codes ``ComponentProvider``) with ``WidComponentProvider`` instead.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["--schema"]:
        sys.stdout.write(schema_text())
        return
    from pulumi.provider import main as serve

    serve(provider(), args)


if __name__ == "__main__":
    main()
