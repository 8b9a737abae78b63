"""Run Kinerja Bot: `python bot.py` (see README)."""

from kinerja_bot.runner import main

if __name__ == "__main__":
    main()
