package dev.webstack.site.web;

import dev.webstack.site.accounts.AccountPages;
import dev.webstack.site.data.Database;
import dev.webstack.site.data.DatabaseUnavailableException;
import dev.webstack.site.posts.PostApi;
import dev.webstack.site.posts.PostPages;
import dev.webstack.site.posts.Posts;
import dev.webstack.site.sessions.SessionStore;
import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import java.util.Map;
import java.util.logging.Logger;
import org.eclipse.jetty.server.handler.GracefulHandler;

/**
 * Builds the Javalin application: the one place to read the request path, top to bottom.
 *
 * <pre>
 *   static file under /static/ ──────────────────────────────────────────────► file (no database)
 *   every other request:
 *     security headers → visitor attached (session read lazily)
 *       → unknown address 404, wrong method 405 → body size (413)
 *       → CSRF for POST/PUT/PATCH/DELETE (forms: urlencoded UTF-8 415, readable 400, _csrf field 403;
 *                                         /api: session 401, X-CSRF-Token 403, JSON 415)
 *       → route: account pages | post pages | post API | /healthz
 *       → errors: HttpError, Javalin's 404/405/413, database gone (503), anything else (500 with an id)
 * </pre>
 */
public final class SiteApp {

    /** How long a stop waits for requests in flight before closing their connections. */
    public static final long DRAIN_MILLIS = 20_000;

    private static final Logger ACCESS = Logger.getLogger("dev.webstack.site.access");

    private SiteApp() {
    }

    public static Javalin create(Database database, SessionStore sessions, AccountPages accounts, Templates templates) {
        Posts posts = new Posts(database);
        PostPages postPages = new PostPages(posts, templates);
        PostApi postApi = new PostApi(posts);
        ErrorResponses errors = new ErrorResponses(templates);

        return Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.startup.startupWatcherEnabled = false;
            config.http.maxRequestSize = RequestChecks.MAX_BODY_BYTES;
            // forms are urlencoded only (RequestChecks: 415 before parsing); should a multipart body ever be
            // parsed, it stays in memory and within the body limit, never in temporary files
            config.jetty.multipartConfig.maxTotalRequestSize(RequestChecks.MAX_BODY_BYTES, SizeUnit.BYTES);
            config.jetty.multipartConfig.maxFileSize(RequestChecks.MAX_BODY_BYTES, SizeUnit.BYTES);
            config.jetty.multipartConfig.maxInMemoryFileSize((int) RequestChecks.MAX_BODY_BYTES, SizeUnit.BYTES);
            config.http.prefer405over404 = true;
            config.http.generateEtags = false;
            config.router.ignoreTrailingSlashes = true;
            config.jsonMapper(new JavalinJackson(Json.MAPPER, false));

            // URL path == file path under public/, so the edge can serve the same files from target/public/
            config.staticFiles.add(files -> {
                files.hostedPath = "/static";
                files.directory = "/public/static";
                files.location = Location.CLASSPATH;
                files.headers = Map.of("Cache-Control", "public, max-age=3600");
            });

            // Jetty 12 drains in-flight requests on stop only through a Graceful handler and a stop timeout
            config.jetty.modifyServer(server -> {
                server.insertHandler(new GracefulHandler());
                server.setStopTimeout(DRAIN_MILLIS);
            });

            config.requestLogger.http((ctx, millis) -> ACCESS.info(() -> Forwarded.clientAddress(ctx) + " "
                    + ctx.method() + " " + ctx.path() + " " + ctx.statusCode() + " " + Math.round(millis) + "ms"));

            config.routes.before(ctx -> {
                SecurityHeaders.apply(ctx);
                Visitor.attach(ctx, sessions);
            });
            // only for requests that match a route: an unknown address is a 404 and a wrong method a 405,
            // whoever asks
            config.routes.beforeMatched(ctx -> {
                RequestChecks.bodySize(ctx);
                RequestChecks.csrf(ctx);
            });

            accounts.routes(config.routes);
            postPages.routes(config.routes);
            postApi.routes(config.routes);
            config.routes.get("/healthz", ctx -> {
                boolean healthy = database.isHealthy();
                ctx.status(healthy ? 200 : 503).contentType("text/plain; charset=utf-8")
                        .result(healthy ? "ok\n" : "database unavailable\n");
            });

            config.routes.exception(HttpError.class, errors::httpError);
            config.routes.exception(HttpResponseException.class, errors::javalinError);
            config.routes.exception(DatabaseUnavailableException.class, errors::databaseUnavailable);
            config.routes.exception(Exception.class, errors::unexpected);
        });
    }
}
