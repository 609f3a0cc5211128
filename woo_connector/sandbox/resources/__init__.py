"""One module per WooCommerce resource; each exposes ``ROUTES`` for :mod:`woo_connector.sandbox.routes`."""
