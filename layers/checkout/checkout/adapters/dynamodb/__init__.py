"""The only code that speaks DynamoDB: attribute names, expressions, keys and error codes."""
