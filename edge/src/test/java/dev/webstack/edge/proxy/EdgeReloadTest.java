package dev.webstack.edge.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.webstack.edge.RawHttpClient;
import dev.webstack.edge.TestEdge;
import dev.webstack.edge.config.EdgeConfig;
import dev.webstack.edge.config.LocationConfig;
import dev.webstack.edge.config.SiteConfig;
import dev.webstack.edge.config.UpstreamConfig;
import dev.webstack.edge.upstream.Upstream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The edge's reload (nginx -s reload): new sites and pools swapped in while serving, a connection open across it
 * kept and routed by the new config, the servers the app tier added kept, and a bad config changing nothing.
 */
class EdgeReloadTest {
    @TempDir
    Path dir;

    private TestBackend a;
    private TestBackend b;
    private TestBackend c;
    private TestEdge edge;
    private Path oldRoot;
    private Path newRoot;

    @BeforeEach
    void start() throws Exception {
        a = new TestBackend("a");
        b = new TestBackend("b");
        c = new TestBackend("c");
        oldRoot = Files.createDirectories(dir.resolve("old"));
        newRoot = Files.createDirectories(dir.resolve("new"));
        Files.writeString(oldRoot.resolve("index.html"), "old files\n");
        Files.writeString(newRoot.resolve("index.html"), "new files\n");
        edge = new TestEdge(dir)
                .upstream(UpstreamConfig.of("app", List.of(a.serverConfig())))
                .site(SiteConfig.filesThenProxy(List.of("www.test"), oldRoot, "app"))
                .start();
    }

    @AfterEach
    void stop() {
        edge.close();
        a.close();
        b.close();
        c.close();
    }

    private EdgeConfig with(List<SiteConfig> sites, List<UpstreamConfig> upstreams) {
        EdgeConfig now = edge.config();
        return now.withRouting(now.defaultHost(), sites, upstreams);
    }

    private static RawHttpClient.Response get(RawHttpClient raw, String host, String path) throws Exception {
        return raw.send("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n").read();
    }

    @Test
    void newSitesAndPoolsServeAtOnceOnTheConnectionsAlreadyOpen() throws Exception {
        Upstream app = edge.server().upstream("app");
        app.add(b.serverConfig()); // as the app tier adds an instance at run time
        try (RawHttpClient raw = new RawHttpClient(edge.httpPort())) {
            assertThat(get(raw, "www.test", "/").bodyText()).isEqualTo("old files\n");

            List<String> done = edge.server().reload(with(
                    List.of(SiteConfig.filesThenProxy(List.of("www.test"), newRoot, "app")
                                    .withLocations(List.of(new LocationConfig("/api/", "api"))),
                            SiteConfig.redirect(List.of("test"), "www.test")),
                    List.of(UpstreamConfig.of("app", List.of(c.serverConfig())),
                            UpstreamConfig.of("api", List.of(a.serverConfig())))));

            assertThat(done).contains("upstream api added", "upstream app: server " + a.address()
                    + " draining, then removed", "upstream app: server " + c.address() + " added",
                    "sites reloaded: 2 site(s)");
            RawHttpClient.Response files = get(raw, "www.test", "/");
            assertThat(files.bodyText()).as("the same connection, the new root").isEqualTo("new files\n");
            assertThat(get(raw, "www.test", "/api/x").header("x-backend")).isEqualTo("a");
            assertThat(get(raw, "test", "/p").status()).isEqualTo(301);
        }
        assertThat(app).as("the pool object, and what the app tier added to it, survive").isSameAs(
                edge.server().upstream("app"));
        Await.until("a leaves the app pool", () -> app.servers().stream()
                .noneMatch(s -> s.config().address().equals(a.address())));
        assertThat(app.servers()).extracting(s -> s.config().address()).containsExactlyInAnyOrder(b.address(),
                c.address());
    }

    @Test
    void aConfigThatCannotBeAppliedChangesNothing() throws Exception {
        EdgeConfig broken = with(List.of(SiteConfig.filesThenProxy(List.of("www.test"), dir.resolve("missing"),
                "app")), List.of(UpstreamConfig.of("app", List.of(c.serverConfig()))));

        assertThatThrownBy(() -> edge.server().reload(broken)).isInstanceOf(RuntimeException.class);

        try (RawHttpClient raw = new RawHttpClient(edge.httpPort())) {
            assertThat(get(raw, "www.test", "/").bodyText()).isEqualTo("old files\n");
            assertThat(get(raw, "www.test", "/x").header("x-backend")).isEqualTo("a");
        }
        assertThat(edge.server().upstream("app").servers()).extracting(s -> s.config().address())
                .containsExactly(a.address());
    }
}
