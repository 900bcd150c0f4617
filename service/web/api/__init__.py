"""JSON API views, one module per area; the route table is service/web/routes.py."""
