"""The report path: from a snapshot to the ten-section ``Report`` and the current edition.

    pipeline   snapshot → analysis → narration → Report, in one call
    builder    assembles the sections from an Analysis and a Narration (pure)
    sections   one function per section: analysis values → typed blocks
    editions   the current edition, cached and rebuilt once for many callers
"""
