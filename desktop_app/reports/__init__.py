"""Reports: the clinic's figures as queries, one definition per figure.

The Reports page, the command line (`clinicdesk report`) and the CSV, JSON
and PDF exports all read the same `Report` objects built here.
"""
