"""The direct first sentence of a question that is not about eligibility (assistant/answer/direct), on made-up
clauses: which prohibition answers "is that allowed / 这合法吗", and when none does."""

from __future__ import annotations

from datetime import date

from assistant.answer.compose import Findings, opening
from assistant.answer.direct import direct_answer
from assistant.answer.extractive import Passage
from assistant.query.crosslingual import CrossLingualExpander
from assistant.query.textproc import default_processor
from assistant.types import Answer, ClauseAnswer, SearchHit, Validity

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


def test_asked_when_it_took_effect_and_ends_the_dates_answer_not_a_yes() -> None:
    passage = _passage("专项资金", "本办法自2020年10月27日起施行，有效期至2022年10月26日。")
    v = Validity(passage.hit.doc_title, "expired", date(2022, 10, 26), date(2020, 10, 27))
    lead = _lead("这个办法是什么时候开始施行的，有截止日期吗？", [passage], (v,))
    assert lead is not None and lead.kind == "validity" and lead.dates_asked
    zh = opening(Findings("zh", [passage.hit], [v], direct=lead)).splitlines()[0]
    assert zh == "《某市专项资金条例》自2020年10月27日起施行，已于2022年10月26日到期失效。"
    since = _lead("这个办法是哪天起施行的？", [passage], (v,))
    assert since is not None and since.dates_asked
    still = _lead("这个办法还有效吗？", [passage], (v,))
    assert opening(Findings("zh", [passage.hit], [v], direct=still)).startswith("不是：《某市专项资金条例》已于")


# --- a general question answered by the clause that grants what it asks --------------------------------------------
STALLS = "第八条 本区登记的个体商户可以在登记场所以外设摊经营，无需另行办理备案手续。"
FUNDED = "第七条 已获得其他区级财政资金扶持的项目，专项资金不再予以支持。"
QUALITY = "二、鼓励制造企业推行首席质量官制度，提升产品品质。"


def _grant_lead(question: str, text: str, general: bool = True):
    return direct_answer(question, [_passage("营商", text)], (), (), _expand_with(question, text), general=general)


def _expand_with(question: str, text: str):
    tp = default_processor()
    return CrossLingualExpander(tp, frozenset(tp.tokenize(text))).expand(question)


def test_a_general_question_is_answered_by_the_clause_that_grants_it_with_whom_it_grants() -> None:
    lead = _grant_lead("个体商户能不能在登记场所以外设摊？", STALLS)
    assert lead is not None and lead.kind == "grant"
    assert lead.text == "本区登记的个体商户可以在登记场所以外设摊经营"  # its subject kept, its article number not


def test_a_question_that_states_the_askers_own_case_is_not_answered_by_a_grant() -> None:
    assert _grant_lead("我是外区登记的个体商户，能不能在登记场所以外设摊？", STALLS, general=False) is None


def test_a_grant_said_with_a_negation_is_a_no_with_the_clause_saying_what_it_refuses() -> None:
    lead = _grant_lead("项目已经拿过其他区级财政资金了，还能申请专项资金吗？", FUNDED)
    assert lead is not None and lead.kind == "prohibition"
    # "专项资金不再予以支持" alone does not say what is refused
    assert lead.text == "已获得其他区级财政资金扶持的项目，专项资金不再予以支持"


def test_support_answers_a_question_about_support_only() -> None:
    asked_support = _grant_lead("政府鼓励制造企业设首席质量官吗？", QUALITY)
    assert asked_support is not None and asked_support.kind == "support"  # said as support, not as a permission
    assert asked_support.text == "鼓励制造企业推行首席质量官制度"  # not the item number 二、
    assert _grant_lead("制造企业能不能不设首席质量官？", QUALITY) is None  # encouraged is not allowed, nor required


def test_a_question_of_how_or_of_what_stands_in_the_way_is_not_answered_by_a_grant() -> None:
    assert _grant_lead("个体商户怎么才能在登记场所以外设摊？", STALLS) is None
    assert _grant_lead("在登记场所以外设摊会不会影响个体商户的登记？", STALLS) is None
    assert _grant_lead("个体商户在登记场所以外设摊，要办哪些手续？", STALLS) is None


def test_an_english_question_needs_more_words_in_common_than_a_chinese_one() -> None:
    assert _grant_lead("个体商户可以在外面设摊吗？", STALLS) is not None  # 个体商户, 设摊
    # 登记, 商户 and 备案 in common, through their translations: three lucky words are not enough
    assert _grant_lead("Can a registered self-employed trader set up a stall outside the registered premises "
                       "without filing?", STALLS) is None


def test_the_json_says_yes_with_the_clause_that_grants_it() -> None:
    answer = Answer(answer="可以：…", citations=[], refused=False, validity=[], mode="extractive",
                    clause_answer=ClauseAnswer("某区营商条例", "第八条", "本区登记的个体商户可以在登记场所以外设摊经营",
                                               "grant"))
    verdict = answer.to_json()["verdict"]
    assert verdict["outcome"] == "yes" and verdict["rules"][0]["kind"] == "grant"
    assert verdict["rules"][0]["outcome_text"] == "本区登记的个体商户可以在登记场所以外设摊经营"


# --- a number of things, or a scale, asked for -------------------------------------------------------------------
TARGETS = "二、到2025年，培育30家以上智能工厂示范企业，新增50家绿色工厂，建设8个工业互联网标识解析节点。"
BRANDS = "一、新增上海市品牌引领示范企业30家。"
TEAM = "第四条 拥有专利来本市创办企业的负责人、团队核心成员(一般累计不超过3人)，可以申办落户。"


def _word_share_stand_in(term: str) -> float:
    """A stand-in for the index's share of units holding a word (HybridRetriever.term_share): these few are common."""
    return 0.6 if term in {"企业", "新增", "培育", "上海", "建设"} else 0.01


def _count_lead(question: str, text: str, share=_word_share_stand_in):
    return direct_answer(question, [_passage("规划", text)], (), (), _expand_with(question, text), term_share=share)


def test_a_count_asked_for_is_answered_by_the_fragment_that_counts_that_thing() -> None:
    lead = _count_lead("智能工厂示范企业要培育多少家？", TARGETS)
    assert lead is not None and lead.kind == "figure" and lead.text == "培育30家以上智能工厂示范企业"
    nodes = _count_lead("标识解析节点要建几个？", TARGETS)
    assert nodes is not None and nodes.text == "建设8个工业互联网标识解析节点"


def test_a_count_of_something_else_in_common_words_only_is_no_answer() -> None:
    # 新增 and 企业 are in common, and both are in most clauses of a plan
    assert _count_lead("要新增多少家全国质量标杆企业？", BRANDS) is None
    # without the index's word shares, a count is not answered at all
    assert _count_lead("智能工厂示范企业要培育多少家？", TARGETS, share=None) is None


def test_a_count_of_people_does_not_answer_how_many_items() -> None:
    assert _count_lead("团队核心成员拥有专利，要几项专利？", TEAM) is None
    lead = _count_lead("团队核心成员最多能报几个人？", TEAM)
    assert lead is not None and "3人" in lead.text
