package dev.webstack.site;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** A site on a free port, in this JVM, against the shared test database; one per test class. */
final class RunningSite implements BeforeAllCallback, AfterAllCallback {

    private Site site;

    @Override
    public void beforeAll(ExtensionContext context) {
        site = Site.start(TestDatabase.siteConfig());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (site != null) {
            site.stop();
        }
    }

    int port() {
        return site.port();
    }

    /** A new browser: no cookies, an address of its own. */
    Browser browser() {
        return new Browser(site.port());
    }

    /** A new browser, signed up and logged in as a fresh user. */
    Browser member(String prefix) {
        return browser().signUp(Names.user(prefix), "correct horse battery");
    }
}
