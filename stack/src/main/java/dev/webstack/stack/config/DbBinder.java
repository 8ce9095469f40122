package dev.webstack.stack.config;

import dev.webstack.db.EmbeddedDatabase;
import dev.webstack.db.ExternalDatabase;
import dev.webstack.db.config.DbConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Binds the {@code db:} section to a {@link DbConfig}. Settings that belong to the other mode are refused rather
 * than ignored, so a config never says something the stack does not do.
 */
final class DbBinder {
    static final List<String> KEYS = List.of("enabled", "mode", "port", "database", "user", "url", "password-file",
            "password-env");
    private static final Pattern ENV = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final Path baseDir;

    DbBinder(Path baseDir) {
        this.baseDir = baseDir;
    }

    DbConfig bind(YamlSection s) {
        DbConfig d = DbConfig.defaults();
        DbConfig.Mode mode = s.string("mode", "embedded or external").flatMap(text -> {
            try {
                return Optional.of(DbConfig.Mode.valueOf(text.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                s.error("mode", "expected embedded or external, got '" + text + "'");
                return Optional.empty();
            }
        }).orElse(d.mode());
        boolean external = mode == DbConfig.Mode.EXTERNAL;
        String database = name(s, "database", d.database());
        String user = external ? externalUser(s, d.user()) : name(s, "user", d.user());
        Optional<String> url = s.string("url", "a JDBC URL like jdbc:mariadb://HOST:PORT/DATABASE");
        Optional<Path> passwordFile = s.pathValue("password-file", baseDir, "a file path");
        String passwordEnv = s.string("password-env", "an environment variable's name").orElse(d.passwordEnv());
        if (!ENV.matcher(passwordEnv).matches()) {
            s.error("password-env", "expected an environment variable's name (letters, digits, '_'), got '"
                    + passwordEnv + "'");
        }
        if (external) {
            for (String key : List.of("port", "database")) {
                if (s.has(key)) {
                    s.error(key, "only for mode embedded; with mode external, the url names the host, port and"
                            + " database");
                }
            }
            if (url.isEmpty() && !s.has("url")) {
                s.error("mode", "mode external needs url (a JDBC URL like jdbc:mariadb://HOST:PORT/DATABASE)");
            }
            url.ifPresent(u -> {
                try {
                    ExternalDatabase.checkUrl(u);
                } catch (IllegalArgumentException e) {
                    s.error("url", e.getMessage());
                }
            });
            passwordFile.ifPresent(f -> {
                if (!Files.isRegularFile(f)) {
                    s.error("password-file", "file not found: " + f);
                }
            });
        } else {
            for (String key : List.of("url", "password-file", "password-env")) {
                if (s.has(key)) {
                    s.error(key, "only for mode external; the embedded database's password is generated and kept"
                            + " in the data folder's db/password");
                }
            }
        }
        return new DbConfig(s.bool("enabled", d.enabled()), mode, s.port("port", d.port()), database, user,
                external ? url : Optional.empty(), external ? passwordFile : Optional.empty(), passwordEnv);
    }

    private static String externalUser(YamlSection s, String fallback) {
        Optional<String> text = s.string("user", "a user name");
        if (text.isPresent()) {
            try {
                ExternalDatabase.checkUser(text.get());
            } catch (IllegalArgumentException e) {
                s.error("user", e.getMessage());
                return fallback;
            }
        }
        return text.orElse(fallback);
    }

    private static String name(YamlSection s, String key, String fallback) {
        Optional<String> text = s.string(key, "a name of 1-32 letters, digits or '_'");
        if (text.isPresent() && !EmbeddedDatabase.validName(text.get())) {
            s.error(key, "expected a name of 1-32 letters, digits or '_', got '" + text.get() + "'");
            return fallback;
        }
        return text.orElse(fallback);
    }
}
