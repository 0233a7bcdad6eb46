"""Small, shared checks used by every cloud module (pure: no Pulumi import).

Each check takes the field path and the value and raises ``ValidationError``
with the rule and the fix. The Output-aware helpers (``when_known`` and
friends) live in ``pulumi_wid._outputs``; this module only recognises an
Output (``is_unknown``) without importing Pulumi.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from .errors import ValidationError

try:  # Python 3.11+; re-exported for the args TypedDicts
    from typing import NotRequired as NotRequired
except ImportError:  # pragma: no cover - Python 3.10
    from typing_extensions import NotRequired as NotRequired

DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
DNS1123_SUBDOMAIN = re.compile(
    r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
)
# Kubernetes label/annotation key: optional DNS subdomain prefix + "/" + name.
_K8S_KEY_NAME = re.compile(r"^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$")
_K8S_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?)$")


_PLAIN = (str, int, float, bool, type(None))


def is_unknown(value: Any) -> bool:
    """True for values only known at deploy time (Outputs, awaitables).

    Pulumi is not imported here: without it loaded, no Output can exist.
    """
    if isinstance(value, _PLAIN):  # the common case, without the hasattr probe
        return False
    pulumi = sys.modules.get("pulumi")
    if pulumi is not None and isinstance(value, pulumi.Output):
        return True
    return hasattr(value, "__await__")


# ``pulumi-wid plan`` shows values only the cloud knows as "<what, known after deploy>".
# Checks accept them only when the caller says it is planning (``placeholders=True``).
PLACEHOLDER = re.compile(r"<[^<>]*, known after deploy>")


def is_placeholder(value: Any, placeholders: bool = False) -> bool:
    """True for a plan placeholder (a value known only after deployment) in placeholder mode."""
    return placeholders and isinstance(value, str) and PLACEHOLDER.fullmatch(value) is not None


def without_placeholders(value: str, stand_in: str, placeholders: bool = False) -> str:
    """``value`` with plan placeholders replaced by a well-formed stand-in, for shape checks."""
    return PLACEHOLDER.sub(stand_in, value) if placeholders else value


def contains_unknown(value: Any) -> bool:
    """True when an Output (or awaitable) sits anywhere in ``value``, through dicts, lists and tuples."""
    if isinstance(value, _PLAIN):  # before the Mapping check, which is an ABC check and slow
        return False
    if isinstance(value, (list, tuple)):
        for item in value:
            if not isinstance(item, _PLAIN) and contains_unknown(item):
                return True
        return False
    if isinstance(value, dict) or isinstance(value, Mapping):  # a dict without the ABC check
        for key, item in value.items():
            if not isinstance(item, _PLAIN) and contains_unknown(item):
                return True
            if not isinstance(key, str) and contains_unknown(key):
                return True
        return False
    return is_unknown(value)


def short_hash(*parts: str, size: int = 8) -> str:
    """A stable hex digest of ``parts`` (joined by a unit separator), for names and suffixes."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:size]


def check_tags(field: str, tags: Mapping[str, Any], *, cloud: str, limit: int, key_ok: Callable[[str], bool],
               key_rule: str, check_value: Callable[[str, str], Any], fix: str = "") -> None:
    """A cloud's tags: at most ``limit``, each key passing ``key_ok``, each plain value ``check_value(field, value)``.

    Output values are left to the caller, which runs ``check_value`` on them once they resolve.
    """
    if len(tags) > limit:
        raise ValidationError(field, f"{len(tags)} tags", f"{cloud} allows at most {limit} tags per resource", "drop some tags")
    for key, value in tags.items():
        if not key_ok(key):
            raise ValidationError(f"{field}.{key}", key, key_rule, fix)
        if isinstance(value, str):
            check_value(f"{field}.{key}", value)


def refuse_owned_keys(field: str, metadata: Mapping[str, Any], owned: Mapping[str, tuple[Any, str]],
                      owned_prefix: str = "") -> None:
    """Refuse metadata keys the component writes itself, naming the argument to use instead.

    ``owned`` maps a key to ``(the value the component writes, or None, the argument to use)``: a
    user's entry is accepted only when it is a plain string equal to that value. Any other key
    starting with ``owned_prefix`` is refused too (fix: ``owned[owned_prefix]``).
    """
    for key, value in metadata.items():
        entry = owned.get(key)
        if entry is None and owned_prefix and key.startswith(owned_prefix):
            entry = owned.get(owned_prefix, (None, "drop it"))
        if entry is None:
            continue
        written, instead = entry
        if written is not None and isinstance(value, str) and value == written:
            continue
        rule = ("is written by the component itself" if written is None
                else f"is written by the component itself, as {written!r}")
        raise ValidationError(
            f"{field}.{key}", value,
            f"{rule}: another value would contradict the identity chain it builds",
            f"drop it from {field}; {instead}",
        )


