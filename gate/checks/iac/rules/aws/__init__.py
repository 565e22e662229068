"""AWS rules, one module per service (CloudFormation and Terraform alike)."""
