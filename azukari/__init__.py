"""azukari: phone and SMS booking of temporary childcare (一時預かり)."""
