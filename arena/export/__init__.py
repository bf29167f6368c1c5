"""Publishing outside the app: static_site writes every publication as JSON, PNG and HTML
for a static host; s3 pushes that site to object storage; push is the one entry point that
writes a static export wherever it is going (a folder or s3://)."""
