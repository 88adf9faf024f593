"""The local stack: DynamoDB Local + a gateway + a stream poller + a scheduler, all driven by template.yaml."""
