"""Outbound SMS: message texts, the outbox and its sender."""
