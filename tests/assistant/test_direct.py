"""The direct first sentence of a question that is not about eligibility (assistant/answer/direct.py), on made-up
clauses: which prohibition answers "is that allowed / 这合法吗", and when none does."""

from __future__ import annotations

from datetime import date

from assistant.answer.direct import direct_answer
from assistant.answer.extractive import Passage
from assistant.query.crosslingual import CrossLingualExpander
from assistant.query.textproc import default_processor
from assistant.types import SearchHit, Validity

HIRING = "第十一条 单位不得采用不正当手段招聘人才，不得以任何名义向应聘人员收取押金或者费用。"
LISTED = "对上市公司财务造假的责任人，依法在金融服务、出境出行等方面予以限制。"
OTHER_DOC = "申办人员应当如实提供材料，严禁弄虚作假或者伪造。"


def _passage(doc: str, text: str, rank: int = 0) -> Passage:
    hit = SearchHit(id=f"{doc}:1", doc_id=doc, doc_title=f"某市{doc}条例", locator="第十一条", text=text, score=1.0)
    return Passage(rank, hit, 0, len(text), 1.0)


def _expand(question: str):
    tp = default_processor()
    vocab = frozenset(t for text in (HIRING, LISTED, OTHER_DOC) for t in tp.tokenize(text))
    return CrossLingualExpander(tp, vocab).expand(question)


def _lead(question: str, passages: list[Passage], validity: tuple[Validity, ...] = ()):
    return direct_answer(question, passages, validity, (), _expand(question))


def test_asked_whether_it_is_lawful_the_prohibition_sharing_most_words_answers() -> None:
    lead = _lead("面试的公司要我先交押金才能入职，这合法吗？", [_passage("人才流动", HIRING)])
    assert lead is not None and lead.kind == "prohibition"
    assert lead.text == "不得以任何名义向应聘人员收取押金或者费用"  # not the first 不得 of the sentence


def test_the_fragment_leaves_out_the_article_number_it_opens_with() -> None:
    lead = _lead("单位可以用不正当手段招聘人才吗？", [_passage("人才流动", HIRING)])
    assert lead is not None and lead.text == "单位不得采用不正当手段招聘人才"


def test_an_asked_figure_is_stated_without_half_of_the_bracket_it_sits_in() -> None:
    clause = ("在本区技术转移机构服务满1年，累计实现1000万元及以上技术交易额(技术合同当事人不少于3家,技术合同履行率达到70%"
              "及以上)的技术合同第一完成人，可以申办落户。")
    question = "技术合同履行率要到多少才算数？"
    lead = direct_answer(question, [_passage("技术转移", clause)], (), ("rate",), _expand(question))
    assert lead is not None and lead.kind == "figure" and lead.text == "技术合同履行率达到70%及以上"


def test_a_prohibition_of_another_document_or_one_lucky_translation_is_no_answer() -> None:
    question = "上市公司的人弄虚作假，能不能限制他出境？"
    top, other = _passage("上市公司", LISTED), _passage("留学", OTHER_DOC, rank=1)
    assert _lead(question, [other]) is not None  # 严禁弄虚作假 alone would answer it…
    assert _lead(question, [top, other]) is None  # …but it is not in the document the answer rests on
    assert _lead("Is fraud allowed?", [other]) is None  # one word in common, through its translation


def test_asked_whether_it_still_applies_in_everyday_words() -> None:
    passage = _passage("公积金", "本规定自2006年1月1日起施行。")
    v = Validity(passage.hit.doc_title, "in_force", None, date(2006, 1, 1))
    lead = _lead("这个规定现在还管用吗？", [passage], (v,))
    assert lead is not None and lead.kind == "validity" and lead.validity is v
