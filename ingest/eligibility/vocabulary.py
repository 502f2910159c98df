"""The words eligibility is stated in, in Chinese and English, for clauses and visitors alike.

These are the general terms of Chinese administrative eligibility (what a threshold is about, the
qualifiers that change it, the roles and credentials with their ladders), not phrases of any one policy file:
the extractor is tested on made-up policies it has never seen (tests/assistant/data/madeup_policies).
"""

from __future__ import annotations

import re

# What a threshold is about. A clause's condition and a visitor's fact are compared only when they share a
# topic (or one side names none): 持股12% is a stake, never a 技术合同履行率.
TOPICS: dict[str, tuple[str, ...]] = {
    "investment": ("投资", "融资", "风投", "创投", "融了", "融到", "投了", "invested", "募资", "到账", "到位", "invest", "funding", "funded", "raised", "raise", "financing",
                   "round", "venture", "vc money"),
    "stake": ("持股", "股份", "股权", "股比", "stake", "shares", "share of", "equity", "own ", "hold ", "holding"),
    "work": ("工作", "任职", "担任", "从事", "干了", "在职", "入职", "服务", "上班", "work", "employed", "served",
             "serving", "been there", "been at", "job", "as vp", "as a vp"),
    "social_insurance": ("社会保险", "社保", "social insurance", "social security"),
    "wage": ("平均工资", "社平", "缴费基数", "基数", "工资", "年薪", "月薪", "薪", "average wage", "average salary",
             "salary", "wage", "pay "),
    "tax": ("所得税", "个税", "纳税", "缴税", "税", "tax"),
    "trade": ("交易额", "技术合同", "技术交易", "成交", "transaction", "deals", "contracts", "technology trade"),
    "capital": ("注册资金", "注册资本", "资本金", "registered capital", "paid-in capital", "paid in capital",
                "capital"),
    "revenue": ("营业收入", "主营业务收入", "营收", "销售收入", "revenue", "turnover", "sales"),
    "profit": ("利润", "profit", "margin"),
    "growth": ("增长", "增幅", "growth", "grew", "growing"),
    "employees": ("员工", "招用", "雇", "employee", "staff", "hire", "hired", "headcount"),
    "study": ("学习", "留学", "在外", "进修", "访问学者", "回国", "归国", "study", "studied", "abroad", "overseas",
              "came back", "returned", "back to china", "back in china"),
    "contract": ("合同有效期", "劳动合同", "聘用合同", "contract"),
    "age": ("年龄", "周岁", "岁", "age", "years old"),
    "unemployment": ("失业", "unemployed", "out of work", "jobless", "lost my job"),
    "rent": ("租金", "房租", "租房", "rent"),
    "area": ("面积", "平方米", "area", "square met"),
    "marriage": ("结婚", "婚姻", "领证", "married", "marriage", "wedding"),
    "housing_fund": ("公积金", "housing fund", "provident fund"),
}

QUALIFIERS: dict[str, tuple[str, ...]] = {
    "first_round": ("首轮", "第一轮", "首次融资", "天使轮", "first round", "first-round", "initial round", "seed"),
    "cumulative": ("累计", "总共", "一共", "合计", "总计", "加起来", "cumulative", "in total", "total",
                   "altogether", "combined", "overall", "all rounds", "so far"),
    "paid_in": ("实缴", "paid-in", "paid in", "paid up", "paid-up"),
    "abroad": ("国外", "境外", "国(境)外", "国（境）外", "海外", "留学", "美国", "英国", "日本", "德国", "法国",
               "加拿大", "澳大利亚", "新加坡", "韩国", "abroad", "overseas", "foreign", "in the us", "in the uk",
               "american", "british", "in germany", "in japan", "in canada", "in australia"),
    "domestic": ("国内", "domestic", "in china", "chinese university", "back home"),
    "continuous": ("连续", "持续", "continuous", "consecutive", "in a row", "straight", "without a break"),
}
# Qualifiers that exclude each other: a sum is either a first round or a cumulative total.
EXCLUSIVE_QUALIFIERS = ("first_round", "cumulative")

