package dev.webstack.edge.config;

/**
 * One plain-HTTP listening socket.
 *
 * @param enabled whether the listener is opened (default true)
 * @param address the address to bind, an IP literal or a host name (default 127.0.0.1)
 * @param port the TCP port; 0 picks a free one (default 8080)
 */
public record ListenerConfig(boolean enabled, String address, int port) {
    public static final ListenerConfig DEFAULT_HTTP = new ListenerConfig(true, "127.0.0.1", 8080);
}
