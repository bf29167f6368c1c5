"""Publishing outside the app: static_site writes every publication as JSON, PNG and HTML
for a static host."""
