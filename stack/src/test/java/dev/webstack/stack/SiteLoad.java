package dev.webstack.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A bounded load on the site through the edge, as people make it: a few workers, each a logged-in person who reads
 * the home page and writes a post now and then, with the JDK HttpClient. Every answer that is not the expected one
 * (200 for a read, 201 for a write) and every failed exchange is kept, so a test can assert that none happened.
 * Bounded: it stops when asked, at {@code maxDuration}, or after {@code maxRequests}, whichever comes first.
 */
final class SiteLoad implements AutoCloseable {
    private static final Pattern FORM_TOKEN = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    private static final Pattern API_TOKEN = Pattern.compile("\"csrf_token\":\"([^\"]+)\"");

    private final URI base;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong reads = new AtomicLong();
    private final AtomicLong writes = new AtomicLong();
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private final List<Thread> workers = new ArrayList<>();

    /**
     * @param base the edge, e.g. {@code http://127.0.0.1:PORT} (the stack's default host answers it)
     * @param writeEvery one request in this many is a write (0: reads only)
     */
    SiteLoad(URI base, int workers, int writeEvery, Duration maxDuration, long maxRequests) throws Exception {
        this.base = base;
        long deadline = System.nanoTime() + maxDuration.toNanos();
        AtomicLong budget = new AtomicLong(maxRequests);
        for (int w = 0; w < workers; w++) {
            Person person = writeEvery > 0 ? Person.signUp(base, "load" + w + "_" + (System.nanoTime() % 100000))
                    : new Person(base);
            Thread t = new Thread(() -> {
                long n = 0;
                while (!stop.get() && System.nanoTime() < deadline && budget.decrementAndGet() >= 0) {
                    n++;
                    boolean write = writeEvery > 0 && n % writeEvery == 0;
                    String what = write ? "POST /api/posts" : "GET /";
                    try {
                        HttpResponse<String> r = write
                                ? person.api("/api/posts", "{\"title\":\"load " + n + "\",\"body\":\"written under load\"}")
                                : person.get("/");
                        int expected = write ? 201 : 200;
                        if (r.statusCode() != expected) {
                            failures.add(what + " -> " + r.statusCode() + ": " + abbreviate(r.body()));
                        } else if (write) {
                            writes.incrementAndGet();
                        } else {
                            reads.incrementAndGet();
                        }
                    } catch (IOException e) {
                        failures.add(what + " -> " + e);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "site-load-" + w);
            t.setDaemon(true);
            this.workers.add(t);
        }
        this.workers.forEach(Thread::start);
    }

    /** Stops the workers and waits (bounded) for their last requests. */
    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        for (Thread t : workers) {
            t.join(60_000);
        }
    }

    long reads() {
        return reads.get();
    }

    long writes() {
        return writes.get();
    }

    List<String> failures() {
        synchronized (failures) {
            return List.copyOf(failures);
        }
    }

    private static String abbreviate(String s) {
        String one = s.replaceAll("\\s+", " ");
        return one.length() > 200 ? one.substring(0, 200) + "…" : one;
    }

    /** One person with a browser's cookie jar: signs up through the form, then writes through the JSON API. */
    static final class Person {
        private final URI base;
        private final HttpClient client;
        private String apiToken;

        Person(URI base) {
            this.base = base;
            this.client = HttpClient.newBuilder().cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
                    .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
        }

        static Person signUp(URI base, String username) throws Exception {
            Person p = new Person(base);
            HttpResponse<String> form = p.get("/signup");
            assertThat(form.statusCode()).as("GET /signup: %s", form.body()).isEqualTo(200);
            Matcher token = FORM_TOKEN.matcher(form.body());
            assertThat(token.find()).as("a CSRF field on /signup").isTrue();
            String fields = "username=" + URLEncoder.encode(username, StandardCharsets.UTF_8)
                    + "&password=correct+horse+battery&_csrf=" + URLEncoder.encode(token.group(1), StandardCharsets.UTF_8);
            HttpResponse<String> signedUp = p.send(p.request("/signup")
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(fields)));
            assertThat(signedUp.statusCode()).as("sign-up of %s: %s", username, signedUp.body()).isEqualTo(303);
            HttpResponse<String> session = p.get("/api/session");
            Matcher api = API_TOKEN.matcher(session.body());
            assertThat(api.find()).as("csrf_token in %s", session.body()).isTrue();
            p.apiToken = api.group(1);
            return p;
        }

        HttpResponse<String> get(String path) throws IOException, InterruptedException {
            return send(request(path).GET());
        }

        HttpResponse<String> api(String path, String json) throws IOException, InterruptedException {
            return send(request(path).header("Content-Type", "application/json").header("X-CSRF-Token", apiToken)
                    .POST(HttpRequest.BodyPublishers.ofString(json)));
        }

        private HttpRequest.Builder request(String path) {
            return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30));
        }

        private HttpResponse<String> send(HttpRequest.Builder r) throws IOException, InterruptedException {
            return client.send(r.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        }
    }
}
