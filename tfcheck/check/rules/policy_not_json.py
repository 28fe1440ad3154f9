"""A policy argument whose text is not a JSON policy document.

IAM rejects such a policy at apply time with `MalformedPolicyDocument`; the
plan does not notice. The finding points at the first character the JSON
reader could not accept, inside the heredoc or string that holds it.

Fail:

    policy = <<EOF
    EOF

Pass:

    policy = jsonencode({
      Version   = "2012-10-17"
      Statement = [{ Effect = "Allow", Action = "ssmmessages:*", Resource = "*" }]
    })
"""

from tfcheck.check.base import rule
from tfcheck.findings import Severity

RULE = rule(
    "TFC004",
    "policy-not-json",
    Severity.ERROR,
    "policy text is not a JSON policy document",
    __doc__,
)
