"""The domain: state machines, records, rules and use cases. No HTTP, no DynamoDB here."""
