"""Answer: the passages read in, the checked and cited AI overview out.

    evidence.select_evidence(...)   sentences scored by the fitted ranker (ranker.py, ranker.json)
    generation.Generator            the writer (llama.cpp, or an OpenAI-compatible server)
    citations                       checks a written sentence against the source it cites
    compose                         lead, bridge and supporting points within the word budget
    overview.decide(...)            the one place that decides what kind of overview a question gets
"""
