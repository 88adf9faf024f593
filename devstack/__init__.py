"""The local stack: DynamoDB Local, a gateway, a stream poller and a scheduler, driven by template.yaml."""
