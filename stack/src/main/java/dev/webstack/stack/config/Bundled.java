package dev.webstack.stack.config;

import java.nio.file.Path;
import java.util.List;

/**
 * What ships with webstack and serves when the config names nothing else: the placeholder site
 * ({@code stack/default-site}, served when the app tier is off), and the foobar.com site's jar and static files,
 * built by Maven into {@code site/target}.
 *
 * @param defaultSite the folder www.foobar.com serves when the app tier is disabled
 * @param siteJar the site's runnable jar, the app tier's default command
 * @param sitePublic the site's static files ({@code static/site.css} …), served by the edge before the app pool
 */
public record Bundled(Path defaultSite, Path siteJar, Path sitePublic) {
    public Bundled {
        defaultSite = defaultSite.toAbsolutePath().normalize();
        siteJar = siteJar.toAbsolutePath().normalize();
        sitePublic = sitePublic.toAbsolutePath().normalize();
    }

    /** The layout of a webstack checkout at {@code home}. */
    public static Bundled at(Path home) {
        return new Bundled(home.resolve("stack/default-site"), home.resolve("site/target/foobar-site.jar"),
                home.resolve("site/target/public"));
    }

    /** The checkout the launcher runs from ({@code -Dwebstack.home}, set by the {@code webstack} script). */
    public static Bundled fromLauncher() {
        return at(Path.of(System.getProperty("webstack.home", ".")));
    }

    /**
     * The app tier's default command: the site jar on the {@code java} the launcher runs on (the first on
     * {@code PATH}), with a heap bounded so that two instances, MariaDB and webstack fit a small machine.
     */
    public List<String> siteCommand() {
        return List.of("java", "-Xmx512m", "-jar", siteJar.toString());
    }
}
