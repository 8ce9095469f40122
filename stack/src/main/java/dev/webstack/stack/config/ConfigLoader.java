package dev.webstack.stack.config;

import dev.webstack.db.config.DbConfig;
import dev.webstack.dns.config.DnsConfig;
import dev.webstack.edge.config.EdgeConfig;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Reads {@code webstack.yaml} into a {@link StackConfig}, validated whole before anything starts: the YAML is
 * composed into nodes that keep their line and column, bound section by section to the config records, and every
 * problem found is reported together in one {@link ConfigException}.
 *
 * <pre>
 *   file ──read──▶ text ──compose──▶ nodes (with marks) ──bind, check──┬──▶ StackConfig
 *                                                                      └──▶ ConfigException (every problem)
 * </pre>
 */
public final class ConfigLoader {
    /** The file looked for in the current directory when none is named. */
    public static final String DEFAULT_FILE = "webstack.yaml";
    /** The data folder's name, beside the config file (or in the current directory without one). */
    public static final String DEFAULT_DATA_DIR = "webstack-data";

    static final List<String> KEYS = List.of("data-dir", "db", "app", "edge", "dns");

    private ConfigLoader() {}

    /**
     * The config file to load: {@code given} when present (it need not exist; loading then reports it missing),
     * else {@code webstack.yaml} in the current directory when there is one, else empty (all defaults).
     */
    public static Optional<Path> locate(Optional<Path> given) {
        if (given.isPresent()) {
            return given;
        }
        Path local = Path.of(DEFAULT_FILE);
        return Files.isRegularFile(local) ? Optional.of(local) : Optional.empty();
    }


    /**
     * Loads and validates a config file; without one, every value is a default (the bundled site, and
     * {@code webstack-data} in the current directory). Errors name the file as it was given.
     *
     * @throws ConfigException with every problem found, each with its line, column and key path
     */
    public static StackConfig load(Optional<Path> file, Bundled bundled) {
        if (file.isEmpty()) {
            Path dataDir = Path.of(DEFAULT_DATA_DIR).toAbsolutePath().normalize();
            AppTierConfig app = AppTierConfig.defaults(bundled);
            return new StackConfig(Optional.empty(), dataDir, DbConfig.defaults(), app,
                    EdgeBinder.defaults(bundled, Optional.of(app.upstream())), DnsConfig.defaults());
        }
        Path source = file.get().toAbsolutePath().normalize();
        Problems problems = new Problems(file.get().toString());
        Optional<Node> root = read(source, problems).flatMap(text -> compose(text, problems));
        if (!problems.isEmpty()) {
            throw problems.toException();
        }
        StackConfig config = bind(root.orElse(null), source, bundled, problems);
        if (!problems.isEmpty()) {
            throw problems.toException();
        }
        return config;
    }

    /** The effective config as YAML: every key, defaults filled in, in schema order; it loads back equal. */
    public static String toYaml(StackConfig config) {
        return EffectiveConfigWriter.write(config);
    }

    private static Optional<String> read(Path source, Problems problems) {
        if (!Files.exists(source)) {
            problems.add("file not found");
            return Optional.empty();
        }
        if (Files.isDirectory(source)) {
            problems.add("expected a YAML file, got a folder");
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readString(source));
        } catch (CharacterCodingException e) {
            problems.add("expected UTF-8 text, got bytes that are not");
        } catch (IOException e) {
            problems.add("cannot read: " + e);
        }
        return Optional.empty();
    }

    /** The document's root node; empty for a file with no content (or only comments). */
    private static Optional<Node> compose(String text, Problems problems) {
        try {
            return new Compose(LoadSettings.builder().build()).composeString(text);
        } catch (MarkedYamlEngineException e) {
            StringBuilder message = new StringBuilder("invalid YAML: ").append(e.getProblem());
            if (e.getContext() != null) {
                message.append(" (").append(e.getContext());
                e.getContextMark().ifPresent(m -> message.append(" at line ").append(m.getLine() + 1));
                message.append(')');
            }
            problems.add(e.getProblemMark().or(e::getContextMark), "", message.toString());
        } catch (YamlEngineException e) {
            problems.add("invalid YAML: " + e.getMessage());
        }
        return Optional.empty();
    }

    private static StackConfig bind(Node root, Path source, Bundled bundled, Problems problems) {
        Path baseDir = source.getParent();
        if (root != null && !(root instanceof MappingNode) && !YamlSection.isNull(root)) {
            problems.add(root, "", "expected a mapping at the top level (data-dir:, db:, app:, edge:, dns:), got "
                    + YamlSection.describe(root));
            return null;
        }
        YamlSection top = YamlSection.of(root, "", KEYS, problems);
        Path dataDir = top.pathValue("data-dir", baseDir, "a folder path").orElse(baseDir.resolve(DEFAULT_DATA_DIR));
        DbConfig db = new DbBinder(baseDir).bind(top.section("db", DbBinder.KEYS));
        YamlSection appSection = top.section("app", AppBinder.KEYS);
        AppTierConfig app = new AppBinder(baseDir, bundled, db.enabled()).bind(appSection);
        Optional<String> appUpstream = app.enabled() ? Optional.of(app.upstream()) : Optional.empty();
        YamlSection edgeSection = top.section("edge", EdgeBinder.KEYS);
        EdgeConfig edge = new EdgeBinder(problems, baseDir, bundled, appUpstream).bind(edgeSection);
        appUpstream.filter(pool -> !EdgeBinder.proxiesTo(edge, pool)).ifPresent(pool -> problems.add(
                edgeSection.value("sites").flatMap(Node::getStartMark), "edge.sites",
                "the app instances join the upstream pool '" + pool + "', but no site proxies to it"
                        + " (expected: proxy: " + pool + " on a site or location, or app.enabled: false)"));
        DnsConfig dns = new DnsBinder(problems, baseDir).bind(top.section("dns", DnsBinder.KEYS));
        return new StackConfig(Optional.of(source), dataDir, db, app, edge, dns);
    }
}
