package dev.webstack.site;

import dev.webstack.site.data.DatabaseUnavailableException;

/**
 * {@code java -jar foobar-site.jar}: reads PORT, BIND, DB_URL, DB_USER, DB_PASSWORD or DB_PASSWORD_FILE from the
 * environment and serves foobar.com until SIGTERM or SIGINT, which stop it gracefully with exit code 0.
 *
 * <p>Exit codes: 0 stopped by a signal, 1 could not start (database unreachable, port taken), 2 bad settings.
 */
public final class SiteMain {

    private SiteMain() {
    }

    public static void main(String[] args) {
        // before anything logs: keep logging alive until requests in flight have finished (see DrainingLogManager)
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", DrainingLogManager.class.getName());
        }
        SiteConfig config;
        try {
            config = SiteConfig.fromEnvironment(System.getenv());
        } catch (SiteConfigException e) {
            System.err.println("foobar-site: cannot start, the environment is incomplete:");
            e.problems().forEach(problem -> System.err.println("  " + problem));
            System.exit(2);
            return;
        }
        Site site;
        try {
            site = Site.start(config);
        } catch (DatabaseUnavailableException e) {
            System.err.println("foobar-site: cannot reach the database at " + config.dbUrl() + " as " + config.dbUser()
                    + ": " + rootMessage(e));
            System.exit(1);
            return;
        } catch (RuntimeException e) {
            System.err.println("foobar-site: cannot start: " + rootMessage(e));
            e.printStackTrace();
            System.exit(1);
            return;
        }
        // A JVM ended by SIGTERM exits with 143 even when its hooks finish; the contract is "drain, then exit 0",
        // so the hook halts with 0 once the site has stopped.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("foobar-site: stopping (finishing requests in flight)");
            int status = 0;
            try {
                site.stop();
                System.err.println("foobar-site: stopped");
            } catch (RuntimeException e) {
                System.err.println("foobar-site: stop failed: " + rootMessage(e));
                status = 1;
            }
            DrainingLogManager.resetAfterDrain();
            System.out.flush();
            System.err.flush();
            Runtime.getRuntime().halt(status);
        }, "site-shutdown"));
        System.err.println("foobar-site: listening on http://" + config.bind() + ":" + site.port() + "/");
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + root + ")";
    }
}
