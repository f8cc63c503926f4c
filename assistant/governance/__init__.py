"""Knowledge-base governance: documents due for review (``review_due``) and passages of
different documents that state different figures for the same thing (``conflicts``).

Both read the chunk store (and, for review, how often each document was cited lately from the
suggestion database); neither changes anything. ``digest`` builds each owner's notification and
``deliver`` sends it (``assistant.notify``), with the open fix proposals of the review queue.
"""
