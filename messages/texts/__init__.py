"""The chat texts by subject, one module per part of the conversation; messages/catalog.py
merges them into the one catalog."""
