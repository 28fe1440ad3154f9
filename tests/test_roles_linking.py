"""Roles linked as IAM links them: through modules, by name, by instance.

Each test is a defect a trial of tfcheck once found (a false "incomplete",
or a broken role missed).
"""

from __future__ import annotations

from tests.conftest import check_tree

ROLE = """
resource "aws_iam_role" "node" {
  name               = "worker-node"
  assume_role_policy = "{}"
}
resource "aws_iam_instance_profile" "node" {
  role = aws_iam_role.node.name
}
"""
CORE = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"


def write(path, text, name="main.tf"):
    (path / name).parent.mkdir(parents=True, exist_ok=True)
    (path / name).write_text(text)


def incomplete(result):
    return [
        f.address for f in result.findings if f.name == "session-manager-incomplete"
    ]


def test_a_deny_only_scp_blocks_nothing_else(tmp_path, catalog):
    write(
        tmp_path,
        ROLE
        + f"""
resource "aws_iam_role_policy_attachment" "core" {{
  role       = aws_iam_role.node.name
  policy_arn = "{CORE}"
}}
resource "aws_organizations_policy" "guardrails" {{
  content = jsonencode({{ Statement = [{{ Effect = "Deny",
    Action = "organizations:LeaveOrganization", Resource = "*" }}] }})
}}
resource "aws_organizations_policy" "tags" {{
  type    = "TAG_POLICY"
  content = jsonencode({{ Statement = [{{ Effect = "Deny", Action = "*",
    Resource = "*" }}] }})
}}
""",
    )
    assert incomplete(check_tree(tmp_path, catalog)) == []


def test_roles_passed_into_local_modules(tmp_path, catalog):
    write(
        tmp_path,
        ROLE
        + """
module "agent" {
  source    = "./modules/agent"
  role_name = aws_iam_role.node.name
}
""",
    )
    write(
        tmp_path,
        f"""
variable "role_name" {{}}
resource "aws_iam_role_policy_attachment" "core" {{
  role       = var.role_name
  policy_arn = "{CORE}"
}}
""",
        "modules/agent/main.tf",
    )
    result = check_tree(tmp_path, catalog)
    assert incomplete(result) == []
    assert [v.address for v in result.roles] == ["aws_iam_role.node"]


def test_roles_named_by_string(tmp_path, catalog):
    write(
        tmp_path,
        ROLE
        + f"""
resource "aws_iam_role_policy_attachment" "core" {{
  role       = "worker-node"
  policy_arn = "{CORE}"
}}
resource "aws_iam_role" "lonely" {{
  name               = "lonely-node"
  assume_role_policy = "{{}}"
}}
resource "aws_iam_instance_profile" "lonely" {{
  role = "lonely-node"
}}
""",
    )
    assert incomplete(check_tree(tmp_path, catalog)) == ["aws_iam_role.lonely"]


def test_count_and_for_each_on_roles_and_attachments(tmp_path, catalog):
    write(
        tmp_path,
        """
variable "enable_ssm" {
  default = false
}
resource "aws_iam_role" "opt" {
  count              = 1
  assume_role_policy = "{}"
  inline_policy {
    name   = "ssm"
    policy = jsonencode({ Statement = [{ Effect = "Allow",
      Action = "ssmmessages:*", Resource = "*" }] })
  }
}
resource "aws_iam_instance_profile" "opt" {
  role = aws_iam_role.opt[0].name
}
"""
        + ROLE
        + f"""
resource "aws_iam_role_policy_attachment" "maybe" {{
  count      = var.enable_ssm ? 1 : 0
  role       = aws_iam_role.node.name
  policy_arn = "{CORE}"
}}
""",
    )
    assert incomplete(check_tree(tmp_path, catalog)) == ["aws_iam_role.node"]


