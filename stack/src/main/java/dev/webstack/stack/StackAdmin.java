package dev.webstack.stack;

import dev.webstack.app.AppConfig;
import dev.webstack.app.AppServer;
import dev.webstack.app.InstanceStatus;
import dev.webstack.app.ReplaceFailedException;
import dev.webstack.db.EmbeddedDatabase;
import dev.webstack.edge.upstream.Upstream;
import dev.webstack.edge.upstream.UpstreamServer;
import dev.webstack.stack.config.ConfigException;
import dev.webstack.stack.config.ConfigLoader;
import dev.webstack.stack.config.Bundled;
import dev.webstack.stack.config.StackConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the admin socket answers, inside the running stack: {@code status} (text or {@code --json}), {@code restart
 * app} and {@code deploy} (a rolling replacement of the app instances, its progress streamed back).
 */
final class StackAdmin implements AdminSocket.Handler {
    private final StackConfig config;
    private final Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private final DbTier db;
    private final AppTier app;
    private final EdgeTier edge;
    private final DnsTier dns;

    /** Any tier but the edge may be null (disabled). */
    StackAdmin(StackConfig config, DbTier db, AppTier app, EdgeTier edge, DnsTier dns) {
        this.config = config;
        this.db = db;
        this.app = app;
        this.edge = edge;
        this.dns = dns;
    }

    @Override
    public int handle(List<String> request, PrintWriter out, PrintWriter err) throws Exception {
        String verb = request.isEmpty() ? "" : request.get(0);
        List<String> args = request.subList(Math.min(1, request.size()), request.size());
        switch (verb) {
            case "status":
                if (args.equals(List.of("--json"))) {
                    out.println(statusJson());
                    return 0;
                }
                if (args.isEmpty()) {
                    statusText(out);
                    return 0;
                }
                break;
            case "restart":
                if (args.equals(List.of("app"))) {
                    return replace(appServer(err), null, "restart", out, err);
                }
                break;
            case "deploy":
                return deploy(args, out, err);
            default:
                break;
        }
        err.println("webstack: unknown admin request " + request);
        return 2;
    }

    private int deploy(List<String> args, PrintWriter out, PrintWriter err) {
        AppServer server = appServer(err);
        if (server == null) {
            return 1;
        }
        AppConfig current = server.config();
        List<String> command;
        if (args.isEmpty()) {
            // The config file's app section, as it is now: a deploy is how its changes reach the instances.
            StackConfig next;
            try {
                next = ConfigLoader.load(config.source(), Bundled.fromLauncher());
            } catch (ConfigException e) {
                e.errors().forEach(err::println);
                err.println("webstack: the config has " + e.errors().size() + " problem(s); nothing was deployed");
                return 2;
            }
            if (!next.app().enabled() || !next.app().upstream().equals(config.app().upstream())) {
                out.println("note: app.enabled and app.upstream take effect at the next up");
            }
            return replace(server, next.app().app(), "deploy", out, err);
        }
        if (args.size() == 2 && args.get(0).equals("--jar")) {
            command = withJar(current.command(), args.get(1));
        } else if (args.size() >= 2 && args.get(0).equals("--command")) {
            command = args.subList(1, args.size());
        } else {
            err.println("webstack: deploy takes --jar PATH, or --command PROGRAM [ARG...], or nothing (the config "
                    + "file's app section)");
            return 2;
        }
        return replace(server, current.withCommand(command), "deploy", out, err);
    }

    /**
     * The command with its {@code -jar} argument replaced by {@code jar}, keeping the JVM options (
     * {@code java -Xmx512m -jar new.jar}); {@code java -jar JAR} when the command ran no jar.
     */
    static List<String> withJar(List<String> command, String jar) {
        int at = command.indexOf("-jar");
        if (at < 0 || at + 1 >= command.size()) {
            return List.of("java", "-jar", jar);
        }
        List<String> next = new ArrayList<>(command);
        next.set(at + 1, jar);
        return next;
    }

