package dev.webstack.db.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The db tier's settings ({@code db:} in the config file).
 *
 * @param enabled whether {@code webstack up} runs the db tier (default true)
 * @param mode {@code embedded} (default): a MariaDB run by the stack, its files in the data folder's {@code db/};
 *     {@code external}: any MySQL 8 or MariaDB given by {@code url}
 * @param port embedded: the TCP port on 127.0.0.1; 0 (default) picks a free one at each start
 * @param database embedded: the site's database, created when missing (default {@code foobar})
 * @param user embedded: the site's user, created with a generated password (default {@code foobar}); external: the
 *     user to log in as
 * @param url external: a JDBC URL such as {@code jdbc:mariadb://db.example:3306/foobar} ({@code jdbc:mysql:} too)
 * @param passwordFile external: a file whose first line is the password
 * @param passwordEnv external: the environment variable holding the password, when there is no password file
 *     (default {@code WEBSTACK_DB_PASSWORD}); never a password on the command line or in the config file
 */
public record DbConfig(boolean enabled, Mode mode, int port, String database, String user, Optional<String> url,
        Optional<Path> passwordFile, String passwordEnv) {

    public enum Mode {
        EMBEDDED, EXTERNAL
    }

    public DbConfig {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(passwordFile, "passwordFile");
        Objects.requireNonNull(passwordEnv, "passwordEnv");
    }

    public static DbConfig defaults() {
        return new DbConfig(true, Mode.EMBEDDED, 0, "foobar", "foobar", Optional.empty(), Optional.empty(),
                "WEBSTACK_DB_PASSWORD");
    }
}
