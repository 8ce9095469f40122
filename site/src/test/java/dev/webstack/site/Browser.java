package dev.webstack.site;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One person's browser for the tests: the JDK HttpClient with its own cookie jar, no automatic redirects (tests
 * check the 303s), a client address of its own (X-Forwarded-For, believed from loopback), and helpers that fetch a
 * form, take its CSRF token and submit it as a browser would.
 */
final class Browser {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    private static final Pattern API_TOKEN = Pattern.compile("\"csrf_token\":\"([^\"]+)\"");

    private final URI base;
    private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    private final HttpClient client;
    private String address = Names.address();
    private final Map<String, String> extraHeaders = new LinkedHashMap<>();

    Browser(int port) {
        this(URI.create("http://127.0.0.1:" + port));
    }

    Browser(URI base) {
        this.base = base;
        this.client = HttpClient.newBuilder()
                .cookieHandler(cookies)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** Sends this header on every request from now on. */
    Browser header(String name, String value) {
        extraHeaders.put(name, value);
        return this;
    }

    String address() {
        return address;
    }

    /** Comes from this client address from now on (several browsers behind one address). */
    Browser from(String clientAddress) {
        this.address = clientAddress;
        return this;
    }

    /** The value of a cookie this browser holds for the site, or null. */
    String cookie(String name) {
        return cookies.getCookieStore().get(base).stream()
                .filter(c -> c.getName().equals(name)).map(HttpCookie::getValue).findFirst().orElse(null);
    }

    /** Puts a cookie into the jar as if the site had set it (e.g. one got from another instance). */
    void setCookie(String name, String value) {
        HttpCookie cookie = new HttpCookie(name, value);
        cookie.setPath("/");
        cookie.setVersion(0);
        cookies.getCookieStore().add(base, cookie);
    }

    HttpResponse<String> get(String path) {
        return send(request(path).GET());
    }

    /** POSTs a urlencoded form exactly as given (no token added). */
    HttpResponse<String> post(String path, Map<String, String> fields) {
        return send(request(path)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(encode(fields))));
    }

    /** Fetches formPage, takes its CSRF token and POSTs fields plus the token to action. */
    HttpResponse<String> submit(String formPage, String action, Map<String, String> fields) {
        HttpResponse<String> page = get(formPage);
        assertThat(page.statusCode()).as("GET %s", formPage).isEqualTo(200);
        Map<String, String> withToken = new LinkedHashMap<>(fields);
        withToken.put("_csrf", csrfToken(page.body()));
        return post(action, withToken);
    }

    /** Signs up and stays logged in. */
    Browser signUp(String username, String password) {
        HttpResponse<String> response = submit("/signup", "/signup", Map.of("username", username, "password", password));
        assertThat(response.statusCode()).as("sign-up of %s: %s", username, response.body()).isEqualTo(303);
        return this;
    }

    HttpResponse<String> logIn(String username, String password) {
        return submit("/login", "/login", Map.of("username", username, "password", password));
    }

    /** Writes a post through the form; returns its id. */
    long write(String title, String body) {
        HttpResponse<String> response = submit("/write", "/write", Map.of("title", title, "body", body));
        assertThat(response.statusCode()).as("write: %s", response.body()).isEqualTo(303);
        String location = response.headers().firstValue("Location").orElseThrow();
        return Long.parseLong(location.substring(location.lastIndexOf('/') + 1));
    }

    /** The API's CSRF token for this browser's session. */
    String apiToken() {
        HttpResponse<String> response = get("/api/session");
        assertThat(response.statusCode()).as("GET /api/session: %s", response.body()).isEqualTo(200);
        Matcher m = API_TOKEN.matcher(response.body());
        assertThat(m.find()).as("csrf_token in %s", response.body()).isTrue();
        return m.group(1);
    }

    /** An API call with a JSON body (or none), the X-CSRF-Token header and the given content type. */
    HttpResponse<String> api(String method, String path, String json, String token, String contentType) {
        HttpRequest.Builder builder = request(path);
        if (token != null) {
            builder.header("X-CSRF-Token", token);
        }
        if (contentType != null) {
            builder.header("Content-Type", contentType);
        }
        HttpRequest.BodyPublisher body = json == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json);
        return send(builder.method(method, body));
    }

    /** An API call as a well-behaved client makes it: JSON, with this session's token. */
    HttpResponse<String> api(String method, String path, String json) {
        return api(method, path, json, apiToken(), json == null ? null : "application/json");
    }

    HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(30))
                .header("X-Forwarded-For", address);
        extraHeaders.forEach(builder::header);
        return builder;
    }

    HttpResponse<String> send(HttpRequest.Builder builder) {
        try {
            return client.send(builder.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String csrfToken(String html) {
        Matcher m = CSRF.matcher(html);
        assertThat(m.find()).as("a _csrf field in the page").isTrue();
        return m.group(1);
    }

    static String encode(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    /** JSON string literal for test bodies. */
    static String json(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
