package dev.webstack.stack.config;

import dev.webstack.edge.config.EdgeConfig;
import dev.webstack.edge.config.FilesConfig;
import dev.webstack.edge.config.IoTransport;
import dev.webstack.edge.config.LimitsConfig;
import dev.webstack.edge.config.LocationConfig;
import dev.webstack.edge.config.ListenerConfig;
import dev.webstack.edge.config.SiteConfig;
import dev.webstack.edge.config.TlsListenerConfig;
import dev.webstack.edge.config.UpstreamConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Binds the {@code edge:} section of the config file to an {@link EdgeConfig}: one method per sub-section, then
 * the checks that span sections (listeners apart, each host claimed once, default-host among the sites).
 * Relative paths resolve against the config file's folder.
 */
final class EdgeBinder {
    static final List<String> KEYS = List.of(
            "workers", "transport", "access-log", "default-host", "http", "https", "limits", "files", "upstreams", "sites");
    static final List<String> HTTP_KEYS = List.of("enabled", "address", "port");
    static final List<String> HTTPS_KEYS =
            List.of("enabled", "address", "port", "certificate", "key", "http2", "redirect-http");
    static final List<String> LIMITS_KEYS = List.of(
            "max-request-line",
            "max-header-size",
            "max-body-size",
            "header-timeout",
            "idle-timeout",
            "send-timeout",
            "max-connections",
            "keepalive-requests",
            "shutdown-grace");
    static final List<String> FILES_KEYS = List.of(
            "cache-valid",
            "memory-cache-max-file",
            "memory-cache-size",
            "gzip",
            "gzip-min-length",
            "gzip-max-length",
            "gzip-types");
    static final List<String> SITE_KEYS =
            List.of("hosts", "root", "index", "cache-control", "redirect", "proxy", "locations");
    static final List<String> LOCATION_KEYS = List.of("prefix", "proxy");

    private static final String ADDRESS = "an IP address or a host name that resolves";
    private static final String HOST = "a host name (dot-separated labels of letters, digits and inner hyphens)";
    /** RFC 6838 restricted names; the subtype may be {@code *}. */
    private static final Pattern MEDIA_TYPE = Pattern.compile(
            "[a-z0-9][a-z0-9!#$&^_.+-]{0,126}/([a-z0-9][a-z0-9!#$&^_.+-]{0,126}|\\*)");
    /** CR and LF would split the response header (response splitting); other controls are invalid in a value. */
    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

    private final Problems problems;
    private final Path baseDir;
    private final Bundled bundled;
    /** The pool the app tier's instances join, when the app tier is enabled. */
    private final Optional<String> appUpstream;
    /** Every host name a site has claimed so far, with where it was claimed, for duplicates and default-host. */
    private final Map<String, YamlSection.Item> claimed = new LinkedHashMap<>();
    private Map<String, UpstreamConfig> upstreams = Map.of();

    EdgeBinder(Problems problems, Path baseDir, Bundled bundled, Optional<String> appUpstream) {
        this.problems = problems;
        this.baseDir = baseDir;
        this.bundled = bundled;
        this.appUpstream = appUpstream;
    }

    /**
     * The edge without an {@code edge:} section. With the app tier: www.foobar.com serves the site's static files
     * and passes everything else to the app pool; without it, the bundled placeholder site. foobar.com redirects to
     * www.foobar.com either way.
     */
    static EdgeConfig defaults(Bundled bundled, Optional<String> appUpstream) {
        EdgeConfig files = EdgeConfig.defaults(bundled.defaultSite());
        if (appUpstream.isEmpty()) {
            return files;
        }
        String pool = appUpstream.get();
        return files.withRouting(files.defaultHost(), defaultSites(bundled, appUpstream),
                List.of(UpstreamConfig.of(pool, List.of())));
    }

