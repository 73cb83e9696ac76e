"""`rag eval`: does the AI overview beat ten blue links? Measured on public QA sets, with a report.

    eval/datasets.py   squad / hotpot / nq / jsonl loaders -> Dataset of Questions
    eval/arms.py       the links, overview and naive arms, one question at a time
    eval/metrics.py    SQuAD/KorQuAD answer matching, ranx ranking metrics, summaries
    eval/report.py     figures, miss diagnosis, report.json and report.md
    eval/plots.py      answer@k, reading effort and latency PNGs
    eval/indexes.py    the index a run evaluates against (a named one, or built once from the dataset)
    eval/conversations.py  conv: datasets, measured turn by turn
    eval/votes.py      the app's votes (ui.votes: its store, its summary) as a Markdown table
    eval/harness.py    the command: add_arguments(parser) and run(args)
"""
