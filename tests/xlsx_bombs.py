"""Hand-made .xlsx packages: a workbook's zip written part by part, so a test can build what
Excel never would (millions of shared strings, a sheet of 600,000 rows) in a few hundred KB."""

from __future__ import annotations

import io
import zipfile

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006"


def workbook(strings: bytes = b"", rows: bytes = b"") -> bytes:
    """A one-sheet workbook whose shared strings and sheet data are the bytes given."""
    sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    parts = {
        "[Content_Types].xml": f'<?xml version="1.0"?><Types xmlns="{PKG}/content-types">'
        f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        f'<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{sheet_type}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{sheet_type}.worksheet+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{sheet_type}.sharedStrings+xml"/></Types>',
        "_rels/.rels": f'<?xml version="1.0"?><Relationships xmlns="{PKG}/relationships">'
        f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0"?><workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
        f'<sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<?xml version="1.0"?><Relationships xmlns="{PKG}/relationships">'
        f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in parts.items():
            archive.writestr(name, text.encode())
        archive.writestr("xl/sharedStrings.xml", f'<?xml version="1.0"?><sst xmlns="{MAIN}">'.encode()
                         + strings + b"</sst>")
        archive.writestr("xl/worksheets/sheet1.xml", f'<?xml version="1.0"?><worksheet xmlns="{MAIN}"><sheetData>'.encode()
                         + rows + b"</sheetData></worksheet>")
    return out.getvalue()


def inline_row(n: int, *values: str) -> bytes:
    """Row ``n`` with inline-string cells in A, B, C, ...; a value starting "=" is a number."""
    cells = []
    for i, value in enumerate(values):
        ref = f"{chr(65 + i)}{n}"
        if value.startswith("="):
            cells.append(f'<c r="{ref}"><v>{value[1:]}</v></c>')
        else:
            cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>')
    return f'<row r="{n}">{"".join(cells)}</row>'.encode()


def results_sheet(months: int = 1, extra: bytes = b"") -> bytes:
    """A valid results workbook of the small contest (units A, B, C; gdp and inv)."""
    rows = [inline_row(1, "unit", "key", "period", "value")]
    n = 1
    for m in range(1, months + 1):
        for unit in "ABC":
            for key in ("gdp", "inv"):
                n += 1
                rows.append(inline_row(n, unit, key, f"2026-{m:02d}", "=5"))
    return workbook(rows=b"".join(rows) + extra)


def shared_strings_bomb(count: int = 5_000_000) -> bytes:
    return workbook(strings=b"<si><t></t></si>" * count)


def row_bomb(count: int = 600_000) -> bytes:
    return workbook(rows=b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (i, i) for i in range(1, count + 1)))
