package dev.webstack.stack.config;

import dev.webstack.edge.config.HealthCheckConfig;
import dev.webstack.edge.config.UpstreamConfig;
import dev.webstack.edge.config.UpstreamConfig.Balance;
import dev.webstack.edge.config.UpstreamServerConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * Binds {@code edge.upstreams}, the pools of servers sites proxy to: each a name, its servers ({@code host:port},
 * or a mapping with weight and max-connections), how one is picked, timeouts, retries and health checks.
 */
final class UpstreamBinder {
    static final List<String> KEYS = List.of("name", "servers", "balance", "hash-cookie", "keepalive",
            "connect-timeout", "response-timeout", "idle-timeout", "max-tries", "try-timeout", "health");
    static final List<String> SERVER_KEYS = List.of("address", "weight", "max-connections");
    static final List<String> HEALTH_KEYS = List.of("path", "interval", "timeout", "rise", "fall", "max-fails",
            "fail-timeout");
    private static final Map<String, Balance> BALANCES = Map.of(
            "round-robin", Balance.ROUND_ROBIN,
            "least-connections", Balance.LEAST_CONNECTIONS,
            "client-hash", Balance.CLIENT_HASH,
            "cookie-hash", Balance.COOKIE_HASH);
    private static final String ADDRESS = "host:port (an IP address or a host name, and a port 1..65535)";

    private final Problems problems;
    /** The app tier's pool: its servers are the app instances, so it may list none. */
    private final Optional<String> appUpstream;

    UpstreamBinder(Problems problems, Optional<String> appUpstream) {
        this.problems = problems;
        this.appUpstream = appUpstream;
    }

    /** The pools by name, in the file's order. */
    Map<String, UpstreamConfig> bind(YamlSection edge) {
        Map<String, UpstreamConfig> pools = new LinkedHashMap<>();
        List<Node> nodes = edge.sequence("upstreams", "a list of upstream pools");
        for (int i = 0; i < nodes.size(); i++) {
            Node node = nodes.get(i);
            String path = edge.path("upstreams") + "[" + i + "]";
            if (!(node instanceof MappingNode)) {
                problems.add(node, path, "expected an upstream pool (a mapping with name and servers), got "
                        + YamlSection.describe(node));
                continue;
            }
            YamlSection s = YamlSection.of(node, path, KEYS, problems);
            Optional<UpstreamConfig> pool = upstream(s);
            pool.ifPresent(p -> {
                if (pools.putIfAbsent(p.name(), p) != null) {
                    s.error("name", "upstream '" + p.name() + "' is defined twice (expected: one pool per name)");
                }
            });
        }
        return pools;
    }

