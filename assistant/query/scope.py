"""Questions the indexed policies can't cover by their nature: another place's rules, or a year after the
newest indexed policy. Both are judged against what is indexed (titles, issuers, dates), so a Beijing policy
staff add makes Beijing questions answerable.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from ingest.eligibility.vocabulary import stated_hukou_spans

# China's provincial-level divisions and its larger cities, with the English names visitors use.
_PLACES: dict[str, tuple[str, ...]] = {
    "北京": ("beijing",), "天津": ("tianjin",), "重庆": ("chongqing",), "上海": ("shanghai",),
    "深圳": ("shenzhen",), "广州": ("guangzhou",), "杭州": ("hangzhou",), "南京": ("nanjing",),
    "苏州": ("suzhou",), "成都": ("chengdu",), "武汉": ("wuhan",), "西安": ("xi'an", "xian"),
    "厦门": ("xiamen",), "青岛": ("qingdao",), "宁波": ("ningbo",), "长沙": ("changsha",),
    "郑州": ("zhengzhou",), "合肥": ("hefei",), "济南": ("jinan",), "沈阳": ("shenyang",),
    "大连": ("dalian",), "福州": ("fuzhou",), "昆明": ("kunming",), "无锡": ("wuxi",),
    "东莞": ("dongguan",), "佛山": ("foshan",), "珠海": ("zhuhai",), "海南": ("hainan",),
    "广东": ("guangdong",), "江苏": ("jiangsu",), "浙江": ("zhejiang",), "山东": ("shandong",),
    "四川": ("sichuan",), "湖北": ("hubei",), "河南": ("henan",), "河北": ("hebei",),
    "安徽": ("anhui",), "福建": ("fujian",), "湖南": ("hunan",), "江西": ("jiangxi",),
    "香港": ("hong kong",), "澳门": ("macau", "macao"), "台湾": ("taiwan",),
}
# A place is the question's jurisdiction when its rules are asked about ("北京户口", "Beijing's hukou"), not
# when it is where something happened ("在北京读的博士").
_RULE_WORDS_ZH = r"(?:的)?(?:户口|落户|户籍|积分|人才引进|人才政策|政策|补贴|规定|居住证|社保|公积金)"
_RULE_WORDS_EN = r"(?:'s)?\s*(?:hukou|household registration|residency|policy|policies|rules|subsid\w*|points)"
_NEW_WORDS = re.compile(r"新变化|新政|最新|新规|变化|调整|改了|降低|放宽|收紧|取消|changes?|changed|new rules?|latest|"
                        r"updated?|lowered|relaxed|tightened|scrapped", re.I)
_COMPARE = re.compile(r"比较|相比|和上海比|哪个|哪里|compare|versus|vs|which is easier", re.I)
_YEAR = re.compile(r"(20\d\d)\s*(?:年|\b)")


@dataclass(frozen=True)
class OutOfScope:
    kind: str  # "place" or "year"
    subject: str  # 北京 / 2024
    home: str  # what is indexed: the place its documents are about, or the newest year


def _english(place: str) -> str:
    return _PLACES[place][0].title()


def out_of_scope(question: str, indexed_text: Iterable[str], newest: date | None) -> OutOfScope | None:
    """Another jurisdiction or a later year than anything indexed, or None. The hukou the visitor says they hold
    is where they come from, not what they ask about: "我们全家都是安徽户口，能申请低保吗"."""
    for a, b in sorted(stated_hukou_spans(question), reverse=True):
        question = question[:a] + " " + question[b:]
    low = question.lower()
    indexed = " ".join(indexed_text)
    named = [p for p, en in _PLACES.items()
             if re.search(p + _RULE_WORDS_ZH, question) or any(re.search(rf"\b{re.escape(e)}{_RULE_WORDS_EN}", low)
                                                              or re.search(rf"(?:hukou|residency|policy|policies) (?:in|of) {re.escape(e)}\b", low)
                                                              for e in en)]
    mentioned = {p for p, en in _PLACES.items() if p in question or any(e in low for e in en)}
    homes = [p for p in _PLACES if p in indexed]
    home = max(homes, key=indexed.count) if homes else None
    for place in named:
        if place in indexed or (home and home in mentioned and not _COMPARE.search(question)):
            continue  # indexed policies are about it, or the question is about the home place too
        zh = bool(re.search(r"[\u4e00-\u9fff]", question))
        return OutOfScope("place", place if zh else _english(place),
                          (home if zh else _english(home)) if home else ("本市" if zh else "this city"))
    if newest is not None and _NEW_WORDS.search(question):
        years = [int(y) for y in _YEAR.findall(question)]
        later = [y for y in years if y > newest.year]
        if later:
            return OutOfScope("year", str(max(later)), str(newest.year))
    return None
