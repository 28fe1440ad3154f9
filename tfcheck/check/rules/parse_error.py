"""A file that cannot be read or parsed as Terraform.

tfcheck reads every `.tf` file it is given with python-hcl2. When a file is
not UTF-8, is binary, or is not valid HCL, this finding names the first
place the parser stopped and why, and the run goes on with the other files.
Because the file was not checked, the run exits with status 2.

Fail:

    resources = ["arn:aws:ssm:us-east-1:111122223333:session/${aws:username}-*"]

Pass (the IAM policy variable escaped as Terraform requires):

    resources = ["arn:aws:ssm:us-east-1:111122223333:session/&{aws:username}-*"]

A heredoc end marker followed by blanks is accepted, as Terraform accepts it.
"""

from tfcheck.check.base import rule
from tfcheck.findings import Severity

RULE = rule(
    "TFC001",
    "parse-error",
    Severity.ERROR,
    "file cannot be read or parsed as Terraform",
    __doc__,
)
