"""Reading result files: JSON, CSV (UTF-8, BOM, GBK), XLSX; malformed files say where."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from openpyxl import Workbook

from arena.errors import BadRequest, PayloadTooLarge, UnsupportedMediaType
from arena.ingest import RawRow, detect_format, parse_results


def rows_of(data: bytes, fmt: str) -> list[tuple]:
    return [(r.row, r.unit, r.key, r.period, r.value) for r in parse_results(data, fmt)]


def xlsx(*rows: list, cells: dict | None = None, sheets: int = 1) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    for ref, value in (cells or {}).items():
        book.active[ref] = value
    for n in range(1, sheets):
        book.create_sheet(f"other{n}").append(["ignored"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# -- good files -----------------------------------------------------------------------------

def test_json_items_are_numbered_from_one_and_values_kept_as_given():
    data = '[{"unit": "371302", "key": "gdzctz", "period": "2026-03", "value": 41.5},' \
           ' {"value": 3, "period": "2026-03", "key": "award", "unit": 371311}, ' \
           '{"unit": "兰山区", "key": "k", "period": "p", "value": "12.5"}]'.encode()
    assert rows_of(data, "json") == [
        (1, "371302", "gdzctz", "2026-03", 41.5),
        (2, 371311, "award", "2026-03", 3),
        (3, "兰山区", "k", "p", "12.5"),
    ]
    assert isinstance(parse_results(data, "json")[0], RawRow)


def test_json_with_bom_and_empty_list():
    assert rows_of(b"\xef\xbb\xbf[]", "json") == []


@pytest.mark.parametrize(
    "data, expected",
    [
        # header is line 1, so the first data row is line 2; a blank line 3 is skipped
        (b"unit,key,period,value\n371302,gdzctz,2026-03,41\n\n371311,gdzctz,2026-03,12.5\n",
         [(2, "371302", "gdzctz", "2026-03", "41"), (4, "371311", "gdzctz", "2026-03", "12.5")]),
        # BOM, CRLF, columns in another order, English names in any case
        (b"\xef\xbb\xbfValue,PERIOD,key,Unit\r\n41,2026-03,gdzctz,371302\r\n",
         [(2, "371302", "gdzctz", "2026-03", "41")]),
        # Chinese headers, GBK bytes as Chinese office software saves them
        ("单位,指标,期间,数值\n371302,固定资产投资,2026-03,41\n".encode("gbk"),
         [(2, "371302", "固定资产投资", "2026-03", "41")]),
        # the other Chinese header variant, in UTF-8
        ("单位代码,指标代码,期间,数值\n371302,gdzctz,2026-03,7\n".encode(),
         [(2, "371302", "gdzctz", "2026-03", "7")]),
        # a quoted field spanning lines 2-3: the next record starts on line 4
        (b'unit,key,period,value\n"371\n302",gdzctz,2026-03,1\n371311,gdzctz,2026-03,2\n',
         [(2, "371\n302", "gdzctz", "2026-03", "1"), (4, "371311", "gdzctz", "2026-03", "2")]),
        # Excel's trailing empty columns and its empty rows ",,,," are ignored
        (b"unit,key,period,value,,\n371302,gdzctz,2026-03,1,,\n,,,,,\n  ,,, ,\n371311,gdzctz,2026-03,2\n",
         [(2, "371302", "gdzctz", "2026-03", "1"), (5, "371311", "gdzctz", "2026-03", "2")]),
        # blank lines before the header; an empty value stays "" for check_rows to explain
        (b"\n\nunit,key,period,value\n371302,gdzctz,2026-03,\n",
         [(4, "371302", "gdzctz", "2026-03", "")]),
    ],
    ids=["plain", "bom_crlf_reordered", "gbk_chinese", "chinese_codes", "multiline_field",
         "excel_trailing", "blank_before_header"],
)
def test_good_csv(data, expected):
    assert rows_of(data, "csv") == expected


def test_xlsx_first_sheet_with_sheet_row_numbers_and_cell_types():
    data = xlsx(
        ["单位", "指标", "期间", "数值"],
        [371302, "gdzctz", "2026-03", 41],
        [None, None, None, None],  # blank row 3 is skipped
        ["371311", "gdzctz", dt.datetime(2026, 3, 1), "12.5"],
        cells={"A7": "371371", "B7": "award", "C7": "2026-03", "D7": 1.0},  # rows 5-6 never written
        sheets=2,
    )
    assert rows_of(data, "xlsx") == [
        (2, 371302, "gdzctz", "2026-03", 41),
        (4, "371311", "gdzctz", dt.datetime(2026, 3, 1), "12.5"),
        (7, "371371", "award", "2026-03", 1.0),
    ]


def test_xlsx_short_rows_are_padded_with_empty_cells():
    data = xlsx(["value", "unit", "key", "period"], [5, "371302", "gdzctz"])
    assert rows_of(data, "xlsx") == [(2, "371302", "gdzctz", None, 5)]


# -- malformed files ------------------------------------------------------------------------

@pytest.mark.parametrize(
    "fmt, data, where, fragment",
    [
        ("json", b"", {"line": 1, "column": 1}, "Expecting value"),
        ("json", b'[\n {"unit": "a",\n  "key": }\n]', {"line": 3, "column": 10}, "Expecting value"),
        ("json", b'{"unit": "a"}', {}, "应为 JSON 对象列表"),
        ("json", b"[1]", {"row": 1, "field": None}, "该项不是含 unit、key、period、value 的对象"),
        ("json", b'[{"unit": "a", "key": "k", "period": "p"}]', {"row": 1, "field": "value"}, "缺少键 'value'"),
        ("json", b'[{"unit": "a", "key": "k", "period": "p", "value": 1, "note": "x"}]', {"row": 1, "field": "note"}, "未知的键 'note'"),
        ("json", b'[{"unit": "a", "key": "k", "period": "p", "value": 1, "value": 2}]', {"row": 1, "field": "value"}, "键 'value' 在对象中出现两次"),
        ("json", b'[{"unit": "a", "key": "k", "period": "p", "value": NaN}]', {"row": 1, "field": "value"}, "NaN 不是有限数"),
        ("json", b'[{"unit": "a", "key": "k", "period": "p", "value": Infinity}]', {"row": 1, "field": "value"}, "Infinity 不是有限数"),
        ("json", b'[{"unit": "a", "key": "k", "period": "p", "value": -Infinity}]', {"row": 1, "field": "value"}, "-Infinity 不是有限数"),
        ("json", b'[{"unit": "a", "key": "k", "period": "p", "value": 1e999}]', {"row": 1, "field": "value"}, "1e999 超出范围（溢出为无穷大）"),
        ("json", b'[{"unit": "a", "key": "k", "period": "p", "value": ' + b"9" * 5000 + b"}]", {"row": 1, "field": "value"}, "5000 位的数字不合理"),
        ("json", b"[" * 100_000 + b"]" * 100_000, {}, "嵌套过深"),
        ("json", b'["\xff"]', {"line": 1}, "第 2 字节不是 UTF-8"),
        ("csv", b"", {}, "CSV 文件是空的"),
        ("csv", b"unit,key,period\n", {"row": 1, "field": "value"}, "表头缺少 value 列（数值）"),
        ("csv", b"unit,key,period,value,note\n", {"row": 1, "field": None}, "未知的列 'note'"),
        ("csv", b"unit,,key,period,value\n", {"row": 1, "field": None}, "第 2 列没有列名"),
        ("csv", "unit,单位,key,period,value\n".encode(), {"row": 1, "field": "unit"}, "列 unit 出现两次（第 1 列和第 2 列）"),
        ("csv", b"unit,key,period,value\n1,2,3,4\n1,2,3\n", {"row": 3, "field": None}, "本行有 3 列，表头有 4 列"),
        ("csv", b"unit,key,period,value\n1,2,3,4,5\n", {"row": 2, "field": None}, "本行有 5 列，表头有 4 列"),
        ("csv", b"unit,key,period,value\n" + b"a" * 200_000 + b",k,p,1\n", {"row": 2}, "CSV 格式错误：field larger than field limit"),
        ("csv", b"\xff\xfeu\x00n\x00", {}, "不读取 UTF-16 文本"),
        ("csv", b"unit,key,period,value\n\x80\n", {"line": 2}, "既不是 UTF-8 也不是 GBK"),
        ("xlsx", b"unit,key,period,value\n", {}, "文件不是 zip 压缩包"),
        ("xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, {}, "旧版 .xls 工作簿"),
        ("xlsx", None, {}, "无法读取的 .xlsx 工作簿"),  # a zip that is no workbook
        ("xlsx", xlsx(), {}, "第一个工作表是空的"),
        ("xlsx", xlsx(["unit", "key", "period"]), {"row": 1, "field": "value"}, "表头缺少 value 列（数值）"),
        ("xlsx", xlsx(["unit", "key", "period", "value"], [1, 2, 3, 4, "x"]), {"row": 2}, "单元格 E2 在有列名的列之外"),
    ],
)
def test_malformed_file_says_where(fmt, data, where, fragment):
    if data is None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("hello.txt", "not a workbook")
        data = buffer.getvalue()
    with pytest.raises(BadRequest) as info:
        parse_results(data, fmt)
    error = info.value
    assert error.status == 400 and error.code == "bad_request"
    text = error.message + " | " + " | ".join(d["message"] for d in error.details)
    assert fragment in text
    if where:
        assert any(all(d.get(k) == v for k, v in where.items()) for d in error.details), error.details


def test_every_bad_row_of_a_file_is_listed():
    data = b"unit,key,period,value\n1,2\n1,2,3,4\n1\n1,2,3,4,5,6\n"
    with pytest.raises(BadRequest) as info:
        parse_results(data, "csv")
    assert [d["row"] for d in info.value.details] == [2, 4, 5]
    assert info.value.message == "CSV 文件无法读取：共 3 处问题"


def test_size_guard_refuses_more_rows_than_allowed():
    body = b"unit,key,period,value\n" + b"a,k,2026-01,1\n" * 3
    assert len(parse_results(body, "csv", max_rows=3)) == 3
    for fmt, data in [
        ("csv", body),
        ("json", b'[{"unit":"a","key":"k","period":"p","value":1}' + b',{"unit":"a","key":"k","period":"p","value":1}' * 2 + b"]"),
        ("xlsx", xlsx(["unit", "key", "period", "value"], *[["a", "k", "2026-01", 1]] * 3)),
    ]:
        with pytest.raises(PayloadTooLarge) as info:
            parse_results(data, fmt, max_rows=2)
        assert info.value.status == 413 and "超过 2 行成绩数据" in info.value.message


def test_unknown_format_is_refused():
    with pytest.raises(UnsupportedMediaType):
        parse_results(b"", "xml")


# -- detect_format --------------------------------------------------------------------------

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.mark.parametrize(
    "filename, content_type, expected",
    [
        ("results.json", None, "json"),
        ("成绩.CSV", None, "csv"),
        ("results.xlsx", None, "xlsx"),
        # Windows browsers label .csv uploads as Excel: the extension wins
        ("results.csv", "application/vnd.ms-excel", "csv"),
        (None, "application/json; charset=utf-8", "json"),
        (None, "application/merge-patch+json", "json"),
        (None, "text/csv", "csv"),
        ("upload", "TEXT/CSV", "csv"),
        (None, XLSX_TYPE, "xlsx"),
        ("data.bin", XLSX_TYPE, "xlsx"),
    ],
)
def test_detect_format(filename, content_type, expected):
    assert detect_format(filename, content_type) == expected


@pytest.mark.parametrize(
    "filename, content_type, fragment",
    [
        ("old.xls", None, "请另存为 .xlsx"),
        (None, None, "没有 Content-Type"),
        ("notes.txt", "text/plain", "无法判断 notes.txt 的格式（text/plain）"),
    ],
)
def test_detect_format_refuses(filename, content_type, fragment):
    with pytest.raises(UnsupportedMediaType) as info:
        detect_format(filename, content_type)
    assert info.value.status == 415 and fragment in info.value.message


def test_a_percent_formatted_value_is_refused_not_divided_by_100():
    """增速 typed as 12.5% into a percent cell is stored by Excel as 0.125; a "%" shown as text is fine."""
    book = Workbook()
    sheet = book.active
    sheet.append(["单位", "指标", "期间", "数值"])
    sheet.append(["371302", "gyzjz", "2026-03", 0.125])
    sheet["D2"].number_format = "0.0%"
    sheet.append(["371311", "gyzjz", "2026-03", 7.5])
    sheet["D3"].number_format = '0.0"%"'
    sheet.append(["371371", "gyzjz", "2026-03", 6.0])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(BadRequest) as info:
        parse_results(out.getvalue(), "xlsx")
    assert [(d["row"], d["field"]) for d in info.value.details] == [(2, "value")]
    message = info.value.details[0]["message"]
    assert "单元格 D2 是百分比格式，显示 12.5%" in message and "填写 12.5" in message
    sheet["D2"].number_format = "General"
    sheet["D2"] = 12.5
    out = io.BytesIO()
    book.save(out)
    assert [r.value for r in parse_results(out.getvalue(), "xlsx")] == [12.5, 7.5, 6.0]
