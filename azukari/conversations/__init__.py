"""Where calls and texts keep their place: the sealed conversation state, webhook receipts, spent call ids."""
