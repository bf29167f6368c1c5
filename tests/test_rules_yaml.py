"""Reading a rule file's YAML safely: anchors, aliases, tags, deep nesting, bad bytes and
characters, empty or several documents are refused with their line, fast, and nothing runs."""


import pytest

from arena.engine.rules import MAX_BYTES, RulesError, load_rules
from arena.engine.rules.yaml_source import MAX_DEPTH, YamlError, read_yaml

PARSERS = [pytest.param(True, id="libyaml"), pytest.param(False, id="pure")]

HEAD = """\
version: 1
contest: {id: c, name: 赛, season: {start: 2026-01, end: 2026-12}}
groups: {g: 组}
units:
  - {code: "A1", name: 甲, group: g}
indicators:
  - {id: a, name: 指标, weight: 5, method: rank}
"""


def only_problem(text: str | bytes) -> dict:
    with pytest.raises(RulesError) as info:
        load_rules(text)
    assert len(info.value.details) == 1, info.value.details
    return info.value.details[0]


def test_the_head_is_valid():
    assert load_rules(HEAD).units[0].code == "A1"


BILLION_LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{chr(98 + k)}: &{chr(98 + k)} [{', '.join(['*' + chr(97 + k)] * 9)}]\n" for k in range(9))


@pytest.mark.parametrize("text, line, fragment", [
    (BILLION_LAUGHS, 1, "anchors and aliases"),  # refused at the first anchor, before any alias
    (HEAD + "aggregate: *x\n", 8, "anchors and aliases"),  # an alias alone, on the line after HEAD's 7
    (HEAD.replace("units:", "units: &u"), 4, "anchors and aliases"),
])
def test_anchors_and_aliases_are_refused_fast(text, line, fragment):
    problem = only_problem(text)
    assert problem["line"] == line and fragment in problem["message"]


@pytest.mark.parametrize("text, line, path", [
    ("[" * 5000 + "]" * 5000, 1, "[0]" * (MAX_DEPTH + 1)),
    ("version: " + "[" * 5000, 1, "version" + "[0]" * MAX_DEPTH),
    ("version: 1\ncontest: " + "{a: " * 5000 + "1" + "}" * 5000, 2, "contest" + ".a" * MAX_DEPTH),
])
def test_deep_nesting_is_refused_without_recursion_error(text, line, path):
    problem = only_problem(text)
    assert (problem["line"], problem["path"]) == (line, path)
    assert f"deeper than {MAX_DEPTH} levels" in problem["message"]


@pytest.mark.parametrize("libyaml", PARSERS)
def test_nesting_up_to_the_limit_reads(libyaml):
    # MAX_DEPTH lists inside the top list: the innermost value sits at depth MAX_DEPTH
    assert read_yaml("[" * MAX_DEPTH + "1" + "]" * MAX_DEPTH, libyaml=libyaml).data is not None
    with pytest.raises(YamlError):
        read_yaml("[" * (MAX_DEPTH + 2) + "]" * (MAX_DEPTH + 2), libyaml=libyaml)


@pytest.mark.parametrize("libyaml", PARSERS)
@pytest.mark.parametrize("value, shown", [
    ("!!python/object/apply:os.system [\"touch {marker}\"]", "!!python/object/apply:os.system"),
    ("!!python/object:os.system {{}}", "!!python/object:os.system"),
    ("!!python/name:os.system", "!!python/name:os.system"),
    ("!!binary aGVsbG8=", "!!binary"),
    ("!!set {{a, b}}", "!!set"),
    ("!custom 1", "!custom"),
])
def test_tags_outside_the_core_are_refused_and_nothing_runs(tmp_path, libyaml, value, shown):
    marker = tmp_path / "ran"
    source = read_yaml(HEAD + "aggregate: " + value.format(marker=marker) + "\n", libyaml=libyaml)
    assert source.problems == [(("aggregate",), 8, f"the tag {shown} is not allowed")]
    problem = only_problem(HEAD + "aggregate: " + value.format(marker=marker) + "\n")
    assert (problem["path"], problem["line"]) == ("aggregate", 8)
    assert not marker.exists()


def test_merge_keys_are_refused():
    problem = only_problem(HEAD + "lights:\n  <<: {by: lag}\n")
    assert (problem["path"], problem["line"]) == ('lights["<<"]', 9)  # the << key, under lights on line 8
    assert "merge keys" in problem["message"]


def test_a_file_over_the_size_limit_is_refused_before_reading():
    text = HEAD + "# " + "x" * MAX_BYTES + "\n"
    problem = only_problem(text)
    assert problem["line"] == 1 and "larger than" in problem["message"]


def test_a_large_valid_file_loads_quickly():
    # 2,000 units and 5 completion indicators with a target per unit: about 0.3 MB
    units = "".join(f'  - {{code: "U{k}", name: 单位{k}, group: g}}\n' for k in range(2000))
    targets = "".join(f'      "U{k}": {k + 1}\n' for k in range(2000))
    indicators = "".join(f"  - id: i{j}\n    name: 指标{j}\n    weight: 2\n    method: completion\n    targets:\n"
                         + targets for j in range(5))
    text = HEAD.split("units:")[0] + "units:\n" + units + "indicators:\n" + indicators
    contest = load_rules(text)
    assert len(contest.units) == 2000 and contest.indicators[4].annual_target("U1999") == 2000.0