def test_for_each_attachments_and_exclusive_attachments(tmp_path, catalog):
    write(
        tmp_path,
        ROLE
        + f"""
resource "aws_iam_role_policy_attachment" "each" {{
  for_each   = toset(["{CORE}"])
  role       = aws_iam_role.node.name
  policy_arn = each.value
}}
""",
    )
    result = check_tree(tmp_path, catalog)
    assert incomplete(result) == []
    assert not [f for f in result.findings if f.name == "role-not-analysed"]

    write(
        tmp_path,
        ROLE
        + f"""
resource "aws_iam_role_policy_attachments_exclusive" "node" {{
  role_name   = aws_iam_role.node.name
  policy_arns = ["{CORE}"]
}}
""",
    )
    assert incomplete(check_tree(tmp_path, catalog)) == []


def test_ecs_service_naming_its_task_definition_by_family_and_revision(
    tmp_path, catalog
):
    write(
        tmp_path,
        """
resource "aws_iam_role" "task" {
  assume_role_policy = "{}"
}
resource "aws_ecs_task_definition" "worker" {
  family                = "worker"
  task_role_arn         = aws_iam_role.task.arn
  container_definitions = "[]"
}
resource "aws_ecs_service" "worker" {
  name = "worker"
  task_definition = join(":", [
    "${aws_ecs_task_definition.worker.family}",
    aws_ecs_task_definition.worker.revision,
  ])
  enable_execute_command = true
}
""",
    )
    assert incomplete(check_tree(tmp_path, catalog)) == ["aws_iam_role.task"]


def test_a_key_the_role_never_sends_is_a_lost_grant_not_a_conditional_one(
    tmp_path, catalog
):
    write(
        tmp_path,
        ROLE
        + """
resource "aws_iam_role_policy" "node" {
  role = aws_iam_role.node.id
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "ssmmessages:*",
    Resource = "*",
    Condition = { ArnLike = {
      "ssm:SourceInstanceARN" = "arn:aws:ssm:*:*:managed-instance/*"
    } } }] })
}
""",
    )
    result = check_tree(tmp_path, catalog)
    assert incomplete(result) == ["aws_iam_role.node"]
    assert {f.name for f in result.findings} >= {"condition-key-absent-for-principal"}


def test_groups_give_their_members_their_policies(tmp_path, catalog):
    write(
        tmp_path,
        """
resource "aws_iam_user" "carol" {
  name = "carol"
}
resource "aws_iam_group" "ops" {
  name = "ops"
}
resource "aws_iam_user_group_membership" "carol" {
  user   = aws_iam_user.carol.name
  groups = [aws_iam_group.ops.name]
}
resource "aws_iam_group_policy" "ops" {
  group = aws_iam_group.ops.name
  policy = jsonencode({ Statement = [{ Effect = "Allow",
    Action = "ssmmessages:OpenDataChannel", Resource = "*" }] })
}
""",
    )
    result = check_tree(tmp_path, catalog)
    carol = next(v for v in result.roles if v.address == "aws_iam_user.carol")
    assert carol.granted("ssmmessages:OpenDataChannel")


def test_managed_policy_arns_must_have_the_right_path(tmp_path, catalog):
    write(
        tmp_path,
        ROLE
        + """
data "aws_partition" "current" {}
resource "aws_iam_role_policy_attachment" "wrong_path" {
  role       = aws_iam_role.node.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonSSMManagedInstanceCore"
}
resource "aws_iam_role_policy_attachment" "partition" {
  role       = aws_iam_role.node.name
  policy_arn = join("", [
    "arn:${data.aws_partition.current.partition}",
    ":iam::aws:policy/AmazonSSMManagedInstanceCore",
  ])
}
""",
    )
    result = check_tree(tmp_path, catalog)
    view = next(v for v in result.roles if v.address == "aws_iam_role.node")
    assert [arn for arn, _ in view.unknown_managed] == [
        "arn:aws:iam::aws:policy/service-role/AmazonSSMManagedInstanceCore"
    ]
    assert view.losses == {}
