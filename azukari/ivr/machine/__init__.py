"""The conversation machine: one pure state machine for voice and SMS; imports only itself and `language`."""