    private static List<SiteConfig> defaultSites(Bundled bundled, Optional<String> appUpstream) {
        if (appUpstream.isEmpty()) {
            return EdgeConfig.defaults(bundled.defaultSite()).sites();
        }
        return List.of(SiteConfig.filesThenProxy(List.of("www.foobar.com"), bundled.sitePublic(), appUpstream.get()),
                SiteConfig.redirect(List.of("foobar.com"), "www.foobar.com"));
    }

    /** Whether a site or location of {@code edge} passes requests to {@code pool}. */
    static boolean proxiesTo(EdgeConfig edge, String pool) {
        return edge.sites().stream().anyMatch(site -> site.proxy().filter(pool::equals).isPresent()
                || site.locations().stream().anyMatch(l -> l.proxy().equals(pool)));
    }

    EdgeConfig bind(YamlSection edge) {
        int workers = edge.integer("workers", 0, 0);
        IoTransport transport = transport(edge);
        boolean accessLog = edge.bool("access-log", true);
        YamlSection httpSection = edge.section("http", HTTP_KEYS);
        YamlSection httpsSection = edge.section("https", HTTPS_KEYS);
        ListenerConfig http = http(httpSection);
        TlsListenerConfig https = https(httpsSection);
        checkListenersApart(http, https, httpSection, httpsSection, edge);
        LimitsConfig limits = limits(edge.section("limits", LIMITS_KEYS));
        FilesConfig files = files(edge.section("files", FILES_KEYS));
        upstreams = new UpstreamBinder(problems, appUpstream).bind(edge);
        appUpstream.ifPresent(pool -> {
            if (!upstreams.containsKey(pool)) { // the app tier's pool, with the defaults and no static servers
                upstreams.put(pool, UpstreamConfig.of(pool, List.of()));
            }
        });
        List<SiteConfig> sites = edge.has("sites") ? sites(edge) : defaultSites();
        Optional<String> defaultHost = defaultHost(edge);
        return new EdgeConfig(http, https, workers, transport, limits, files, accessLog, defaultHost, sites,
                List.copyOf(upstreams.values()));
    }

    private static IoTransport transport(YamlSection edge) {
        String expected = "auto, io_uring, epoll or nio";
        return edge.string("transport", expected)
                .map(text -> {
                    for (IoTransport t : IoTransport.values()) {
                        if (t.configName().equals(text.toLowerCase(Locale.ROOT))) {
                            return t;
                        }
                    }
                    edge.error("transport", "expected " + expected + ", got '" + text + "'");
                    return IoTransport.AUTO;
                })
                .orElse(IoTransport.AUTO);
    }

    private ListenerConfig http(YamlSection s) {
        ListenerConfig d = ListenerConfig.DEFAULT_HTTP;
        return new ListenerConfig(s.bool("enabled", d.enabled()), address(s, d.address()), s.port("port", d.port()));
    }

    private TlsListenerConfig https(YamlSection s) {
        TlsListenerConfig d = TlsListenerConfig.DEFAULT;
        boolean enabled = s.bool("enabled", d.enabled());
        Optional<Path> certificate = file(s, "certificate");
        Optional<Path> key = file(s, "key");
        if (s.has("certificate") && !s.has("key")) {
            s.error("certificate", "a certificate needs its private key too (expected: " + s.path("key") + ")");
        }
        if (s.has("key") && !s.has("certificate")) {
            s.error("key", "a private key needs its certificate too (expected: " + s.path("certificate") + ")");
        }
        boolean redirectHttp = s.bool("redirect-http", d.redirectHttp());
        if (redirectHttp && !enabled) {
            s.error("redirect-http", "redirect-http sends every request to https, but https is disabled");
        }
        return new TlsListenerConfig(
                enabled, address(s, d.address()), s.port("port", d.port()), certificate, key,
                s.bool("http2", d.http2()), redirectHttp);
    }

    private String address(YamlSection s, String fallback) {
        return s.string("address", ADDRESS).filter(address -> {
            if (HostNames.isBindable(address)) {
                return true;
            }
            s.error("address", "expected " + ADDRESS + ", got '" + address + "'");
            return false;
        }).orElse(fallback);
    }

