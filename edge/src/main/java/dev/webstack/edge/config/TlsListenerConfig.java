package dev.webstack.edge.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The HTTPS listening socket: TLS 1.2 and 1.3 only, HTTP/2 offered through ALPN.
 *
 * @param enabled whether the listener is opened (default true)
 * @param address the address to bind (default 127.0.0.1)
 * @param port the TCP port; 0 picks a free one (default 8443)
 * @param certificate a PEM certificate chain; empty means a self-signed certificate for the sites'
 *     host names, generated on first start into the data folder's {@code tls/}
 * @param key the PEM private key (PKCS#8) for {@code certificate}
 * @param http2 whether HTTP/2 is offered through ALPN (default true)
 * @param redirectHttp whether the plain-HTTP listener answers every request with a 301 to HTTPS
 *     (default false)
 */
public record TlsListenerConfig(
        boolean enabled,
        String address,
        int port,
        Optional<Path> certificate,
        Optional<Path> key,
        boolean http2,
        boolean redirectHttp) {

    public static final TlsListenerConfig DEFAULT =
            new TlsListenerConfig(true, "127.0.0.1", 8443, Optional.empty(), Optional.empty(), true, false);
}
