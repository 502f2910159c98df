"""English names of the public bodies a first line in English names (resources/body_names.tsv): "Shanghai Municipal
Development and Reform Commission (市发展改革委)", not the Chinese name alone to a visitor who reads no Chinese."""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.query.crosslingual import tsv_pairs
from assistant.query.textproc import RESOURCES

BODY_NAMES = RESOURCES / "body_names.tsv"
_CITY_PREFIX = re.compile(r"^(?:上海市|本市)")
_JOINED = re.compile(r"、|以及|及|和|与")  # 市经济信息化委、市规划资源局; 项目单位和区产业部门


def _key(name: str) -> str:
    return _CITY_PREFIX.sub("市", "".join(name.split()))


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    return {_key(name): english for english, names in tsv_pairs(BODY_NAMES, "English name<TAB>中文名|简称")
            for name in names}


def english_name(body: str) -> str:
    """The body's English name; several bodies named together, each one's, joined by "and"; "" when any of them
    has none here."""
    names = _names()
    if (whole := names.get(_key(body))) is not None:
        return whole
    parts = _JOINED.split(body)
    known = [names[key] for key in map(_key, parts) if key in names]
    return " and ".join(known) if len(parts) > 1 and len(known) == len(parts) else ""
