"""Lapor kemajuan: an ASN reports progress on their indicators (/lapor), corrects a sent report,
and sees where they stand (/kinerja).

`progress` sums reports into achievement, `service` holds the rules on the database,
`handlers` the /lapor and correction conversations, `overview` the /kinerja pages.
"""
