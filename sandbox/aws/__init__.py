"""The local Amazon SES v2 + SNS: boto3 and anymail talk to it with only the endpoint changed."""