def refuse_for_mode(args: Mapping[str, Any], keys: Sequence[str], other_mode: str) -> None:
    """Refuse keys that apply only in ``other_mode`` ("only applies when mode=...")."""
    if args.keys().isdisjoint(keys):
        return
    for key in keys:
        if args.get(key) is not None:
            raise ValidationError(
                key, args[key], f"only applies when mode={other_mode!r}", f"drop it, or set mode={other_mode!r}"
            )


def refuse_with_existing(args: Mapping[str, Any], keys: Sequence[str], what: str, existing_key: str,
                         fix: str | None = None) -> None:
    """Refuse keys that configure something the component does not create (``existing_key`` given)."""
    if args.keys().isdisjoint(keys):
        return
    for key in keys:
        if args.get(key) is not None:
            raise ValidationError(
                key, args[key],
                f"cannot be applied to {what} the component does not create ({existing_key} is given)",
                fix or f"drop {key}, or drop {existing_key}",
            )


def first_duplicate(values: list[Any]) -> tuple[int, int] | None:
    """Indexes ``(first, second)`` of the first value listed twice, or None."""
    seen: dict[Any, int] = {}
    for index, value in enumerate(values):
        if value in seen:
            return seen[value], index
        seen[value] = index
    return None


def require(args: Mapping[str, Any], key: str, where: str) -> Any:
    """Return ``args[key]`` or raise a ValidationError naming the missing key."""
    if not isinstance(args, dict) and not isinstance(args, Mapping):
        raise ValidationError(
            where or "args", args, "must be a dict (TypedDict)", "pass the args as a dict"
        )
    value = args.get(key)
    if value is None or (isinstance(value, str) and value == ""):
        raise ValidationError(
            _join(where, key), value, "is required", f"set '{key}' in {where or 'the args'}"
        )
    return value


