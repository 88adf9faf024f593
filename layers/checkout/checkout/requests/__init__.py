"""What callers send, validated into typed requests the domain services take."""
