package dev.webstack.stack.config;

import dev.webstack.app.AppConfig;
import java.util.Objects;

/**
 * The {@code app:} section: whether the stack runs the application, the edge pool its instances join, and how the
 * app tier runs them.
 *
 * @param enabled run the app tier (started after the db, before the edge)
 * @param upstream the edge upstream pool that healthy instances join; when {@code edge.upstreams} does not define
 *        it, the stack adds it with the pool defaults and no static servers
 * @param app the instances: command, count, environment, health path, bounds
 */
public record AppTierConfig(boolean enabled, String upstream, AppConfig app) {
    public static final String DEFAULT_UPSTREAM = "app";

    public AppTierConfig {
        Objects.requireNonNull(upstream, "upstream");
        Objects.requireNonNull(app, "app");
    }

    /** Two instances of the bundled site, in the pool {@code app}. */
    public static AppTierConfig defaults(Bundled bundled) {
        return new AppTierConfig(true, DEFAULT_UPSTREAM, AppConfig.defaults(bundled.siteCommand()));
    }
}
