"""Settings from the command line's options: the one bridge from argparse to rag.settings.Settings.

Every command module (and the optional ones: rag.cli.chat, ui.app, ui.access.users, eval.harness) builds its
Settings here, so an option the parser leaves out falls back to its RAG_* variable, then to the default.
"""

from __future__ import annotations

from rag.settings import Settings


def settings_from(args) -> Settings:
    return Settings.from_env(
        index_dir=getattr(args, "index_dir", None),
        model=getattr(args, "model", None),
        llm_url=getattr(args, "llm_url", None),
        model_repo=getattr(args, "model_repo", None),
        index=getattr(args, "index", None),
        pg_url=getattr(args, "pg_url", None),
    )