# Ladders: a fact meets a condition on the same ladder when its rung is at least the condition's rung.
# (term, ladder, rung); longer terms first so 高级技师 is not read as 技师.
_LEVEL_TERMS: list[tuple[str, str, int]] = [
    ("博士", "degree", 4), ("doctorate", "degree", 4), ("doctoral", "degree", 4), ("phd", "degree", 4),
    ("ph.d", "degree", 4), ("硕士", "degree", 3), ("master", "degree", 3),
    ("学士", "degree", 2), ("本科", "degree", 2), ("bachelor", "degree", 2), ("undergraduate", "degree", 2),
    ("大专", "degree", 1), ("专科", "degree", 1), ("associate degree", "degree", 1),
    ("高级技师", "skill", 2), ("senior technician", "skill", 2), ("一级职业资格", "skill", 2),
    ("技师", "skill", 1), ("technician", "skill", 1), ("二级职业资格", "skill", 1),
    ("正高级", "title", 3), ("副高级", "title", 2), ("高级专业技术职务", "title", 2), ("高级职称", "title", 2),
    ("senior professional title", "title", 2), ("中级职称", "title", 1),
    # Where one's hukou is, as clauses state it: a local hukou meets what a local residence permit does.
    # 非本市户籍 is matched (longest first) so that it is never read as 本市户籍; it requires nothing.
    ("本市户籍", "hukou", 2), ("上海市户籍", "hukou", 2), ("上海户籍", "hukou", 2), ("本市居住证", "hukou", 1),
    ("非本市户籍", "hukou", 0),
]
_ROLE_TERMS: list[tuple[str, str, int]] = [
    ("合伙人", "partner", 1), ("partner", "partner", 1), ("gp", "partner", 1),
    ("董事长", "management", 4), ("chairman", "management", 4), ("总经理", "management", 3),
    ("ceo", "management", 3), ("general manager", "management", 3), ("president", "management", 3),
    ("副总裁", "management", 2), ("vice president", "management", 2), ("vp", "management", 2),
    ("高级管理", "management", 2), ("senior management", "management", 2), ("senior manager", "management", 2),
    ("经理", "management", 1), ("manager", "management", 1), ("director", "management", 1),
    ("普通员工", "management", 0), ("employee", "management", 0), ("analyst", "management", 0),
    ("associate", "management", 0), ("staff member", "management", 0),
    ("法定代表人", "legal_rep", 1), ("法人代表", "legal_rep", 1), ("法人", "legal_rep", 1), ("legal representative", "legal_rep", 1),
    ("第一大股东", "largest_shareholder", 1), ("largest shareholder", "largest_shareholder", 1),
    ("biggest shareholder", "largest_shareholder", 1),
    ("创始人", "founder", 1), ("创业人才", "founder", 1), ("创业者", "founder", 1), ("startup founder", "founder", 1), ("founder", "founder", 1), ("co-founder", "founder", 1), ("cofounder", "founder", 1),
    ("团队核心成员", "core_member", 1), ("核心成员", "core_member", 1), ("core team member", "core_member", 1),
    ("负责人", "head", 1), ("第一完成人", "first_completer", 1), ("first completer", "first_completer", 1),
]
# Family members, as clauses name them (配偶, 子女) and as visitors do (我老公, our son). Kept apart from the roles:
# a clause's 配偶 names who a rule is for, not a post the applicant holds.
RELATIONS: dict[str, tuple[str, ...]] = {
    "spouse": ("配偶", "老公", "老婆", "丈夫", "妻子", "爱人", "太太", "媳妇", "husband", "wife", "spouse"),
    "child": ("子女", "孩子", "女儿", "儿子", "小孩", "daughter", "son", "child", "children", "kid", "kids"),
}
# Events a clause may order ("须在…学成回国前与其结婚") and a visitor may date ("回国以后才结的婚").
EVENTS: dict[str, tuple[str, ...]] = {
    "marriage": ("结婚", "结的婚", "领证", "married", "marriage", "wedding"),
    "return": ("回国", "归国", "came back", "returned", "moved back", "got back"),
    "graduation": ("毕业", "graduat"),
}
LEVEL_NAMES_EN = {"degree": {4: "a doctorate", 3: "a master's degree", 2: "a bachelor's degree", 1: "a college diploma"},
                  "skill": {2: "senior technician (高级技师)", 1: "technician (技师)"},
                  "title": {3: "a full senior title", 2: "a senior professional title", 1: "an intermediate title"},
                  "management": {4: "chairman", 3: "general manager", 2: "vice president or above",
                                 1: "manager", 0: "employee"},
                  "partner": {1: "partner"}, "legal_rep": {1: "legal representative"},
                  "largest_shareholder": {1: "largest shareholder"}, "founder": {1: "founder"},
                  "core_member": {1: "core team member"}, "head": {1: "head of the company"},
                  "first_completer": {1: "first completer of the contracts"},
                  "spouse": {1: "a spouse"}, "child": {1: "a child"},
                  "honour": {4: "a national honour", 3: "a provincial or ministerial honour",
                             2: "a city's honour", 1: "a district's honour"},
                  "hukou": {2: "a Shanghai hukou", 1: "a Shanghai residence permit", 0: "a hukou from elsewhere"}}


