"""Choice arguments are Literal types for editors and type checkers, str for Pulumi's schema
analyzer (which cannot read Literal), and list exactly the choices the validation accepts."""

import ast
from pathlib import Path

import pytest

from pulumi_wid import identity
from pulumi_wid.aws import facts as aws_facts
from pulumi_wid.gcp import facts as gcp_facts
from pulumi_wid.provider import schema
from pulumi_wid.validation import NotRequired

ROOT = Path(__file__).resolve().parent.parent / "pulumi_wid"
CHOICES = [
    ("identity.py", "ServiceAccountMode", identity.SERVICE_ACCOUNT_MODES),
    ("aws/args.py", "EksMode", aws_facts.MODES),
    ("gcp/args.py", "GkeMode", gcp_facts.MODES),
]


def _type_checking_literal(path: str, alias: str) -> tuple[str, ...]:
    """The values of ``alias = Literal[...]`` in the module's ``if TYPE_CHECKING:`` block."""
    for node in ast.walk(ast.parse((ROOT / path).read_text())):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for stmt in node.body:
                if isinstance(stmt, ast.Assign) and stmt.targets[0].id == alias:
                    assert stmt.value.value.id == "Literal"
                    elements = stmt.value.slice.elts
                    return tuple(e.value for e in elements)
    raise AssertionError(f"{alias} is not a Literal under TYPE_CHECKING in {path}")


@pytest.mark.parametrize("path,alias,choices", CHOICES)
def test_literal_lists_exactly_the_accepted_choices(path, alias, choices):
    assert _type_checking_literal(path, alias) == tuple(choices)


def test_at_run_time_the_choices_are_str():
    from pulumi_wid.aws.args import EksMode, EksPodIdentityArgs
    from pulumi_wid.gcp.args import GkeMode, GkeWorkloadIdentityArgs

    assert identity.ServiceAccountMode is str and EksMode is str and GkeMode is str
    # NotRequired[str]: what the analyzer reads
    assert EksPodIdentityArgs.__annotations__["mode"] == NotRequired[str]
    assert GkeWorkloadIdentityArgs.__annotations__["mode"] == NotRequired[str]


def test_schema_keeps_plain_strings_for_the_choices():
    resources = schema()["resources"]
    assert resources["wid:index:EksPodIdentity"]["inputProperties"]["mode"]["type"] == "string"
    assert resources["wid:index:GkeWorkloadIdentity"]["inputProperties"]["mode"]["type"] == "string"
    sa_mode = schema()["types"]["wid:index:ServiceIdentity"]["properties"]["serviceAccountMode"]
    assert sa_mode["type"] == "string" and "enum" not in sa_mode
