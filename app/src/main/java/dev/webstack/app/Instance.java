package dev.webstack.app;

/**
 * One run of one app instance, as the listener hears of it: the same value comes with {@link AppListener#healthy}
 * and the matching {@link AppListener#leaving}, so the edge can key its upstream server on it. A restart is a new
 * run, with a new pid and port.
 *
 * @param index the instance's number, 1..instances (its log is {@code logs/app-INDEX.log})
 * @param pid the process id
 * @param port the port it listens on, on 127.0.0.1
 */
public record Instance(int index, long pid, int port) {
    public static final String HOST = "127.0.0.1";

    public String host() {
        return HOST;
    }

    /** {@code 127.0.0.1:PORT}, as an upstream server is named. */
    public String address() {
        return HOST + ":" + port;
    }

    @Override
    public String toString() {
        return "app-" + index + " (pid " + pid + ", " + address() + ")";
    }
}
