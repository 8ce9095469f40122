package dev.webstack.stack.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checks host names (RFC 1123) and listen addresses for the loader. Only a string that looks like a name is ever
 * looked up in DNS: an IP-literal-shaped one such as {@code 999.1.1.1} is judged by its text alone, because the JDK
 * would otherwise hand it to the resolver and the check could hang on a slow network.
 */
final class HostNames {
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern IPV4_SHAPED = Pattern.compile("[0-9.]+");

    private HostNames() {}

    /**
     * The host name in canonical form (lower case, one trailing dot removed), or empty when it is not a valid
     * RFC 1123 name: labels of 1 to 63 letters, digits and inner hyphens, 253 characters in all.
     */
    static Optional<String> normalize(String name) {
        String host = name.toLowerCase(Locale.ROOT);
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        if (host.isEmpty() || host.length() > 253) {
            return Optional.empty();
        }
        for (String label : host.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return Optional.empty();
            }
        }
        if (IPV4_SHAPED.matcher(host).matches() && !isIpv4Literal(host)) {
            return Optional.empty();
        }
        return Optional.of(host);
    }

    /** Whether a listener can bind this: an IPv4 or IPv6 literal, or a host name that resolves. */
    static boolean isBindable(String address) {
        if (IPV4_SHAPED.matcher(address).matches()) {
            return isIpv4Literal(address);
        }
        if (address.contains(":")) {
            return isIpv6Literal(address);
        }
        if (normalize(address).isEmpty()) {
            return false;
        }
        try {
            InetAddress.getByName(address);
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Whether two bind addresses can collide on one port: the same address, or either is a wildcard. */
    static boolean overlap(String a, String b) {
        return a.equalsIgnoreCase(b) || isWildcard(a) || isWildcard(b);
    }

    private static boolean isWildcard(String address) {
        return address.equals("0.0.0.0") || (address.contains(":") && isIpv6Literal(address) && parsesToAny(address));
    }

    private static boolean parsesToAny(String ipv6) {
        try {
            return InetAddress.getByName(bracketed(ipv6)).isAnyLocalAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Four decimal parts 0..255, judged by text alone. */
    private static boolean isIpv4Literal(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    /**
     * An IPv6 literal, with or without brackets. With brackets the JDK parses the text as an IPv6 literal or fails;
     * it never falls back to a DNS lookup.
     */
    private static boolean isIpv6Literal(String text) {
        try {
            InetAddress.getByName(bracketed(text));
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String bracketed(String ipv6) {
        return ipv6.startsWith("[") ? ipv6 : "[" + ipv6 + "]";
    }
}
