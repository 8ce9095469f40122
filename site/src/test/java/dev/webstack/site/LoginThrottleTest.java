package dev.webstack.site;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Five wrong passwords for a username in 15 minutes, or twenty from one address, and log-in is refused with 429
 * (even with the right password) on every instance, since the counts live in the database.
 */
class LoginThrottleTest {

    @RegisterExtension
    static final RunningSite SITE = new RunningSite();

    @RegisterExtension
    static final RunningSite OTHER_INSTANCE = new RunningSite();

    private static final String PASSWORD = "correct horse battery";

    @Test
    void fiveFailuresForOneUsernameLockItFromEveryAddress() {
        String username = Names.user("target");
        SITE.browser().signUp(username, PASSWORD);
        for (int i = 0; i < 5; i++) {
            // a new address each time: spreading guesses over addresses does not help
            assertThat(SITE.browser().logIn(username, "wrong guess " + i).statusCode()).isEqualTo(422);
        }

        HttpResponse<String> refused = new Browser(OTHER_INSTANCE.port()).logIn(username, PASSWORD);

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.body()).contains("Too many failed attempts. Try again in 15 minutes.");
        long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(1L, 15 * 60L + 1);
        assertThat(new Browser(OTHER_INSTANCE.port()).get("/api/session").statusCode()).isEqualTo(401);

        String bystander = Names.user("bystander");
        SITE.browser().signUp(bystander, PASSWORD);
        assertThat(SITE.browser().logIn(bystander, PASSWORD).statusCode()).as("other users unaffected").isEqualTo(303);
    }

    /**
     * Guesses sent all at once must not all be checked before any is counted: each attempt is recorded before its
     * password is looked at, so at most five of forty are ever tried.
     */
    @Test
    void parallelGuessesGetNoMoreThanFiveTries() throws Exception {
        String username = Names.user("parallel");
        SITE.browser().signUp(username, PASSWORD);
        int attempts = 40;
        List<Browser> browsers = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < attempts; i++) {
            Browser browser = SITE.browser();
            tokens.add(Browser.csrfToken(browser.get("/login").body()));
            browsers.add(browser);
        }

        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Integer> statuses = new ArrayList<>();
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < attempts; i++) {
                Browser browser = browsers.get(i);
                Map<String, String> form = Map.of("username", username, "password", "wrong guess " + i,
                        "_csrf", tokens.get(i));
                answers.add(pool.submit(() -> {
                    go.await();
                    return browser.post("/login", form).statusCode();
                }));
            }
            go.countDown();
            for (Future<Integer> answer : answers) {
                statuses.add(answer.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }

        assertThat(statuses).as("every answer is a wrong password or a refusal").containsOnly(422, 429);
        assertThat(statuses.stream().filter(s -> s == 422).count()).as("passwords tried").isBetween(1L, 5L);
        assertThat(SITE.browser().logIn(username, PASSWORD).statusCode()).as("right password, throttled")
                .isEqualTo(429);
    }

    @Test
    void twentyFailuresFromOneAddressLockThatAddress() {
        String username = Names.user("sprayed");
        SITE.browser().signUp(username, PASSWORD);
        Browser sprayer = SITE.browser();
        for (int i = 0; i < 20; i++) {
            assertThat(sprayer.logIn(Names.user("guess"), PASSWORD).statusCode()).isEqualTo(422);
        }

        assertThat(sprayer.logIn(username, PASSWORD).statusCode()).isEqualTo(429);
        assertThat(SITE.browser().logIn(username, PASSWORD).statusCode()).as("from another address").isEqualTo(303);
    }

    @Test
    void aSuccessfulLogInClearsTheUsernamesFailures() {
        String username = Names.user("forgetful");
        SITE.browser().signUp(username, PASSWORD);
        for (int i = 0; i < 4; i++) {
            assertThat(SITE.browser().logIn(username, "typo " + i).statusCode()).isEqualTo(422);
        }
        assertThat(SITE.browser().logIn(username, PASSWORD).statusCode()).isEqualTo(303);
        for (int i = 0; i < 4; i++) {
            assertThat(SITE.browser().logIn(username, "typo again " + i).statusCode()).isEqualTo(422);
        }
        assertThat(SITE.browser().logIn(username, PASSWORD).statusCode()).isEqualTo(303);
    }
}
