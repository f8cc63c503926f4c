"""Retrieval that learns from the knowledge base and from agents' decisions: votes per document
for the feedback prior (``votes``), training pairs (``pairs``), tuning the embedding model
(``train``) and keeping, adopting and rolling back tuned models (``models``)."""
