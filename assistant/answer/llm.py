"""The optional LLM: any OpenAI-compatible chat endpoint (Qwen, DeepSeek, GLM, vLLM, Ollama, llama.cpp server).

Failures are expected (the hall's LAN box may be down or slow), so nothing here retries: the chain falls back
to the extractive answer at once and says why (`failure_notice`).
"""

from __future__ import annotations

import logging

import httpx
import openai
from langchain_core.language_models import BaseChatModel
from pydantic import SecretStr

from assistant.settings import Settings

log = logging.getLogger(__name__)


class UnusableOutput(RuntimeError):
    """The model answered, but with nothing we can show: empty, citing no source, or quoting nothing that
    could be verified. `kind` is one of "empty", "no_marker", "unverified"."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def build_chat_model(settings: Settings, streaming: bool = True) -> BaseChatModel:
    """ChatOpenAI on settings.llm_base_url; raises ValueError when no LLM is configured."""
    if not settings.llm_enabled:
        raise ValueError("no LLM configured: set POLICY_ASSISTANT_LLM_BASE_URL and POLICY_ASSISTANT_LLM_MODEL")
    from langchain_openai import ChatOpenAI  # imported here: the offline path never pays for it

    return ChatOpenAI(
        base_url=settings.llm_base_url,
        model=settings.llm_model,
        api_key=SecretStr(settings.llm_api_key or "not-needed"),
        timeout=settings.llm_timeout_s,
        max_retries=0,  # a retry would double the visitor's wait; we fall back instead
        streaming=streaming,
        temperature=settings.llm_temperature,
    )


def failure_notice(exc: BaseException) -> str:
    """Why the answer is extractive, in Chinese and English, without internal details."""
    if isinstance(exc, openai.APITimeoutError | httpx.TimeoutException | TimeoutError):
        zh, en = "语言模型服务响应超时", "the language model timed out"
    elif isinstance(exc, openai.APIStatusError):
        zh, en = f"语言模型服务返回错误（HTTP {exc.status_code}）", f"the language model returned HTTP {exc.status_code}"
    elif isinstance(exc, openai.APIConnectionError | httpx.TransportError | ConnectionError):
        zh, en = "无法连接语言模型服务", "the language model could not be reached"
    elif isinstance(exc, UnusableOutput) and exc.kind == "unverified":
        zh, en = "语言模型的引文无法与条款原文核对一致", "the language model's quotes could not be verified"
    elif isinstance(exc, UnusableOutput):
        zh, en = "语言模型的回答无法使用（未引用任何条款）", "the language model's reply was unusable (no valid citation)"
    else:
        zh, en = "语言模型服务出错", "the language model failed"
    return f"{zh}，以下为直接摘录的条款原文。 / {en}; showing the clauses quoted directly instead."
