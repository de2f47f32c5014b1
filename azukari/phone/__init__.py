"""A phone in the terminal: `azukari call` and `azukari sms` drive the service as Twilio would."""
