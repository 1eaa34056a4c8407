"""Statistical confidentiality (secret statistique): primary rules, secondary suppression, the
attacker's audit, and the stage that masks every published result (docs/confidentiality.md)."""
