"""tfcheck itself failed on a file.

This is a bug in tfcheck, not in your Terraform: the file was not fully
checked, the run exits with status 2, and the other files are still
checked. Run again with `--debug` to see the traceback, and report it with
the file if you can.
"""

from tfcheck.check.base import rule
from tfcheck.findings import Severity

RULE = rule(
    "TFC000",
    "internal-error",
    Severity.ERROR,
    "tfcheck failed on this file; a bug to report",
    __doc__,
)