def _compile(terms: list[tuple[str, str, int]]) -> re.Pattern[str]:
    alts = sorted((t for t, _, _ in terms), key=len, reverse=True)
    # English terms match whole words only ("vp" not inside "vpn"), in the plural too ("core team members");
    # Chinese terms anywhere.
    parts = [re.escape(t) if re.search(r"[\u4e00-\u9fff]", t) else rf"\b{re.escape(t)}s?\b" for t in alts]
    return re.compile("|".join(parts), re.IGNORECASE)


_LEVEL_RE = _compile(_LEVEL_TERMS)
_ROLE_RE = _compile(_ROLE_TERMS)
_LEVELS = {t.lower(): (ladder, rung) for t, ladder, rung in _LEVEL_TERMS}
_ROLES = {t.lower(): (ladder, rung) for t, ladder, rung in _ROLE_TERMS}


def _term(named: str, terms: dict[str, tuple[str, int]]) -> tuple[str, int]:
    key = named.lower()
    return terms[key] if key in terms else terms[key[:-1]]  # "partners" → partner


# The level of the body that grants an honour (表彰, 奖励, 称号, an award): national > provincial or ministerial
# (Shanghai's own, 上海市/本市, are provincial) > another city's > a district's. "省部级及以上政府表彰" is met by a
# national or a Shanghai award, not by one of 苏州市 or of a district. Of two levels named together ("国家及省部级
# 以上…奖励") the lower is the bar.
_HONOUR_NOUN = re.compile(r"表彰|奖励|奖项|大奖|奖|称号|荣誉|\bawards?\b|\bprizes?\b|\bhonou?rs?\b", re.I)
_HONOUR_LEVELS: list[tuple[re.Pattern[str], int]] = [
    (re.compile(r"国家级|国家|全国|\bnational\b|\bstate-level\b", re.I), 4),
    (re.compile(r"省部级|省级|部级|省里|上海市|本市|\bprovincial\b|\bministerial\b|\bshanghai\b", re.I), 3),
    (re.compile(r"市级|地市级|(?!上海)[\u4e00-\u9fff]{2}市(?!场)|\bcity(?:-level)?\b|\bmunicipal\b", re.I), 2),
    (re.compile(r"区级|区里|县级|区县级|(?<![地社小园])区(?![域块])|\bdistrict(?:-level)?\b|\bcounty\b", re.I), 1),
]
_HONOUR_WINDOW = 14


