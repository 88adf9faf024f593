"""Pydantic models: requests (what callers send), records (what is stored), responses (wire)."""
