"""The small core every feature stands on: settings, database, models, texts, domain rules,
who is talking (people), Telegram UI helpers and the outbox. The core imports no feature."""