    private int replace(AppServer server, AppConfig next, String what, PrintWriter out, PrintWriter err) {
        if (server == null) {
            return 1;
        }
        AppConfig target = next == null ? server.config() : next;
        try {
            AppTier.checkCommand(target.command(), Bundled.fromLauncher());
        } catch (java.io.IOException e) {
            err.println("webstack: " + e.getMessage() + "; nothing was replaced");
            return 2;
        }
        out.println(what + ": replacing " + target.instances() + " instance(s) one at a time with "
                + String.join(" ", target.command()));
        long t0 = System.nanoTime();
        try {
            server.replace(target, out::println);
        } catch (ReplaceFailedException e) {
            err.println("webstack: " + what + " failed: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("webstack: " + what + " interrupted: the stack is stopping");
            return 1;
        } catch (IllegalStateException | IllegalArgumentException e) {
            err.println("webstack: " + e.getMessage());
            return 1;
        }
        out.println(what + ": done in " + AppTier.seconds(Duration.ofNanos(System.nanoTime() - t0))
                + " s; every instance runs " + String.join(" ", target.command()));
        return 0;
    }

    private AppServer appServer(PrintWriter err) {
        if (app == null || app.server() == null) {
            err.println("webstack: the app tier is not enabled in this stack (app.enabled: false)");
            return null;
        }
        return app.server();
    }

    private void statusText(PrintWriter out) {
        out.printf("webstack  up since %s (pid %d), data folder %s%n", started, ProcessHandle.current().pid(),
                config.dataDir());
        if (db != null) {
            out.printf("db        %s%s%n", dbState(), db.ready());
        }
        if (app != null && app.server() != null) {
            List<InstanceStatus> all = app.server().status();
            out.printf("app       %s; pool '%s'; %s%n", AppTier.summary(all), config.app().upstream(),
                    String.join(" ", app.server().config().command()));
            for (InstanceStatus s : all) {
                out.println("  " + AppTier.line(s, app.pool().inFlight(s.port())));
            }
        }
        out.printf("edge      %s%n", edge.ready());
        for (Upstream u : upstreams()) {
            out.printf("  upstream %s: %s%n", u.name(), u.servers().isEmpty() ? "no servers"
                    : String.join(", ", u.servers().stream().map(StackAdmin::serverText).toList()));
        }
        if (dns != null) {
            out.printf("dns       %s%n", dns.ready());
        }
    }

    private String dbState() {
        if (db.database() instanceof EmbeddedDatabase embedded) {
            long pid = embedded.pid();
            boolean alive = running(embedded);
            return alive ? "running (pid " + pid + "): " : "NOT RUNNING (pid " + pid + " is gone): ";
        }
        return "external: ";
    }

    /** Whether the embedded MariaDB's process still runs. */
    private static boolean running(EmbeddedDatabase db) {
        long pid = db.pid();
        return pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static String serverText(UpstreamServer s) {
        return s.config().address() + " " + s.state().name().toLowerCase() + (s.isEjected() ? " (ejected)" : "")
                + " " + s.inFlight() + " in flight";
    }

    private List<Upstream> upstreams() {
        List<Upstream> all = new ArrayList<>();
        config.edge().upstreams().forEach(u -> Optional.ofNullable(edge.server().upstream(u.name())).ifPresent(all::add));
        return all;
    }

    private String statusJson() {
        Json j = new Json();
        j.open('{');
        j.field("pid").value(ProcessHandle.current().pid());
        j.field("since").value(started.toString());
        j.field("dataDir").value(config.dataDir().toString());
        j.field("db");
        if (db == null) {
            j.nul();
        } else {
            j.open('{');
            j.field("describe").value(db.ready());
            if (db.database() instanceof EmbeddedDatabase embedded) {
                long pid = embedded.pid();
                j.field("mode").value("embedded");
                j.field("pid").value(pid);
                j.field("running").value(running(embedded));
            } else {
                j.field("mode").value("external");
            }
            j.close('}');
        }
        j.field("app");
        if (app == null || app.server() == null) {
            j.nul();
        } else {
            j.open('{');
            j.field("upstream").value(config.app().upstream());
            j.field("command").open('[');
            app.server().config().command().forEach(a -> j.item().value(a));
            j.close(']');
            j.field("instances").open('[');
            for (InstanceStatus s : app.server().status()) {
                j.item().open('{');
                j.field("index").value(s.index());
                j.field("pid").value(s.pid());
                j.field("port").value(s.port());
                j.field("state").value(s.state().name().toLowerCase());
                j.field("uptimeSeconds").value(s.uptime().toSeconds());
                j.field("restarts").value(s.restarts());
                j.field("lastExitCode");
                if (s.lastExitCode().isPresent()) {
                    j.value(s.lastExitCode().getAsInt());
                } else {
                    j.nul();
                }
                j.field("crashLoop").value(s.crashLoop());
                j.field("inFlight").value(app.pool().inFlight(s.port()));
                j.close('}');
            }
            j.close(']');
            j.close('}');
        }
        j.field("edge").open('{');
        j.field("describe").value(edge.ready());
        j.field("upstreams").open('[');
        for (Upstream u : upstreams()) {
            j.item().open('{');
            j.field("name").value(u.name());
            j.field("servers").open('[');
            for (UpstreamServer s : u.servers()) {
                j.item().open('{');
                j.field("address").value(s.config().address());
                j.field("state").value(s.state().name().toLowerCase());
                j.field("ejected").value(s.isEjected());
                j.field("inFlight").value(s.inFlight());
                j.close('}');
            }
            j.close(']');
            j.close('}');
        }
        j.close(']');
        j.close('}');
        j.field("dns");
        if (dns == null) {
            j.nul();
        } else {
            j.open('{');
            j.field("describe").value(dns.ready());
            j.close('}');
        }
        j.close('}');
        return j.toString();
    }

    /** Just enough of a JSON writer for the status: objects, arrays, strings, numbers, booleans, null. */
    private static final class Json {
        private final StringBuilder out = new StringBuilder();
        private boolean first = true;

        Json open(char c) {
            out.append(c);
            first = true;
            return this;
        }

        Json close(char c) {
            out.append(c);
            first = false;
            return this;
        }

        Json field(String name) {
            item();
            string(name);
            out.append(':');
            return this;
        }

        Json item() {
            if (!first) {
                out.append(',');
            }
            first = false;
            return this;
        }

        void value(String s) {
            string(s);
            first = false;
        }

        void value(long n) {
            out.append(n);
            first = false;
        }

        void value(boolean b) {
            out.append(b);
            first = false;
        }

        void nul() {
            out.append("null");
            first = false;
        }

        private void string(String s) {
            out.append('"');
            for (char c : s.toCharArray()) {
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    default -> {
                        if (c < 0x20) {
                            out.append(String.format("\\u%04x", (int) c));
                        } else {
                            out.append(c);
                        }
                    }
                }
            }
            out.append('"');
        }

        @Override
        public String toString() {
            return out.toString();
        }
    }
}
