"""The web app (`rag ui`): an AI overview beside ten blue links, and a blind evaluator mode.

    ui.app        layout and event wiring (Gradio), the `rag ui` command
    ui.handlers   what each event does: plain functions over the Assistant, tested without a server
    ui.render     HTML for the panes; every source string escaped, only http/https/file links
    ui.votes      evaluator votes in SQLite or PostgreSQL, summary with 95% Wilson intervals, CSV export
    ui.questions  evaluator questions from JSONL, SQuAD JSON or typed lines
    ui.access     who must sign in, as whom, session expiry, security headers, the opt-in query log
    ui.users      the accounts file (argon2 hashes) and `rag users add|list|remove`
    ui.limits     per-user questions per minute and waiting overviews; query and upload size caps
"""
