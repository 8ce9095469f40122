package dev.webstack.db;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A MySQL 8 or MariaDB server that the stack does not run, given by JDBC URL, user and a password read from a file
 * or an environment variable. {@link #start} only checks that it answers; {@link #close} leaves it running.
 */
public final class ExternalDatabase implements Database {
    private static final Pattern URL = Pattern.compile(
            "jdbc:(?:mariadb|mysql)://(\\[[0-9A-Fa-f:.]+\\]|[^/:?\\[\\]]+)(?::(\\d{1,5}))?/([A-Za-z0-9_$-]+)(\\?.*)?");

    private static final Pattern SSL_MODE = Pattern.compile("[?&]sslMode=([A-Za-z-]+)(?:&|$)", Pattern.CASE_INSENSITIVE);

    private final String host;
    private final int port;
    private final String database;
    private final String query;
    private final String user;
    private final Optional<Path> passwordFile;
    private final String passwordEnv;
    private final Map<String, String> env;
    private String password;

    /**
     * @throws IllegalArgumentException when the URL is not a MySQL or MariaDB JDBC URL with a host and a database,
     *     or the user name is not one a client can pass on
     */
    public ExternalDatabase(String url, String user, Optional<Path> passwordFile, String passwordEnv,
            Map<String, String> env) {
        Matcher m = parseUrl(url);
        checkUser(user);
        this.host = m.group(1);
        this.port = m.group(2) == null ? 3306 : Integer.parseInt(m.group(2));
        this.database = m.group(3);
        this.query = m.group(4) == null ? "" : m.group(4);
        this.user = user;
        this.passwordFile = passwordFile;
        this.passwordEnv = passwordEnv;
        this.env = env;
    }

    /** Checks a JDBC URL as the constructor does, for the config's checks. */
    public static void checkUrl(String url) {
        parseUrl(url);
    }

    /** Checks a user name as the constructor does: printable, at most 80 characters. */
    public static void checkUser(String user) {
        if (user.isEmpty() || user.length() > 80 || !user.chars().allMatch(c -> c >= 0x20 && c != 0x7f)) {
            throw new IllegalArgumentException("expected a user name of 1-80 printable characters, got '"
                    + user.replaceAll("\\p{Cntrl}", "?") + "'");
        }
    }

    private static Matcher parseUrl(String url) {
        Matcher m = URL.matcher(url);
        if (!m.matches()) {
            throw new IllegalArgumentException("expected a JDBC URL like jdbc:mariadb://HOST:PORT/DATABASE"
                    + " (or jdbc:mysql://...), got '" + url + "'");
        }
        if (m.group(2) != null && (Integer.parseInt(m.group(2)) < 1 || Integer.parseInt(m.group(2)) > 65535)) {
            throw new IllegalArgumentException("expected a port 1..65535 in the JDBC URL, got " + m.group(2));
        }
        return m;
    }

    @Override
    public void start() throws IOException, SQLException {
        password = readPassword();
        String probe = jdbcUrl() + (query.isEmpty() ? "?" : "&") + "connectTimeout=5000";
        try (Connection c = DriverManager.getConnection(probe, user, password)) {
            if (!c.isValid(5)) {
                throw new SQLException("the server accepted the login but did not answer a ping within 5 s");
            }
        } catch (SQLException e) {
            throw new SQLException("cannot log in to the external database " + host + ":" + port + "/" + database
                    + " as " + user + ": " + e.getMessage(), e);
        }
    }

    private String readPassword() throws IOException {
        String password = rawPassword();
        if (!password.chars().allMatch(c -> c >= 0x20 && c != 0x7f)) {
            throw new IOException("the external database's password holds a control character (a line break?);"
                    + " expected printable characters only");
        }
        return password;
    }

    private String rawPassword() throws IOException {
        if (passwordFile.isPresent()) {
            Path file = passwordFile.get();
            if (!Files.isReadable(file)) {
                throw new IOException("db.password-file: cannot read " + file);
            }
            String text = Files.readString(file, StandardCharsets.UTF_8);
            int eol = text.indexOf('\n');
            return (eol < 0 ? text : text.substring(0, eol)).stripTrailing();
        }
        String value = env.get(passwordEnv);
        if (value == null) {
            throw new IOException("no password for the external database: set db.password-file, or the environment"
                    + " variable " + passwordEnv);
        }
        return value;
    }

    @Override
    public String jdbcUrl() {
        return "jdbc:mariadb://" + host + ":" + port + "/" + database + query;
    }

    @Override
    public String host() {
        return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String database() {
        return database;
    }

    @Override
    public String user() {
        return user;
    }

    @Override
    public String password() {
        return password;
    }

    /** As the JDBC URL says: the MariaDB driver speaks TLS only when {@code sslMode} asks for it. */
    @Override
    public Tls tls() {
        Matcher m = SSL_MODE.matcher(query);
        if (!m.find()) {
            return Tls.OFF;
        }
        return switch (m.group(1).toLowerCase(java.util.Locale.ROOT)) {
            case "disable" -> Tls.OFF;
            case "trust" -> Tls.TRUST;
            default -> Tls.VERIFY;
        };
    }

    @Override
    public String describe() {
        return "external database " + host + ":" + port + ", database " + database + ", user " + user;
    }

    @Override
    public void close() {
        // not ours to stop
    }
}
