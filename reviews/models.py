"""Challenges (14 days), independent reviews (28 days) and six-month reviews live here; the
challenges and reviews issue builds them on the designation case."""
