"""Errors a user can cause, kept apart from bugs.

The CLI turns an :class:`InputError` into one line on stderr and exit code 2 (a usage or
input error, as pySHACL documents it); anything else is a bug and keeps its traceback.
"""

from __future__ import annotations


class InputError(Exception):
    """Bad input from the user: missing file, undecodable bytes, not a plan, bad parameter."""


class EndpointError(InputError):
    """A remote SPARQL endpoint could not be reached or answered with an error."""


class GraphDoesNotConform(Exception):
    """The built graph breaks its SHACL contract; ``report`` is the readable validation report."""

    def __init__(self, report: str) -> None:
        super().__init__("the built graph does not conform to shapes/")
        self.report = report
