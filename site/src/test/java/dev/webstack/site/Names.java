package dev.webstack.site;

import java.util.concurrent.atomic.AtomicInteger;

/** Unique usernames and client addresses, so tests sharing one database never see each other's data. */
final class Names {

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final String RUN = Long.toString(ProcessHandle.current().pid() % 46656, 36);

    private Names() {
    }

    /** A valid username: prefix (a-z only, cut to 18), run id and counter, at most 30 characters. */
    static String user(String prefix) {
        String head = prefix.length() > 18 ? prefix.substring(0, 18) : prefix;
        return head + "_" + RUN + "_" + COUNTER.incrementAndGet();
    }

    /** A distinct documentation-range client address (RFC 5737), used as X-Forwarded-For. */
    static String address() {
        int n = COUNTER.incrementAndGet();
        return "198.51." + (n / 250 % 250) + "." + (n % 250 + 1);
    }
}