def _honours(text: str) -> list[tuple[int, int, int]]:
    """(start, end, rung) of each honour whose level the words just before it name."""
    out = []
    for m in _HONOUR_NOUN.finditer(text):
        lo = m.start() - _HONOUR_WINDOW
        stops = [x.end() for x in re.finditer(r"[，,。；;！？!?\n]", text[max(0, lo):m.start()])]
        lo = max(0, lo) + (stops[-1] if stops else 0)
        found = [(x.start() + lo, rung) for pattern, rung in _HONOUR_LEVELS for x in pattern.finditer(text[lo:m.start()])]
        if found and not any(s <= m.start() < e for s, e, _ in out):
            out.append((min(at for at, _ in found), m.end(), min(rung for _, rung in found)))
    return out


def find_levels(text: str) -> list[tuple[int, int, str, str, int]]:
    """(start, end, kind, ladder, rung) of every credential ("credential") and role ("role") named."""
    out = []
    for m in _LEVEL_RE.finditer(text):
        ladder, rung = _term(m.group(0), _LEVELS)
        out.append((m.start(), m.end(), "credential", ladder, rung))
    for m in _ROLE_RE.finditer(text):
        if any(s <= m.start() < e for s, e, *_ in out):
            continue
        ladder, rung = _term(m.group(0), _ROLES)
        out.append((m.start(), m.end(), "role", ladder, rung))
    out += [(a, b, "credential", "honour", rung) for a, b, rung in _honours(text)
            if not any(s <= a < e for s, e, *_ in out)]
    return sorted(out)


def relations_in(text: str) -> list[tuple[int, int, str]]:
    """(start, end, relation) of every family member named: "spouse" or "child"."""
    out = []
    for relation, words in RELATIONS.items():
        for w in words:
            pattern = re.escape(w) if re.search(r"[\u4e00-\u9fff]", w) else rf"\b{re.escape(w)}\b"
            out += [(m.start(), m.end(), relation) for m in re.finditer(pattern, text, re.I)]
    return sorted(out)


def events_in(text: str) -> frozenset[str]:
    low = text.lower()
    return frozenset(e for e, words in EVENTS.items() if any(w in low for w in words))


def topics_in(text: str) -> frozenset[str]:
    low = text.lower()
    return frozenset(t for t, words in TOPICS.items() if any(w in low for w in words))


_ABROAD_EN = re.compile(r"\b(?:uk|u\.k\.|britain|england|usa|u\.s\.|us|america|germany|france|japan|canada|"
                        r"australia|singapore|korea|hong kong)\b", re.I)


def qualifiers_in(text: str) -> frozenset[str]:
    low = text.lower()
    found = {q for q, words in QUALIFIERS.items() if any(w in low for w in words)}
    if _ABROAD_EN.search(text):  # "a UK master's", "studied in the US"
        found.add("abroad")
    return frozenset(found)


# What a visitor says of their own hukou: rung 2 local, 1 a residence permit, 0 from elsewhere. A local hukou or a
# permit counts only with words of having it ("我是上海户口", "I have a residence permit", "Shanghai hukou holder"):
# "上海户口怎么拿", "a route to a Shanghai hukou" name the one hoped for. A hukou from elsewhere is always one's own.
_HUKOU_LOCAL = re.compile(r"(?<!非)(?:上海|本市|本地)(?:户口|户籍)|(?<![-\w])(?:shanghai|local) hukou\b", re.I)
_PROVINCES = """北京 天津 河北 山西 内蒙古 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 广西 海南
    重庆 四川 贵州 云南 西藏 陕西 甘肃 青海 宁夏 新疆 台湾 香港 澳门""".split()  # noqa: SIM905
_PROVINCES_EN = """beijing tianjin hebei shanxi liaoning jilin heilongjiang jiangsu zhejiang anhui fujian jiangxi
    shandong henan hubei hunan guangdong guangxi hainan chongqing sichuan guizhou yunnan tibet shaanxi gansu qinghai
    ningxia xinjiang taiwan""".split()  # noqa: SIM905
_HUKOU_ELSEWHERE = re.compile(r"外地(?:户口|户籍)|外省市?(?:户口|户籍)|非(?:本市|上海|本地)户籍|"
                              rf"(?:{'|'.join(_PROVINCES)})(?:省|市|自治区)?(?:农村|农业|城镇)?(?:户口|户籍)|"
                              r"\b(?:non-?local|out-of-town|non-shanghai) hukou\b|\bhukou (?:is )?(?:from|in) another\b|"
                              rf"\b(?:{'|'.join(_PROVINCES_EN)}) hukou\b",
                              re.I)
