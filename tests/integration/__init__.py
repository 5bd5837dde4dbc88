"""Integration tests: a real RabbitMQ, a real store, the consumer as a subprocess."""
