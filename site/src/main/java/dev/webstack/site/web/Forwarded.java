package dev.webstack.site.web;

import io.javalin.http.Context;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * What the proxy in front of the site says about the client. The site listens on loopback behind the edge, so
 * X-Forwarded-For and X-Forwarded-Proto are believed only from a loopback peer; from anyone else they could be
 * forged, and the socket's own address and scheme are used.
 */
public final class Forwarded {

    private Forwarded() {
    }

    /** The client's address: the last X-Forwarded-For entry (the one our proxy appended) or the peer. */
    public static String clientAddress(Context ctx) {
        String peer = ctx.req().getRemoteAddr();
        String forwardedFor = ctx.header("X-Forwarded-For");
        if (forwardedFor == null || !isLoopback(peer)) {
            return peer;
        }
        String last = forwardedFor.substring(forwardedFor.lastIndexOf(',') + 1).trim();
        return last.isEmpty() || last.length() > 45 ? peer : last;
    }

    /** Whether the client reached us over HTTPS (directly, or at the proxy). */
    public static boolean isHttps(Context ctx) {
        if ("https".equalsIgnoreCase(ctx.scheme())) {
            return true;
        }
        String proto = ctx.header("X-Forwarded-Proto");
        return proto != null && isLoopback(ctx.req().getRemoteAddr()) && proto.trim().equalsIgnoreCase("https");
    }

    private static boolean isLoopback(String address) {
        if (address == null) {
            return false;
        }
        // the peer address is a literal, so this does no name lookup
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
