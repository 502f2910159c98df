"""The form of a question, apart from what it is about: "留学生落户要满足哪些条件？" asks for the conditions of 留学生落户.

The answer lists a rule's conditions when the form asks for them (assistant/answer/eligibility/overview.py), and
the learned out-of-scope check judges what a question is about without its form (assistant/refusal/
answerability.py): many questions the policies don't cover ask "要什么条件" (职称, visas, 海关认证), and a check that
reads the form learns to refuse every question put that way — "创业者的居转户年限能缩短吗？" passed it, the same
question ending "需要满足哪些条件？" did not.
"""

from __future__ import annotations

import re

# Asking what it takes, not whether one qualifies: 要什么条件, 有哪些要求, 门槛, requirements, criteria, how to qualify.
CONDITIONS_ASKED = re.compile(
    r"(?:什么|哪些|啥|哪几[个条项])\s*(?:基本)?(?:条件|要求|资格|标准)|(?:条件|要求|标准|门槛)(?:是|有)(?:什么|哪些|啥)|"
    r"需要?(?:满足|具备|符合)(?:什么|哪些|啥)|(?:申请|申办|办理|享受|落户)(?:的)?(?:条件|要求|资格|门槛)|门槛|"
    r"(?:什么|哪些|哪种|哪类)情况下?(?:可以|能|才能|可)|"  # 在什么情况下可以提取
    r"(?:什么样的?|哪些|哪类|哪种)(?:人|家庭|企业|单位|项目|人员|人才)(?:才)?(?:可以|能|可|算|属于)|"  # 哪些人可以申请
    r"\b(?:requirements?|conditions|criteria|prerequisites?)\b|\bwho (?:can|may|is eligible|qualifies)\b|"
    r"\bunder what circumstances\b|\bin what (?:cases|situations)\b|\beligib(?:le|ility)\b|"
    r"\bwhich (?:\w+ ){1,2}(?:are allowed|can|may|qualify)\b|"
    r"\b(?:what|how much|how many|how big)\b[^?.]{0,80}\b(?:do|does|must|should)\b[^?.]{0,60}"
    r"\b(?:need|have to|meet)\b|"
    r"\bhow (?:do|can|does|would) (?:i|we|one|you|a|an|someone)\b.{0,30}\bqualify\b|\bwhat does it take\b", re.I)

# The whole asking phrase, for taking it out: "需要满足哪些基本条件", "有什么要求", "what are the requirements".
_FORM = re.compile(
    r"(?:(?:一般|都|还|具体)?(?:需要|要|得|应该|应当)?(?:满足|具备|符合|达到)?|有)"
    r"(?:什么|哪些|啥|哪几[个条项])\s*(?:样的)?(?:基本|具体|硬性)?(?:条件|要求|资格|标准|门槛|criteria)|"
    r"(?:的)?(?:基本|具体|申请|申办)?(?:条件|要求|门槛|标准)(?:是|有)(?:什么|哪些|啥|多少)|"
    r"\bwhat (?:are|is) (?:the |all the )?(?:main |basic |exact |eligibility )?"
    r"(?:requirements?|conditions|criteria|prerequisites?)(?: (?:for|on|to))?|"
    r"\bwhat (?:requirements?|conditions|criteria) (?:do|does|must|should)\b", re.I)


def asks_conditions(question: str) -> bool:
    return bool(CONDITIONS_ASKED.search(question))


def without_form(question: str) -> str:
    """The question without the phrase that asks for conditions; unchanged when it has none."""
    stripped = re.sub(r"\s+", " ", _FORM.sub(" ", question))
    stripped = re.sub(r"[\s，,、]+(?=[？?。！!]|$)", "", stripped).strip(" ，,")
    stripped = re.sub(r"([？?])[？?]+", r"\1", stripped)  # "能缩短吗？需要满足哪些条件？" → "能缩短吗？"
    return stripped if stripped and stripped != question.strip() else question
