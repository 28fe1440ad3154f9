"""A file tfcheck would not read: too large, or not a regular file.

tfcheck reads `.tf` files up to `--max-file-size` (8 MiB by default; also
`max-file-size` in the config file). A larger file is almost always generated,
and reading it could exhaust memory on a CI runner, so it is reported here
instead, and its policies are not checked: raise the limit if the file is
meant to be there. A FIFO, a device or a socket that is named like a `.tf`
file is never opened, because reading it could block the run forever.
"""

from tfcheck.check.base import rule
from tfcheck.findings import Severity

RULE = rule(
    "TFC006",
    "file-not-read",
    Severity.WARNING,
    "a file was too large or not a regular file, so it was not checked",
    __doc__,
)