    /** Two enabled listeners on one port of overlapping addresses would fail to bind at start; port 0 never does. */
    private void checkListenersApart(
            ListenerConfig http, TlsListenerConfig https, YamlSection httpSection, YamlSection httpsSection,
            YamlSection edge) {
        if (!http.enabled() || !https.enabled() || http.port() != https.port() || http.port() == 0
                || !HostNames.overlap(http.address(), https.address())) {
            return;
        }
        String message = "http on " + hostPort(http.address(), http.port()) + " and https on "
                + hostPort(https.address(), https.port())
                + " would claim the same port (expected: different ports, or one listener disabled)";
        for (YamlSection s : List.of(httpsSection, httpSection)) {
            for (String key : List.of("port", "address")) {
                if (s.has(key)) {
                    s.error(key, message);
                    return;
                }
            }
        }
        problems.add(edge.node(), edge.path(), message);
    }

    private static String hostPort(String address, int port) {
        return (address.contains(":") && !address.startsWith("[") ? "[" + address + "]" : address) + ":" + port;
    }

    private LimitsConfig limits(YamlSection s) {
        LimitsConfig d = LimitsConfig.DEFAULT;
        return new LimitsConfig(
                s.intSize("max-request-line", d.maxRequestLine(), 64),
                s.intSize("max-header-size", d.maxHeaderSize(), 256),
                s.size("max-body-size", d.maxBodySize()),
                s.duration("header-timeout", d.headerTimeout()),
                s.duration("idle-timeout", d.idleTimeout()),
                s.duration("send-timeout", d.sendTimeout()),
                s.integer("max-connections", d.maxConnections(), 1),
                s.integer("keepalive-requests", d.keepaliveRequests(), 1),
                s.duration("shutdown-grace", d.shutdownGrace()));
    }

    private FilesConfig files(YamlSection s) {
        FilesConfig d = FilesConfig.DEFAULT;
        return new FilesConfig(
                s.duration("cache-valid", d.cacheValid()),
                s.intSize("memory-cache-max-file", d.memoryCacheMaxFile()),
                s.size("memory-cache-size", d.memoryCacheSize()),
                s.bool("gzip", d.gzip()),
                s.intSize("gzip-min-length", d.gzipMinLength()),
                s.intSize("gzip-max-length", d.gzipMaxLength()),
                s.has("gzip-types") ? gzipTypes(s) : d.gzipTypes());
    }

    private List<String> gzipTypes(YamlSection s) {
        String expected = "a media type like text/html or text/*";
        List<String> types = new ArrayList<>();
        for (YamlSection.Item item : s.strings("gzip-types", expected)) {
            String type = item.value().trim().toLowerCase(Locale.ROOT);
            if (MEDIA_TYPE.matcher(type).matches()) {
                types.add(type);
            } else {
                problems.add(item.node(), item.path(), "expected " + expected + ", got '" + item.value() + "'");
            }
        }
        return types;
    }

    private List<SiteConfig> defaultSites() {
        List<SiteConfig> sites = defaultSites(bundled, appUpstream);
        for (SiteConfig site : sites) {
            for (String host : site.hosts()) {
                claimed.put(host, null);
            }
        }
        return sites;
    }

    private List<SiteConfig> sites(YamlSection edge) {
        List<SiteConfig> sites = new ArrayList<>();
        List<Node> nodes = edge.sequence("sites", "a list of sites");
        for (int i = 0; i < nodes.size(); i++) {
            Node node = nodes.get(i);
            String path = edge.path("sites") + "[" + i + "]";
            if (!(node instanceof MappingNode)) {
                problems.add(node, path, "expected a site (a mapping with hosts, and root or redirect), got "
                        + YamlSection.describe(node));
                continue;
            }
            site(YamlSection.of(node, path, SITE_KEYS, problems)).ifPresent(sites::add);
        }
        return sites;
    }

