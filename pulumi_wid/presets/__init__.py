"""Least-privilege presets for the add-ons every cluster runs (pure: no Pulumi, no cloud SDK).

One function per add-on and cloud (``pulumi_wid.presets.aws``, ``.azure``, ``.gcp``).
Each takes the resources the add-on works on (hosted zones, KMS keys, buckets,
secrets, vaults, managed zones...) and returns a *fragment*: a plain dict

``name``
    the preset's name (``"external-dns"``), the key of ``provenance.json``;
``cloud``
    ``"aws"``, ``"azure"`` or ``"gcp"``;
``parameters``
    the keyword arguments it was built from (what a component's ``preset`` argument
    carries: ``{"name": ..., "parameters": {...}}``);
``identity``
    ``{"namespace", "service_account"}`` the add-on's Helm chart uses by default
    (each overridable with the ``namespace=`` / ``service_account=`` parameters, or by
    the component's own ``identity``);
``provenance``
    the upstream document the permissions follow (project, path, commit or version);
and the grants, in the shape the cloud's component takes: ``policy_statements``,
``account_wide_statements`` and ``managed_policy_arns`` (AWS), ``role_assignments``
(Azure), ``bindings`` and ``roles`` (GCP).

Every preset is scoped to what the caller names. A preset refuses to build
(``ValidationError``) without the resources it needs, and grants that IAM cannot
scope to named resources (an EBS volume the driver has yet to create) are built only
with an explicit, named opt-in (``allow_account_wide=True`` on AWS,
``allow_project_wide=True`` on GCP). Values may be Outputs: they are put into the
fragment as they are and checked by the component once known.
"""

from __future__ import annotations

import difflib
import inspect
import json
from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import ValidationError
from ..validation import is_unknown

CLOUDS = ("aws", "azure", "gcp")
PROVENANCE_FILE = Path(__file__).with_name("provenance.json")
# Keys of a fragment besides the grants: informational, or what the component rebuilds from.
FRAGMENT_KEYS = ("name", "cloud", "parameters", "identity", "provenance", "alternative")
GRANT_KEYS = {
    "aws": ("policy_statements", "account_wide_statements", "managed_policy_arns"),
    "azure": ("role_assignments",),
    "gcp": ("bindings", "roles"),
}


@lru_cache(maxsize=1)
def provenance() -> dict[str, Any]:
    """The shipped provenance table: ``{cloud: {preset name: {project, path, commit|version, ...}}}``."""
    return json.loads(PROVENANCE_FILE.read_text(encoding="utf-8"))


def catalogue(cloud: str) -> dict[str, Callable[..., dict[str, Any]]]:
    """``{preset name: function}`` of one cloud, in the order the module defines them."""
    if cloud not in CLOUDS:
        raise ValidationError("preset.cloud", cloud, f"must be one of {', '.join(CLOUDS)}")
    module = _module(cloud)
    return dict(module.PRESETS)


def _module(cloud: str) -> Any:
    if cloud == "aws":
        from . import aws as module
    elif cloud == "azure":
        from . import azure as module
    else:
        from . import gcp as module
    return module


def build(cloud: str, name: Any, parameters: Any = None) -> dict[str, Any]:
    """The fragment of preset ``name`` of ``cloud`` built from ``parameters`` (a dict).

    Unknown names and parameters are ``ValidationError``s naming the closest ones.
    """
    presets = catalogue(cloud)
    if not isinstance(name, str) or name not in presets:
        close = difflib.get_close_matches(str(name), list(presets), n=3, cutoff=0.5)
        raise ValidationError(
            "preset.name", name, f"is not a {cloud} preset ({', '.join(presets)})",
            f"did you mean {' or '.join(repr(c) for c in close)}?" if close else "pick one of the names listed",
        )
    parameters = {} if parameters is None else parameters
    if not isinstance(parameters, Mapping):
        raise ValidationError("preset.parameters", parameters, "must be a dict of the preset's keyword arguments")
    function = presets[name]
    accepted = [p for p in inspect.signature(function).parameters if p != "self"]
    for key in parameters:
        if key not in accepted:
            close = difflib.get_close_matches(str(key), accepted, n=1, cutoff=0.6)
            raise ValidationError(
                f"preset.parameters.{key}", parameters[key], f"is not a parameter of the {cloud} preset {name!r}",
                f"did you mean {close[0]!r}?" if close else f"its parameters: {', '.join(accepted)}",
            )
    missing = [
        p.name for p in inspect.signature(function).parameters.values()
        if p.default is inspect.Parameter.empty and p.name not in parameters
    ]
    if missing:
        raise ValidationError(
            f"preset.parameters.{missing[0]}", None, f"the {cloud} preset {name!r} needs {', '.join(missing)}",
            "name the resources the add-on works on",
        )
    return function(**parameters)


