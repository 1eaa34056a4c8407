"""Nothing lost: every stage's issues and row outcomes, and the quality report's figures."""
