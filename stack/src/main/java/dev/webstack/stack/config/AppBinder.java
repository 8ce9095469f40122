package dev.webstack.stack.config;

import dev.webstack.app.AppConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * Binds the {@code app:} section to an {@link AppTierConfig}. The command is a list of arguments (or one string,
 * split at spaces); {@code env} is a mapping of variable names to strings. The variables the stack sets itself are
 * refused in {@code env}, so the config never says something the instances do not get. A program given as a
 * relative path resolves against the config file's folder, as other paths do.
 */
final class AppBinder {
    static final List<String> KEYS = List.of("enabled", "command", "instances", "env", "health-path", "upstream",
            "start-timeout", "stop-grace", "log-max-size", "log-files-kept", "restart-backoff-min",
            "restart-backoff-max", "crash-loop-failures", "crash-loop-window");
    /** Set by the app tier for each instance. */
    static final Set<String> RESERVED_ENV = Set.of("PORT", "BIND", "APP_INSTANCE");
    /** Set by the stack from the db tier when it is enabled. */
    static final Set<String> DB_ENV = Set.of("DB_URL", "DB_USER", "DB_PASSWORD", "DB_PASSWORD_FILE");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern UPSTREAM = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
    private static final Pattern PATH = Pattern.compile("/[\\x21-\\x7e]*");
    private static final Duration HOUR = Duration.ofHours(1);

    private final Path baseDir;
    private final Bundled bundled;
    private final boolean dbEnabled;

    AppBinder(Path baseDir, Bundled bundled, boolean dbEnabled) {
        this.baseDir = baseDir;
        this.bundled = bundled;
        this.dbEnabled = dbEnabled;
    }

    AppTierConfig bind(YamlSection s) {
        AppTierConfig d = AppTierConfig.defaults(bundled);
        AppConfig a = d.app();
        boolean enabled = s.bool("enabled", d.enabled());
        String upstream = s.string("upstream", "an upstream pool's name").filter(name -> {
            if (!UPSTREAM.matcher(name).matches()) {
                s.error("upstream", "expected a name of letters, digits, '.', '_' and '-', got '" + name + "'");
                return false;
            }
            return true;
        }).orElse(d.upstream());
        List<String> command = s.has("command") ? command(s) : a.command();
        int instances = s.integer("instances", a.instances(), 1);
        if (instances > 64) {
            s.error("instances", "expected 1 to 64 instances, got " + instances);
        }
        Map<String, String> env = env(s);
        String healthPath = s.string("health-path", "a path like /healthz").filter(p -> {
            if (!PATH.matcher(p).matches()) {
                s.error("health-path", "expected a path starting with / (no spaces or control characters), got '"
                        + p + "'");
                return false;
            }
            return true;
        }).orElse(a.healthPath());
        Duration startTimeout = atMost(s, "start-timeout", a.startTimeout(), HOUR);
        Duration stopGrace = atMost(s, "stop-grace", a.stopGrace(), HOUR);
        long logMax = s.size("log-max-size", a.logMaxBytes());
        if (logMax < 1024) {
            s.error("log-max-size", "expected at least 1k, got '" + Units.formatSize(logMax) + "'");
            logMax = a.logMaxBytes();
        }
        int kept = s.integer("log-files-kept", a.logFilesKept(), 0);
        Duration backoffMin = atMost(s, "restart-backoff-min", a.restartBackoffMin(), HOUR);
        Duration backoffMax = atMost(s, "restart-backoff-max", a.restartBackoffMax(), HOUR);
        if (backoffMax.compareTo(backoffMin) < 0) {
            s.error(s.has("restart-backoff-max") ? "restart-backoff-max" : "restart-backoff-min",
                    "restart-backoff-max (" + Units.formatDuration(backoffMax) + ") must be at least "
                            + "restart-backoff-min (" + Units.formatDuration(backoffMin) + ")");
            backoffMax = backoffMin;
        }
        int failures = s.integer("crash-loop-failures", a.crashLoopFailures(), 1);
        Duration window = atMost(s, "crash-loop-window", a.crashLoopWindow(), Duration.ofDays(1));
        AppConfig app = new AppConfig(command.isEmpty() ? a.command() : command, Math.min(instances, 64), env,
                healthPath, startTimeout, stopGrace, logMax, kept, backoffMin, backoffMax, failures, window);
        return new AppTierConfig(enabled, upstream, app);
    }

