package dev.webstack.db;

/**
 * The database the site's instances connect to, as the db tier hands it out: where it is and who to log in as.
 * {@link #start} returns once the database accepts connections as {@link #user}; {@link #close} stops what
 * {@code start} started (an external database is left running) and works after a failed start.
 */
public interface Database extends AutoCloseable {
    void start() throws Exception;

    /** A JDBC URL for the site's database, e.g. {@code jdbc:mariadb://127.0.0.1:3306/foobar}. */
    String jdbcUrl();

    String host();

    int port();

    String database();

    String user();

    String password();

    /** Says what runs where, for the ready line. */
    String describe();

    /** How clients reach it: the embedded server, on loopback, offers no TLS; an external one as its URL says. */
    Tls tls();

    /** TLS as the JDBC URL's {@code sslMode} asks, for the command-line clients to do the same. */
    enum Tls {
        /** Plain TCP ({@code sslMode} absent or {@code disable}). */
        OFF,
        /** TLS without checking the server's certificate ({@code sslMode=trust}). */
        TRUST,
        /** TLS with the server's certificate checked ({@code verify-ca}, {@code verify-full}). */
        VERIFY
    }

    @Override
    void close();
}
