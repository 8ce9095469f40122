package dev.webstack.site;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the site needs to run, read once from the environment and validated whole before anything starts.
 *
 * @param bind address to listen on (BIND; default {@code 127.0.0.1}: the edge proxies to it)
 * @param port TCP port (PORT; default 8000; 0 picks a free one)
 * @param dbUrl JDBC URL of the MariaDB database (DB_URL, required), e.g. {@code jdbc:mariadb://127.0.0.1:3306/foobar}
 * @param dbUser database user (DB_USER, required)
 * @param dbPassword database password (DB_PASSWORD_FILE if set, its content less the final line break; else DB_PASSWORD)
 */
public record SiteConfig(String bind, int port, String dbUrl, String dbUser, String dbPassword) {

    public static final String DEFAULT_BIND = "127.0.0.1";
    public static final int DEFAULT_PORT = 8000;

    /** Reads the settings; every problem found is listed in the exception, one per line. */
    public static SiteConfig fromEnvironment(Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        String bind = value(env, "BIND", DEFAULT_BIND);
        int port = DEFAULT_PORT;
        String portText = value(env, "PORT", null);
        if (portText != null) {
            try {
                port = Integer.parseInt(portText);
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 0 || port > 65535) {
                problems.add("PORT: " + portText + " (expected: a number from 0 to 65535)");
            }
        }
        String dbUrl = value(env, "DB_URL", null);
        if (dbUrl == null) {
            problems.add("DB_URL is not set (expected: a JDBC URL such as jdbc:mariadb://127.0.0.1:3306/foobar)");
        } else if (!dbUrl.startsWith("jdbc:mariadb:") && !dbUrl.startsWith("jdbc:mysql:")) {
            problems.add("DB_URL: " + dbUrl + " (expected: a JDBC URL starting with jdbc:mariadb: or jdbc:mysql:)");
        }
        String dbUser = value(env, "DB_USER", null);
        if (dbUser == null) {
            problems.add("DB_USER is not set (expected: the database user name)");
        }
        String dbPassword = env.get("DB_PASSWORD"); // as given: a password may have spaces at its ends
        String passwordFile = value(env, "DB_PASSWORD_FILE", null);
        if (passwordFile != null) {
            try {
                dbPassword = withoutFinalLineBreak(Files.readString(Path.of(passwordFile), StandardCharsets.UTF_8));
            } catch (IOException | RuntimeException e) {
                problems.add("DB_PASSWORD_FILE: " + passwordFile + ": cannot read (" + e + ")");
            }
        } else if (dbPassword == null) {
            problems.add("neither DB_PASSWORD_FILE nor DB_PASSWORD is set (expected: the database password)");
        }
        if (!problems.isEmpty()) {
            throw new SiteConfigException(problems);
        }
        return new SiteConfig(bind, port, dbUrl, dbUser, dbPassword);
    }

    /** A copy listening on another port (tests use 0). */
    public SiteConfig withPort(int newPort) {
        return new SiteConfig(bind, newPort, dbUrl, dbUser, dbPassword);
    }

    /** Never prints the password. */
    @Override
    public String toString() {
        return "SiteConfig[bind=" + bind + ", port=" + port + ", dbUrl=" + dbUrl + ", dbUser=" + dbUser + "]";
    }

    private static String value(Map<String, String> env, String name, String fallback) {
        String value = env.get(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    private static String withoutFinalLineBreak(String text) {
        if (text.endsWith("\r\n")) {
            return text.substring(0, text.length() - 2);
        }
        if (text.endsWith("\n")) {
            return text.substring(0, text.length() - 1);
        }
        return text;
    }
}
