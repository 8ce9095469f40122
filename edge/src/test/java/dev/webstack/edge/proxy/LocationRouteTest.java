package dev.webstack.edge.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webstack.edge.RawHttpClient;
import dev.webstack.edge.TestEdge;
import dev.webstack.edge.config.LocationConfig;
import dev.webstack.edge.config.SiteConfig;
import dev.webstack.edge.config.UpstreamConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A site's locations are matched against the path as nginx normalises it (decoded, dot segments resolved, slashes
 * merged), so a path cannot reach a pool by spelling, or dodge one; the request goes on as the client sent it.
 */
class LocationRouteTest {
    @TempDir
    Path dir;

    private TestBackend site;
    private TestBackend api;
    private TestEdge edge;

    @BeforeEach
    void start() throws Exception {
        site = new TestBackend("site");
        api = new TestBackend("api");
        edge = new TestEdge(dir)
                .upstream(UpstreamConfig.of("site", List.of(site.serverConfig())))
                .upstream(UpstreamConfig.of("api", List.of(api.serverConfig())))
                .site(SiteConfig.proxy(List.of("app.test"), "site")
                        .withLocations(List.of(new LocationConfig("/api/", "api"))))
                .start();
    }

    @AfterEach
    void stop() {
        edge.close();
        site.close();
        api.close();
    }

    @ParameterizedTest(name = "{0} goes to {1}")
    @CsvSource({
        "/api/posts, api",
        "/api/, api",
        "/%61pi/posts, api",
        "//api//posts, api",
        "/x/../api/posts, api",
        "/api/./posts?next=/admin, api",
        "/api/../admin, site",
        "/api, site",
        "/apix/posts, site",
        "/admin?x=/api/, site",
    })
    void theNormalisedPathPicksThePoolAndTheTargetGoesOnAsSent(String target, String pool) throws Exception {
        try (RawHttpClient raw = new RawHttpClient(edge.httpPort())) {
            RawHttpClient.Response answer = raw.send("GET " + target + " HTTP/1.1\r\nHost: app.test\r\n"
                    + "Connection: close\r\n\r\n").read();
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.header("x-backend")).isEqualTo(pool);
        }
        TestBackend chosen = pool.equals("api") ? api : site;
        assertThat(chosen.lastHeaders()).startsWith("GET " + java.net.URI.create(target) + "\n");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"/../api/posts", "/api/%zz", "/api/%2e%2e/%2e%2e/etc"})
    void aPathThatCannotBeNormalisedIs400AndReachesNoPool(String target) throws Exception {
        try (RawHttpClient raw = new RawHttpClient(edge.httpPort())) {
            RawHttpClient.Response answer = raw.send("GET " + target + " HTTP/1.1\r\nHost: app.test\r\n\r\n").read();
            assertThat(answer.status()).isEqualTo(400);
        }
        assertThat(site.requests() + api.requests()).isZero();
    }
}
