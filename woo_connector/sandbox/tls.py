"""HTTPS on loopback with a throw-away CA, so certificate checks run for real in tests.

``verify_ssl`` and ``ca_bundle`` are connection fields people get wrong; against a self-signed
certificate the only honest test is a real TLS handshake. trustme makes a CA in memory and a
certificate for 127.0.0.1 and localhost; the CA's PEM goes to a private temporary file that a
client can be pointed at, and that is removed when the sandbox stops.
"""

from __future__ import annotations

import os
import shutil
import ssl
import tempfile


class TLSUnavailable(RuntimeError):
    """trustme is not installed: the sandbox cannot make its CA."""


class LoopbackTLS:
    """A generated CA, a server certificate it signed, and the CA bundle on disk."""

    def __init__(self, hosts: tuple[str, ...] = ("127.0.0.1", "localhost")) -> None:
        try:
            import trustme
        except ImportError:
            raise TLSUnavailable("--https needs trustme: pip install 'woo-connector[sandbox]'") from None
        self._ca = trustme.CA(organization_name="woo-connector sandbox")
        self._cert = self._ca.issue_cert(*hosts)
        self._dir = tempfile.mkdtemp(prefix="woo-sandbox-tls-")
        self.ca_bundle = os.path.join(self._dir, "sandbox-ca.pem")
        self._ca.cert_pem.write_to_path(self.ca_bundle)

    def server_context(self) -> ssl.SSLContext:
        """A server-side context presenting the loopback certificate (TLS 1.2 or newer)."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        self._cert.configure_cert(context)
        return context

    def cleanup(self) -> None:
        """Remove the CA bundle; clients that still point at it will fail, as they should."""
        shutil.rmtree(self._dir, ignore_errors=True)
