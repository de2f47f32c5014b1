"""Who is calling: normalisation, matching, verification and throttling."""
