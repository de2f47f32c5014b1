"""What staff must see: escalations and the append-only audit trail."""