    /** One site; empty when it cannot be built (the reason is already reported). */
    private Optional<SiteConfig> site(YamlSection s) {
        List<String> hosts = hosts(s);
        boolean hasRoot = s.has("root");
        boolean hasRedirect = s.has("redirect");
        boolean hasProxy = s.has("proxy");
        if ((hasRoot || hasProxy) && hasRedirect) {
            s.error("redirect", "a site redirects, or serves root and/or proxy, not both");
        } else if (!hasRoot && !hasRedirect && !hasProxy) {
            problems.add(s.node(), s.path(), "a site needs root (a folder to serve), proxy (an upstream pool to "
                    + "pass requests to), both, or redirect (a host to send requests to)");
        }
        Optional<String> proxy = upstreamName(s, "proxy");
        List<LocationConfig> locations = locations(s);
        if (hasRedirect && s.has("locations")) {
            s.error("locations", "locations apply to a site with root or proxy, not to a redirect");
        }
        Optional<Path> root = folder(s, "root");
        Optional<String> redirect = redirect(s, hosts);
        String index = s.string("index", "a file name").orElse(SiteConfig.DEFAULT_INDEX);
        Optional<String> cacheControl = s.string("cache-control", "a Cache-Control header value").filter(value -> {
            if (CONTROL.matcher(value).find()) {
                s.error("cache-control", "expected a header value without control characters, got '"
                        + value.replace("\n", "\\n").replace("\r", "\\r") + "'");
                return false;
            }
            return true;
        });
        if (hasRedirect && !hasRoot) {
            for (String fileSetting : List.of("index", "cache-control")) {
                if (s.has(fileSetting)) {
                    s.error(fileSetting, fileSetting + " applies to a site with root, not to a redirect");
                }
            }
        }
        if (redirect.isPresent() == (root.isPresent() || proxy.isPresent())) {
            return Optional.empty();
        }
        return Optional.of(new SiteConfig(hosts, root, index, cacheControl, redirect, proxy,
                redirect.isPresent() ? List.of() : locations));
    }

    /** The name of an upstream pool defined under edge.upstreams. */
    private Optional<String> upstreamName(YamlSection s, String key) {
        return s.string(key, "the name of an upstream pool").filter(name -> {
            if (!upstreams.containsKey(name)) {
                s.error(key, "'" + name + "' is not an upstream pool ("
                        + (upstreams.isEmpty() ? "edge.upstreams defines none"
                                : "expected one of: " + String.join(", ", upstreams.keySet())) + ")");
                return false;
            }
            return true;
        });
    }

    private List<LocationConfig> locations(YamlSection site) {
        List<LocationConfig> locations = new ArrayList<>();
        List<Node> nodes = site.sequence("locations", "a list of locations (each with prefix and proxy)");
        for (int i = 0; i < nodes.size(); i++) {
            Node node = nodes.get(i);
            String path = site.path("locations") + "[" + i + "]";
            if (!(node instanceof MappingNode)) {
                problems.add(node, path, "expected a location (a mapping with prefix and proxy), got "
                        + YamlSection.describe(node));
                continue;
            }
            YamlSection s = YamlSection.of(node, path, LOCATION_KEYS, problems);
            Optional<String> prefix = s.string("prefix", "a path starting with /").filter(p -> {
                if (!p.startsWith("/") || p.chars().anyMatch(c -> c <= 0x20 || c >= 0x7f)) {
                    s.error("prefix", "expected a path starting with / (no spaces or control characters), got '"
                            + p + "'");
                    return false;
                }
                return true;
            });
            Optional<String> proxy = upstreamName(s, "proxy");
            for (String key : List.of("prefix", "proxy")) {
                if (!s.has(key)) {
                    problems.add(node, path, "a location needs " + key);
                }
            }
            if (prefix.isPresent() && proxy.isPresent()) {
                locations.add(new LocationConfig(prefix.get(), proxy.get()));
            }
        }
        return locations;
    }

