"""Small helpers used by several stages: atomic (a file written whole or not at all), clock (the
one place that reads the clock), plain_text (typed text refused if it holds lone surrogates or
control characters)."""
