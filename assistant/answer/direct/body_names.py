"""English names of the public bodies a first line in English names (resources/body_names.tsv): "Shanghai Municipal
Development and Reform Commission (市发展改革委)", not the Chinese name alone to a visitor who reads no Chinese."""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.query.textproc import RESOURCES

BODY_NAMES = RESOURCES / "body_names.tsv"
_CITY_PREFIX = re.compile(r"^(?:上海市|本市)")
_JOINED = re.compile(r"、|以及|及|和|与")  # 市经济信息化委、市规划资源局; 项目单位和区产业部门


def _key(name: str) -> str:
    return _CITY_PREFIX.sub("市", "".join(name.split()))


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    table: dict[str, str] = {}
    for n, line in enumerate(BODY_NAMES.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        try:
            chinese, english = line.split("\t")
        except ValueError as exc:
            raise ValueError(f"{BODY_NAMES}:{n}: expected '中文名|简称<TAB>English name', got {line!r}") from exc
        for name in chinese.split("|"):
            table[_key(name)] = english.strip()
    return table


def english_name(body: str) -> str:
    """The body's English name; several bodies named together, each one's, joined by "and"; "" when any of them
    has none here."""
    names = _names()
    if (whole := names.get(_key(body))) is not None:
        return whole
    parts = _JOINED.split(body)
    known = [names[key] for key in map(_key, parts) if key in names]
    return " and ".join(known) if len(parts) > 1 and len(known) == len(parts) else ""