def check_str(field: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ValidationError(field, value, f"must be a string, got {type(value).__name__}")
    return value


def check_bool(field: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValidationError(
            field, value, f"must be true or false, got {type(value).__name__}", "pass True or False"
        )
    return value


def check_int_range(field: str, value: Any, low: int, high: int, unit: str = "") -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(field, value, f"must be a whole number from {low} to {high}{unit}")
    if not low <= value <= high:
        raise ValidationError(
            field, value, f"must be from {low} to {high}{unit}", f"pick a value in {low}..{high}"
        )
    return value


def check_choice(field: str, value: Any, choices: Iterable[str]) -> str:
    options = choices if isinstance(choices, (tuple, list)) else list(choices)
    if value not in options:
        raise ValidationError(
            field,
            value,
            f"must be one of {', '.join(repr(c) for c in options)}",
            suggest(value, options),
        )
    return value


def check_pattern(field: str, value: Any, pattern: re.Pattern[str], rule: str, fix: str = "") -> str:
    check_str(field, value)
    if not pattern.fullmatch(value):
        raise ValidationError(field, value, rule, fix)
    return value


def check_str_list(field: str, value: Any) -> list[Any]:
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
        raise ValidationError(field, value, "must be a list", f"pass a list, for example [{value!r}]")
    return list(value)


def check_str_map(field: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict) and not isinstance(value, Mapping):
        raise ValidationError(field, value, "must be a dict of strings to strings")
    for key, item in value.items():
        if not isinstance(key, str) or not key:
            raise ValidationError(f"{field}", key, "keys must be non-empty strings")
        if not (isinstance(item, str) or is_unknown(item)):
            raise ValidationError(
                f"{field}.{key}", item, "values must be strings", f"quote it: {str(item)!r}"
            )
    return dict(value)


def check_dns_label(field: str, value: Any) -> str:
    return _check_dns(field, value, 63, DNS1123_LABEL, "must be a DNS-1123 label: at most 63 characters of "
                      "lower-case letters, digits and '-', starting and ending with a letter or digit")


def check_dns_subdomain(field: str, value: Any) -> str:
    return _check_dns(field, value, 253, DNS1123_SUBDOMAIN, "must be a DNS-1123 subdomain: at most 253 characters "
                      "of lower-case letters, digits, '-' and '.', each dot-separated part starting and ending "
                      "with a letter or digit")


def _check_dns(field: str, value: Any, limit: int, pattern: re.Pattern[str], rule: str) -> str:
    check_str(field, value)
    if len(value) > limit or not pattern.fullmatch(value):
        raise ValidationError(field, value, rule, f"use a name such as {dns_label_like(value)!r}")
    return value


def check_k8s_key(field: str, key: str) -> None:
    """Label and annotation keys: ``[prefix/]name``, name ≤63, prefix a DNS subdomain."""
    prefix, slash, name = key.rpartition("/")
    ok = bool(name) and len(name) <= 63 and bool(_K8S_KEY_NAME.fullmatch(name))
    if slash:  # apimachinery IsQualifiedName: a '/' needs a non-empty prefix ("/team" is refused)
        ok = ok and len(prefix) <= 253 and bool(DNS1123_SUBDOMAIN.fullmatch(prefix))
    if not ok:
        raise ValidationError(
            field,
            key,
            "must be a Kubernetes key: an optional DNS subdomain prefix and '/', then a "
            "name of at most 63 letters, digits, '-', '_' or '.'",
            "for example 'example.com/team'",
        )


def check_k8s_label_value(field: str, value: Any) -> Any:
    """A label value: empty, or at most 63 ``[A-Za-z0-9._-]``, starting and ending with a letter or digit."""
    if isinstance(value, str) and (len(value) > 63 or not _K8S_LABEL_VALUE.fullmatch(value)):
        raise ValidationError(
            field,
            value,
            "a label value is at most 63 letters, digits, '-', '_' or '.', "
            "starting and ending with a letter or digit",
            "put free text in an annotation instead",
        )
    return value


def check_k8s_labels(field: str, value: Any) -> dict[str, Any]:
    labels = check_str_map(field, value)
    for key, item in labels.items():
        check_k8s_key(f"{field}", key)
        check_k8s_label_value(f"{field}.{key}", item)
    return labels


# Kubernetes: the keys and values of an object's annotations together hold at most 256 KiB
# (apimachinery ValidateAnnotationsSize, TotalAnnotationSizeLimitB = 256 * (1 << 10), bytes of
# len(key) + len(value)). The component's own annotations (a role ARN of at most ~620 characters, a
# client id, a service account email) stay under ANNOTATIONS_RESERVE, kept free for them.
K8S_ANNOTATIONS_LIMIT = 256 * 1024
ANNOTATIONS_RESERVE = 2048


def annotations_size(annotations: Mapping[str, Any]) -> int:
    """Bytes of the keys and (string) values, as Kubernetes counts them."""
    return sum(len(k.encode()) + (len(v.encode()) if isinstance(v, str) else 0) for k, v in annotations.items())


def check_k8s_annotations_size(field: str, annotations: Mapping[str, Any]) -> None:
    size = annotations_size(annotations)
    if size > K8S_ANNOTATIONS_LIMIT - ANNOTATIONS_RESERVE:
        raise ValidationError(
            field, f"{size} bytes",
            f"Kubernetes limits an object's annotations to {K8S_ANNOTATIONS_LIMIT} bytes in total "
            f"(keys and values), and the component keeps {ANNOTATIONS_RESERVE} of them for its own",
            "keep large data out of annotations (a ConfigMap, for example)",
        )


def check_k8s_annotations(field: str, value: Any) -> dict[str, Any]:
    annotations = check_str_map(field, value)
    for key in annotations:
        check_k8s_key(field, key)
    check_k8s_annotations_size(field, annotations)
    return annotations


def dns_label_like(value: Any) -> str:
    """A DNS-1123 label close to ``value``: a suggestion for error messages."""
    text = re.sub(r"[^a-z0-9-]+", "-", str(value).lower()).strip("-")
    return (text[:63].rstrip("-")) or "my-app"


def suggest(value: Any, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(str(value), list(options), n=3, cutoff=0.5)
    return f"did you mean {' or '.join(repr(c) for c in close)}?" if close else ""


def reject_unknown_keys(field: str, args: Mapping[str, Any], known: Iterable[str]) -> None:
    """A misspelt key would otherwise be ignored silently: refuse it.

    ``known``: the allowed keys; a dict (a TypedDict's ``__annotations__``) or set is used as it is.
    """
    allowed = known if isinstance(known, (dict, set, frozenset)) else set(known)
    for key in args:
        if key not in allowed:
            raise ValidationError(
                _join(field, key),
                args[key],
                f"is not a known key of {field or 'the args'}",
                suggest(key, sorted(allowed)) or f"known keys: {', '.join(sorted(allowed))}",
            )


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key
