"""Usage analytics and content flags over the suggestion store (issue 13).

- ``facts``: the denormalised columns a suggestion and a decision are stored with, so that the
  analytics are SQL aggregates (written by ``assistant.suggestion_db`` and back-filled by
  migration 0005);
- ``params``: the time window, group-by and filters, parsed with clear errors;
- ``queries``: the usage aggregates, computed in the database;
- ``flags``: content flags per document owner;
- ``catalog``: the knowledge base's documents as the chunk store holds them.

Submodules are imported explicitly (``from assistant.analytics.queries import ...``): this
package's ``__init__`` imports nothing, so the suggestion store may use ``facts``.
"""
