"""tfcheck: check the ssmmessages statements of Terraform IAM policies."""

__version__ = "0.1.0"
