"""Benchmark: do the suggested next questions read as questions a person would ask? Prints, asserts nothing.

    python bench/suggestions.py [--show 10]

Asks the 50 questions below on the default index (extractive: RAG_GENERATE is not needed) and checks every
suggestion (rag.chat.related) by a rule stated here, independent of the code that made it:
  form      it ends with "?" and opens with a question word (or is a Korean question ending in 요?)
  subject   the name in it is the title of a document of the index, and that document opens with the name
            (as a Wikipedia lead does: "Paris is …", "The Louvre is …" — then the question says "the Louvre"),
            not with "A …"/"An …" (the article "Island" opens "An island is …": "Where is Island?" fails)
  aspect    "Who was X?", "When was X born?", "When did X die?" only when X's document is about a person
            (rag.answer.subject.is_person, given its title), "Where is X?" only when it is not
Prints the share well-formed, each failure, and --show suggestions.
"""

from __future__ import annotations

import argparse
import os
import re

QUESTIONS = [
    "Who painted the Mona Lisa?", "Where is the Eiffel Tower?", "Who wrote Hamlet?", "Who discovered penicillin?",
    "What is the capital of Australia?", "Who invented the telephone?", "Who was the first person on the moon?",
    "Which is the largest ocean on Earth?", "Who founded Microsoft?", "Who developed the theory of relativity?",
    "What is the tallest mountain in Africa?", "Who composed the Fifth Symphony?", "Who built the Great Wall of China?",
    "Who was the first emperor of Rome?", "What is the longest river in Africa?", "Who designed the Eiffel Tower?",
    "Who wrote Pride and Prejudice?", "How high is Mount Everest?", "When did World War II end?",
    "What is photosynthesis?", "Who was Napoleon?", "Where is the Taj Mahal?", "Who wrote the Odyssey?",
    "What is the speed of light?", "Who painted the Sistine Chapel ceiling?", "When was the Roman Empire founded?",
    "Who discovered gravity?", "What is the largest desert in the world?", "Who was Cleopatra?",
    "Where is Machu Picchu?", "Who invented the light bulb?", "What is DNA?", "Who wrote War and Peace?",
    "What is the capital of Japan?", "Who was Genghis Khan?", "Where is the Amazon rainforest?",
    "Who composed The Magic Flute?", "What is the Great Barrier Reef?", "Who was Martin Luther King Jr.?",
    "When did the Berlin Wall fall?", "Who founded Buddhism?", "What is the Louvre?", "Who was Marie Curie?",
    "Where is Mount Kilimanjaro?", "Who wrote Don Quixote?", "What is the Sahara?", "Who invented the printing press?",
    "Who was Alexander the Great?", "에펠탑은 어디에 있나요?", "모나리자를 그린 사람은 누구인가요?",
]
QUESTION_WORD = re.compile(r"^(Who|What|When|Where|How|Which|Why)\b")
PERSON_ASPECT = re.compile(r"^(Who was|When was .+ born\?|When did .+ die\?)")


def well_formed(suggestion: str, index, titles: dict[str, str]) -> str | None:
    """None when the suggestion passes the rule; else why it fails."""
    from rag.answer.subject import is_person

    if not suggestion.endswith("?") or not (QUESTION_WORD.match(suggestion) or suggestion.endswith("요?")):
        return "form"
    named = [t for t in titles if t and t in suggestion]
    if not named:
        return "subject: no document title in it"
    subject = max(named, key=len)
    text = index.document_text(titles[subject])
    opening = re.match(rf"^(The\s+)?{re.escape(subject)}", text, re.I)
    if not opening:
        return f"subject: {subject!r} is not how its document opens"
    if opening.group(1) and f"the {subject.lower()}" not in suggestion.lower() and not suggestion.endswith("요?"):
        return f"subject: its document says 'the {subject}'"
    person = is_person(text, subject)
    if PERSON_ASPECT.match(suggestion) and not person:
        return f"aspect: asks about a person, {subject!r} is not one"
    if suggestion.startswith("Where is") and person:
        return f"aspect: asks where a person is ({subject!r})"
    return None


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--show", type=int, default=10)
    args = p.parse_args()
    os.environ.setdefault("RAG_GENERATE", "0")
    from rag import Assistant
    from rag.chat.entities import display_name
    from rag.chat.related import suggest

    assistant = Assistant.default()
    index = assistant.loaded_index()
    titles = {display_name(d.title): d.id for d in index.documents.values()}
    made, failures = [], []
    for question in QUESTIONS:
        overview = assistant.answer(question)
        for s in suggest(assistant, question, overview, None):
            made.append((question, s))
            why = well_formed(s, index, titles)
            if why:
                failures.append((question, s, why))
    ok = len(made) - len(failures)
    print(f"{len(QUESTIONS)} answers, {len(made)} suggestions, well-formed {ok}/{len(made)} "
          f"({ok / max(len(made), 1):.0%})")
    for q, s, why in failures:
        print(f"  FAIL  {s!r} (after {q!r}): {why}")
    for q, s in made[: args.show]:
        print(f"  {q} → {s}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
