"""Tim: an atasan's view of their team this week, feedback on reports (umpan balik
berkelanjutan, a thread both sides answer), acknowledging reports and nudging non-reporters.

`service` holds the rules on the database, `handlers` the /tim pages and the feedback
conversation.
"""
