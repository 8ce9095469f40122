package dev.webstack.stack;

import dev.webstack.stack.config.ConfigException;
import dev.webstack.stack.config.Bundled;
import dev.webstack.stack.config.ConfigLoader;
import dev.webstack.stack.config.StackConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Commands that act on a running {@code webstack up}, found through its data folder's lock and pid file. */
public final class StackControl {
    private static final Duration RELOAD_WAIT = Duration.ofSeconds(30);

    private StackControl() {
    }

    /**
     * The config a command acts on (the given file, else webstack.yaml here, else the defaults); empty, with every
     * problem printed and then "the config has N problem(s)" and {@code consequence}, when it does not load.
     */
    static Optional<StackConfig> loadConfig(Path configFile, PrintWriter err, String consequence) {
        try {
            return Optional.of(ConfigLoader.load(ConfigLoader.locate(Optional.ofNullable(configFile)),
                    Bundled.fromLauncher()));
        } catch (ConfigException e) {
            e.errors().forEach(err::println);
            err.println("webstack: the config has " + e.errors().size() + " problem(s)" + consequence);
            err.flush();
            return Optional.empty();
        }
    }

    /**
     * Sends SIGHUP to the stack running on the config's data folder and waits for the outcome it writes.
     *
     * @return 0 when the reload took, 1 when it failed or no stack runs, 2 when the config cannot be read
     */
    public static int reload(Path configFile, PrintWriter out, PrintWriter err) throws Exception {
        Optional<StackConfig> loaded = loadConfig(configFile, err,
                "; nothing was reloaded (the stack keeps serving what it had)");
        if (loaded.isEmpty()) {
            return 2;
        }
        Path root = loaded.get().dataDir();
        Optional<Long> pid = DataDir.runningPid(root);
        if (pid.isEmpty()) {
            err.println("webstack: no stack is running on the data folder " + root + " (start it with ./webstack up)");
            err.flush();
            return 1;
        }
        long before = DataDir.ReloadStatus.read(root).map(DataDir.ReloadStatus::number).orElse(0L);
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(pid.get())).inheritIO().start();
        if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            err.println("webstack: could not signal pid " + pid.get());
            err.flush();
            return 1;
        }
        Instant deadline = Instant.now().plus(RELOAD_WAIT);
        while (Instant.now().isBefore(deadline)) {
            Optional<DataDir.ReloadStatus> status = DataDir.ReloadStatus.read(root);
            if (status.isPresent() && status.get().number() > before) {
                (status.get().ok() ? out : err).println(status.get().text());
                out.flush();
                err.flush();
                return status.get().ok() ? 0 : 1;
            }
            Thread.sleep(50);
        }
        err.println("webstack: pid " + pid.get() + " did not report a reload within " + RELOAD_WAIT.toSeconds() + " s");
        err.flush();
        return 1;
    }

    /**
     * Sends a request ({@code status}, {@code restart app}, {@code deploy ...}) to the stack running on the config's
     * data folder, through its admin socket, and prints the answer as it comes.
     *
     * @return the stack's exit code for the request; 1 when no stack runs, 2 when the config cannot be read
     */
    public static int admin(Path configFile, List<String> request, PrintWriter out, PrintWriter err) {
        Optional<StackConfig> loaded = loadConfig(configFile, err, "; cannot tell which stack to ask");
        if (loaded.isEmpty()) {
            return 2;
        }
        return AdminClient.call(loaded.get().dataDir(), request, out, err);
    }
}
