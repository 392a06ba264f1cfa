"""The API's schema: request and response serializers, one module per resource."""
