package dev.webstack.site;

import dev.webstack.site.accounts.AccountPages;
import dev.webstack.site.data.Database;
import dev.webstack.site.sessions.SessionStore;
import dev.webstack.site.web.SiteApp;
import dev.webstack.site.web.Templates;
import io.javalin.Javalin;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A running foobar.com site: the database pool (schema migrated), the HTTP server and the periodic clean-up of
 * expired sessions and old log-in and sign-up attempts. {@link #start} brings them up in that order;
 * {@link #stop} takes them down in reverse, first letting requests in flight finish.
 */
public final class Site implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Site.class.getName());
    static final long CLEANUP_EVERY_SECONDS = 600;

    private final Database database;
    private final Javalin app;
    private final ScheduledExecutorService cleanup;
    private boolean stopped;

    private Site(Database database, Javalin app, ScheduledExecutorService cleanup) {
        this.database = database;
        this.app = app;
        this.cleanup = cleanup;
    }

    /**
     * Opens the pool, migrates, starts listening. Throws DatabaseUnavailableException when the database cannot
     * be reached, and releases whatever it had started.
     */
    public static Site start(SiteConfig config) {
        Database database = Database.open(config);
        ScheduledExecutorService cleanup = null;
        try {
            database.migrate();
            SessionStore sessions = new SessionStore(database);
            Templates templates = new Templates();
            AccountPages accounts = new AccountPages(database, sessions, templates);
            Javalin app = SiteApp.create(database, sessions, accounts, templates);
            app.start(config.bind(), config.port());
            cleanup = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "site-cleanup");
                thread.setDaemon(true);
                return thread;
            });
            cleanup.scheduleWithFixedDelay(() -> cleanUp(sessions, accounts), 0, CLEANUP_EVERY_SECONDS,
                    TimeUnit.SECONDS);
            return new Site(database, app, cleanup);
        } catch (RuntimeException e) {
            if (cleanup != null) {
                cleanup.shutdownNow();
            }
            database.close();
            throw e;
        }
    }

    public int port() {
        return app.port();
    }

    /** Stops accepting, waits for requests in flight (up to SiteApp.DRAIN_MILLIS), then closes the pool. */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        try {
            app.stop();
        } finally {
            cleanup.shutdownNow();
            database.close();
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** Every instance runs this; the deletes are idempotent, so several at once only repeat work. */
    private static void cleanUp(SessionStore sessions, AccountPages accounts) {
        try {
            int expired = sessions.deleteExpired();
            int attempts = accounts.deleteOldAttempts();
            if (expired + attempts > 0) {
                LOG.info(() -> "removed " + expired + " expired sessions and " + attempts
                        + " old log-in and sign-up attempts");
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "clean-up skipped: " + e.getMessage());
        }
    }
}
