"""Pictures of published sheets: boards (龙虎榜), charts and the CJK font they are drawn with,
and the sheet as an Excel workbook (workbook).

Everything here uses matplotlib's object API (Figure + Agg), never pyplot.
"""