    private Optional<UpstreamConfig> upstream(YamlSection s) {
        Optional<String> name = s.string("name", "a name").filter(n -> {
            if (!n.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}")) {
                s.error("name", "expected a name of letters, digits, '.', '_' and '-', got '" + n + "'");
                return false;
            }
            return true;
        });
        if (!s.has("name")) {
            problems.add(s.node(), s.path(), "an upstream pool needs a name");
        }
        boolean appPool = name.isPresent() && name.equals(appUpstream);
        List<UpstreamServerConfig> servers = servers(s, appPool);
        Balance balance = s.string("balance", "round-robin, least-connections, client-hash or cookie-hash")
                .map(text -> {
                    Balance b = BALANCES.get(text.toLowerCase(Locale.ROOT));
                    if (b == null) {
                        s.error("balance", "expected round-robin, least-connections, client-hash or cookie-hash, got '"
                                + text + "'");
                    }
                    return b;
                })
                .orElse(Balance.ROUND_ROBIN);
        Optional<String> cookie = s.string("hash-cookie", "a cookie name");
        if (balance == Balance.COOKIE_HASH && cookie.isEmpty()) {
            s.error("balance", "cookie-hash needs hash-cookie: the name of the cookie to hash");
        }
        if (balance != Balance.COOKIE_HASH && cookie.isPresent()) {
            s.error("hash-cookie", "hash-cookie applies to balance: cookie-hash only");
        }
        UpstreamConfig d = UpstreamConfig.of("", List.of());
        int keepalive = s.integer("keepalive", d.keepalive(), 0);
        int maxTries = s.integer("max-tries", d.maxTries(), 1);
        HealthCheckConfig health = health(s.section("health", HEALTH_KEYS));
        if (name.isEmpty() || (balance == Balance.COOKIE_HASH && cookie.isEmpty())) {
            return Optional.empty();
        }
        return Optional.of(new UpstreamConfig(name.get(), servers, balance == null ? Balance.ROUND_ROBIN : balance,
                cookie, keepalive,
                s.duration("connect-timeout", d.connectTimeout()),
                s.duration("response-timeout", d.responseTimeout()),
                s.duration("idle-timeout", d.idleTimeout()),
                maxTries,
                s.duration("try-timeout", d.tryTimeout()),
                health));
    }

    private List<UpstreamServerConfig> servers(YamlSection s, boolean appPool) {
        List<UpstreamServerConfig> servers = new ArrayList<>();
        if (!appPool && !s.has("servers")) { // the app pool's servers are the app instances: it may list none
            problems.add(s.node(), s.path(), "an upstream pool needs servers (a list of host:port)");
            return servers;
        }
        List<Node> nodes = s.sequence("servers", "a list of servers (host:port)");
        if (!appPool && nodes.isEmpty()
                && s.value("servers").orElse(null) instanceof org.snakeyaml.engine.v2.nodes.SequenceNode) {
            s.error("servers", "expected at least one server, got an empty list");
        }
        for (int i = 0; i < nodes.size(); i++) {
            Node node = nodes.get(i);
            String path = s.path("servers") + "[" + i + "]";
            if (node instanceof ScalarNode scalar) {
                address(scalar.getValue(), node, path).ifPresent(a -> servers.add(UpstreamServerConfig.of(a[0],
                        Integer.parseInt(a[1]))));
            } else if (node instanceof MappingNode) {
                YamlSection server = YamlSection.of(node, path, SERVER_KEYS, problems);
                Optional<String[]> address = server.string("address", ADDRESS)
                        .flatMap(text -> address(text, server.value("address").get(), server.path("address")));
                if (!server.has("address")) {
                    problems.add(node, path, "a server needs an address (host:port)");
                }
                int weight = server.integer("weight", 1, 1);
                int max = server.integer("max-connections", 0, 0);
                address.ifPresent(a -> servers.add(new UpstreamServerConfig(a[0], Integer.parseInt(a[1]), weight, max)));
            } else {
                problems.add(node, path, "expected a server (host:port, or a mapping with address), got "
                        + YamlSection.describe(node));
            }
        }
        return servers;
    }

    /** {@code host:port} split, the host checked as bindable config hosts are; empty (reported) when wrong. */
    private Optional<String[]> address(String text, Node node, String path) {
        int colon = text.lastIndexOf(':');
        String host = colon < 0 ? "" : text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        String port = colon < 0 ? "" : text.substring(colon + 1);
        boolean portOk = port.matches("[0-9]{1,5}") && Integer.parseInt(port) >= 1 && Integer.parseInt(port) <= 65535;
        if (host.isEmpty() || !portOk || !HostNames.isBindable(host)) {
            problems.add(node, path, "expected " + ADDRESS + ", got '" + text + "'");
            return Optional.empty();
        }
        return Optional.of(new String[] {host, port});
    }

    private HealthCheckConfig health(YamlSection s) {
        HealthCheckConfig d = HealthCheckConfig.DEFAULT;
        Optional<String> path = s.string("path", "a path starting with /").filter(p -> {
            if (!p.startsWith("/") || p.chars().anyMatch(c -> c <= 0x20 || c >= 0x7f)) {
                s.error("path", "expected a path starting with / (no spaces or control characters), got '" + p + "'");
                return false;
            }
            return true;
        });
        return new HealthCheckConfig(path,
                s.duration("interval", d.interval()),
                s.duration("timeout", d.timeout()),
                s.integer("rise", d.rise(), 1),
                s.integer("fall", d.fall(), 1),
                s.integer("max-fails", d.maxFails(), 0),
                s.duration("fail-timeout", d.failTimeout()));
    }
}
