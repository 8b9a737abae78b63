"""Domain rules as pure functions: achievement, SKM, predikat, working days, periods."""
