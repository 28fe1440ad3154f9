"""A module call that tfcheck did not evaluate.

Only modules whose `source` is a local path (`./x`, `../x`) inside the
scanned tree are read, with their inputs bound. Registry and git modules are
not fetched, so the policies inside them are not checked: this note says so
once per module call, so that nothing is passed over in silence. Check the
module's own repository with tfcheck, or check the plan.

Example:

    module "bastion" {
      source = "terraform-aws-modules/ec2-instance/aws"   # note: not analysed
    }
"""

from tfcheck.check.base import rule
from tfcheck.findings import Severity

RULE = rule(
    "TFC005",
    "not-analysed",
    Severity.NOTE,
    "module call not evaluated (not a local path)",
    __doc__,
)
