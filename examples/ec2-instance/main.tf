# An EC2 instance reachable through Session Manager: the instance profile's
# role must be allowed to open the message channels.

variable "region" {
  type    = string
  default = "eu-west-1"
}

data "aws_caller_identity" "current" {}

data "aws_iam_policy_document" "ec2_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "bastion" {
  name               = "bastion"
  assume_role_policy = data.aws_iam_policy_document.ec2_trust.json
}

resource "aws_iam_instance_profile" "bastion" {
  name = "bastion"
  role = aws_iam_role.bastion.name
}

data "aws_iam_policy_document" "session_manager" {
  statement {
    sid = "AgentRegistration"
    actions = [
      "ssm:UpdateInstanceInformation",
      "ec2messages:GetMessages",
    ]
    resources = ["*"]
  }

  statement {
    sid = "SessionChannels"
    actions = [
      "ssmmessages:CreateControlChannel",
      "ssmmessages:CreateDataChannel",
      "ssmmessages:OpenControlChannel",
      "ssmmessages:OpenDataChanel",
    ]
    # "Least privilege" gone wrong: ssmmessages only accepts "*".
    resources = [
      "arn:aws:ssmmessages:${var.region}:${data.aws_caller_identity.current.account_id}:control-channel/*",
    ]
  }

  statement {
    sid     = "OnlyThisInstanceMayListen"
    actions = ["ssmmessages:CreateControlChannel"]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "ssmmessages:InstanceId"
      values   = ["i-0123456789abcdef0"]
    }
  }
}

resource "aws_iam_role_policy" "session_manager" {
  name   = "session-manager"
  role   = aws_iam_role.bastion.id
  policy = data.aws_iam_policy_document.session_manager.json
}

resource "aws_instance" "bastion" {
  ami                  = "ami-0123456789abcdef0"
  instance_type        = "t3.micro"
  iam_instance_profile = aws_iam_instance_profile.bastion.name
}