@pytest.mark.parametrize("text, line, fragment", [
    (HEAD.encode() + b"aggregate: \xff\xfe\n", 8, "not UTF-8"),
    ("\n".join(HEAD.split("\n")[:2]).encode() + b"\n\x80", 3, "byte 0x80"),
    (HEAD.replace("name: 甲", "name: 甲\x07"), 5, "control character (U+0007)"),  # written raw
    (HEAD.replace("name: 甲", "name: \"甲\\x07\""), 5, "control character (U+0007)"),  # an escape
    (HEAD.replace("name: 甲", "name: \"甲\\u0085\""), 5, "control character (U+0085)"),  # C1 control
    (HEAD.replace("name: 甲", "name: 甲\ud800"), 5, "lone surrogate (U+D800)"),  # in the text given
    (HEAD.replace("name: 甲", "name: \"\\ud800\""), 5, "escape"),  # libyaml refuses the escape itself
    (HEAD.replace("name: 指标", "name: \"\\t指标\""), 7, "control character (U+0009)"),  # names take no tab
])
def test_bad_bytes_and_characters_are_refused_with_their_line(text, line, fragment):
    problem = only_problem(text)
    assert problem["line"] == line and fragment in problem["message"], problem


@pytest.mark.parametrize("libyaml", PARSERS)
def test_an_escaped_control_character_is_found_at_its_path(libyaml):
    source = read_yaml('a:\n  - ok\n  - "x\\x1by"\n', libyaml=libyaml)
    assert source.problems == [(("a", 1), 3, "the text contains a control character (U+001B); remove it")]


def test_a_lone_surrogate_escape_is_found_at_its_path_by_the_pure_parser():
    source = read_yaml('a: {b: "\\udc00"}\n', libyaml=False)
    assert source.problems == [(("a", "b"), 1, "the text contains a lone surrogate (U+DC00); remove it")]


@pytest.mark.parametrize("text, line, fragment", [
    ("", 1, "empty"),
    ("  \n\n", 1, "empty"),
    ("# only a comment\n", 1, "empty"),
    (HEAD + "---\nversion: 1\n", 8, "more than one YAML document"),  # the second document starts on line 8
    ("- version: 1\n", 1, "must be a mapping"),
    ("just text\n", 1, "must be a mapping"),
    ("---\n", 1, "must be a mapping"),  # one empty document is null
    ("version: 1\n? [a, b]\n: 1\n", 2, "a key must be a word"),
    ("version: 1\ncontest: {id: c\n", 3, "not valid YAML"),
    ("version: 1\n  contest: 2\n", 2, "not valid YAML"),
])
def test_files_that_are_not_one_mapping_are_refused(text, line, fragment):
    problem = only_problem(text)
    assert problem["line"] == line and fragment in problem["message"], problem


def test_an_explicit_document_start_is_fine():
    assert load_rules("---\n" + HEAD).id == "c"


def test_a_number_too_long_to_read_is_a_problem_not_a_crash():
    problem = only_problem(HEAD + "board: {dragon: " + "9" * 5000 + "}\n")
    assert (problem["path"], problem["line"]) == ("board.dragon", 8)
    assert "cannot be read as an integer" in problem["message"]


def test_unquoted_codes_are_explained_all_at_once():
    text = HEAD.replace('groups: {g: 组}', "groups: {g: 组, no: 否}").replace(
        '  - {code: "A1", name: 甲, group: g}',
        '  - {code: "A1", name: 甲, group: g}\n  - {code: 0440100, name: 乙, group: g}\n'
        '  - {code: 371302, name: 丙, group: no}') + 'exempt: {371302: [a]}\n'
    with pytest.raises(RulesError) as info:
        load_rules(text)
    assert info.value.details == [
        {"path": "groups.no", "line": 3,
         "message": 'group id no must be quoted: YAML reads it as the boolean false, not as text; write "no"'},
        {"path": "units[1].code", "line": 6,
         "message": 'unit code 0440100 must be quoted: YAML reads it as the number 147520, not as text; '
                    'write "0440100"'},  # octal 440100 = 4*8^5 + 4*8^4 + 1*8^2 = 131072 + 16384 + 64
        {"path": "units[2].code", "line": 7,
         "message": 'unit code 371302 must be quoted: YAML reads it as the number 371302, not as text; '
                    'write "371302"'},
        {"path": "units[2].group", "line": 7,
         "message": 'group id no must be quoted: YAML reads it as the boolean false, not as text; write "no"'},
        {"path": "exempt.371302", "line": 10,
         "message": 'unit code 371302 must be quoted: YAML reads it as the number 371302, not as text; '
                    'write "371302"'},
    ]


def test_both_parsers_read_the_same_data_and_lines():
    text = HEAD + "tie_break: [a]\npublish:\n  monthly:\n    day: 12\n"
    fast, pure = read_yaml(text, libyaml=True), read_yaml(text, libyaml=False)
    assert (fast.data, fast.lines, fast.key_lines, fast.raw) == (pure.data, pure.lines, pure.key_lines, pure.raw)
    # HEAD is lines 1-7; tie_break 8, publish 9, monthly 10, day 11
    assert fast.line(("publish", "monthly", "day")) == 11
    assert fast.line(("publish", "monthly", "at")) == 10  # missing: its parent's key line
    assert fast.line(("units", 0, "name")) == 5
