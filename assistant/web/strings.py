"""UI strings in Chinese (default) and English. Answers follow the question's language; these are the chrome."""

from __future__ import annotations

LANG_CHOICES: list[tuple[str, str]] = [("中文", "zh"), ("English", "en")]
# The page's `lang` for each UI language (BCP 47): screen readers choose their voice and pronunciation from it.
HTML_LANG: dict[str, str] = {"zh": "zh-CN", "en": "en"}

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "title": "上海政策问答助手",
        "subtitle": "回答上海已发布政策的问题，并逐字引用所依据的条款、文件名称与条目，标明是否仍然有效。",
        "hint_title": "我可以回答：",
        "hint_body": "人才引进与落户（居住证、常住户口）、创业投资、金融服务科创企业、上市公司、“上海制造”与产业专项资金等政策问题。"
        "政策未涉及的问题，我会直接说明，不会猜测。",
        "kiosk_hint": "点按下面的问题试试，或直接输入您的问题。离开后对话会自动清除。",
        "input_label": "您的问题",
        "input_placeholder": "例如：创业人才获得 500 万元投资，落户年限能缩短吗？",
        "send": "提问",
        "new": "新对话",
        "starters": "常见问题",
        "up": "有帮助",
        "down": "没帮助",
        "thanks": "感谢反馈！已匿名记录。",
        "already_voted": "这条回答已经评价过了。",
        "nothing_to_rate": "还没有可以评价的回答。",
        "you": "您",
        "assistant": "助手",
        "sources": "依据条款",
        "show_full": "查看条款全文",
        "in_force": "现行有效",
        "expired": "已于 {date} 失效",
        "no_end_date": "未注明有效期",
        "superseded": "已被 {date} 的新版本取代",
        "superseded_by": "已被《{title}》取代",
        "unchecked_rule": "此结论依据的资格规则由系统从条款中自动读取，尚未经工作人员核对；请以条款原文为准。",
        "not_yet": "{date} 起施行",
        "unknown_validity": "有效性未知",
        "unverified": "引文未能逐字核对",
        "extractive": "摘录模式：当前未使用大模型（未配置或调用失败），以下内容直接摘自政策原文。",
        "refused": "现有政策文件未涉及这个问题。",
        "thinking": "正在查找相关条款…",
        "error": "抱歉，暂时无法回答（系统出错或资料库暂不可用）。请稍后再试，或向服务窗口咨询。",
        "store_down": "政策资料库暂时无法连接，请稍后再试，或向服务窗口咨询。",
        "empty": "请输入问题后再提问。",
        "slow_down": "您提问有点快，请稍等片刻再问。",
        "busy": "上一个问题还在回答中，请等它答完再问。",
        "too_long": "问题太长了（{n} 字）。请精简到 {limit} 字以内再提问。",
        "qr_title": "扫码带走这条回答",
        "qr_caption": "用手机扫描二维码，即可保存回答和政策出处。",
        "qr_empty": "得到回答后，这里会显示二维码。",
        "qr_alt": "二维码：这条回答和政策出处的文字",
        "qr_q": "问",
        "qr_a": "答",
        "qr_src": "出处",
        "truncated": "（已截断）",
        "idle_warning": "长时间无操作，对话即将清除…",
        "lang_label": "语言 / Language",
    },
    "en": {
        "title": "Shanghai Policy Assistant",
        "subtitle": "Answers questions about Shanghai's published policies, quoting the exact clauses with the document title, "
        "article and whether the policy is still in force.",
        "hint_title": "I can answer questions about:",
        "hint_body": "talent introduction and hukou (residence permit, permanent residence), venture capital, financial services "
        "for tech companies, listed companies, 'Made in Shanghai' and industry funds. When the policies don't cover a "
        "question I say so instead of guessing.",
        "kiosk_hint": "Tap a question below or type your own. The conversation is cleared automatically when you leave.",
        "input_label": "Your question",
        "input_placeholder": "e.g. Can a startup founder with 5 million yuan of funding shorten the 7-year requirement?",
        "send": "Ask",
        "new": "New conversation",
        "starters": "Try asking",
        "up": "Helpful",
        "down": "Not helpful",
        "thanks": "Thank you! Your feedback was recorded anonymously.",
        "already_voted": "You already rated this answer.",
        "nothing_to_rate": "There is no answer to rate yet.",
        "you": "You",
        "assistant": "Assistant",
        "sources": "Sources",
        "show_full": "Show the full clause",
        "in_force": "In force",
        "expired": "Expired on {date}",
        "no_end_date": "No end date stated",
        "superseded": "Replaced by the version of {date}",
        "superseded_by": "Replaced by 《{title}》",
        "unchecked_rule": "The rule behind this verdict was read from the clauses automatically and has not been "
        "checked by staff yet; the quoted clauses are what counts.",
        "not_yet": "In force from {date}",
        "unknown_validity": "Validity unknown",
        "unverified": "Quote could not be verified word for word",
        "extractive": "Extract mode: no language model is in use (not configured or it failed); the text below is quoted "
        "directly from the policies.",
        "refused": "The available policy documents do not cover this question.",
        "thinking": "Looking up the relevant clauses…",
        "error": "Sorry, I can't answer right now (a system error, or the policy index is unavailable). Please try again "
        "later or ask at the service desk.",
        "slow_down": "You're asking faster than we can answer. Please wait a moment, then ask again.",
        "busy": "Your previous question is still being answered. Please wait for it, then ask again.",
        "store_down": "The policy index can't be reached right now. Please try again shortly or ask at the service "
        "desk.",
        "empty": "Please type a question first.",
        "too_long": "The question is too long ({n} characters). Please shorten it to at most {limit} characters.",
        "qr_title": "Take this answer with you",
        "qr_caption": "Scan the QR code with your phone to keep the answer and its sources.",
        "qr_empty": "After an answer, a QR code appears here.",
        "qr_alt": "QR code with the text of this answer and its sources",
        "qr_q": "Q",
        "qr_a": "A",
        "qr_src": "Sources",
        "truncated": "(truncated)",
        "idle_warning": "No activity for a while: the conversation will be cleared…",
        "lang_label": "Language / 语言",
    },
}

STARTERS: dict[str, list[str]] = {
    "zh": [
        "创业人才累计获得500万元创业投资，落户的7年年限能缩短吗？",
        "留学回国人员申办上海常住户口需要什么条件？",
        "上海对创业投资机构有哪些支持政策？",
        "产业高质量发展专项资金支持哪些项目？",
    ],
    "en": [
        "Can a startup founder with 5 million yuan of venture funding shorten the 7-year hukou requirement?",
        "What do returned overseas students need to apply for Shanghai hukou?",
        "What support does Shanghai offer venture capital firms?",
        "Which projects can the industry high-quality development fund support?",
    ],
}


def html_lang(lang: str) -> str:
    """The BCP 47 tag of a UI language; unknown languages fall back to Chinese, like `t`."""
    return HTML_LANG.get(lang, HTML_LANG["zh"])


def t(lang: str, key: str, **kwargs: object) -> str:
    """Look up a UI string; unknown languages fall back to Chinese."""
    table = TEXT.get(lang, TEXT["zh"])
    text = table.get(key, TEXT["zh"][key])
    return text.format(**kwargs) if kwargs else text
