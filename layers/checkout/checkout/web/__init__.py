"""HTTP glue: request parsing, the response envelope, error mapping, the Lambda handler."""
