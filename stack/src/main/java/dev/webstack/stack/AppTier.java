package dev.webstack.stack;

import dev.webstack.app.AppConfig;
import dev.webstack.app.AppServer;
import dev.webstack.app.InstanceState;
import dev.webstack.app.InstanceStatus;
import dev.webstack.db.Database;
import dev.webstack.db.EmbeddedDatabase;
import dev.webstack.edge.upstream.Upstream;
import dev.webstack.stack.config.Bundled;
import dev.webstack.stack.config.StackConfig;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The app tier as a tier of the stack: after the db (whose address and login the instances get), before the edge
 * (whose upstream pool they join through the {@link AppPool}).
 */
final class AppTier implements Tier {
    private final StackConfig config;
    private final DbTier db;
    private final AppPool pool;
    private volatile AppServer server; // set by start

    /**
     * @param db the db tier, or null when it is disabled (the instances then get no DB_ settings from the stack)
     * @param events where restarts, crash loops and other app events are printed
     */
    AppTier(StackConfig config, DbTier db, Consumer<String> events) {
        this.config = config;
        this.db = db;
        this.pool = new AppPool(() -> server == null ? config.app().app().stopGrace() : server.config().stopGrace(),
                events);
    }

    @Override
    public String name() {
        return "app";
    }

    /** The program must be there before anything starts: a missing one would only show as a crash loop. */
    @Override
    public void check() throws IOException {
        AppConfig app = config.app().app();
        checkCommand(app.command(), Bundled.fromLauncher());
    }

    /** Why {@code command} cannot run, as an exception; nothing when it can (as far as can be told before). */
    static void checkCommand(List<String> command, Bundled bundled) throws IOException {
        String program = command.get(0);
        if (command.equals(bundled.siteCommand()) && !Files.isRegularFile(bundled.siteJar())) {
            throw new IOException("the bundled site is not built: " + bundled.siteJar() + " is missing (./webstack"
                    + " builds it; or run mvn -DskipTests package)");
        }
        if (program.contains("/")) {
            Path file = Path.of(program);
            if (!Files.isRegularFile(file) || !Files.isExecutable(file)) {
                throw new IOException("app.command: " + program + " is not an executable file");
            }
            return;
        }
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return;
            }
        }
        throw new IOException("app.command: " + program + " is not a program on PATH (" + path + ")");
    }

    @Override
    public void start() throws Exception {
        server = new AppServer(config.app().app(), config.dataDir(), dbEnv(), pool);
        server.start();
    }

    /** DB_URL, DB_USER and the password (as a file where there is one) from the db tier. */
    private Map<String, String> dbEnv() {
        Map<String, String> env = new HashMap<>();
        if (db == null) {
            return env;
        }
        Database database = db.database();
        env.put("DB_URL", database.jdbcUrl());
        env.put("DB_USER", database.user());
        if (database instanceof EmbeddedDatabase embedded) {
            env.put("DB_PASSWORD_FILE", embedded.passwordFile().toString()); // the password alone, 0600
        } else {
            // The password the db tier logged in with, as it read it (first line of a file, or the variable): a
            // file handed on as it is could be read differently by the app (a second line, trailing spaces).
            env.put("DB_PASSWORD", database.password());
        }
        return env;
    }

    /** The edge is up: its pool takes the healthy instances. */
    void attach(Upstream upstream) {
        pool.attach(upstream);
    }

    @Override
    public String ready() {
        List<InstanceStatus> all = server.status();
        long healthy = all.stream().filter(s -> s.state() == InstanceState.HEALTHY).count();
        return healthy + " of " + all.size() + " instances healthy (" + all.stream()
                .map(s -> "app-" + s.index() + " pid " + s.pid() + " :" + s.port())
                .collect(Collectors.joining(", ")) + "), in pool '" + config.app().upstream() + "'; output in "
                + config.dataDir().resolve("logs") + "/app-N.log";
    }

    @Override
    public String reload(StackConfig next) {
        AppServer running = server;
        boolean same = next.app().enabled() && next.app().upstream().equals(config.app().upstream())
                && running != null && next.app().app().equals(running.config());
        return same ? null
                : "settings changed: ./webstack deploy rolls the instances over to them; the rest at the next up";
    }

    /** "2 of 2 healthy", plus what is wrong: "1 of 2 healthy, 1 starting, app-2 in a CRASH LOOP". */
    static String summary(List<InstanceStatus> all) {
        long healthy = all.stream().filter(s -> s.state() == InstanceState.HEALTHY).count();
        StringBuilder s = new StringBuilder(healthy + " of " + all.size() + " instances healthy");
        all.stream().filter(InstanceStatus::crashLoop)
                .forEach(i -> s.append(", app-").append(i.index()).append(" in a CRASH LOOP"));
        return s.toString();
    }

    /** One instance as {@code webstack status} shows it. */
    static String line(InstanceStatus s, int inFlight) {
        return String.format("app-%d  %-9s pid %-7s port %-5s up %-8s restarts %d  in flight %d%s%s", s.index(),
                s.state().name().toLowerCase(), s.pid() == 0 ? "-" : Long.toString(s.pid()),
                s.port() == 0 ? "-" : Integer.toString(s.port()), uptime(s.uptime()), s.restarts(), inFlight,
                s.lastExitCode().isPresent() ? "  last exit " + s.lastExitCode().getAsInt() : "",
                s.crashLoop() ? "  CRASH LOOP: not restarted (see logs/app-" + s.index() + ".log)" : "");
    }

    /** 4s, 3m12s, 5h03m. */
    static String uptime(Duration d) {
        long s = d.toSeconds();
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m" + String.format("%02d", s % 60) + "s";
        }
        return (s / 3600) + "h" + String.format("%02d", (s % 3600) / 60) + "m";
    }

    /** Seconds with a tenth: 12.3. */
    static String seconds(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.1f", d.toMillis() / 1000.0);
    }

    AppServer server() {
        return server;
    }

    AppPool pool() {
        return pool;
    }

    /** Runs after the edge has closed (tiers close in reverse): there is no pool left to drain the instances from. */
    @Override
    public void close() {
        pool.detach();
        if (server != null) {
            server.close();
        }
    }
}
