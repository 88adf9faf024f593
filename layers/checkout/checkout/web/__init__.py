"""Transport: requests, signatures, the envelope, error mapping, wire views, the Lambda handler."""
