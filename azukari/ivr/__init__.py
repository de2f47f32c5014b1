"""Voice and SMS conversations: Twilio in, TwiML out."""