def resolve(cloud: str, value: Any) -> dict[str, Any] | None:
    """A component's ``preset`` argument as a fragment, rebuilt from its name and parameters.

    ``value`` is ``{"name": ..., "parameters": {...}}`` or a whole fragment a preset
    function returned. The grants are always rebuilt from the catalogue, so what the
    component grants is exactly what the named preset builds; a fragment whose grants
    were edited (and differ where both are known) is refused rather than silently
    replaced.
    """
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise ValidationError(
            "preset", value, "must be a dict: {'name': <preset>, 'parameters': {...}} or a fragment a preset function returned",
            f"for example pulumi_wid.presets.{cloud}.external_dns(...)",
        )
    allowed = FRAGMENT_KEYS + GRANT_KEYS[cloud]
    for key in value:
        if key not in allowed:
            raise ValidationError(f"preset.{key}", value[key], "is not a key of a preset", f"known keys: {', '.join(allowed)}")
    if value.get("cloud", cloud) != cloud:
        raise ValidationError("preset.cloud", value.get("cloud"), f"is a {value.get('cloud')} preset; this component takes {cloud} presets")
    fragment = build(cloud, value.get("name"), value.get("parameters"))
    for key in GRANT_KEYS[cloud]:
        if key in value and not _same(value[key], fragment.get(key)):
            raise ValidationError(
                f"preset.{key}", value[key], f"differs from what the preset {fragment['name']!r} builds from its parameters",
                "pass the fragment unchanged; put extra grants in the component's own arguments",
            )
    return fragment


def _same(given: Any, built: Any) -> bool:
    """Equal where both are known (an Output on either side matches anything)."""
    if is_unknown(given) or is_unknown(built):
        return True
    if isinstance(given, Mapping) and isinstance(built, Mapping):
        return given.keys() == built.keys() and all(_same(given[k], built[k]) for k in given)
    if isinstance(given, (list, tuple)) and isinstance(built, (list, tuple)):
        return len(given) == len(built) and all(_same(a, b) for a, b in zip(given, built, strict=True))
    return bool(given == built)


def with_identity(args: Mapping[str, Any], fragment: Mapping[str, Any] | None) -> dict[str, Any]:
    """``args`` with the preset's default namespace and ServiceAccount filled in where the caller gave none."""
    merged = dict(args)
    if fragment is None:
        return merged
    identity = merged.get("identity")
    if identity is None:
        merged["identity"] = dict(fragment["identity"])
    elif isinstance(identity, Mapping):
        merged["identity"] = {**fragment["identity"], **identity}
    return merged


def merge_args(cloud: str, args: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """A component's args with its ``preset`` merged in, and the preset's fragment (None without one).

    The preset's default namespace and ServiceAccount fill in what ``identity`` leaves out;
    on Azure and GCP its ``role_assignments`` / ``bindings`` and ``roles`` follow the
    caller's own. AWS keeps the statements apart (the component puts them into managed
    policies of their own), so only the identity is merged there.
    """
    value = args.get("preset")
    fragment = resolve(cloud, value)
    merged = with_identity(args, fragment)
    merged.pop("preset", None)
    if fragment is not None and cloud != "aws":
        for key in GRANT_KEYS[cloud]:
            own = merged.get(key)
            if own is None or isinstance(own, (list, tuple)):  # anything else: the component's own check refuses it
                merged[key] = [*(own or []), *fragment[key]]
    return merged, fragment


# -- helpers the catalogue modules share --------------------------------------------
def fragment(cloud: str, name: str, parameters: Mapping[str, Any], namespace: str, service_account: str,
             **grants: Any) -> dict[str, Any]:
    """A fragment in the documented shape (keys in a fixed order: byte-identical output)."""
    result: dict[str, Any] = {
        "name": name,
        "cloud": cloud,
        "parameters": dict(parameters),
        "identity": {"namespace": namespace, "service_account": service_account},
    }
    for key in GRANT_KEYS[cloud]:
        result[key] = grants.pop(key, [])
    if grants.get("alternative"):
        result["alternative"] = grants.pop("alternative")
    grants.pop("alternative", None)
    if grants:
        raise TypeError(f"unknown grant keys {sorted(grants)}")
    result["provenance"] = provenance()[cloud][name]
    return result


def join(*parts: Any) -> Any:
    """The parts joined into one string; an Output of it when a part is an Output."""
    if not any(is_unknown(p) for p in parts):
        return "".join(parts)
    from .._outputs import fmt  # only reached with an Output, so Pulumi is already loaded

    return fmt(lambda *values: "".join(values), *parts)


def str_list(field: str, value: Any, required: bool, what: str, fix: str) -> list[Any]:
    """A list of strings (or Outputs of them); refused when empty and ``required``, or when it holds a duplicate."""
    if value is None:
        value = []
    if isinstance(value, str) or is_unknown(value) or not isinstance(value, (list, tuple)):
        raise ValidationError(field, value, f"must be a list of {what}", fix)
    if required and not value:
        raise ValidationError(field, value, f"lists no {what}: the preset grants only on resources you name", fix)
    for index, item in enumerate(value):
        if not isinstance(item, str) and not is_unknown(item):
            raise ValidationError(f"{field}[{index}]", item, f"must be a string ({what})", fix)
    plain = [v for v in value if isinstance(v, str)]
    for index, item in enumerate(plain):
        if item in plain[:index]:
            raise ValidationError(field, item, "is listed twice", "list each resource once")
    return list(value)


def check_bool(field: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValidationError(field, value, "must be True or False")
    return value
