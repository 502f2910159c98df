"""Whether a question is about a policy's earlier versions: only then may replaced versions be cited.

A later version of the same title replaces the earlier one (ingest.records.replacements). Answers cite the
version in force; a visitor who asks what the old text said, what changed, or whether an older version still
applies gets the replaced version too, labelled as replaced.
"""

from __future__ import annotations

import re

_HISTORY = re.compile(
    r"旧版|老版|原版|原来|以前|之前|过去|先前|修改前|修正前|修订前|修改了|修正了|修订了|改名|更名|改了|变化|变更|区别|不同|"
    r"历史|上一版|早先|新版|版本|哪一版|哪个版|(?:19|20)\d\d\s*年?\s*(?:版|那版|的版本|的条例|的规定)|"
    r"\b(?:old|older|previous|earlier|former|original|prior|history|historical|version|versions|amend\w*|"
    r"revis\w*|renamed|rename|changed|change|changes|difference|superseded|replaced)\b",
    re.IGNORECASE,
)


def asks_about_versions(question: str) -> bool:
    """True for "what did the 2018 version say", "有什么变化", "is the old version still valid"."""
    return bool(_HISTORY.search(question or ""))
