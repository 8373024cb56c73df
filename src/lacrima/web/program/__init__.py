"""The program app: systematic desensitization and the relaxation trainer.

The rules live in :mod:`lacrima.care.desensitization`; this app stores a client's
hierarchy, state and logged trials, and serves the pages and the API.
"""