    /** The program, when it is a relative path ({@code ./run.sh}), resolves against the config file's folder. */
    private List<String> command(YamlSection s) {
        String expected = "a program and its arguments";
        List<YamlSection.Item> items = s.strings("command", expected);
        List<String> command = new ArrayList<>();
        boolean scalar = s.value("command").orElse(null) instanceof ScalarNode;
        for (YamlSection.Item item : items) {
            if (item.value().indexOf('\0') >= 0) {
                s.problems().add(item.node(), item.path(), "expected an argument without NUL characters");
            } else if (scalar) {
                for (String word : item.value().trim().split("\\s+")) {
                    if (!word.isEmpty()) {
                        command.add(word);
                    }
                }
            } else {
                command.add(item.value());
            }
        }
        if (command.isEmpty() || command.get(0).isBlank()) {
            s.error("command", "expected " + expected + " (a list, like [java, -jar, /srv/site.jar]), got an empty one");
            return List.of();
        }
        String program = command.get(0);
        if (program.contains("/") && !program.startsWith("/")) {
            command.set(0, baseDir.resolve(program).normalize().toString());
        }
        return command;
    }

    private Map<String, String> env(YamlSection s) {
        Map<String, String> env = new LinkedHashMap<>();
        if (!s.has("env")) {
            return env;
        }
        if (!(s.value("env").orElseThrow() instanceof MappingNode mapping)) {
            s.error("env", "expected a mapping of variable names to values (NAME: value), got "
                    + YamlSection.describe(s.value("env").orElseThrow()));
            return env;
        }
        for (NodeTuple tuple : mapping.getValue()) {
            String path = s.path("env");
            if (!(tuple.getKeyNode() instanceof ScalarNode key) || !ENV_NAME.matcher(key.getValue()).matches()) {
                s.problems().add(tuple.getKeyNode(), path, "expected a variable name (letters, digits, '_'), got "
                        + YamlSection.describe(tuple.getKeyNode()));
                continue;
            }
            String name = key.getValue();
            String at = path + "." + name;
            if (RESERVED_ENV.contains(name)) {
                s.problems().add(key, at, name + " is set by the app tier for each instance");
                continue;
            }
            if (dbEnabled && DB_ENV.contains(name)) {
                s.problems().add(key, at, name + " is set from the db tier (set db.enabled: false to give your own)");
                continue;
            }
            if (!(tuple.getValueNode() instanceof ScalarNode value) || YamlSection.isNull(value)) {
                s.problems().add(tuple.getValueNode(), at, "expected a string, got "
                        + YamlSection.describe(tuple.getValueNode()));
                continue;
            }
            if (value.getValue().indexOf('\0') >= 0) {
                s.problems().add(value, at, "expected a value without NUL characters");
                continue;
            }
            if (env.put(name, value.getValue()) != null) {
                s.problems().add(key, at, name + " is set twice");
            }
        }
        return env;
    }

    /** A duration up to {@code max}: bounds that keep the supervisor's arithmetic (and a person's wait) sane. */
    private static Duration atMost(YamlSection s, String key, Duration fallback, Duration max) {
        Duration d = s.duration(key, fallback);
        if (d.compareTo(max) > 0) {
            s.error(key, "expected at most " + Units.formatDuration(max) + ", got '" + Units.formatDuration(d) + "'");
            return fallback;
        }
        return d;
    }
}
