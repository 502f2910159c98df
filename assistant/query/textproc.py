"""Text processing shared by retrieval, cross-lingual expansion and condensing.

One jieba `Tokenizer` instance carries the domain user dictionary (assistant/resources/userdict.txt); it is built
lazily on first use, so importing this module has no side effects and jieba's global tokenizer is left untouched.

Tokens are what BM25 indexes: Chinese words (search-mode segmentation, so `常住户口` also yields `常住` and `户口`),
lowercased Latin words (`qflp`, `g60`), and number+unit compounds normalised the same way on both sides
(`500 万元` -> `500万`, `7 年` -> `7年`, `5%` -> `5%`), because a question's amount must match the clause's amount.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from functools import lru_cache
from pathlib import Path

RESOURCES = Path(__file__).resolve().parents[1] / "resources"
USER_DICT = RESOURCES / "userdict.txt"
TOKENIZER_VERSION = "2"  # bump when tokenize() changes, so cached BM25 tokens are rebuilt

log = logging.getLogger(__name__)

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RE = re.compile(f"[{_CJK}]")
# Whitespace next to a CJK character is a PDF justification artefact, never a word boundary.
_SPACE_NEAR_CJK = re.compile(rf"(?<=[{_CJK}\d%])\s+(?=[{_CJK}])|(?<=[{_CJK}])\s+(?=[\d{_CJK}])")
_UNITS = "万元|亿元|万|亿|元|个月|月|年|日|天|周岁|岁|%|分|家|项|倍|名|人|次"
# A number followed by its unit, or a bare number; Latin words (with digits, e.g. G60, 5G, REITs).
_TOKEN_SPLIT = re.compile(rf"(\d+[A-Za-z][A-Za-z0-9]*|\d+(?:\.\d+)?(?:{_UNITS})?|[A-Za-z][A-Za-z0-9]*)")
_NUMBER_UNIT = re.compile(rf"^(\d+(?:\.\d+)?)({_UNITS})?$")
_UNIT_CANON = {"万元": "万", "亿元": "亿", "岁": "周岁"}

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9}
_CN_NUMBER_UNIT = re.compile(r"([一二两三四五六七八九十]{1,3})(?=(?:个月|年|万|亿|周岁|岁|倍|家))")

# Function words and question words: they carry no topic and only add noise to BM25.
STOPWORDS = frozenset(
    """的 了 和 与 及 或 等 在 是 对 为 以 将 把 被 从 由 向 于 之 其 并 且 而 也 都 又 还 就 才 可 能 会 要 应
    该 此 这 那 哪 吗 呢 吧 啊 呀 么 么样 个 些 我 你 他 她 它 我们 你们 他们 您 请问 请 一下 如果 的话 是否 有没有
    什么 怎么 怎么样 怎样 如何 哪些 哪个 多少 几 为什么 能否 可否 需要 需 想 想要 问 问题 谁 有 没有 不 没 吗 得
    所 着 过 给 让 里 上 下 中 后 前 时 则 即 已 已经 按照 根据 关于 有关 相关 以及 或者 并且 通过 进一步 这个 那个
    那么 还是 就是 情况 现在 目前 一些 一个 可以 the a an of to in for on and or is are be can do does what how
    which who when where why with my i me we you it its this that those these there if than then so as by at from
    about any some get got have has had will would should could may might please tell know want need""".split()  # noqa: SIM905
)

# Words that shape a question but name no topic (how long / where / get / they / still …): a clause never
# contains them, so counting them would make every question look half-uncovered. Generic lists, not tuned.
ZH_QUESTION_WORDS = frozenset("""几 几年 几个 几种 哪几 哪几种 多长 多长时间 长时间 时间 多久 多大 多少 加多 加多少 哪里 哪儿
    去 来 拿 拿到 到 自己 那边 这边 时候 以后 以前 后来 原来 现在 还 还能 能 才 才能 只有 之内 以内 回来 出来 查出 查出来
    怎么办 怎么 算 用 交 不会 不能 会不会 能不能 可不可以 最 少 多 大 小 办 做 搞 走 找 说 看 给 让 帮 大概 一般 具体
    什么样 是不是 有没有 其他 另外 比如 例如 假如 要是 所以 因为 为了 对于 除了 包括 等等 啥 咋
    听说 听人说 据说 好像 似乎 觉得 知道 不知道 不想 打算 希望 真的 那种 这种 专门 不够 只能 不算 是从
    干吗 干嘛 回事 没什么 正好 有点 有点儿 一点 一点儿 有些 东西 事情 事儿 样子 意思 感觉 别的 有啥""".split())  # noqa: SIM905
# jieba (ICTCLAS) tags of words that name no topic: pronouns, numerals and quantifiers, conjunctions, adverbs,
# prepositions, particles, locality and place words, time words (这些, 一点, 好几个, 不过, 确实, 外面, 市里).
NON_TOPIC_TAGS = frozenset("r m mq q c d ad p u uj ul uz ug uv ud y e o f s t tg z zg".split())  # noqa: SIM905
# Tags of words that name a *thing* (nouns, proper and organisation names, verbal nouns, abbreviations): only
# these count as "a topic the policies never mention". A fresh visitor's everyday verbs and idioms (折腾, 看中,
# 干吗, 扎堆, 没什么) are also absent from the policies but say nothing about the topic; counting them refused
# 20/40 answerable questions of a fresh set (eval/data/refusal_dev03.jsonl, 2026-12-02) at the then gate.
NOUN_TAGS = frozenset("n nr nrt nrfg nz nt ng vn j".split())  # noqa: SIM905
EN_FUNCTION_WORDS = frozenset("""was were been being done did shall must like also just only even still already yet
    again ever never once into onto upon under over after before since until while during through across along
    around among between within without against toward towards up down out off more most less least many much
    few little other another such same own very too enough quite rather really what's that's it's there's
    they've i'm i've you're don't doesn't isn't aren't can't won't whether else anything everything something
    nothing anyone everyone someone one ones every each use used using make made go goes going come comes take takes give
    given say said way thing things lot lots kind sort part able directly personally actually exactly they them
    their his her him she he our us but though although however etc maybe probably perhaps okay ok sure hi hello
    thanks thank heard hear hearing saw see seen seeing told think thought wonder wondering worry worried guess
    believe couple stuff""".split())  # noqa: SIM905


@lru_cache(maxsize=1)
def _user_words() -> tuple[str, ...]:
    """The domain words of the user dictionary (first column)."""
    lines = USER_DICT.read_text(encoding="utf-8").splitlines()
    return tuple(line.split()[0] for line in lines if line.strip() and not line.startswith("#"))


def domain_terms() -> tuple[str, ...]:
    """Domain words from the user dictionary, longest first (for substring matching)."""
    return tuple(sorted(_user_words(), key=len, reverse=True))


def normalize(text: str) -> str:
    """NFKC (full-width -> half-width), drop spaces around CJK characters, collapse other whitespace."""
    text = unicodedata.normalize("NFKC", text)
    text = _SPACE_NEAR_CJK.sub("", text)
    return re.sub(r"\s+", " ", text).strip()


def cn_numbers_to_digits(text: str) -> str:
    """`七年` -> `7年`, `三个月` -> `3个月`, `二十四个月` -> `24个月` (only before a unit, 1..99)."""

    def convert(m: re.Match[str]) -> str:
        s = m.group(1)
        if "十" in s:
            tens, _, ones = s.partition("十")
            value = (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)
        elif len(s) == 1:
            value = _CN_DIGITS[s]
        else:
            return s
        return str(value)

    return _CN_NUMBER_UNIT.sub(convert, text)


def has_cjk(text: str) -> bool:
    return bool(_CJK_RE.search(text))


def canonical_number(token: str) -> str:
    """`500万元` -> `500万`; `16岁` -> `16周岁`; other tokens unchanged."""
    m = _NUMBER_UNIT.match(token)
    if not m or not m.group(2):
        return token
    return m.group(1) + _UNIT_CANON.get(m.group(2), m.group(2))


def _pos_tokenizer(tokenizer):
    """A jieba POSTokenizer over our tokenizer (domain dictionary loaded) that reuses the word-tag table
    `import jieba.posseg` has just read for its global tokenizer: POSTokenizer(tokenizer) would read the same
    350K-line file again (~0.7 s of every cold start, measured 2026-12-03 on this machine). Only when ours uses
    jieba's default dictionary, as it does; otherwise the table is read from ours."""
    import jieba.posseg

    if tokenizer.dictionary != jieba.posseg.dt.tokenizer.dictionary:
        return jieba.posseg.POSTokenizer(tokenizer)
    pos = object.__new__(jieba.posseg.POSTokenizer)
    pos.tokenizer = tokenizer
    pos.word_tag_tab = dict(jieba.posseg.dt.word_tag_tab)  # our user dictionary's tags are added on first cut
    return pos


