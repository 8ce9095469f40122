package dev.webstack.site;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A site whose every pooled connection is busy is not a dead site: /healthz has a connection of its own and still
 * says 200, so a load balancer does not take a loaded instance out of its pool.
 */
class BusyPoolHealthTest {

    @RegisterExtension
    static final RunningSite SITE = new RunningSite();

    @Test
    void healthStaysOkWhileEveryPooledConnectionWaitsOnALock() throws Exception {
        Browser writer = SITE.member("locker");
        long id = writer.write("locked", "behind a table lock");
        int waiting = 12; // more than the pool's 8 connections
        ExecutorService clients = Executors.newFixedThreadPool(waiting);
        List<CompletableFuture<HttpResponse<String>>> pages = new ArrayList<>();
        try (Connection lock = TestDatabase.connect(); Statement statement = lock.createStatement()) {
            statement.execute("LOCK TABLES posts WRITE, users WRITE");
            try {
                for (int i = 0; i < waiting; i++) {
                    pages.add(CompletableFuture.supplyAsync(() -> SITE.browser().get("/posts/" + id), clients));
                }
                awaitBlocked(statement, 8);
                HttpResponse<String> health = SITE.browser().get("/healthz");
                assertThat(health.statusCode()).isEqualTo(200);
                assertThat(health.body()).isEqualTo("ok\n");
            } finally {
                statement.execute("UNLOCK TABLES");
            }
        } finally {
            clients.shutdown();
            assertThat(clients.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
        // The pages that got a connection answer once the lock is gone; the rest waited past the pool's 2 s and
        // were told the site is busy. None hangs.
        for (CompletableFuture<HttpResponse<String>> page : pages) {
            assertThat(page.get(30, TimeUnit.SECONDS).statusCode()).isIn(200, 503);
        }
    }

    /** Waits (bounded) until n queries of the site wait on the table lock. */
    private static void awaitBlocked(Statement statement, int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (var rows = statement.executeQuery("SELECT COUNT(*) FROM information_schema.PROCESSLIST"
                    + " WHERE STATE LIKE 'Waiting for table%lock%'")) {
                rows.next();
                if (rows.getInt(1) >= n) {
                    return;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("fewer than " + n + " queries waited on the lock within 10 s");
    }
}
