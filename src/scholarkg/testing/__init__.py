"""Corpora for tests and benchmarks that the parser's authors did not write.

Needs the ``test`` extra (Faker). Nothing in the library imports this package.
"""
