"""``/ask``: a reader's question answered from the current edition, every figure checked.

``AskService`` (service.py) is the door: ``prepare`` a question (length, rate limit), then
``answer`` it against an edition. Claude answers when configured (claude.py), within a time and
a daily token budget; otherwise, or when Claude fails, the answer comes from templates over the
same facts (routing.py, template.py).
"""
