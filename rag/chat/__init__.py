"""Chat: conversations over an Assistant — follow-ups resolved in context, suggested questions.

    conversation.Conversation   ask / stream / undo / reset / to_dict
    followup.resolve(...)       "When was he born?" -> "When was Leonardo da Vinci born?"
    related.suggest(...)        three questions a reader may ask next, each checked by a search
"""
