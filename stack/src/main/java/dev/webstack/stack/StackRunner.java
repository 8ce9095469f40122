package dev.webstack.stack;

import dev.webstack.dns.zone.ZoneException;
import dev.webstack.stack.config.StackConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/**
 * Runs the stack in the foreground: takes the data folder's lock, starts the tiers in order (one
 * ready line each), prints what to try, waits for Ctrl-C or SIGTERM, then closes the tiers in
 * reverse order, each draining its in-flight work, and returns the exit code.
 */
public final class StackRunner {
    private final StackConfig config;
    private final PrintWriter out;
    private final PrintWriter err;
    private final CountDownLatch stop = new CountDownLatch(1);
    /** The thread starting the tiers, while it does; a stop interrupts it. */
    private volatile Thread starting;

    public StackRunner(StackConfig config, PrintWriter out, PrintWriter err) {
        this.config = config;
        this.out = out;
        this.err = err;
    }

    /** Asks a running {@link #run} to stop, as SIGTERM does. */
    public void stop() {
        stop.countDown();
        Thread starter = starting;
        if (starter != null) {
            starter.interrupt(); // a tier still starting (an app waiting for its instances) gives up at once
        }
    }

    public int run() {
        try (DataDir data = new DataDir(config.dataDir())) {
            try {
                data.lock();
            } catch (DataDir.InUseException e) {
                err.println("webstack: " + e.getMessage());
                err.flush();
                return 1;
            }
            for (String signal : new String[] {"INT", "TERM"}) {
                Signal.handle(new Signal(signal), s -> stop());
            }
            // Until every tier is up, a SIGHUP (a closed terminal's, say) is ignored rather than fatal.
            Signal.handle(new Signal("HUP"), s -> { });
            DbTier db = config.db().enabled() ? new DbTier(config) : null;
            AppTier app = config.app().enabled() ? new AppTier(config, db, this::appEvent) : null;
            EdgeTier edge = new EdgeTier(config);
            DnsTier dns = config.dns().enabled() ? new DnsTier(config) : null;
            List<Tier> tiers = new ArrayList<>();
            if (db != null) {
                tiers.add(db);
            }
            if (app != null) {
                tiers.add(app);
            }
            tiers.add(edge);
            if (dns != null) {
                tiers.add(dns);
            }
            for (Tier tier : tiers) {
                try {
                    tier.check();
                } catch (ZoneException e) {
                    e.problems().forEach(err::println);
                    err.println("webstack: " + tier.name() + ": " + e.problems().size()
                            + " problem(s) in the zones; nothing was started");
                    err.flush();
                    return 2;
                }
            }
            // The admin socket opens first: a data folder whose socket path cannot exist fails before anything
            // starts, and a status asked while the tiers start is told so.
            StartingAdmin handler = new StartingAdmin();
            AdminSocket admin;
            try {
                admin = AdminSocket.open(data.root(), handler);
            } catch (IOException e) {
                err.println("webstack: cannot open the admin socket " + data.root().resolve(AdminSocket.FILE) + ": "
                        + describe(e) + (describe(e).contains("too long") ? " (a unix socket's path is at most 107"
                        + " bytes: choose a shorter data-dir)" : "") + "; nothing was started");
                err.flush();
                return 1;
            }
            Deque<Tier> started = new ArrayDeque<>();
            boolean stopping = false;
            try (admin) {
                for (Tier tier : tiers) {
                    try {
                        starting = Thread.currentThread();
                        if (stop.getCount() == 0) {
                            throw new InterruptedException("stopped");
                        }
                        tier.start();
                    } catch (Exception e) {
                        started.push(tier);
                        if (stop.getCount() == 0) { // Ctrl-C or SIGTERM while starting: a stop, not a failure
                            Thread.interrupted();
                            out.println("stopping (asked to while " + tier.name() + " was starting) ...");
                            out.flush();
                            stopping = true;
                            return 0;
                        }
                        err.println("webstack: " + tier.name() + " failed to start: " + describe(e));
                        err.flush();
                        return 1;
                    } finally {
                        starting = null;
                    }
                    started.push(tier);
                    if (tier == edge && app != null) {
                        app.attach(edge.server().upstream(config.app().upstream()));
                    }
                    if (tier == db) {
                        db.notices().forEach(n -> out.printf("%-5s note    %s%n", "db", n));
                    }
                    out.printf("%-5s ready   %s%n", tier.name(), tier.ready());
                    out.flush();
                }
                handler.ready(new StackAdmin(config, db, app, edge, dns));
                printUrls(db, app, edge, dns);
                Reloader reloader = new Reloader(config, tiers, data.root(), out, err);
                Signal.handle(new Signal("HUP"), s -> reloader.request());
                stop.await();
                Signal.handle(new Signal("HUP"), s -> { });
                reloader.close();
                out.println("stopping (draining in-flight requests, up to "
                        + config.edge().limits().shutdownGrace().toSeconds() + " s) ...");
                out.flush();
                stopping = true;
                return 0;
            } finally {
                // Whatever ended the run (a tier that failed, an exception, a stop), what started is stopped, in
                // reverse: the edge before the app instances, the database last.
                closeAll(started);
                if (stopping) {
                    out.println("stopped");
                    out.flush();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } catch (Exception e) {
            err.println("webstack: " + describe(e));
            err.flush();
            return 1;
        }
    }

    /** Answers the admin socket: "starting" until every tier is up, then the {@link StackAdmin}. */
    private static final class StartingAdmin implements AdminSocket.Handler {
        private volatile StackAdmin admin;

        void ready(StackAdmin ready) {
            admin = ready;
        }

        @Override
        public int handle(List<String> request, PrintWriter out, PrintWriter err) throws Exception {
            StackAdmin ready = admin;
            if (ready == null) {
                err.println("webstack: the stack is starting (pid " + ProcessHandle.current().pid() + "); try again"
                        + " once it prints \"webstack is up\"");
                return 1;
            }
            return ready.handle(request, out, err);
        }
    }

    /** App events (restarts, crash loops) as they happen, between the tiers' own lines. */
    private void appEvent(String message) {
        synchronized (out) {
            out.printf("%-5s event   %s%n", "app", message);
            out.flush();
        }
    }

    private void closeAll(Deque<Tier> started) {
        while (!started.isEmpty()) {
            Tier t = started.pop();
            t.close();
            out.printf("%-5s stopped%n", t.name());
            out.flush();
        }
    }

    private void printUrls(DbTier db, AppTier app, EdgeTier edge, DnsTier dns) {
        out.println();
        out.println("webstack is up; data folder " + config.dataDir());
        InetSocketAddress http = edge.server().httpAddress();
        InetSocketAddress https = edge.server().httpsAddress();
        List<String> hosts = new ArrayList<>();
        config.edge().sites().stream().filter(s -> s.root().isPresent()).forEach(s -> hosts.addAll(s.hosts()));
        String host = hosts.isEmpty() ? "localhost" : hosts.get(0);
        if (http != null) {
            out.printf("  curl -si --resolve %s:%d:%s http://%s:%d/%n",
                    host, http.getPort(), ip(http), host, http.getPort());
        }
        if (https != null) {
            out.printf("  curl -sik --http2 --resolve %s:%d:%s https://%s:%d/%n",
                    host, https.getPort(), ip(https), host, https.getPort());
        }
        if (dns != null) {
            InetSocketAddress at = dns.server().address();
            String name = config.dns().zone().map(z -> "www." + z.domain())
                    .orElse(config.dns().zoneFiles().isEmpty() ? "." : config.dns().zoneFiles().get(0).origin());
            out.printf("  dig @%s -p %d %s%n", ip(at), at.getPort(), name);
        }
        String c = config.source().map(s -> " -c " + s).orElse("");
        if (db != null) {
            out.println("  ./webstack db shell" + c);
        }
        out.println("  ./webstack status" + c);
        if (app != null) {
            out.println("  ./webstack restart app" + c + "      # replaces the instances one at a time");
        }
        out.println("Ctrl-C or SIGTERM stops it; ./webstack reload (or SIGHUP) re-reads the config's zones.");
        out.flush();
    }

    private static String ip(InetSocketAddress a) {
        String ip = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getAddress().getHostAddress();
        return ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip;
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null ? e.toString() : m;
    }
}
