package dev.webstack.stack;

import dev.webstack.dns.zone.ZoneException;
import dev.webstack.stack.config.ConfigException;
import dev.webstack.stack.config.Bundled;
import dev.webstack.stack.config.ConfigLoader;
import dev.webstack.stack.config.StackConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Reloads a running stack on SIGHUP: re-reads the config file, lets each tier apply what it can (the DNS tier
 * swaps in freshly built zones), and keeps everything as it was when the new config or a zone is bad. Reloads run
 * one at a time on their own thread, never on the signal's; each outcome is printed and written to
 * {@code run/reload.status} for {@code webstack reload} to show.
 */
final class Reloader implements AutoCloseable {
    private final StackConfig config;
    private final List<Tier> tiers;
    private final Path dataDir;
    private final PrintWriter out;
    private final PrintWriter err;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "reload");
        t.setDaemon(true);
        return t;
    });
    private long count;

    Reloader(StackConfig config, List<Tier> tiers, Path dataDir, PrintWriter out, PrintWriter err) {
        this.config = config;
        this.tiers = tiers;
        this.dataDir = dataDir;
        this.out = out;
        this.err = err;
    }

    void request() {
        thread.execute(this::reload);
    }

    private void reload() {
        long number = ++count;
        List<String> done = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        String failed = null;
        try {
            StackConfig next = ConfigLoader.load(config.source(), Bundled.fromLauncher());
            // From the DNS tier back: its zones are what a reload most often finds broken, and a tier that fails
            // stops the reload before the tiers in front of it change (each tier's own swap is all or nothing).
            List<Tier> backwards = new ArrayList<>(tiers);
            Collections.reverse(backwards);
            for (Tier tier : backwards) {
                failed = tier.name();
                String what = tier.reload(next);
                if (what != null) {
                    done.add(tier.name() + " " + what);
                }
            }
            failed = null;
        } catch (ConfigException e) {
            e.errors().forEach(problem -> problems.add(problem.toString()));
        } catch (ZoneException e) {
            problems.addAll(e.problems());
        } catch (Exception e) {
            problems.add(failed + ": " + e.getMessage());
        }
        boolean ok = problems.isEmpty();
        String text;
        if (ok) {
            text = done.isEmpty() ? "nothing to reload" : String.join("\n", done);
            out.println(text);
            out.flush();
        } else {
            problems.add("reload failed: still serving the zones loaded before"
                    + (failed == null || failed.equals("dns") ? "" : "; " + failed + " and the tiers started before it"
                    + " keep what they had"));
            done.forEach(line -> problems.add("(reloaded: " + line + ")"));
            text = String.join("\n", problems);
            err.println(text);
            err.flush();
        }
        try {
            new DataDir.ReloadStatus(number, ok, text).write(dataDir);
        } catch (IOException e) {
            err.println("webstack: cannot write the reload status: " + e.getMessage());
            err.flush();
        }
    }

    @Override
    public void close() throws InterruptedException {
        thread.shutdown();
        thread.awaitTermination(5, TimeUnit.SECONDS);
    }
}