    private List<String> hosts(YamlSection s) {
        List<String> hosts = new ArrayList<>();
        if (!s.has("hosts")) {
            problems.add(s.node(), s.path(), "a site needs hosts (one host name, or a list of them)");
            return hosts;
        }
        List<YamlSection.Item> items = s.strings("hosts", HOST);
        if (items.isEmpty() && s.value("hosts").get() instanceof SequenceNode list && list.getValue().isEmpty()) {
            s.error("hosts", "expected at least one host name, got an empty list");
        }
        for (YamlSection.Item item : items) {
            Optional<String> host = HostNames.normalize(item.value());
            if (host.isEmpty()) {
                problems.add(item.node(), item.path(), "expected " + HOST + ", got '" + item.value() + "'");
                continue;
            }
            YamlSection.Item first = claimed.putIfAbsent(host.get(), item);
            if (first != null) {
                problems.add(item.node(), item.path(), "host '" + item.value() + "' is already claimed at line "
                        + Problems.line(first.node()) + " (" + first.path() + ")");
                continue;
            }
            hosts.add(host.get());
        }
        return hosts;
    }

    /** A redirect target, {@code host} or {@code host:port}, with the host in canonical form. */
    private Optional<String> redirect(YamlSection s, List<String> ownHosts) {
        String expected = "a host name or host:port to redirect to";
        return s.string("redirect", expected).flatMap(target -> {
            int colon = target.lastIndexOf(':');
            Optional<String> host = HostNames.normalize(colon < 0 ? target : target.substring(0, colon));
            Optional<String> port = colon < 0 ? Optional.of("") : validPort(target.substring(colon + 1));
            if (host.isEmpty() || port.isEmpty()) {
                s.error("redirect", "expected " + expected + ", got '" + target + "'");
                return Optional.empty();
            }
            if (port.get().isEmpty() && ownHosts.contains(host.get())) {
                s.error("redirect", "redirect to '" + target + "' would loop: it is one of this site's own hosts");
                return Optional.empty();
            }
            return Optional.of(host.get() + (port.get().isEmpty() ? "" : ":" + port.get()));
        });
    }

    private static Optional<String> validPort(String text) {
        if (!text.matches("[0-9]{1,5}")) {
            return Optional.empty();
        }
        int port = Integer.parseInt(text);
        return port >= 1 && port <= 65535 ? Optional.of(Integer.toString(port)) : Optional.empty();
    }

    private Optional<String> defaultHost(YamlSection edge) {
        return edge.string("default-host", HOST).flatMap(text -> {
            Optional<String> host = HostNames.normalize(text);
            if (host.isEmpty()) {
                edge.error("default-host", "expected " + HOST + ", got '" + text + "'");
            } else if (!claimed.containsKey(host.get())) {
                String expected = claimed.isEmpty() ? "there are no sites" : "expected one of: "
                        + String.join(", ", claimed.keySet());
                edge.error("default-host", "'" + text + "' is not a host of any site (" + expected + ")");
                return Optional.empty();
            }
            return host;
        });
    }

    /** A folder a site serves, resolved against the config file's folder; it must exist. */
    private Optional<Path> folder(YamlSection s, String key) {
        return s.pathValue(key, baseDir, "a folder path").map(folder -> {
            if (!Files.exists(folder)) {
                s.error(key, "folder not found: " + folder);
            } else if (!Files.isDirectory(folder)) {
                s.error(key, "expected a folder, got a file: " + folder);
            }
            return folder;
        });
    }

    /** A file such as a certificate, resolved against the config file's folder; it must exist. */
    private Optional<Path> file(YamlSection s, String key) {
        return s.pathValue(key, baseDir, "a file path").map(file -> {
            if (!Files.exists(file)) {
                s.error(key, "file not found: " + file);
            } else if (!Files.isRegularFile(file)) {
                s.error(key, "expected a file, got a folder: " + file);
            }
            return file;
        });
    }
}
