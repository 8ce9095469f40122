package dev.webstack.app;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * One health check: GET {@code http://127.0.0.1:PORT<health-path>} with short timeouts. Only a 200 passes, as
 * Passenger and Kamal expect (a redirect to a login page is not health). The outcome is a value, with what went
 * wrong in words for the log and for error messages.
 */
final class HealthProbe {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);

    private final HttpClient client;
    private final String path;

    HealthProbe(HttpClient client, String path) {
        this.client = client;
        this.path = path;
    }

    static HttpClient.Builder clientBuilder() {
        return HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER);
    }

    String url(int port) {
        return "http://" + Instance.HOST + ":" + port + path;
    }

    Result check(int port) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url(port))).timeout(REQUEST_TIMEOUT)
                .header("User-Agent", "webstack-app-health").GET().build();
        try {
            int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            return new Result(status == 200, "HTTP " + status);
        } catch (HttpTimeoutException e) {
            return new Result(false, "no answer within " + REQUEST_TIMEOUT.toSeconds() + " s");
        } catch (ConnectException e) {
            return new Result(false, "connection refused");
        } catch (IOException e) {
            return new Result(false, e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }

    /** A check's outcome: {@code ok} for a 200; {@code detail} says what came back ("HTTP 500", "connection refused"). */
    record Result(boolean ok, String detail) {
    }
}
