"""The outside world behind the domain's ports: DynamoDB, the secret store."""
