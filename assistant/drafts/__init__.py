"""The knowledge loop's second half: article drafts from resolved tickets and agents'
corrections, a review queue in the suggestion database, and publishing what a reviewer approves.

- ``grouping``: resolved tickets grouped by meaning (their problem and resolution chunks);
- ``coverage``: whether an existing article already covers a group (a calibrated threshold);
- ``writer``: the extractive draft (every sentence keeps its ticket); ``llm_writer``: the LLM one;
- ``corrections``: edits attributed to cited passages, fix proposals, flagged documents;
- ``review``: the ``drafts`` table (migration 0006); ``publish``: atomic write, then ingest;
- ``service``: ``DraftService``, what the CLI and HTTP channels call.
"""
