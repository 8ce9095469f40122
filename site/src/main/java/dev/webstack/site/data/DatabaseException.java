package dev.webstack.site.data;

/** A database error that is not a lost connection (a missing table, a broken statement): a bug, answered with 500. */
public final class DatabaseException extends RuntimeException {

    public DatabaseException(Throwable cause) {
        super("database error: " + cause.getMessage(), cause);
    }
}
