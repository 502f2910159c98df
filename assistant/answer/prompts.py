"""Prompt files in `settings.prompts_dir`, rendered strictly.

Jinja2 with StrictUndefined: a template that names a variable the caller didn't pass raises instead of
silently rendering an empty string (an empty <sources> block would let the model answer from nothing).
Visitor text only ever enters as a variable value, which Jinja never evaluates as template code.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from pathlib import Path

import jinja2

PROMPT_NAMES = ("system", "condense", "answer", "refusal")
NO_ANSWER_TOKEN = "NO_ANSWER"
# Our own delimiter tags: visitor or document text must not be able to close or open them.
_TAGS = re.compile(r"<\s*/?\s*(?:question|sources?|history|checked_verdict|listed_conditions)\b[^>]*>",
                   re.IGNORECASE)
_TAG_OPENINGS = re.compile(r"<\s*/?\s*(?:sources?|question|history|checked_verdict|listed_conditions)\b",
                           re.IGNORECASE)


class PromptError(ValueError):
    """A prompt file is missing or can't be rendered with the given variables."""


def defang(text: str) -> str:
    """Remove anything that looks like our delimiter tags from data placed inside them."""
    return _TAGS.sub(" ", text)


class PromptLibrary:
    """Loads prompts/<name>.md once and renders it with exactly the variables it names."""

    def __init__(self, prompts_dir: Path) -> None:
        self._dir = Path(prompts_dir)
        self._env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(self._dir)),
            undefined=jinja2.StrictUndefined,
            autoescape=False,  # plain-text prompts for a model, never rendered as HTML
            keep_trailing_newline=False,
            trim_blocks=False,
        )
        self._cache: dict[str, jinja2.Template] = {}
        self._lock = threading.Lock()

    def template(self, name: str) -> jinja2.Template:
        with self._lock:
            if name not in self._cache:
                try:
                    self._cache[name] = self._env.get_template(f"{name}.md")
                except jinja2.TemplateNotFound as exc:
                    raise PromptError(f"prompt file {self._dir / (name + '.md')} not found") from exc
                except jinja2.TemplateSyntaxError as exc:
                    raise PromptError(f"prompt {name}.md line {exc.lineno}: {exc.message}") from exc
            return self._cache[name]

    def render(self, name: str, **variables: object) -> str:
        """Render prompts/<name>.md; raises PromptError naming the missing variable."""
        try:
            return self.template(name).render(**variables).strip()
        except jinja2.UndefinedError as exc:
            raise PromptError(f"prompt {name}.md needs a variable that wasn't given: {exc.message}") from exc

    def check(self) -> None:
        """Load every prompt file (used at start-up so a broken file fails early, not mid-answer)."""
        for name in PROMPT_NAMES:
            self.template(name)


def distinctive_lines(prompts: PromptLibrary, languages: Iterable[str]) -> tuple[str, ...]:
    """Lines of the rendered system prompt, in each answer language, long enough that an answer can't contain
    them by chance."""
    lines: set[str] = set()
    for language in languages:
        text = prompts.render("system", language=language, no_answer_token=NO_ANSWER_TOKEN)
        lines |= {" ".join(line.split()) for line in text.splitlines() if len(line.strip()) >= 30}
    return tuple(lines)


def echoes_prompt(text: str, prompt_lines: tuple[str, ...]) -> bool:
    """Whether an LLM reply reproduces our prompt: its delimiter tags (defang() keeps them out of data) or a
    line of the system prompt."""
    if _TAG_OPENINGS.search(text):
        return True
    flat = " ".join(text.split())
    return any(line in flat for line in prompt_lines)