class TextProcessor:
    """jieba with the domain dictionary, loaded once per instance (thread-safe lazy init)."""

    def __init__(self, user_dict: Path = USER_DICT) -> None:
        self._user_dict = user_dict
        self._tk = None
        self._pos = None
        self._lock = threading.Lock()

    def _tokenizer(self):
        if self._tk is None:
            with self._lock:
                if self._tk is None:
                    import jieba

                    logging.getLogger("jieba").setLevel(logging.WARNING)  # its INFO lines go to stderr
                    tk = jieba.Tokenizer()
                    tk.load_userdict(str(self._user_dict))
                    self._tk = tk
        return self._tk

    def preload(self) -> threading.Thread:
        """Load jieba's dictionary and part-of-speech table on a daemon thread (~1.8 s here, the first
        question's wait on a cold start) while the caller loads the index and the model; a call that needs
        them meanwhile waits for them on the lock, as it would have."""
        thread = threading.Thread(target=self.tagged_words, args=("预热",), name="jieba-preload", daemon=True)
        thread.start()
        return thread

    def words(self, text: str) -> list[str]:
        """Precise-mode segmentation of normalised text (no stopword removal), for phrase extraction."""
        return [w for w in self._tokenizer().lcut(normalize(text)) if w.strip()]

    def plain_words(self, text: str) -> list[str]:
        """Precise-mode words without jieba's HMM (which invents words such as 缩到), amounts kept whole the way
        `tokenize` keeps them (`500万能缩短` -> `500万`, `能`, `缩短`, not `万能`)."""
        text = cn_numbers_to_digits(normalize(text))
        words: list[str] = []
        for i, part in enumerate(_TOKEN_SPLIT.split(text)):
            if i % 2 == 1:
                words.append(canonical_number(part.lower()))
            elif part:
                words += [w for w in self._tokenizer().lcut(part, HMM=False) if w.strip()]
        return words

    def tagged_words(self, text: str) -> list[tuple[str, str]]:
        """`plain_words` with jieba's part-of-speech tags (ICTCLAS tag set: n noun, v verb, r pronoun, m numeral
        or quantifier, c conjunction, d adverb, f locality, ...); amounts are tagged m."""

        tokenizer = self._tokenizer()  # outside the lock: _tokenizer() takes it itself
        if self._pos is None:
            with self._lock:
                if self._pos is None:
                    self._pos = _pos_tokenizer(tokenizer)
        text = cn_numbers_to_digits(normalize(text))
        words: list[tuple[str, str]] = []
        for i, part in enumerate(_TOKEN_SPLIT.split(text)):
            if i % 2 == 1:
                words.append((canonical_number(part.lower()), "m"))
            elif part:
                words += [(p.word, p.flag) for p in self._pos.lcut(part, HMM=False) if p.word.strip()]
        return words

    def word_tag(self, word: str) -> str:
        """jieba's part-of-speech tag of one word ('x' when jieba would split it)."""
        tagged = self.tagged_words(word)
        return tagged[0][1] if len(tagged) == 1 else "x"

    def sub_words(self, word: str) -> list[str]:
        """The dictionary words inside a word (search mode): 常住户口 -> 常住, 户口, 常住户口."""
        return [w for w in self._tokenizer().cut_for_search(word, HMM=False) if w.strip()]

    def tokenize(self, text: str, drop_stopwords: bool = True) -> list[str]:
        """BM25 tokens of a text: search-mode Chinese words, Latin words, number+unit compounds."""
        text = cn_numbers_to_digits(normalize(text))
        tokens: list[str] = []
        tk = self._tokenizer()
        for i, part in enumerate(_TOKEN_SPLIT.split(text)):
            if not part:
                continue
            if i % 2 == 1:  # a captured number/Latin token
                tok = canonical_number(part.lower())
                if not tok.isdigit() or len(tok) >= 3:  # bare 1-2 digit numbers are enumerators, not content
                    tokens.append(tok)
                continue
            for w in tk.cut_for_search(part, HMM=False):
                w = w.strip()
                if not w or not (has_cjk(w) or w.isalnum()):
                    continue
                tokens.append(w.lower())
        if drop_stopwords:
            tokens = [t for t in tokens if t not in STOPWORDS]
        return tokens

    def tokenize_many(self, texts: list[str]) -> list[list[str]]:
        return [self.tokenize(t) for t in texts]


_default: TextProcessor | None = None


def default_processor() -> TextProcessor:
    """A process-wide TextProcessor (built lazily, so import stays side-effect free)."""
    global _default
    if _default is None:
        _default = TextProcessor()
    return _default