_HUKOU_PERMIT = re.compile(r"居住证|\bresidence permit\b", re.I)
# Words of having: "我们家都是", "有", "持有"; "we have", "I'm a" — not "什么是", "what is the".
_HAVING_BEFORE = re.compile(r"(?:[我他她家人也都均]|我们|他们|本人|孩子|子女|老公|老婆|爱人)(?:都|也|均)?是\s*$|"
                            r"(?:有|属于|持有|持|办了|拿了|拿到了|已经有|已有)\s*$|"
                            r"\b(?:have|has|hold|holds|holding|got)\s+(?:a\s+|an\s+|the\s+)?$|"
                            r"\b(?:i am|we are|(?:he|she) is|they are|families|family)\s+(?:a\s+|an\s+|with\s+)?$|"
                            r"(?:'m|'re)\s+(?:a\s+|an\s+)?$", re.I)
_HAVING_AFTER = re.compile(r"^\s*(?:holders?|的人)\b", re.I)
_HOPED_FOR = re.compile(r"(?:落|拿|办|申请|申办|迁|转|进|入|取得|获得|\bget|\bgetting|\bobtain|\bapply for|"
                        r"\bqualify for|\bfor|\bto)\s*(?:到|成)?\s*(?:a\s+|the\s+)?$", re.I)
_NOT_HELD = re.compile(r"(?:不是|没有|没|无|\bnot(?: a| an)?|\bno|\bwithout(?: a)?|(?:don'?t|do not|doesn'?t) have(?: a)?|"
                       r"(?:'m|am|are|'re|is) not(?: a| an)?)\s*$", re.I)


def _said(pattern: re.Pattern[str], text: str, having: bool) -> list[tuple[re.Match[str], bool]]:
    """(match, not held) for each mention the visitor makes of their own hukou or permit."""
    out = []
    for m in pattern.finditer(text):
        before, after = text[max(0, m.start() - 14):m.start()], text[m.end():m.end() + 8]
        if _HOPED_FOR.search(before):
            continue
        negated = bool(_NOT_HELD.search(before))
        if having and not (negated or _HAVING_BEFORE.search(before) or _HAVING_AFTER.match(after)):
            continue
        out.append((m, negated))
    return out


def hukou_status(text: str) -> tuple[int, str] | None:
    """(rung, words) of where the visitor says their hukou is, or None when they don't say."""
    local = _said(_HUKOU_LOCAL, text, having=True)
    own = [m for m, negated in local if not negated]
    if own:
        return 2, own[0].group(0)
    permits = [m for m, negated in _said(_HUKOU_PERMIT, text, having=True) if not negated]
    if permits:
        return 1, permits[0].group(0)
    elsewhere = [m for m, _ in _said(_HUKOU_ELSEWHERE, text, having=False)] or [m for m, _ in local]
    return (0, elsewhere[0].group(0)) if elsewhere else None


def without_hukou_status(text: str) -> str:
    """The text without the words in which the visitor says where their hukou is ("我们家都是外地户口"), so
    that what they say of their hukou is not read as asking for one."""
    spans = [m.span() for pattern, having in ((_HUKOU_LOCAL, True), (_HUKOU_ELSEWHERE, False))
             for m, _ in _said(pattern, text, having)]
    for a, b in sorted(spans, reverse=True):
        text = text[:a] + " " + text[b:]
    return text


def stated_hukou_spans(text: str) -> list[tuple[int, int]]:
    """Where the visitor says what hukou they hold ("我们全家都是安徽户口", "I have a Shanghai hukou"): words of
    having before it. "安徽户口怎么迁" names no hukou held."""
    return [m.span() for pattern in (_HUKOU_LOCAL, _HUKOU_ELSEWHERE) for m in pattern.finditer(text)
            if _HAVING_BEFORE.search(text[max(0, m.start() - 14):m.start()])]
