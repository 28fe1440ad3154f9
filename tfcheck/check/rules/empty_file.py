"""A Terraform file with nothing in it.

An empty `.tf` file is valid Terraform, so this is only a note: it tells you
that the file was seen and that there was nothing in it to check.
"""

from tfcheck.check.base import rule
from tfcheck.findings import Severity

RULE = rule(
    "TFC003", "empty-file", Severity.NOTE, "file is empty; nothing to check", __doc__
)
