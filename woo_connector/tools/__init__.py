"""The built-in tools, one module per WooCommerce resource; each registers through the plugin hook."""
