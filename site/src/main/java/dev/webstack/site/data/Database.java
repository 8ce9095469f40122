package dev.webstack.site.data;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.webstack.site.SiteConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;
import java.util.concurrent.Executor;
import org.flywaydb.core.Flyway;

/**
 * The site's one way to the database: a small HikariCP pool, Flyway migrations on start, and the translation
 * of {@link SQLException}s into {@link DatabaseUnavailableException} (503) or {@link DatabaseException} (500).
 *
 * <p>Every wait is bounded so that a database that is gone turns into a quick 503 instead of hung threads:
 * borrowing waits at most {@link #CONNECTION_TIMEOUT_MS}, the driver connects within 2 s and gives up on a
 * silent socket after 15 s. The pool drops connections that fail and opens new ones when the server is back.
 */
public final class Database implements AutoCloseable {

    static final long CONNECTION_TIMEOUT_MS = 2_000;
    static final int POOL_SIZE = 8;
    static final int HEALTH_TIMEOUT_MS = 1_500;

    /** MariaDB/MySQL error codes of a connection that is gone or going. */
    private static final Set<Integer> CONNECTION_ERRORS = Set.of(1053, 1927, 2002, 2003, 2006, 2013);

    private final HikariDataSource pool;
    /** A connection of its own for /healthz when every pooled one is lent: a busy pool is not taken for a dead one. */
    private final HikariDataSource healthPool;

    private Database(HikariDataSource pool, HikariDataSource healthPool) {
        this.pool = pool;
        this.healthPool = healthPool;
    }

    /** Opens the pool; fails at once (DatabaseUnavailableException) when the server cannot be reached. */
    public static Database open(SiteConfig config) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("site-db");
        hikari.setJdbcUrl(config.dbUrl());
        hikari.setUsername(config.dbUser());
        hikari.setPassword(config.dbPassword());
        hikari.setMaximumPoolSize(POOL_SIZE);
        hikari.setMinimumIdle(2);
        hikari.setConnectionTimeout(CONNECTION_TIMEOUT_MS);
        hikari.setValidationTimeout(1_000);
        hikari.setInitializationFailTimeout(CONNECTION_TIMEOUT_MS);
        hikari.setMaxLifetime(30 * 60_000);
        // driver-level bounds: a dead host must not hold a request thread for minutes
        hikari.addDataSourceProperty("connectTimeout", "2000");
        hikari.addDataSourceProperty("socketTimeout", "15000");
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(hikari);
        } catch (RuntimeException e) {
            throw new DatabaseUnavailableException(e.getCause() != null ? e.getCause() : e);
        }
        HikariConfig health = new HikariConfig();
        hikari.copyStateTo(health);
        health.setPoolName("site-db-health");
        health.setMaximumPoolSize(1);
        health.setMinimumIdle(1);
        health.setInitializationFailTimeout(-1); // the main pool has just proved the server answers
        return new Database(pool, new HikariDataSource(health));
    }

    /** Brings the schema up to date (from empty on first start); several instances may race, Flyway locks. */
    public void migrate() {
        Flyway.configure()
                .dataSource(pool)
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }

    /** Runs work on a pooled connection in auto-commit mode. */
    public <T> T query(SqlWork<T> work) {
        try (Connection connection = pool.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    /** Runs work in one transaction: committed when it returns, rolled back when it throws. */
    public <T> T transaction(SqlWork<T> work) {
        try (Connection connection = pool.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection, e);
                throw e;
            }
            // the pool restores auto-commit when the connection goes back
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    /**
     * Runs {@code DELETE FROM ... WHERE ...} ({@code delete}, without LIMIT) in batches of 1000 rows, at most 100
     * of them, so a clean-up never holds locks on a large table for long; returns how many rows went.
     */
    public static int deleteInBatches(Connection connection, String delete) throws SQLException {
        int total = 0;
        try (PreparedStatement statement = connection.prepareStatement(delete + " LIMIT 1000")) {
            for (int round = 0; round < 100; round++) {
                int removed = statement.executeUpdate();
                total += removed;
                if (removed < 1000) {
                    break;
                }
            }
        }
        return total;
    }

    /**
     * {@code SELECT 1} within {@link #HEALTH_TIMEOUT_MS} plus the borrowing timeout; never throws. The network
     * timeout is set on the connection itself, so a server that accepts but never answers cannot hang the probe.
     *
     * <p>The probe borrows from the pool that requests use, so it says yes only when a request would get a working
     * connection: after an outage the pool waits up to 5 s between its attempts to reconnect (HikariCP's backoff),
     * and during that wait the database answers but requests still get 503. Only when every pooled connection is
     * lent does the probe use a connection of its own: a busy site is not a dead one.
     */
    public boolean isHealthy() {
        HikariPoolMXBean state = pool.getHikariPoolMXBean();
        // Connections there, none free: lent out. An empty pool (reconnecting after an outage) is asked, and says no.
        boolean allLent = state.getTotalConnections() > 0 && state.getIdleConnections() == 0;
        try (Connection connection = (allLent ? healthPool : pool).getConnection()) {
            Executor direct = Runnable::run;
            connection.setNetworkTimeout(direct, HEALTH_TIMEOUT_MS);
            try (PreparedStatement statement = connection.prepareStatement("SELECT 1");
                    ResultSet rows = statement.executeQuery()) {
                return rows.next() && rows.getInt(1) == 1;
            }
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        healthPool.close();
        pool.close();
    }

    /** Whether the exception says the connection is gone (as opposed to a bad statement). */
    static boolean isConnectionProblem(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException
                    || t instanceof SQLNonTransientConnectionException
                    || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                if (state != null && (state.startsWith("08") || state.equals("70100"))) {
                    return true;
                }
                if (CONNECTION_ERRORS.contains(sql.getErrorCode())) {
                    return true;
                }
            }
            if (t instanceof java.io.IOException) {
                return true;
            }
        }
        return false;
    }

    public static RuntimeException translate(SQLException e) {
        return isConnectionProblem(e) ? new DatabaseUnavailableException(e) : new DatabaseException(e);
    }

    private static void rollbackQuietly(Connection connection, Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException rollbackFailure) {
            cause.addSuppressed(rollbackFailure);
        }
    }
}
