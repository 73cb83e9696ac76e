"""The web app (`rag ui`): an AI overview beside ten blue links, and a blind evaluator mode.

    ui.app        the server (`rag ui`), the page's frame and its load events
    ui.tabs       the two tabs in Gradio: layout, and events wired to the handlers below
    ui.search     the search tab as a thread: plain functions over the Assistant, tested without a server
    ui.evaluate   the Evaluate tab: A/B questions, votes, summary, CSV export; plain functions too
    ui.backend    what both share: the Assistant, votes, access policy, warm-up, the error message
    ui.render     HTML for the panes; every source string escaped, only http/https/file links
    ui.style      the CSS and the fonts (Hangul included, no web fonts)
    ui.questions  evaluator questions from JSONL, SQuAD JSON or typed lines
    ui.votes      evaluator votes and answer feedback: one model, SQLite and PostgreSQL backends, open_votes()
    ui.access     login (who must sign in, as whom, sessions, headers, the query log), users, per-user limits

Imports run one way: app → tabs → search, evaluate → backend → render, access, votes. Every word the page
shows comes from rag.messages, in English and Korean.
"""
