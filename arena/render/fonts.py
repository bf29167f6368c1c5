"""The CJK font every image is drawn with, found once at start-up.

Order: the ``CJK_FONT`` setting; else an installed system font with Chinese glyphs
(``fc-list :lang=zh``, else matplotlib's font list); else the files of the ``mpl-font``
package. No font means a clear error, never boxes. mpl_font itself is never imported: it
imports pyplot and rewrites matplotlib's global rcParams.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import threading
from functools import lru_cache
from pathlib import Path

from matplotlib.font_manager import FontProperties, findSystemFonts
from matplotlib.ft2font import FT2Font

from arena.errors import ConfigError

# A font must draw all of these to be used: the board's own words and a rare-ish unit name.
PROBE = "龙虎榜区县组功能区流动红旗黄旗约谈时序进度临沂沂河新区↑↓"
_NAME_HINTS = ("cjk", "wqy", "wenquanyi", "droid sans fallback", "source han", "sourcehan", "simhei",
               "simsun", "msyh", "yahei", "pingfang", "hiragino", "notosanssc", "noto sans sc", "ukai", "uming")
_WEB_SUFFIXES = (".otf", ".ttf")

_lock = threading.Lock()
_chosen: tuple[Path, Path] | None = None  # (regular, bold)
_chosen_for: str | None = None  # the CJK_FONT setting it was found for


def has_glyphs(path: str | Path, text: str = PROBE) -> bool:
    """True when the font file maps every character of ``text``."""
    try:
        charmap = FT2Font(str(path)).get_charmap()
    except (OSError, RuntimeError, ValueError):
        return False
    return all(ord(ch) in charmap for ch in text if not ch.isspace())


def _preference(path: str) -> tuple:
    """Sans before serif, regular before bold or light, then by name (a stable choice)."""
    name = Path(path).name.lower()
    return ("sans" not in name and "hei" not in name,
            any(w in name for w in ("bold", "black", "heavy", "light", "thin", "medium")), name)


def system_fonts() -> list[str]:
    """Installed font files that claim Chinese, best first."""
    found: list[str] = []
    if shutil.which("fc-list"):
        try:
            out = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True,
                                 timeout=10, check=False).stdout
            found = [line.split(":", 1)[0].strip() for line in out.splitlines() if line.strip()]
        except (OSError, subprocess.SubprocessError):
            found = []
    if not found:  # no fontconfig: look through matplotlib's list by name
        found = [f for f in findSystemFonts() if any(h in Path(f).name.lower() for h in _NAME_HINTS)]
    return sorted(set(found), key=_preference)


def package_fonts() -> list[str]:
    """The font files shipped by mpl-font, located without importing it."""
    spec = importlib.util.find_spec("mpl_font")
    if spec is None or not spec.submodule_search_locations:
        return []
    root = Path(list(spec.submodule_search_locations)[0]) / "fonts"
    wanted = [root / "noto" / "NotoSansCJKsc-Regular.otf", root / "wqy" / "wqy-microhei.ttc"]
    return [str(p) for p in wanted if p.is_file()]


def find_cjk_font(setting: str | None = None) -> Path:
    """The font file to draw Chinese with; ConfigError when there is none."""
    if setting:
        path = Path(setting).expanduser()
        if not path.is_file():
            raise ConfigError("CJK_FONT: no such font file",
                              [{"field": "CJK_FONT", "message": f"{setting} does not exist"}])
        if not has_glyphs(path):
            raise ConfigError("CJK_FONT: the font has no Chinese glyphs",
                              [{"field": "CJK_FONT", "message": f"{setting} cannot draw {PROBE!r}"}])
        return path.resolve()
    for candidate in system_fonts() + package_fonts():
        if has_glyphs(candidate):
            return Path(candidate).resolve()
    raise ConfigError(
        "no font with Chinese glyphs: set CJK_FONT to a .ttf/.otf/.ttc file, install one "
        "(e.g. apt-get install fonts-noto-cjk), or install the mpl-font package",
        [{"field": "CJK_FONT", "message": "not set, and no system or mpl-font CJK font found"}],
    )


def configure(setting: str | None = None) -> Path:
    """Find the font now (at start-up) and keep it for every image of this process."""
    global _chosen, _chosen_for
    with _lock:
        if _chosen is not None and _chosen_for == (setting or None):
            return _chosen[0]  # another app of this process found it already
    path = find_cjk_font(setting)
    with _lock:
        _chosen, _chosen_for = (path, _bold_beside(path)), setting or None
    _props.cache_clear()
    return path


def _bold_beside(regular: Path) -> Path:
    """A bold face beside the regular one (same family), else the regular one."""
    for word in ("Regular", "regular"):
        if word in regular.name:
            bold = regular.with_name(regular.name.replace(word, "Bold"))
            if bold.is_file() and has_glyphs(bold):
                return bold
    return regular


def _faces() -> tuple[Path, Path]:
    with _lock:
        chosen = _chosen
    if chosen is None:
        configure(None)
        return _faces()
    return chosen


def font_path() -> Path:
    """The configured font, found on first use when nothing configured it."""
    return _faces()[0]


def bold_path() -> Path:
    return _faces()[1]


@lru_cache(maxsize=256)
def _props(path: str, size: float) -> FontProperties:
    return FontProperties(fname=path, size=size)


def font(size: float, bold: bool = False) -> FontProperties:
    """FontProperties of the CJK font at ``size`` points (a fresh copy: callers may not mutate it)."""
    return _props(str(bold_path() if bold else font_path()), float(size)).copy()


def truetype_candidates(setting: str | None = None) -> list[str]:
    """.ttf and .ttc files with Chinese glyphs, best first: the ``CJK_FONT`` setting, the font
    chosen at start-up, system fonts, then mpl-font's. For the PDF notices: ReportLab embeds
    TrueType outlines only (the caller still skips a .ttc of CFF faces)."""
    with _lock:
        chosen = [str(_chosen[0])] if _chosen is not None else []
    wanted = ([setting] if setting else []) + chosen + system_fonts() + package_fonts()
    seen: list[str] = []
    for path in wanted:
        if path not in seen and Path(path).suffix.lower() in (".ttf", ".ttc") and Path(path).is_file():
            seen.append(path)
    return [p for p in seen if has_glyphs(p)]


def web_font() -> Path:
    """A font file a browser can load (.otf or .ttf): the chosen one, else mpl-font's Noto."""
    chosen = font_path()
    if chosen.suffix.lower() in _WEB_SUFFIXES:
        return chosen
    for candidate in package_fonts():
        if Path(candidate).suffix.lower() in _WEB_SUFFIXES:
            return Path(candidate)
    raise ConfigError("no .otf or .ttf CJK font to offer browsers",
                      [{"field": "CJK_FONT", "message": f"{chosen.name} is a collection"}])
